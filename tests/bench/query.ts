import os from 'node:os';

import pg from 'pg';
import pino from 'pino';

import { startDistributor } from '../../distributor/src/app.js';
import { expandMacros } from '../../distributor/src/query/macros.js';
import { startGrafanaStandIn } from '../support/grafanaStandIn.js';
import { benchConfig } from './benchConfig.js';
import { benchDatabase } from './benchDatabase.js';
import { createPoster } from './httpClient.js';
import { fixed, summarize, timed } from './stats.js';

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 25);
const WARMUP = 3;
const CONCURRENCY = 16;
const THROUGHPUT_REQUESTS = 160;
const DAY = 24 * 3600 * 1000;

/** Typical panel queries. `{scope}` is where an analyst querying PostgreSQL directly writes the scope. */
const PANELS = [
  {
    name: 'daily NPS trend, 30 days',
    days: 30,
    format: 'time_series',
    sql: `SELECT $__timeGroupAlias(responded_at, 1d), avg(nps)::float8 AS nps, count(*) AS responses
          FROM survey_response WHERE $__timeFilter(responded_at) {scope} GROUP BY 1 ORDER BY 1`,
  },
  {
    name: 'responses and CSAT by channel, 90 days',
    days: 90,
    format: 'table',
    sql: `SELECT channel, count(*) AS responses, avg(csat)::float8 AS csat
          FROM survey_response WHERE $__timeFilter(responded_at) {scope} GROUP BY 1 ORDER BY 2 DESC`,
  },
  {
    name: 'NPS figure, 365 days',
    days: 365,
    format: 'table',
    sql: `SELECT round(100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) / nullif(count(*), 0), 1) AS nps
          FROM survey_response WHERE $__timeFilter(responded_at) {scope}`,
  },
  {
    name: 'latest 10 comments, 7 days (small)',
    days: 7,
    format: 'table',
    sql: `SELECT responded_at, comment FROM survey_response
          WHERE $__timeFilter(responded_at) AND comment IS NOT NULL {scope} ORDER BY responded_at DESC LIMIT 10`,
  },
] as const;

/** The demo viewers of each level, and the scope their analyst would write by hand. */
const LEVELS = [
  { level: 'store', login: 'store.sh001', unit: 'SH001' },
  { level: 'region', login: 'east.manager', unit: 'EAST' },
  { level: 'head office', login: 'hq.analyst', unit: null },
] as const;

