import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pino from 'pino';

import { generateDemoData, loadDemoSettings, type DemoSummary } from '../../distributor/src/demo/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { factDigests, insertSmallChain, STORE_CODES } from './tree.js';

const log = pino({ level: 'silent' });
const now = new Date('2025-06-30T15:20:00Z');
const size = 3000;

describe('demo data generator', () => {
  let first: TestDatabase;
  let twin: TestDatabase;
  let other: TestDatabase;
  let summary: DemoSummary;

  beforeAll(async () => {
    [first, twin, other] = await Promise.all([createTestDatabase(), createTestDatabase(), createTestDatabase()]);
    await insertSmallChain(first.admin);
    await insertSmallChain(twin.admin, { reversed: true });
    await insertSmallChain(other.admin);
    summary = await generateDemoData(first.admin, { seed: 7, responses: size, now, log });
    await generateDemoData(twin.admin, { seed: 7, responses: size, now, log });
    await generateDemoData(other.admin, { seed: 8, responses: size, now, log });
  });
  afterAll(async () => {
    await Promise.all([first?.drop(), twin?.drop(), other?.drop()]);
  });

  it('writes exactly the requested number of responses, and orders and audits in proportion', async () => {
    const counts = await tableCounts(first);
    expect(counts.survey_response).toBe(size);
    expect(counts.customer_order).toBe(size * loadDemoSettings().orders.perResponse);
    expect(counts.mystery_audit).toBeGreaterThan(0);
    expect(summary).toMatchObject({ stores: STORE_CODES.length, responses: size, ...counts.summaryPart });
  });

  it('gives identical rows for the same seed and day, whatever order the tree was loaded in', async () => {
    expect(await factDigests(twin.admin)).toEqual(await factDigests(first.admin));
  });

  it('gives different rows for a different seed', async () => {
    const a = await factDigests(first.admin);
    const b = await factDigests(other.admin);
    for (const table of Object.keys(a)) expect(b[table]).not.toBe(a[table]);
  });

  it('puts every fact at a store unit', async () => {
    const { rows } = await first.admin.query<{ kind: string; tables: number }>(
      `SELECT u.kind, count(DISTINCT f.tab)::int AS tables FROM (
         SELECT 'r' AS tab, unit_id FROM cx.survey_response UNION ALL SELECT 'c', unit_id FROM cx.survey_contact
         UNION ALL SELECT 'a', unit_id FROM cx.mystery_audit UNION ALL SELECT 'o', unit_id FROM cx.customer_order
       ) f JOIN orgscope.org_unit u ON u.id = f.unit_id GROUP BY u.kind`,
    );
    expect(rows).toEqual([{ kind: 'store', tables: 4 }]);
    const { rows: stores } = await first.admin.query<{ code: string }>(
      `SELECT DISTINCT u.code FROM cx.survey_response r JOIN orgscope.org_unit u ON u.id = r.unit_id ORDER BY 1`,
    );
    expect(stores.map((s) => s.code)).toEqual([...STORE_CODES].sort());
  });

  it('keeps scores in range, with some stores clearly better than others', async () => {
    const { rows } = await first.admin.query(
      `SELECT min(nps) AS nps_min, max(nps) AS nps_max, min(csat) AS csat_min, max(csat) AS csat_max,
              count(*) FILTER (WHERE nps IS NULL)::int AS nps_missing FROM cx.survey_response`,
    );
    expect(rows[0]).toMatchObject({ nps_min: 0, nps_max: 10, csat_min: 1, csat_max: 5 });
    expect(rows[0].nps_missing).toBeLessThan(size * 0.1);

    const { rows: byStore } = await first.admin.query<{ nps: number }>(
      `SELECT avg(nps)::float AS nps FROM cx.survey_response GROUP BY unit_id ORDER BY 1`,
    );
    expect(byStore.at(-1)!.nps - byStore[0]!.nps).toBeGreaterThan(2);
  });

  it('spans the 13 months before the given day and never reaches into it', async () => {
    const { rows } = await first.admin.query<{ first: Date; last: Date; months: number }>(
      `SELECT min(responded_at) AS first, max(responded_at) AS last,
              count(DISTINCT date_trunc('month', responded_at AT TIME ZONE 'Asia/Shanghai'))::int AS months
       FROM cx.survey_response`,
    );
    expect(rows[0]!.last.getTime()).toBeLessThan(Date.parse('2025-06-30T00:00:00Z'));
    expect(rows[0]!.first.getTime()).toBeGreaterThanOrEqual(Date.parse('2024-05-29T16:00:00Z'));
    expect(rows[0]!.months).toBe(14);
  });

  it("has busier weekends and a Singles' Day peak, in the chain's local time", async () => {
    const { rows } = await first.admin.query<{
      saturday: number;
      tuesday: number;
      singles: number;
      day_before: number;
    }>(
      `SELECT count(*) FILTER (WHERE extract(dow FROM local) = 6)::int AS saturday,
              count(*) FILTER (WHERE extract(dow FROM local) = 2)::int AS tuesday,
              count(*) FILTER (WHERE local::date = '2024-11-11')::int AS singles,
              count(*) FILTER (WHERE local::date = '2024-11-10')::int AS day_before
       FROM (SELECT responded_at AT TIME ZONE 'Asia/Shanghai' AS local FROM cx.survey_response) r`,
    );
    expect(rows[0]!.saturday).toBeGreaterThan(rows[0]!.tuesday * 1.3);
    expect(rows[0]!.singles).toBeGreaterThan(rows[0]!.day_before * 2);
  });

  it('leaves contact details on about the configured share of responses, masked exactly as SQL masks them', async () => {
    const settings = loadDemoSettings();
    const { rows } = await first.admin.query(
      `SELECT count(c.response_id)::int AS contacts,
              count(*) FILTER (WHERE r.customer_name_masked IS DISTINCT FROM orgscope.mask_name(c.customer_name)
                OR r.customer_phone_masked IS DISTINCT FROM orgscope.mask_phone(c.customer_phone)
                OR r.customer_email_masked IS DISTINCT FROM orgscope.mask_email(c.customer_email))::int AS mismatched,
              count(*) FILTER (WHERE c.customer_phone !~ '^1[3-9][0-9]{9}$')::int AS odd_phones,
              count(c.customer_email)::int AS emails
       FROM cx.survey_response r LEFT JOIN cx.survey_contact c ON c.response_id = r.id`,
    );
    const { contacts, mismatched, odd_phones, emails } = rows[0];
    expect(contacts / size).toBeGreaterThan(settings.contacts.share - 0.04);
    expect(contacts / size).toBeLessThan(settings.contacts.share + 0.04);
    expect(emails).toBeGreaterThan(0);
    expect(odd_phones).toBe(0);
    expect(mismatched).toBe(0);
  });

  it('writes comments in Chinese and in English', async () => {
    const { rows } = await first.admin.query(
      `SELECT count(comment)::int AS comments,
              count(*) FILTER (WHERE comment ~ '[\\u4e00-\\u9fff]')::int AS chinese,
              count(*) FILTER (WHERE comment ~ '^[A-Z][A-Za-z ,.!]+$')::int AS english
       FROM cx.survey_response`,
    );
    expect(rows[0].comments / size).toBeGreaterThan(0.2);
    expect(rows[0].chinese).toBeGreaterThan(rows[0].english);
    expect(rows[0].english).toBeGreaterThan(0);
    expect(rows[0].chinese + rows[0].english).toBe(rows[0].comments);
  });

  it('continues ids after the generated rows', async () => {
    const { rows } = await first.admin.query<{ id: string }>(
      `INSERT INTO cx.customer_order (ordered_at, unit_id, channel, status, items, amount)
       SELECT now(), unit_id, 'store', 'completed', 1, 9.9 FROM cx.customer_order LIMIT 1 RETURNING id`,
    );
    expect(Number(rows[0]!.id)).toBe(size * 3 + 1);
  });
});

interface FactCounts {
  survey_response: number;
  survey_contact: number;
  mystery_audit: number;
  customer_order: number;
}

async function tableCounts(db: TestDatabase) {
  const { rows } = await db.admin.query<FactCounts>(
    `SELECT (SELECT count(*) FROM cx.survey_response)::int AS survey_response,
            (SELECT count(*) FROM cx.survey_contact)::int AS survey_contact,
            (SELECT count(*) FROM cx.mystery_audit)::int AS mystery_audit,
            (SELECT count(*) FROM cx.customer_order)::int AS customer_order`,
  );
  const counts = rows[0]!;
  return {
    ...counts,
    summaryPart: { contacts: counts.survey_contact, audits: counts.mystery_audit, orders: counts.customer_order },
  };
}
