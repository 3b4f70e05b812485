import { loadConfig, type Config } from '../../distributor/src/config.js';

/** The distributor's settings in a benchmark: loopback, any free port, quiet logs, the stand-in Grafana. */
export function benchConfig(grafanaUrl: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    ROUTE_KEY: 'bench-route-key-bench-route-key',
    GRAFANA_URL: grafanaUrl,
    ...extra,
  });
}
