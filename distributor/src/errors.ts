/**
 * The one error vocabulary of the distributor. Each error has a stable `code` and an HTTP status; its
 * message says what was wrong and what to do, and never carries a secret.
 */
export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'payload_too_large'
  | 'too_many_requests'
  | 'query_rejected'
  | 'query_failed'
  | 'unavailable'
  | 'invalid_config'
  | 'invalid_files'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  too_many_requests: 429,
  query_rejected: 400,
  query_failed: 400,
  unavailable: 503,
  invalid_config: 500,
  invalid_files: 400,
  internal: 500,
};

export class OrgscopeError extends Error {
  readonly code: ErrorCode;
  /** Extra facts for the client, such as a list of problems. Must never hold secrets. */
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; details?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OrgscopeError';
    this.code = code;
    this.details = options?.details;
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const badRequest = (message: string, details?: unknown) =>
  new OrgscopeError('bad_request', message, { details });
export const unauthenticated = (message: string) => new OrgscopeError('unauthenticated', message);
export const forbidden = (message: string) => new OrgscopeError('forbidden', message);
