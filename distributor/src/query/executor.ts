import type { Logger } from 'pino';
import pg from 'pg';

import type { Databases, ScopeShape } from '../db/pools.js';
import { OrgscopeError } from '../errors.js';
import type { Scope } from '../scope/types.js';
import { signScopeToken } from './scopeToken.js';
import { assertReadStatement } from './statement.js';

export interface QueryLimits {
  /** Scopes of more units than this run as the role with the bit-string policy (see db/pools.ts). */
  smallScopeUnits: number;
  timeoutMs: number;
  maxRows: number;
  maxBytes: number;
}

export interface QueryResult {
  columns: { name: string; dataTypeID: number }[];
  rows: unknown[][];
}

// Cancelled from outside if PostgreSQL's own statement_timeout has not ended the query by then.
const CANCEL_GRACE_MS = 1000;
// The database checks the token's expiry against its own clock: allow for some skew between hosts.
const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * Runs one untrusted read statement under a viewer's scope: as a query role, in a read-only
 * transaction that carries the signed scope token, with a timeout that the SQL cannot lift and limits
 * on the rows and bytes it may return. The transaction always rolls back, which also reverts any
 * setting the SQL changed, so the connection goes back to the pool clean.
 */
export class ScopedExecutor {
  constructor(private readonly deps: { databases: Databases; scopeSecret: Buffer; limits: QueryLimits; log: Logger }) {}

  async run(scope: Scope, sql: string): Promise<QueryResult> {
    assertReadStatement(sql);
    const client = await this.poolFor(scope).connect();
    try {
      await this.begin(client, scope);
      return await this.withCancelTimer(client, () => this.fetch(client, sql));
    } catch (error) {
      throw this.explain(error);
    } finally {
      // The answer does not wait for the rollback; the connection returns to the pool only after it.
      void rollback(client).then((broken) => client.release(broken));
    }
  }

  private poolFor(scope: Scope): pg.Pool {
    return this.deps.databases.query[shapeOf(scope, this.deps.limits.smallScopeUnits)];
  }

  /**
   * One round trip: BEGIN, the signed scope and the timeouts. The values are written as literals
   * (escaped by the driver) because the simple protocol that allows several statements takes no
   * parameters; none of them comes from the viewer.
   */
  private async begin(client: pg.PoolClient, scope: Scope): Promise<void> {
    const { timeoutMs } = this.deps.limits;
    const expiresAt = Date.now() + timeoutMs + CANCEL_GRACE_MS + CLOCK_SKEW_MS;
    const token = signScopeToken(this.deps.scopeSecret, scope, { pid: backendPid(client), expiresAt });
    await client.query(
      `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
       SELECT set_config('orgscope.scope', ${client.escapeLiteral(token)}, true),
              set_config('statement_timeout', '${timeoutMs}', true),
              set_config('idle_in_transaction_session_timeout', '${timeoutMs + CANCEL_GRACE_MS}', true)`,
    );
  }

  /**
   * Runs the statement in one Execute with no row count, so PostgreSQL may plan it in parallel as it
   * would the analyst's own query (a cursor or a fetch size rules parallel plans out). The row limit is
   * a LIMIT around the statement; the byte limit is counted as rows stream in, and a statement that
   * passes it is cancelled at once.
   */
  private fetch(client: pg.PoolClient, sql: string): Promise<QueryResult> {
    const { maxRows, maxBytes } = this.deps.limits;
    return new Promise((resolve, reject) => {
      // queryMode 'extended' sends one Parse/Execute, which PostgreSQL refuses for several statements;
      // @types/pg does not list it (nor rowMode) on Query's constructor, pg itself reads both.
      const config: pg.QueryArrayConfig & { queryMode: 'extended' } = {
        text: limitRows(sql, maxRows + 1),
        rowMode: 'array',
        queryMode: 'extended',
      };
      const query = new pg.Query<unknown[]>(config);
      const rows: unknown[][] = [];
      let bytes = 0;
      let overflow: OrgscopeError | undefined;
      query.on('row', (row) => {
        if (overflow) return;
        bytes += approximateBytes(row);
        if (rows.length === maxRows) overflow = tooMuch(`more than ${maxRows} rows`);
        else if (bytes > maxBytes) {
          overflow = tooMuch(`more than ${readableBytes(maxBytes)}`);
          this.cancel(backendPid(client));
        } else rows.push(row);
      });
      query.on('end', (result) => {
        if (overflow) reject(overflow);
        else resolve({ columns: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })), rows });
      });
      query.on('error', (error) => reject(overflow ?? error));
      client.query(query);
    });
  }

  private cancel(pid: number): void {
    this.deps.databases.admin.query('SELECT pg_cancel_backend($1)', [pid]).catch((error: unknown) => {
      this.deps.log.warn({ err: error, pid }, 'could not cancel a query');
    });
  }

  /** PostgreSQL's statement_timeout ends the query first; this cancel from outside is the backstop. */
  private async withCancelTimer<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
    const pid = backendPid(client);
    const timer = setTimeout(() => this.cancel(pid), this.deps.limits.timeoutMs + CANCEL_GRACE_MS);
    try {
      return await work();
    } finally {
      clearTimeout(timer);
    }
  }

  private explain(error: unknown): Error {
    if (error instanceof OrgscopeError) return error;
    const pgError = error as { code?: string; message?: string };
    if (pgError.code === '57014') {
      return new OrgscopeError(
        'query_failed',
        `The query ran longer than ${this.deps.limits.timeoutMs / 1000} s and was cancelled: narrow the time range or aggregate more.`,
      );
    }
    // Several statements: refused by the extended protocol, or cut by the LIMIT wrapped around them.
    if (pgError.code === '42601' && /multiple commands|at or near ";"/.test(pgError.message ?? '')) {
      return new OrgscopeError('query_rejected', 'Only one statement can run per query: remove the extra statements.');
    }
    if (typeof pgError.code === 'string' && typeof pgError.message === 'string') {
      // PostgreSQL's own message for this query, as Grafana's PostgreSQL source shows it.
      return new OrgscopeError('query_failed', pgError.message, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Which query role serves a scope; a performance choice only, as every role checks the token. */
export function shapeOf(scope: Scope, smallScopeUnits: number): ScopeShape {
  if (scope.coversAll) return 'wholeChain';
  if (scope.unitIds.length === 1) return 'oneUnit';
  return scope.unitIds.length > smallScopeUnits ? 'manyUnits' : 'fewUnits';
}

/** The statement with a row limit around it; a trailing semicolon is dropped, a line comment ended. */
export function limitRows(sql: string, limit: number): string {
  const body = sql.replace(/[\s;]+$/, '');
  return `SELECT * FROM (\n${body}\n) AS orgscope_result LIMIT ${limit}`;
}

function readableBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / 1024 / 1024)} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}

function tooMuch(what: string): OrgscopeError {
  return new OrgscopeError(
    'query_rejected',
    `The query returned ${what}, the limit for one panel: aggregate, narrow the time range or add a LIMIT.`,
  );
}

function backendPid(client: pg.PoolClient): number {
  return (client as unknown as { processID: number }).processID;
}

/** Ends the transaction; a connection that cannot roll back is not reused. */
async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function approximateBytes(row: unknown[]): number {
  let total = 0;
  for (const value of row) {
    if (typeof value === 'string') total += value.length;
    else if (value !== null && typeof value === 'object' && !(value instanceof Date))
      total += JSON.stringify(value).length;
    else total += 8;
  }
  return total;
}
