import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Logger } from 'pino';

import type { Config } from './config.js';

/**
 * Without ROUTE_KEY the distributor makes one and keeps it in DATA_DIR/route-key (mode 600), so a
 * first `npm start` works; the admin copies it into the data source's settings. The key itself is
 * never logged, only where it is.
 */
export async function ensureRouteKey(config: Config, log: Logger): Promise<Config> {
  if (config.ROUTE_KEY) return config;
  const file = path.resolve(config.DATA_DIR, 'route-key');
  let key = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (key.length < 24) {
    key = randomBytes(32).toString('base64url');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${key}\n`, { mode: 0o600 });
  }
  log.info({ file }, 'ROUTE_KEY is not set: using the key kept in this file (enter it as the data source key)');
  return Object.freeze({ ...config, ROUTE_KEY: key });
}
