import type { Logger } from 'pino';

import type { Config } from './config.js';

/** On a database with no org tree yet, loads the demo chain and its data (filled in below). */
export async function seedDemoOnFirstStart(_databaseUrl: string, _config: Config, _log: Logger): Promise<void> {}
