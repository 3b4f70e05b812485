import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

import { OrgscopeError } from '../errors.js';

/**
 * The one place where errors become HTTP answers: `{ message, code, details?, requestId }`. Client
 * mistakes keep their status and say what to change; anything unexpected is a 500 whose message
 * points at the log line instead of echoing internals.
 */
export function replyWithError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const known = toOrgscopeError(error, request);
  if (known.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ code: known.code, reason: known.message }, 'request refused');
  return reply.status(known.status).send({
    message: known.message,
    code: known.code,
    ...(known.details === undefined ? {} : { details: known.details }),
    requestId: request.id,
  });
}

function toOrgscopeError(error: unknown, request: FastifyRequest): OrgscopeError {
  if (error instanceof OrgscopeError) return error;
  const fastifyError = error as Partial<FastifyError>;
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new OrgscopeError(
        'bad_request',
        `The body is not valid JSON (${fastifyError.message}); send a JSON object.`,
      );
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OrgscopeError(
        'payload_too_large',
        'The body is larger than the distributor accepts (BODY_LIMIT_BYTES).',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OrgscopeError('bad_request', 'Send the body as application/json.');
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new OrgscopeError('bad_request', fastifyError.message ?? 'Bad request');
  }
  return new OrgscopeError(
    'internal',
    `Internal error: the distributor's log has the details under request id ${request.id}.`,
  );
}
