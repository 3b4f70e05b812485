import { apportion, Random, WeightedPick } from './random.js';
import type { DemoSettings } from './settings.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** One local calendar day of the demo period. */
export interface DemoDay {
  /** Local midnight, as UTC milliseconds. */
  startMs: number;
  /** Relative volume of responses and orders. */
  volume: number;
  /** NPS points added on this day (weekend, month, shopping festival). */
  scoreShift: number;
}

/** A store unit with the traits that shape its rows. */
export interface DemoStore {
  id: number;
  code: string;
  /** Relative number of customers. */
  traffic: number;
  /** NPS points above (or below) the chain's mean. */
  quality: number;
}

/** A channel with the touchpoints that apply to it. */
export interface DemoChannel {
  name: string;
  scoreShift: number;
  fulfilment: 'pickup' | 'parcel' | 'delivery';
  touchpoints: readonly { name: string; scoreShift: number }[];
  touchpointPick: WeightedPick;
}

/** Everything the row generators share: the period, the stores and the picks, fixed up front. */
export interface DemoPlan {
  settings: DemoSettings;
  from: Date;
  to: Date;
  days: readonly DemoDay[];
  stores: readonly DemoStore[];
  storePick: WeightedPick;
  channels: readonly DemoChannel[];
  channelPick: WeightedPick;
  hourPick: WeightedPick;
}

/** The period: `months` calendar months back from `now`, both cut to midnight UTC. */
export function demoPeriod(now: Date, months: number): { from: Date; to: Date } {
  const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate());
  return { from: new Date(from), to: new Date(to) };
}

export function makePlan(
  settings: DemoSettings,
  units: readonly { id: number; code: string }[],
  now: Date,
  random: Random,
): DemoPlan {
  const { from, to } = demoPeriod(now, settings.months);
  const stores = profileStores(units, settings, random);
  const channels = settings.channels.map((channel) => describeChannel(channel, settings));
  return {
    settings,
    from,
    to,
    days: demoDays(settings, from, to),
    stores,
    storePick: new WeightedPick(stores.map((store) => store.traffic)),
    channels,
    channelPick: new WeightedPick(settings.channels.map((channel) => channel.share)),
    hourPick: new WeightedPick(settings.volume.hour),
  };
}

/** Splits `total` rows over the days in proportion to each day's volume. */
export function rowsPerDay(plan: DemoPlan, total: number): number[] {
  return apportion(
    total,
    plan.days.map((day) => day.volume),
  );
}

function demoDays(settings: DemoSettings, from: Date, to: Date): DemoDay[] {
  const count = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  const { volume, scores } = settings;
  const days: DemoDay[] = [];
  for (let index = 0; index < count; index += 1) {
    // The UTC calendar date of `from + index days` is the local date of this day.
    const date = new Date(from.getTime() + index * DAY_MS);
    const weekday = date.getUTCDay();
    const month = date.getUTCMonth();
    const event = volume.events.find((e) => e.month === month + 1 && e.day === date.getUTCDate());
    const weekend = weekday === 0 || weekday === 6;
    const growth = 1 + (volume.growth * index) / Math.max(1, count - 1);
    days.push({
      startMs: date.getTime() - settings.utcOffsetHours * HOUR_MS,
      volume: volume.weekday[weekday]! * volume.month[month]! * growth * (event?.volume ?? 1),
      scoreShift: scores.monthShift[month]! + (weekend ? scores.weekendShift : 0) + (event?.scoreShift ?? 0),
    });
  }
  return days;
}

// Units come ordered by code, so a store's traits depend on the seed and the codes, not on the order
// the tree was loaded in. A few stores stand out clearly either way, so that dashboards have
// something to find even in a small tree.
function profileStores(
  units: readonly { id: number; code: string }[],
  settings: DemoSettings,
  random: Random,
): DemoStore[] {
  const { storeSpread, standoutShare, standoutShift } = settings.scores;
  const stores = units.map((unit) => ({
    id: unit.id,
    code: unit.code,
    traffic: Math.exp(0.5 * random.normal()),
    quality: storeSpread * random.normal(),
  }));
  const standouts =
    standoutShare > 0 && stores.length >= 3 ? Math.max(1, Math.round(stores.length * standoutShare)) : 0;
  const order = random.shuffled(stores.map((_, index) => index));
  order.slice(0, standouts).forEach((index) => (stores[index]!.quality += standoutShift));
  order.slice(standouts, 2 * standouts).forEach((index) => (stores[index]!.quality -= standoutShift));
  return stores;
}

function describeChannel(channel: DemoSettings['channels'][number], settings: DemoSettings): DemoChannel {
  const touchpoints = settings.touchpoints.filter((t) => !t.fulfilment || t.fulfilment.includes(channel.fulfilment));
  return {
    name: channel.name,
    scoreShift: channel.scoreShift,
    fulfilment: channel.fulfilment,
    touchpoints,
    touchpointPick: new WeightedPick(touchpoints.map((t) => t.share)),
  };
}
