import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import type { DeliveryState } from './ledger.js';

/** Report metrics on the distributor's registry (served at /metrics by the server). */
export interface ReportMetrics {
  renderStep: Histogram<'step'>;
  renders: Counter<'result'>;
  deliveries: Counter<'state'>;
  occurrences: Counter<'kind' | 'result'>;
  /** Read from the database and the queue when /metrics is scraped. */
  observe(sources: {
    deliveryStates(): Promise<{ state: DeliveryState; count: number }[]>;
    queueDepth(): Promise<number>;
  }): void;
}

export function createReportMetrics(registry: Registry): ReportMetrics {
  let sources: Parameters<ReportMetrics['observe']>[0] | undefined;
  const registers = [registry];

  const renderStep = new Histogram({
    name: 'orgscope_report_render_step_seconds',
    help: 'Duration of each step of a dashboard render (open, navigate, wait, capture_png, capture_pdf, total)',
    labelNames: ['step'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers,
  });
  const renders = new Counter({
    name: 'orgscope_report_renders_total',
    help: 'Dashboard renders by result',
    labelNames: ['result'],
    registers,
  });
  const deliveries = new Counter({
    name: 'orgscope_report_delivery_outcomes_total',
    help: 'Outcomes of email delivery attempts (sent, retry, failed, unknown)',
    labelNames: ['state'],
    registers,
  });
  const occurrences = new Counter({
    name: 'orgscope_report_occurrences_total',
    help: 'Report occurrences by kind and result',
    labelNames: ['kind', 'result'],
    registers,
  });
  new Gauge({
    name: 'orgscope_report_deliveries',
    help: 'Deliveries in the ledger by state',
    labelNames: ['state'],
    registers,
    async collect() {
      if (!sources) return;
      this.reset();
      for (const { state, count } of await sources.deliveryStates()) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'orgscope_report_queue_depth',
    help: 'Report jobs waiting in the queue',
    registers,
    async collect() {
      if (sources) this.set(await sources.queueDepth());
    },
  });

  return { renderStep, renders, deliveries, occurrences, observe: (given) => (sources = given) };
}
