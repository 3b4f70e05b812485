import { Writable } from 'node:stream';

import pino, { type Logger } from 'pino';

import { loadConfig, type Config } from '../../distributor/src/config.js';

export const ROUTE_KEY = 'route-key-for-identity-tests-0123456789';

export function configFor(grafanaUrl: string, extra: Record<string, string> = {}): Config {
  return loadConfig({ ROUTE_KEY, GRAFANA_URL: grafanaUrl, ...extra });
}

/** A logger whose JSON lines are kept, so tests can read what was logged. */
export function capturingLogger(): { log: Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = pino({ level: 'debug' }, destination);
  const text = () => chunks.join('');
  const lines = () =>
    text()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { log, lines, text };
}
