import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pino from 'pino';

import * as ledger from '../../distributor/src/reports/ledger.js';
import { createMailer, type Mailer } from '../../distributor/src/reports/mail/mailer.js';
import { fanOutOccurrence, runGroup } from '../../distributor/src/reports/run.js';
import { saveSchedule } from '../../distributor/src/reports/scheduleStore.js';
import { scheduleInputSchema } from '../../distributor/src/reports/schedule.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startSmtpServer, type SmtpFault, type TestSmtpServer } from '../support/smtpServer.js';
import { arrangeStores, renderStandIn, runDeps, testSettings } from './fixtures.js';

jest.setTimeout(120_000);

let db: TestDatabase;
let smtp: TestSmtpServer | undefined;
let mailer: Mailer | undefined;
let scheduleId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  await arrangeStores(db.admin, 20, 2);
  const input = scheduleInputSchema.parse({
    name: 'weekly-east',
    title: 'Experience overview',
    dashboardUid: 'experience',
    cron: '0 8 * * 1',
    timeZone: 'Asia/Shanghai',
    audience: { units: ['REGION'], roles: ['store_manager'] },
  });
  scheduleId = (await saveSchedule(db.admin, input, 'api')).id;
});
afterEach(async () => {
  mailer?.close();
  await smtp?.close();
});
afterAll(async () => db.drop());

async function runOccurrence(faults?: (n: number) => SmtpFault, settings = testSettings()) {
  smtp = await startSmtpServer({ fault: faults });
  mailer = createMailer({ smtpUrl: smtp.url, connections: 4, log: pino({ level: 'silent' }) });
  const renders = renderStandIn();
  const deps = runDeps(db.admin, mailer, renders.render, settings);
  const occurrence = await ledger.createOccurrence(db.admin, { scheduleId, fireTime: new Date(), kind: 'manual' });
  await fanOutOccurrence(deps, occurrence!.id);
  for (const [occurrenceId, key] of deps.groups) await runGroup(deps, occurrenceId, key);
  const deliveries = await ledger.listDeliveries(db.admin, { occurrenceId: occurrence!.id });
  return { occurrenceId: occurrence!.id, renders, deliveries, groups: deps.groups };
}

describe('report mail and the delivery ledger', () => {
  it('sends each recipient one email naming their own store, with the image inline and the PDF attached', async () => {
    const { renders, deliveries, groups } = await runOccurrence();

    expect(groups).toHaveLength(20);
    expect(renders.requests).toHaveLength(20);
    expect(deliveries).toHaveLength(40);
    expect(deliveries.every((d) => d.state === 'sent')).toBe(true);

    const mail = smtp!.received.find((m) => m.envelopeTo[0] === 'm007-2@chain.example')!;
    expect(smtp!.received).toHaveLength(40);
    const scope = deliveries.find((d) => d.email === 'm007-2@chain.example')!.scope;
    expect(scope.roots.map((r) => r.code)).toEqual(['ST007']);
    expect(mail.parsed.subject).toBe(`Experience overview: ${scope.summary}`);
    expect(mail.parsed.html).toContain('Store 7');
    expect(mail.parsed.html).not.toMatch(/Store (?!7\b)\d+/);
    // mailparser inlines the cid: image as a data URI; the part itself is related to the body.
    expect(mail.parsed.html).toContain('<img src="data:image/png;base64,');
    expect(mail.parsed.html).toMatch(/href="[^"]*\/d\/experience\?[^"]*from=now-7d/);
    const inline = mail.parsed.attachments.find(
      (a) => a.contentId === '<dashboard@orgscope>' || a.cid === 'dashboard@orgscope',
    );
    expect(inline?.contentType).toBe('image/png');
    expect(inline?.related).toBe(true);
    const pdf = mail.parsed.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdf?.filename).toMatch(/^experience-overview-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(pdf?.content.subarray(0, 5).toString()).toBe('%PDF-');
    expect(mail.parsed.messageId).toBe(deliveries.find((d) => d.email === 'm007-2@chain.example')!.messageId);
  });

  it('under 4xx replies and dropped connections delivers everyone, duplicating only deliveries counted unknown', async () => {
    // Deterministic: every third attempt is deferred, every seventh cut mid-data, every eleventh cut after acceptance.
    const fault = (n: number): SmtpFault =>
      n % 11 === 5 ? 'drop_after_accept' : n % 7 === 3 ? 'drop_before_end' : n % 3 === 1 ? 'defer' : 'accept';
    const { deliveries } = await runOccurrence(fault);
    const received = new Map<string, number>();
    for (const m of smtp!.received) received.set(m.envelopeTo[0]!, (received.get(m.envelopeTo[0]!) ?? 0) + 1);

    const unknown = deliveries.filter((d) => d.state === 'unknown');
    const cutAfterAccept = smtp!.received.filter((m) => m.fault === 'drop_after_accept').map((m) => m.envelopeTo[0]);
    expect(smtp!.attempts.defer).toBeGreaterThan(5);
    expect(smtp!.attempts.drop_before_end).toBeGreaterThan(0);
    expect(cutAfterAccept.length).toBeGreaterThan(0);
    // A cut after acceptance is unknown and never resent; anything else ended sent.
    expect(unknown.map((d) => d.email).sort()).toEqual(expect.arrayContaining(cutAfterAccept.sort()));
    expect(unknown.length).toBeLessThanOrEqual(smtp!.attempts.drop_after_accept + smtp!.attempts.drop_before_end);
    expect(deliveries.filter((d) => d.state === 'sent').length + unknown.length).toBe(40);
    for (const d of deliveries.filter((d) => d.state === 'sent')) expect(received.get(d.email)).toBe(1);
    for (const d of unknown) expect(received.get(d.email) ?? 0).toBeLessThanOrEqual(1);
    expect(unknown[0]?.lastError).toMatch(/after the message was sent/);
  });

  it('gives up on a 5xx at once, with the server’s reply in the ledger', async () => {
    const { deliveries } = await runOccurrence((n) => (n === 0 ? 'reject' : 'accept'));
    const failed = deliveries.filter((d) => d.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.attempts).toBe(1);
    expect(failed[0]!.lastError).toMatch(/550 No such mailbox here/);
    expect(smtp!.received).toHaveLength(39);
  });

  it('fails a delivery that stays deferred after the configured attempts', async () => {
    const { deliveries } = await runOccurrence(
      (n) => (n < 3 ? 'defer' : 'accept'),
      testSettings({ REPORT_MAIL_ATTEMPTS: '3', REPORT_SMTP_CONNECTIONS: '1' }),
    );
    const failed = deliveries.filter((d) => d.state === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.attempts).toBe(3);
    expect(failed[0]!.lastError).toMatch(/gave up after 3 attempts: server deferred: 451/);
  });
});
