import { readdirSync, readFileSync } from 'node:fs';

import pino from 'pino';

import { createMailer } from '../../distributor/src/reports/mail/mailer.js';
import { composeReportEmail } from '../../distributor/src/reports/mail/message.js';
import type { ReportMetrics } from '../../distributor/src/reports/metrics.js';
import type { RenderResult } from '../../distributor/src/reports/render/renderer.js';

// Parts of the reports benchmark (tests/bench/reports.ts): mail throughput alone, step means, memory.

const log = pino({ level: 'warn' });

/** The mail step alone: `count` emails carrying a real render, four SMTP connections, no ledger. */
export async function mailOnly(smtpUrl: string, rendered: RenderResult, count: number): Promise<string> {
  const mailer = createMailer({ smtpUrl, connections: 4, log });
  const scope = {
    mapped: true,
    coversAll: false,
    unitIds: [1],
    roots: [],
    roles: [],
    storeCount: 1,
    summary: 'Store 1',
  };
  const permissions = { seeRows: true, seeContacts: false, admin: false, receiveReports: true };
  const started = performance.now();
  let next = 0;
  const lane = async () => {
    for (let n = next++; n < count; n = next++) {
      const email = composeReportEmail({
        from: 'reports@orgscope.bench',
        recipient: { name: `r${n}`, email: `mail-only.${n}@chain.example` },
        title: 'Bench',
        scope: { ...scope, permissions },
        fireTime: new Date(),
        timeZone: 'Asia/Shanghai',
        dashboardLink: 'http://127.0.0.1/d/bench',
        messageId: `<mail-only.${n}@orgscope.bench>`,
        png: rendered.png,
        pdf: rendered.pdf,
      });
      const outcome = await mailer.send(email);
      if (outcome.state !== 'sent') throw new Error(`mail-only send failed: ${JSON.stringify(outcome)}`);
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  const seconds = (performance.now() - started) / 1000;
  mailer.close();
  const kb = Math.round(((rendered.png?.length ?? 0) + (rendered.pdf?.length ?? 0)) / 1024);
  return `Mail alone: ${count} emails with a ${kb} KB render (PNG + PDF) over 4 SMTP connections: ${(count / seconds).toFixed(1)} emails/s.`;
}

/** Mean seconds of each render step, from the render histogram. */
export async function stepMeans(metrics: ReportMetrics): Promise<string> {
  const values = (await metrics.renderStep.get()).values;
  const of = (step: string, suffix: string) =>
    values.find((v) => v.labels.step === step && v.metricName?.endsWith(suffix))?.value ?? 0;
  return ['open', 'navigate', 'wait', 'capture_png', 'capture_pdf', 'total']
    .map((step) => (of(step, '_sum') / Math.max(of(step, '_count'), 1)).toFixed(3))
    .join(' | ');
}

/**
 * Peak memory of this process and of the Chromium browsers with their child processes, sampled every
 * 250 ms, as proportional set size (shared pages split between the processes that share them, so
 * Chromium's many processes are not counted several times over). PostgreSQL is left out.
 */
export function sampleMemory(roots: () => number[]): { stop(): string } {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, pss(roots()))), 250);
  return {
    stop: () => {
      clearInterval(timer);
      return String(Math.round(peak / 1024 / 1024));
    },
  };
}

function pss(roots: number[]): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    const stat = readOrEmpty(`/proc/${entry}/stat`);
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  // The node process counts alone; each browser counts with its renderer and helper processes.
  let total = pssOf(roots[0]!);
  for (const pending = roots.slice(1); pending.length > 0;) {
    const pid = pending.pop()!;
    total += pssOf(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

function pssOf(pid: number): number {
  const kb = /^Pss:\s+(\d+) kB/m.exec(readOrEmpty(`/proc/${pid}/smaps_rollup`));
  return kb ? Number(kb[1]) * 1024 : 0;
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // The process ended while it was being read.
    return '';
  }
}
