import http from 'node:http';
import type net from 'node:net';

/** One request the stand-in saw from Chromium. */
export interface SeenRequest {
  path: string;
  authorization?: string;
  ticket?: string;
}

export interface DashboardStandIn {
  /** Use as GRAFANA_URL: the renderer opens `${url}/d/<uid>?...`. */
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export interface DashboardStandInOptions {
  /** The token Chromium must present, as Grafana would require of the distributor's service account. */
  serviceAccountToken: string;
  /**
   * Forwards a panel query as Grafana's data source proxy would, with the ticket header Chromium sent.
   * Tests point this at the real distributor's /api/query.
   */
  proxyQuery(ticket: string | undefined, body: unknown): Promise<{ status: number; body: unknown }>;
  /** Called when a panel query arrives, before it is forwarded (to act mid-render). */
  onQuery?(): Promise<void> | void;
}

/** The panel's SQL: survey responses per unit, which row-level security limits to the scope. */
export const PANEL_SQL = `SELECT u.code AS unit, count(*)::int AS responses
  FROM cx.survey_response r JOIN orgscope.org_unit u ON u.id = r.unit_id GROUP BY u.code ORDER BY u.code`;

/**
 * Stands in for Grafana in front of the distributor: serves a dashboard page that, like Grafana's
 * frontend, counts its running queries in `window.__grafanaRunningQueryCount` and fetches its panel
 * through a data source proxy route. Each unit's figure is drawn as "CODE: N responses", in a table
 * wider than an A4 page so a PDF that is not scaled to the page would lose its right edge.
 */
export async function startDashboardStandIn(options: DashboardStandInOptions): Promise<DashboardStandIn> {
  const requests: SeenRequest[] = [];
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const ticket = request.headers['x-orgscope-ticket'];
    requests.push({
      path,
      authorization: request.headers.authorization,
      ticket: typeof ticket === 'string' ? ticket : undefined,
    });
    if (request.headers.authorization !== `Bearer ${options.serviceAccountToken}`) {
      return send(response, 401, 'application/json', JSON.stringify({ message: 'Unauthorized' }));
    }
    if (request.method === 'GET' && path.startsWith('/d/')) return send(response, 200, 'text/html', PAGE);
    if (request.method === 'POST' && path === '/api/ds/query') return void proxy(request, response, options);
    send(response, 404, 'application/json', JSON.stringify({ message: 'Not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function proxy(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  options: DashboardStandInOptions,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  await options.onQuery?.();
  const ticket = request.headers['x-orgscope-ticket'];
  const answer = await options.proxyQuery(
    typeof ticket === 'string' ? ticket : undefined,
    JSON.parse(Buffer.concat(chunks).toString()),
  );
  send(response, answer.status, 'application/json', JSON.stringify(answer.body));
}

function send(response: http.ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type }).end(body);
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>Experience overview</title>
<style>body{font-family:sans-serif;margin:16px} table{min-width:2400px;border-collapse:collapse} td{border:1px solid #999;padding:6px}</style>
</head><body>
<h1>Experience overview</h1>
<div id="panel">Loading…</div>
<script>
window.__grafanaRunningQueryCount = 0;
async function runPanel() {
  window.__grafanaRunningQueryCount += 1;
  const panel = document.getElementById('panel');
  try {
    const response = await fetch('/api/ds/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ queries: [{ refId: 'A', rawSql: ${JSON.stringify(PANEL_SQL)}, format: 'table' }],
        range: { from: String(Date.parse('2026-10-01T00:00:00Z')), to: String(Date.parse('2026-12-31T00:00:00Z')) } }),
    });
    const body = await response.json();
    const result = body.results && body.results.A;
    if (!response.ok || !result || result.error) throw new Error(body.message || (result && result.error) || 'query failed');
    const values = result.frames[0].data.values;
    const rows = values[0].map((unit, i) => '<tr><td>' + unit + ': ' + values[1][i] + ' responses</td><td>right edge ' + unit + '</td></tr>');
    panel.innerHTML = '<table>' + rows.join('') + '</table>';
  } catch (error) {
    panel.textContent = 'Panel error: ' + error.message;
  } finally {
    window.__grafanaRunningQueryCount -= 1;
  }
}
// Like Grafana, the panel query starts after the page has loaded.
window.addEventListener('load', () => setTimeout(runPanel, 50));
</script>
</body></html>`;
