import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import pino from 'pino';

import { applyOrgFiles, loadOrgFiles } from '../../distributor/src/orgtree/index.js';
import { createScheduleLookups } from '../../distributor/src/reports/lookups.js';
import { loadScheduleFiles } from '../../distributor/src/reports/provisioning.js';
import { listSchedules, saveSchedule } from '../../distributor/src/reports/scheduleStore.js';
import { scheduleInputSchema } from '../../distributor/src/reports/schedule.js';
import { expandAudience } from '../../distributor/src/reports/audience.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

jest.setTimeout(60_000);

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = pino({ level: 'silent' });
/** Stands in for Grafana's dashboard API with the uids of the provisioned demo dashboards. */
const dashboardCatalogStandIn = {
  exists: async (uid: string) => ['orgscope-cx-overview', 'orgscope-store-ranking'].includes(uid),
};
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await applyOrgFiles(db.admin, await loadOrgFiles(path.join(repo, 'provisioning/orgtree')), log);
});
afterAll(async () => db.drop());

const deps = () => ({ admin: db.admin, lookups: createScheduleLookups(db.admin, dashboardCatalogStandIn), log });

describe('report schedules from provisioning files', () => {
  it('loads the repository’s schedules against the demo org tree', async () => {
    expect(await loadScheduleFiles(path.join(repo, 'provisioning/reports'), deps())).toBe(1);
    const [schedule] = await listSchedules(db.admin);
    expect(schedule).toMatchObject({ name: 'experience-weekly-east', source: 'file', timeZone: 'Asia/Shanghai' });
    // Every store manager under East and no one else: sm.<store> for its 88 stores, and the two named
    // demo store managers of SH001 and SH002 (provisioning/orgtree/README.md).
    const logins = (await expandAudience(db.admin, schedule!.audience)).map((r) => r.login);
    expect(logins.filter((login) => login.startsWith('sm.'))).toHaveLength(88);
    expect(logins.filter((login) => !login.startsWith('sm.')).sort()).toEqual(['store.sh001', 'store.sh002']);
    expect(logins.filter((login) => /^sm\.(bj|gz|cd|wh)/.test(login))).toEqual([]);
  });

  it('names every problem of every file, and changes nothing', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orgscope-reports-'));
    await writeFile(
      path.join(dir, 'a.yaml'),
      'schedules:\n  - name: ok-one\n    dashboardUid: orgscope-cx-overview\n    cron: "0 8 * * 1"\n    timeZone: UTC\n    audience: { units: [EAST] }\n',
    );
    await writeFile(
      path.join(dir, 'b.yaml'),
      'schedules:\n  - name: bad\n    dashboardUid: gone\n    cron: "61 8 * * 1"\n    timeZone: Mars/Olympus\n    audience: { units: [NOWHERE] }\n',
    );
    await writeFile(path.join(dir, 'c.yml'), 'schedules: [unclosed\n');

    const error = await loadScheduleFiles(dir, deps()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_files' });
    const details = (error as { details: string[] }).details;
    expect(details).toEqual([
      expect.stringMatching(/^b\.yaml: schedules\[0\]\.cron: minute/),
      'b.yaml: schedules[0].timeZone: "Mars/Olympus" is not a known IANA time zone, e.g. "Asia/Shanghai"',
      'b.yaml: schedules[0].dashboardUid: no dashboard "gone" in Grafana',
      'b.yaml: schedules[0].audience.units: no org unit with code "NOWHERE"',
      expect.stringMatching(/^c\.yml: cannot be read as YAML/),
    ]);
    expect((await listSchedules(db.admin)).map((s) => s.name)).toEqual(['experience-weekly-east']);
  });

  it('replaces file schedules on reload and leaves schedules made through the API alone', async () => {
    const input = scheduleInputSchema.parse({
      name: 'api-made',
      dashboardUid: 'orgscope-cx-overview',
      cron: '0 9 * * *',
      timeZone: 'UTC',
      audience: { people: ['admin'] },
    });
    await saveSchedule(db.admin, input, 'api');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'orgscope-reports-'));
    await writeFile(
      path.join(dir, 'only.yaml'),
      'schedules:\n  - name: ranking\n    dashboardUid: orgscope-store-ranking\n    cron: "0 7 1 * *"\n    timeZone: Asia/Shanghai\n    audience: { people: [east.manager] }\n',
    );

    await loadScheduleFiles(dir, deps());
    expect((await listSchedules(db.admin)).map((s) => [s.name, s.source])).toEqual([
      ['api-made', 'api'],
      ['ranking', 'file'],
    ]);
  });
});
