import type { Logger } from 'pino';
import type { BrowserContext, HTTPRequest, Page } from 'puppeteer-core';

import type { ReportMetrics } from '../metrics.js';
import type { BrowserPool } from './browserPool.js';
import { waitForDashboard } from './waitForDashboard.js';

export interface RenderRequest {
  /** The dashboard in kiosk mode with from/to/tz/var-* (see dashboardUrl.ts). */
  url: string;
  /** The recipient scope's ticket, sent as X-Orgscope-Ticket on requests to Grafana only. */
  ticket: string;
  formats: ('png' | 'pdf')[];
}

export interface RenderResult {
  png?: Buffer;
  pdf?: Buffer;
  settled: boolean;
}

export interface RendererDeps {
  pool: BrowserPool;
  log: Logger;
  metrics: ReportMetrics;
  /** The distributor's Grafana service account token: Chromium opens Grafana as that account. */
  serviceAccountToken: string;
  timeoutMs: number;
  waitCapMs: number;
  viewportWidth: number;
}

/** A render that could not be made, with the reason a person reads in the delivery ledger. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}

/** A4 landscape is 297 mm wide: 1123 CSS pixels at 96 per inch. */
const A4_LANDSCAPE_WIDTH_PX = 1123;

/** Renders in a fresh browser context of the pool; `total` is timed from the moment a browser is free. */
export async function renderDashboard(request: RenderRequest, deps: RendererDeps): Promise<RenderResult> {
  try {
    const result = await deps.pool.withContext((context) =>
      step(deps, 'total', () => withTimeout(renderIn(context, request, deps), deps.timeoutMs, context)),
    );
    deps.metrics.renders.inc({ result: 'ok' });
    return result;
  } catch (error) {
    deps.metrics.renders.inc({ result: 'error' });
    throw error instanceof RenderError
      ? error
      : new RenderError(`render failed: ${(error as Error).message}`, { cause: error });
  }
}

async function renderIn(context: BrowserContext, request: RenderRequest, deps: RendererDeps): Promise<RenderResult> {
  const { page, inFlight } = await step(deps, 'open', async () => {
    const opened = await context.newPage();
    await opened.setViewport({ width: deps.viewportWidth, height: 900 });
    return { page: opened, inFlight: await authorizeGrafanaRequests(opened, request, deps.serviceAccountToken) };
  });

  await step(deps, 'navigate', () => navigate(page, request.url));
  const { settled } = await step(deps, 'wait', () => waitForDashboard(page, inFlight, deps.waitCapMs));
  if (!settled) deps.log.warn({ capMs: deps.waitCapMs }, 'dashboard did not settle before the cap; captured as it was');

  const png = request.formats.includes('png') ? await step(deps, 'capture_png', () => capturePng(page)) : undefined;
  const pdf = request.formats.includes('pdf') ? await step(deps, 'capture_pdf', () => capturePdf(page)) : undefined;
  return { png, pdf, settled };
}

/**
 * Adds the service account token and the ticket to requests for Grafana's origin only: a request to
 * any other origin (a font, an image) must not carry either. Returns the count of requests in flight.
 */
async function authorizeGrafanaRequests(page: Page, request: RenderRequest, token: string): Promise<() => number> {
  const origin = new URL(request.url).origin;
  let inFlight = 0;
  const done = () => (inFlight = Math.max(0, inFlight - 1));
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  await page.setRequestInterception(true);
  page.on('request', (req: HTTPRequest) => {
    inFlight += 1;
    if (new URL(req.url()).origin !== origin) return void req.continue().catch(() => undefined);
    const headers = { ...req.headers(), authorization: `Bearer ${token}`, 'x-orgscope-ticket': request.ticket };
    req.continue({ headers }).catch(() => undefined);
  });
  return () => inFlight;
}

async function navigate(page: Page, url: string): Promise<void> {
  const where = new URL(url).origin;
  let response;
  try {
    response = await page.goto(url, { waitUntil: 'load' });
  } catch (error) {
    throw new RenderError(`Grafana at ${where} could not be reached: ${(error as Error).message.split('\n')[0]}`, {
      cause: error,
    });
  }
  if (response && !response.ok()) {
    throw new RenderError(
      `Grafana at ${where} answered ${response.status()} for the dashboard; check the dashboard UID and the service account`,
    );
  }
}

async function capturePng(page: Page): Promise<Buffer> {
  return Buffer.from(await page.screenshot({ type: 'png', fullPage: true }));
}

/** The whole dashboard scaled to the width of an A4 landscape page, so wide panels are not cut off. */
async function capturePdf(page: Page): Promise<Buffer> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const scale = Math.min(1, Math.max(0.1, A4_LANDSCAPE_WIDTH_PX / width));
  await page.emulateMediaType('screen');
  return Buffer.from(
    await page.pdf({
      format: 'A4',
      landscape: true,
      printBackground: true,
      scale,
      margin: { top: 0, bottom: 0, left: 0, right: 0 },
    }),
  );
}

async function step<T>(deps: RendererDeps, name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.renderStep.observe({ step: name }, seconds);
    deps.log.debug({ step: name, ms: Math.round(seconds * 1000) }, 'render step');
  }
}

/** Past the timeout the context is closed, which ends every pending page operation. */
async function withTimeout<T>(work: Promise<T>, ms: number, context: BrowserContext): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new RenderError(`the render took longer than ${ms} ms`));
      void context.close().catch(() => undefined);
    }, ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}
