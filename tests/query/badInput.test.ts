import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { tableQuery } from '../support/frames.js';
import { startTestDistributor, type TestDistributor } from '../support/distributor.js';
import { VIEWERS, arrangeSmallChain } from '../support/smallChain.js';

describe('bad input to /api/query gets a 4xx that says what was wrong', () => {
  let t: TestDistributor;

  beforeAll(async () => {
    t = await startTestDistributor({
      env: { BODY_LIMIT_BYTES: '65536' },
      arrange: (db) => arrangeSmallChain(db.admin).then(() => undefined),
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const post = async (body: string, contentType = 'application/json') => {
    const response = await fetch(`${t.url}/api/query`, {
      method: 'POST',
      headers: { ...(await t.headersFor(VIEWERS.store.login)), 'content-type': contentType },
      body,
    });
    return { status: response.status, body: (await response.json()) as { message?: string; results?: any } }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read field by field
  };

  it('malformed JSON', async () => {
    const answer = await post('{"queries": [');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/not valid JSON/);
  });

  it('a body that is not JSON', async () => {
    const answer = await post('queries=1', 'text/plain');
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/application\/json/);
  });

  it('an unknown format', async () => {
    const body = tableQuery('SELECT 1');
    const answer = await post(JSON.stringify({ ...body, queries: [{ ...body.queries[0], format: 'logs' }] }));
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/queries\.0\.format/);
  });

  it('no queries, a bad range, duplicate refIds', async () => {
    expect((await post(JSON.stringify({ queries: [], range: tableQuery('').range }))).body.message).toMatch(
      /at least one query/,
    );
    const badRange = await post(JSON.stringify({ ...tableQuery('SELECT 1'), range: { from: 'yesterday', to: 'now' } }));
    expect(badRange.body.message).toMatch(/range\.from: "yesterday" is not epoch milliseconds/);
    const twice = tableQuery('SELECT 1');
    const dup = await post(JSON.stringify({ ...twice, queries: [twice.queries[0], twice.queries[0]] }));
    expect(dup.body.message).toMatch(/its own refId/);
  });

  it('empty SQL is an error on its own query', async () => {
    const answer = await post(JSON.stringify(tableQuery('  -- nothing here\n ')));
    expect(answer.status).toBe(400);
    expect(answer.body.results.A.error).toMatch(/query is empty/);
  });

  it('a failing query reports PostgreSQL’s message on its own refId, the others still answer', async () => {
    const body = tableQuery('SELECT no_such_column FROM survey_responses');
    const ok = tableQuery('SELECT 1 AS one', 'B').queries[0];
    const answer = await post(JSON.stringify({ ...body, queries: [...body.queries, ok] }));
    expect(answer.status).toBe(207);
    expect(answer.body.results.A.error).toMatch(/column "no_such_column" does not exist/);
    expect(answer.body.results.B.frames).toHaveLength(1);
  });

  it('a huge body', async () => {
    const answer = await post(JSON.stringify(tableQuery(`SELECT '${'x'.repeat(70_000)}'`)));
    expect(answer.status).toBe(413);
    expect(answer.body.message).toMatch(/larger than the distributor accepts/);
  });

  it('an unknown path', async () => {
    const response = await fetch(`${t.url}/api/nothing`, { headers: await t.headersFor(VIEWERS.store.login) });
    expect(response.status).toBe(404);
  });
});