export async function run(): Promise<void> {
  const database = await benchDatabase(RESPONSES);
  const grafana = await startGrafanaStandIn();
  const config = benchConfig(grafana.url, {
    QUERY_POOL_SIZE: String(CONCURRENCY),
    QUERY_MAX_CONCURRENT_PER_VIEWER: String(CONCURRENCY),
  });
  const distributor = await startDistributor({ config, log: pino({ level: 'warn' }), databaseUrl: database.url });
  // The analyst's own connection: search_path cx, as the query roles have it.
  const post = createPoster(distributor.url, CONCURRENCY);
  const direct = new pg.Pool({ connectionString: database.url, max: CONCURRENCY, options: '-c search_path=cx,public' });
  try {
    const end = await dataEnd(direct);
    console.log(
      `${RESPONSES} survey responses; ${RUNS} runs per cell after ${WARMUP} warm-up runs; ${os.cpus().length} cores; Node ${process.version}.\n`,
    );
    console.log(
      '| scope | panel | (a) /api/query median / p95 ms | (b) pg direct median / p95 ms | a/b median | added ms |',
    );
    console.log('|---|---|---|---|---|---|');
    for (const level of LEVELS) {
      // Grafana signs a token once and reuses it until shortly before it expires.
      const token = await grafana.signIdToken({ login: level.login });
      const headers = async () => ({
        'content-type': 'application/json',
        'x-orgscope-key': config.ROUTE_KEY!,
        'x-grafana-id': token,
      });
      const scopeSql = level.unit ? `AND unit_id = ANY ('{${await subtreeIds(direct, level.unit)}}'::int[])` : '';
      for (const panel of PANELS) {
        const range = { from: new Date(end - panel.days * DAY), to: new Date(end) };
        const body = JSON.stringify({
          queries: [{ refId: 'A', rawSql: panel.sql.replace('{scope}', ''), format: panel.format, intervalMs: 60_000 }],
          range: { from: String(range.from.getTime()), to: String(range.to.getTime()) },
        });
        const directSql = expandMacros(
          panel.sql.replace('{scope}', () => scopeSql),
          {
            range,
            intervalMs: 60_000,
          },
        ).sql;
        const viaApi = async () => {
          const response = await post('/api/query', await headers(), body);
          if (response.status !== 200) throw new Error(`query failed: ${response.text}`);
          JSON.parse(response.text);
        };
        const viaPg = () => direct.query(directSql);
        const a: number[] = [];
        const b: number[] = [];
        for (let i = 0; i < WARMUP + RUNS; i += 1) {
          const ta = await timed(viaApi);
          const tb = await timed(viaPg);
          if (i >= WARMUP) {
            a.push(ta);
            b.push(tb);
          }
        }
        const sa = summarize(a);
        const sb = summarize(b);
        console.log(
          `| ${level.level} | ${panel.name} | ${fixed(sa.median)} / ${fixed(sa.p95)} | ${fixed(sb.median)} / ${fixed(sb.p95)} | ${fixed(sa.median / sb.median)} | ${fixed(sa.median - sb.median)} |`,
        );
      }
    }
    await throughput(post, config.ROUTE_KEY!, grafana, end);
    console.log(
      `\nPeak resident memory of the benchmark process (distributor inside it): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
  } finally {
    await direct.end();
    await distributor.close();
    await grafana.stop();
    await database.stop();
  }
}

async function throughput(
  post: ReturnType<typeof createPoster>,
  routeKey: string,
  grafana: Awaited<ReturnType<typeof startGrafanaStandIn>>,
  end: number,
): Promise<void> {
  console.log(
    `\nThroughput at concurrency ${CONCURRENCY} (${THROUGHPUT_REQUESTS} requests of the panels above in turn, through /api/query):\n`,
  );
  console.log('| scope | requests/s | median ms | p95 ms |');
  console.log('|---|---|---|---|');
  for (const level of LEVELS) {
    const token = await grafana.signIdToken({ login: level.login });
    const latencies: number[] = [];
    let next = 0;
    const lane = async () => {
      while (next < THROUGHPUT_REQUESTS) {
        const panel = PANELS[next++ % PANELS.length]!;
        const body = JSON.stringify({
          queries: [{ refId: 'A', rawSql: panel.sql.replace('{scope}', ''), format: panel.format, intervalMs: 60_000 }],
          range: { from: String(end - panel.days * DAY), to: String(end) },
        });
        latencies.push(
          await timed(async () => {
            const response = await post(
              '/api/query',
              { 'content-type': 'application/json', 'x-orgscope-key': routeKey, 'x-grafana-id': token },
              body,
            );
            if (response.status !== 200) throw new Error(`query failed: ${response.text}`);
            JSON.parse(response.text);
          }),
        );
      }
    };
    const wall = await timed(() => Promise.all(Array.from({ length: CONCURRENCY }, lane)));
    const s = summarize(latencies);
    console.log(
      `| ${level.level} | ${fixed((THROUGHPUT_REQUESTS / wall) * 1000, 1)} | ${fixed(s.median)} | ${fixed(s.p95)} |`,
    );
  }
}

async function subtreeIds(pool: pg.Pool, code: string): Promise<string> {
  const { rows } = await pool.query<{ ids: number[] }>(
    `SELECT array_agg(u.id ORDER BY u.id) AS ids FROM orgscope.org_unit u, orgscope.org_unit r
     WHERE r.code = $1 AND u.path OPERATOR(ext.<@) r.path`,
    [code],
  );
  return rows[0]!.ids.join(',');
}

async function dataEnd(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ end: Date }>('SELECT max(responded_at) AS end FROM cx.survey_response');
  return rows[0]!.end.getTime();
}
