/** Rows of the first frame of `refId` in a /api/query answer, as objects keyed by field name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are JSON read field by field
export function rowsOf(body: any, refId = 'A'): Record<string, unknown>[] {
  const result = body.results?.[refId];
  if (!result) throw new Error(`no result for ${refId}: ${JSON.stringify(body).slice(0, 300)}`);
  if (result.error) throw new Error(`query ${refId} failed: ${result.error}`);
  const frame = result.frames[0];
  const names: string[] = frame.schema.fields.map((f: { name: string }) => f.name);
  const columns: unknown[][] = frame.data.values;
  const count = columns[0]?.length ?? 0;
  return Array.from({ length: count }, (_, i) => Object.fromEntries(names.map((name, c) => [name, columns[c]![i]])));
}

/** A Grafana-style query body for one table query over November 2026. */
export function tableQuery(rawSql: string, refId = 'A') {
  return {
    queries: [{ refId, rawSql, format: 'table', intervalMs: 60000, maxDataPoints: 1000 }],
    range: { from: String(Date.parse('2026-10-01T00:00:00Z')), to: String(Date.parse('2026-12-31T00:00:00Z')) },
  };
}
