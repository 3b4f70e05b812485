import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { rowsOf, tableQuery } from '../support/frames.js';
import { startTestDistributor, type TestDistributor } from '../support/distributor.js';
import { TEAM, VIEWERS, arrangeSmallChain, type UnitCode } from '../support/smallChain.js';

const LANES_PER_VIEWER = 3;
const QUERIES_PER_LANE = 12;

describe('many viewers of different scopes interleaved on one small pool', () => {
  let t: TestDistributor;
  let codeOf: Map<number, string>;

  beforeAll(async () => {
    let ids: Record<UnitCode, number> | undefined;
    // Three connections per query role for five viewers with three lanes each: every connection is
    // reused across scopes many times over.
    t = await startTestDistributor({
      env: { QUERY_POOL_SIZE: '3' },
      arrange: async (db) => void (ids = await arrangeSmallChain(db.admin)),
    });
    codeOf = new Map(Object.entries(ids!).map(([code, id]) => [id, code]));
    for (const member of TEAM.members) t.grafana.setTeams(member, [TEAM.name]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('never gives anybody another scope’s row', async () => {
    const viewers = [
      VIEWERS.headOffice,
      VIEWERS.region,
      VIEWERS.store,
      VIEWERS.multiUnit,
      VIEWERS.teamMapped,
      VIEWERS.unmapped,
    ];
    const seen = new Map<string, Set<string>>();
    const lane = async (viewer: (typeof viewers)[number]) => {
      for (let i = 0; i < QUERIES_PER_LANE; i += 1) {
        const table = ['survey_response', 'mystery_audit', 'customer_order'][i % 3];
        const answer = await t.query(viewer.login, tableQuery(`SELECT DISTINCT unit_id FROM ${table}`));
        expect(answer.status).toBe(200);
        const units = seen.get(viewer.login) ?? new Set<string>();
        for (const row of rowsOf(answer.body)) units.add(codeOf.get(row.unit_id as number)!);
        seen.set(viewer.login, units);
      }
    };
    await Promise.all(viewers.flatMap((viewer) => Array.from({ length: LANES_PER_VIEWER }, () => lane(viewer))));

    for (const viewer of viewers) {
      const allowed = new Set<string>(viewer.sees);
      const outside = [...(seen.get(viewer.login) ?? [])].filter((code) => !allowed.has(code));
      expect({ viewer: viewer.login, outside }).toEqual({ viewer: viewer.login, outside: [] });
    }
    // And the scopes were really exercised: the head office saw every unit that has rows.
    expect([...seen.get(VIEWERS.headOffice.login)!].sort()).toEqual(['EAST-A', 'S1', 'S2', 'S3', 'S4']);
  });

  it('refuses a viewer more concurrent queries than the cap, without touching others', async () => {
    const slow = tableQuery('SELECT pg_sleep(0.5) AS slept');
    const burst = await Promise.all(Array.from({ length: 8 }, () => t.query(VIEWERS.store.login, slow)));
    const refused = burst.filter((a) => a.body.results?.A?.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]!.body.results.A.error).toMatch(/queries running/);
    const other = await t.query(VIEWERS.region.login, tableQuery('SELECT 1 AS ok'));
    expect(rowsOf(other.body)).toEqual([{ ok: 1 }]);
  });
});
