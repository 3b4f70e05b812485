import type { Page } from 'puppeteer-core';

/**
 * Waits the way Grafana's own image renderer does: until no request of the page is in flight,
 * Grafana reports no running query (`window.__grafanaRunningQueryCount`, Grafana 10 and later) and
 * the DOM has stopped changing. Never a fixed quiet period of the network: Chromium's "network idle"
 * fires up to two seconds after the last response. Gives up waiting at `capMs` and says so, rather
 * than failing the report: a slow panel shows as loading, like in the browser.
 */
export async function waitForDashboard(
  page: Page,
  inFlight: () => number,
  capMs: number,
): Promise<{ settled: boolean }> {
  const deadline = Date.now() + capMs;
  let lastShape = '';
  let stableChecks = 0;

  while (Date.now() < deadline) {
    const state = await page.evaluate(() => {
      const grafana = window as unknown as { __grafanaRunningQueryCount?: number };
      const body = document.body;
      return {
        running: grafana.__grafanaRunningQueryCount ?? 0,
        shape: `${body?.getElementsByTagName('*').length ?? 0}:${body?.innerHTML.length ?? 0}`,
        ready: document.readyState === 'complete',
      };
    });
    const quiet = state.ready && state.running === 0 && inFlight() === 0;
    stableChecks = quiet && state.shape === lastShape ? stableChecks + 1 : 0;
    lastShape = state.shape;
    // Three unchanged looks 100 ms apart, with nothing running in between.
    if (stableChecks >= 3) return { settled: true };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { settled: false };
}
