import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { rowsOf, tableQuery } from '../support/frames.js';
import { startTestDistributor, type TestDistributor } from '../support/distributor.js';
import { AUDITS, ORDERS, RESPONSES, TEAM, VIEWERS, arrangeSmallChain, type UnitCode } from '../support/smallChain.js';

const TABLES = {
  survey_responses: RESPONSES,
  survey_response: RESPONSES,
  survey_contact: RESPONSES,
  mystery_audit: AUDITS,
  customer_order: ORDERS,
} as const;

// Run twice: with the default split of policies by scope size, and with every scope of more than one
// unit on the bit-string policy, so that each of the four query roles answers the viewers it can.
describe.each([
  ['default policy split', '32'],
  ['every multi-unit scope on the bit-string policy', '1'],
])('scope matrix (%s): every kind of viewer against every fact table', (_name, smallScopeUnits) => {
  let t: TestDistributor;
  let codeOf: Map<number, string>;

  beforeAll(async () => {
    let ids: Record<UnitCode, number> | undefined;
    t = await startTestDistributor({
      env: { QUERY_SMALL_SCOPE_UNITS: smallScopeUnits },
      arrange: async (db) => void (ids = await arrangeSmallChain(db.admin)),
    });
    codeOf = new Map(Object.entries(ids!).map(([code, id]) => [id, code]));
    for (const member of TEAM.members) t.grafana.setTeams(member, [TEAM.name]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  const countsBy = async (login: string, table: string) => {
    const answer = await t.query(login, tableQuery(`SELECT unit_id, count(*) AS n FROM ${table} GROUP BY unit_id`));
    expect(answer.status).toBe(200);
    return Object.fromEntries(rowsOf(answer.body).map((row) => [codeOf.get(row.unit_id as number), row.n]));
  };

  for (const [kind, viewer] of Object.entries(VIEWERS)) {
    describe(`${kind} viewer ${viewer.login}`, () => {
      for (const [table, truth] of Object.entries(TABLES)) {
        const contactsHidden = table === 'survey_contact' && !viewer.contacts;
        it(`sees exactly the ${table} rows of ${contactsHidden ? 'no unit (contacts not allowed)' : viewer.sees.join(', ') || 'no unit'}`, async () => {
          const expected = Object.fromEntries(
            (contactsHidden ? [] : viewer.sees).filter((code) => truth[code]).map((code) => [code, truth[code]]),
          );
          expect(await countsBy(viewer.login, table)).toEqual(expected);
        });
      }

      it('sees exactly the org units of the scope', async () => {
        const answer = await t.query(viewer.login, tableQuery('SELECT code FROM org_units ORDER BY code'));
        expect(rowsOf(answer.body).map((r) => r.code)).toEqual([...viewer.sees].sort());
      });

      it(
        viewer.contacts ? 'sees customer contact details unmasked' : 'sees customer contact details masked',
        async () => {
          const answer = await t.query(
            viewer.login,
            tableQuery('SELECT customer_name, customer_phone, customer_email FROM survey_responses'),
          );
          const rows = rowsOf(answer.body);
          const expectedCount = viewer.sees.reduce((sum, code) => sum + (RESPONSES[code as UnitCode] ?? 0), 0);
          expect(rows).toHaveLength(expectedCount);
          for (const row of rows) {
            if (viewer.contacts) {
              expect(row.customer_name).toMatch(/^Customer S\d-\d+$/);
              expect(row.customer_phone).toMatch(/^1380000\d{4}$/);
            } else {
              expect(row.customer_name).toBe('C***');
              expect(row.customer_phone).toMatch(/^138\*+\d{4}$/);
              expect(row.customer_email).toMatch(/^c\*\*\*@/);
            }
          }
        },
      );
    });
  }

  it('head office counts match the whole chain without any filter', async () => {
    const answer = await t.query(
      VIEWERS.headOffice.login,
      tableQuery('SELECT count(*) AS n, sum(nps) AS total FROM survey_responses'),
    );
    const all = Object.values(RESPONSES).reduce((a, b) => a + b, 0);
    expect(rowsOf(answer.body)).toEqual([{ n: all, total: 1 * 10 + 3 * 1 + 6 * 2 + 9 * 3 + 12 * 4 }]);
  });

  it('an unmapped viewer gets no rows and a notice saying whom to ask', async () => {
    const answer = await t.query(VIEWERS.unmapped.login, tableQuery('SELECT count(*) AS n FROM survey_responses'));
    expect(rowsOf(answer.body)).toEqual([{ n: 0 }]);
    const notices = answer.body.results.A.frames[0].schema.meta.notices;
    expect(notices[0].text).toContain('not mapped');
    expect(notices[0].text).toContain('admin@chain.example');
  });

  it('whoami tells each viewer their scope as a person reads it', async () => {
    const whoami = async (login: string) => {
      const response = await fetch(`${t.url}/api/whoami`, { headers: await t.headersFor(login) });
      return (await response.json()) as {
        mapped: boolean;
        scope: { summary: string; storeCount: number; coversAll: boolean };
        message?: string;
      };
    };
    expect((await whoami(VIEWERS.region.login)).scope).toMatchObject({
      summary: 'Region East, 3 stores',
      storeCount: 3,
      coversAll: false,
    });
    expect((await whoami(VIEWERS.store.login)).scope).toMatchObject({ summary: 'Store One', storeCount: 1 });
    expect((await whoami(VIEWERS.headOffice.login)).scope).toMatchObject({ coversAll: true, storeCount: 4 });
    expect((await whoami(VIEWERS.teamMapped.login)).scope).toMatchObject({ summary: 'Region West, 1 store' });
    const nobody = await whoami(VIEWERS.unmapped.login);
    expect(nobody.mapped).toBe(false);
    expect(nobody.message).toContain('Chain Admin');
  });
});
