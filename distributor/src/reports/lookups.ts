import type pg from 'pg';

import { OrgscopeError } from '../errors.js';
import type { ScheduleLookups } from './schedule.js';

/** Looks up schedule references in the org model (admin pool) and dashboards in Grafana. */
export function createScheduleLookups(admin: pg.Pool, dashboards: DashboardCatalog): ScheduleLookups {
  return {
    dashboardExists: (uid) => dashboards.exists(uid),
    unknownUnits: (codes) => missing(admin, 'SELECT code AS v FROM orgscope.org_unit WHERE code = ANY($1)', codes),
    unknownRoles: (names) => missing(admin, 'SELECT name AS v FROM orgscope.role WHERE name = ANY($1)', names),
    unreachablePeople: (people) => missing(admin, REACHABLE_PEOPLE, people),
  };
}

/** A person named by login or email is reachable when mapped with a role that receives reports. */
const REACHABLE_PEOPLE = `
  SELECT v FROM unnest($1::text[]) v
  WHERE EXISTS (
    SELECT FROM orgscope.person p
    JOIN orgscope.mapping m ON m.person_id = p.id
    JOIN orgscope.role r ON r.id = m.role_id
    WHERE (p.login = v OR lower(p.email) = lower(v)) AND p.email IS NOT NULL AND r.can_receive_reports)`;

async function missing(admin: pg.Pool, sql: string, values: string[]): Promise<string[]> {
  if (values.length === 0) return [];
  const { rows } = await admin.query<{ v: string }>(sql, [values]);
  const found = new Set(rows.map((row) => row.v));
  return values.filter((value) => !found.has(value));
}

/** Which dashboards exist. */
export interface DashboardCatalog {
  exists(uid: string): Promise<boolean>;
}

/** Asks Grafana's HTTP API, as the distributor's service account. */
export function grafanaDashboardCatalog(options: { grafanaUrl: string; token: string }): DashboardCatalog {
  return {
    async exists(uid) {
      const url = new URL(`api/dashboards/uid/${encodeURIComponent(uid)}`, withSlash(options.grafanaUrl));
      let response: Response;
      try {
        response = await fetch(url, { headers: { authorization: `Bearer ${options.token}` } });
      } catch (error) {
        throw new OrgscopeError(
          'unavailable',
          `Grafana at ${options.grafanaUrl} cannot be reached to check the dashboard`,
          { cause: error },
        );
      }
      if (response.status === 404) return false;
      if (!response.ok) {
        throw new OrgscopeError(
          'unavailable',
          `Grafana answered ${response.status} when asked for dashboard "${uid}"; check the service account token`,
        );
      }
      return true;
    },
  };
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
