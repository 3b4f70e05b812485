import { readdirSync, readFileSync } from 'node:fs';

import { DASHBOARD_DIR } from './demoThroughProxy.js';
import type { WireTarget } from './protocol.js';

export interface DashboardJson {
  uid: string;
  title: string;
  panels: Array<{ title: string; type: string; targets?: WireTarget[] }>;
  templating: { list: Array<{ name: string; type: string; query?: { rawSql: string } | string }> };
  annotations: { list: Array<{ name: string; target?: WireTarget }> };
}

/** The demo dashboards exactly as Grafana's dashboard provider reads them. */
export function demoDashboards(): DashboardJson[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(`${DASHBOARD_DIR}/${file}`, 'utf8')) as DashboardJson);
}

export function dashboard(uid: string): DashboardJson {
  const found = demoDashboards().find((candidate) => candidate.uid === uid);
  if (!found) throw new Error(`no demo dashboard ${uid} in ${DASHBOARD_DIR}`);
  return found;
}

export function panelTargets(board: DashboardJson, title: string): WireTarget[] {
  const panel = board.panels.find((candidate) => candidate.title === title);
  if (!panel?.targets) throw new Error(`dashboard ${board.uid} has no panel "${title}" with queries`);
  return panel.targets;
}

export function variableSql(board: DashboardJson, name: string): string {
  const variable = board.templating.list.find((candidate) => candidate.name === name);
  const query = variable?.query;
  if (!query) throw new Error(`dashboard ${board.uid} has no query variable ${name}`);
  return typeof query === 'string' ? query : query.rawSql;
}
