import type { Logger } from 'pino';
import puppeteer, { type Browser, type BrowserContext } from 'puppeteer-core';

/** Flags that let Chromium run headless in a container, with nothing of its own on the network. */
const LAUNCH_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--font-render-hinting=none',
];

interface Slot {
  browser?: Browser;
  renders: number;
  busy: boolean;
}

export interface BrowserPoolOptions {
  executablePath: string;
  /** Renders at once: one browser per slot. */
  size: number;
  /** A browser is closed and replaced after this many renders, which bounds its memory. */
  recycleAfter: number;
  log: Logger;
}

/**
 * A fixed set of Chromium browsers. Every render gets a fresh incognito context that is closed after
 * it, so no cookie, cache or storage of one scope is ever seen by another.
 */
export class BrowserPool {
  private readonly slots: Slot[];
  private readonly waiting: ((slot: Slot) => void)[] = [];
  private closed = false;

  constructor(private readonly options: BrowserPoolOptions) {
    this.slots = Array.from({ length: options.size }, () => ({ renders: 0, busy: false }));
  }

  async withContext<T>(work: (context: BrowserContext) => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    let context: BrowserContext | undefined;
    try {
      const browser = await this.browserFor(slot);
      context = await browser.createBrowserContext();
      return await work(context);
    } finally {
      await context?.close().catch(() => undefined);
      slot.renders += 1;
      if (slot.renders >= this.options.recycleAfter) await this.retire(slot, 'recycled');
      this.release(slot);
    }
  }

  /** Process ids of the running browsers. */
  processIds(): number[] {
    return this.slots.flatMap((slot) => (slot.browser?.process()?.pid ? [slot.browser.process()!.pid!] : []));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => this.retire(slot, 'pool closed')));
  }

  private async browserFor(slot: Slot): Promise<Browser> {
    if (this.closed) throw new Error('The browser pool is closed');
    if (slot.browser?.connected) return slot.browser;
    if (slot.browser) await this.retire(slot, 'disconnected');
    slot.browser = await puppeteer.launch({
      executablePath: this.options.executablePath,
      headless: true,
      args: LAUNCH_FLAGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    slot.renders = 0;
    this.options.log.debug({ pid: slot.browser.process()?.pid }, 'browser launched');
    return slot.browser;
  }

  private async retire(slot: Slot, reason: string): Promise<void> {
    const browser = slot.browser;
    slot.browser = undefined;
    slot.renders = 0;
    if (!browser) return;
    this.options.log.debug({ reason }, 'browser closed');
    await browser.close().catch(() => browser.process()?.kill('SIGKILL'));
  }

  private acquire(): Promise<Slot> {
    const free = this.slots.find((slot) => !slot.busy);
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else slot.busy = false;
  }
}
