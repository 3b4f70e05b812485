import type { Logger } from 'pino';

import type { Config } from '../config.js';

const FETCH_TIMEOUT_MS = 5000;
const TEAMS_PER_PAGE = 1000;

export interface TeamDirectory {
  /** Names of the Grafana teams `login` belongs to; [] when unknown. Never throws: team lookup fails closed. */
  teamsOf(login: string, log: Logger): Promise<string[]>;
}

interface Membership {
  /** login → team names, for every member of every team of the organisation. */
  byLogin: Map<string, string[]>;
  fetchedAt: number;
}

/**
 * Team memberships from Grafana's HTTP API. Grafana does not put teams in the ID token, and its per-user
 * endpoints (`/api/users/lookup`, `/api/users/:id/teams`) need a Grafana server admin, which a service
 * account can never be. An org Admin service account can read `/api/teams/search` and
 * `/api/teams/:id/members`, so the directory reads every team's members at once and keeps that index
 * for TEAM_CACHE_SECONDS. Concurrent lookups share one refresh.
 */
export function createTeamDirectory(deps: {
  config: Config;
  fetch: typeof fetch;
  now: () => Date;
}): TeamDirectory | undefined {
  const token = deps.config.GRAFANA_SERVICE_ACCOUNT_TOKEN;
  if (!token) return undefined;
  const api = new GrafanaApi(deps.config.GRAFANA_URL, token, deps.fetch);
  const lifetimeMs = deps.config.TEAM_CACHE_SECONDS * 1000;
  let cached: Membership | undefined;
  let inFlight: Promise<Membership> | undefined;

  const membership = async (): Promise<Membership> => {
    const now = deps.now().getTime();
    if (cached && now - cached.fetchedAt < lifetimeMs) return cached;
    inFlight ??= readMembership(api, now)
      .then((fresh) => (cached = fresh))
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  return {
    async teamsOf(login, log) {
      try {
        return [...((await membership()).byLogin.get(login) ?? [])];
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log.warn(
          { step: 'team lookup', login, error: message },
          'team lookup in Grafana failed; team mappings do not apply to this request',
        );
        return [];
      }
    },
  };
}

async function readMembership(api: GrafanaApi, now: number): Promise<Membership> {
  const teams = await api.allTeams();
  const byLogin = new Map<string, string[]>();
  for (const team of teams) {
    for (const member of await api.members(team.id)) {
      byLogin.set(member.login, [...(byLogin.get(member.login) ?? []), team.name]);
    }
  }
  return { byLogin, fetchedAt: now };
}

interface TeamSearchPage {
  totalCount: number;
  teams: { id: number; name: string }[];
}

/** The few Grafana HTTP API calls the directory makes, authenticated with the service account token. */
class GrafanaApi {
  private readonly base: string;

  constructor(
    grafanaUrl: string,
    private readonly token: string,
    private readonly fetchFn: typeof fetch,
  ) {
    this.base = grafanaUrl.replace(/\/+$/, '');
  }

  async allTeams(): Promise<{ id: number; name: string }[]> {
    const teams: { id: number; name: string }[] = [];
    for (let page = 1; ; page += 1) {
      const result = await this.get<TeamSearchPage>(`/api/teams/search?perpage=${TEAMS_PER_PAGE}&page=${page}`);
      teams.push(...result.teams);
      if (result.teams.length < TEAMS_PER_PAGE || teams.length >= result.totalCount) return teams;
    }
  }

  members(teamId: number): Promise<{ login: string }[]> {
    return this.get<{ login: string }[]>(`/api/teams/${encodeURIComponent(String(teamId))}/members`);
  }

  private async get<T>(path: string): Promise<T> {
    const response = await this.fetchFn(`${this.base}${path}`, {
      headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (!response.ok) {
      const hint =
        response.status === 401 || response.status === 403
          ? ' (GRAFANA_SERVICE_ACCOUNT_TOKEN needs the org Admin role)'
          : '';
      throw new Error(`Grafana answered HTTP ${response.status} to GET ${path.split('?')[0]}${hint}`);
    }
    return (await response.json()) as T;
  }
}
