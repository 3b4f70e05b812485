/** Request headers as Node and fastify hand them over: names in lower case, repeated headers as arrays. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Who is asking, as Grafana vouched for them. Every scope decision starts from this. */
export interface Viewer {
  /** Grafana login of a user; for a service account, its typed id (`service-account:7`), as its token carries no login. */
  login: string;
  email?: string;
  name?: string;
  kind: 'user' | 'service-account';
  /** Grafana's uid of the user or service account (the token's `identifier`). */
  grafanaUid?: string;
  /** Grafana's typed id of the identity (the token's `sub`, e.g. `user:5`). Absent for header-only viewers. */
  subject?: string;
  orgId: number;
  /** Basic org role in Grafana (Viewer, Editor, Admin), as the token states it. */
  grafanaRole?: string;
  /** Names of the Grafana teams the viewer belongs to; empty when unknown (team mappings then do not apply). */
  teams: string[];
  /** What proved the identity: a verified ID token, or the user header alone (TRUST_USER_HEADER). */
  via: 'id-token' | 'user-header';
}

export const ROUTE_KEY_HEADER = 'x-orgscope-key';
export const ID_TOKEN_HEADER = 'x-grafana-id';
export const USER_HEADER = 'x-grafana-user';
