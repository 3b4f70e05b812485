import { Writable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { createLogger } from '../../distributor/src/logger.js';
import { tableQuery } from '../support/frames.js';
import { startTestDistributor, type TestDistributor } from '../support/distributor.js';
import { VIEWERS, arrangeSmallChain } from '../support/smallChain.js';

describe('logs', () => {
  let t: TestDistributor;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestDistributor({
      log: createLogger({ level: 'debug', destination: sink }),
      arrange: (db) => arrangeSmallChain(db.admin).then(() => undefined),
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('are JSON lines, one per request with its id, and never hold the route key or a token', async () => {
    const headers = await t.headersFor(VIEWERS.store.login);
    await t.query(VIEWERS.store.login, tableQuery('SELECT count(*) FROM survey_responses'));
    await t.query(VIEWERS.store.login, tableQuery('SELECT no_such_column FROM survey_responses'));
    await fetch(`${t.url}/api/query`, { method: 'POST', headers: { ...headers, 'x-orgscope-key': `${t.routeKey}x` } });
    await fetch(`${t.url}/api/query`, {
      method: 'POST',
      headers: { ...headers, 'x-grafana-id': `${headers['x-grafana-id']}x` },
    });

    const records = lines.map((line) => JSON.parse(line) as { msg: string; reqId?: string; status?: number });
    const requests = records.filter((r) => r.msg === 'request');
    expect(requests.map((r) => r.status)).toEqual([200, 400, 401, 401]);
    expect(requests.every((r) => typeof r.reqId === 'string' && r.reqId.length > 0)).toBe(true);

    const everything = lines.join('\n');
    expect(everything).not.toContain(t.routeKey);
    expect(everything).not.toContain(headers['x-grafana-id']!);
    const signature = headers['x-grafana-id']!.split('.')[2]!;
    expect(everything).not.toContain(signature);
  });
});
