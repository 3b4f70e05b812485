import pino, { type Logger } from 'pino';

/** Paths redacted wherever they appear in a logged object: keys, tokens, passwords. */
export const REDACTED_PATHS = [
  'req.headers["x-orgscope-key"]',
  'req.headers["x-grafana-id"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-orgscope-key"]',
  'headers["x-grafana-id"]',
  'headers.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.routeKey',
  '*.ticket',
  'databaseUrl',
  '*.databaseUrl',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'orgscope-distributor' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

/** A connection string with its password replaced, for log lines and error messages. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
