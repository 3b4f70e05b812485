import { HOUR_MS, rowsPerDay, type DemoPlan } from './plan.js';
import { WeightedPick, type Random } from './random.js';
import { clamp } from './surveys.js';

export interface OrderRow {
  id: number;
  orderedAtMs: number;
  unitId: number;
  channel: string;
  status: string;
  items: number;
  /** Amount in fen (hundredths of a yuan), so that it prints exactly. */
  amountFen: number;
  deliveryMinutes: number | null;
}

const STATUSES = ['completed', 'cancelled', 'refunded'] as const;

/** Yields `total` orders, day by day, ids from 1. */
export function* orderRows(plan: DemoPlan, total: number, random: Random): Generator<OrderRow> {
  const { status } = plan.settings.orders;
  const statusPick = new WeightedPick([status.completed, status.cancelled, status.refunded]);
  const counts = rowsPerDay(plan, total);
  let id = 0;
  for (let dayIndex = 0; dayIndex < plan.days.length; dayIndex += 1) {
    const day = plan.days[dayIndex]!;
    for (let n = counts[dayIndex]!; n > 0; n -= 1) {
      id += 1;
      const store = plan.stores[plan.storePick.index(random)]!;
      const channel = plan.channels[plan.channelPick.index(random)]!;
      const orderStatus = STATUSES[statusPick.index(random)]!;
      const items = Math.min(30, 1 + Math.floor(-Math.log(1 - random.float()) * 1.8));
      yield {
        id,
        orderedAtMs: day.startMs + plan.hourPick.index(random) * HOUR_MS + random.int(0, 3599) * 1000,
        unitId: store.id,
        channel: channel.name,
        status: orderStatus,
        items,
        amountFen: amountFen(plan, items, random),
        deliveryMinutes:
          orderStatus === 'cancelled' ? null : deliveryMinutes(channel.fulfilment, store.quality, random),
      };
    }
  }
}

function amountFen(plan: DemoPlan, items: number, random: Random): number {
  const [lowest, highest] = plan.settings.orders.unitPrice;
  const price = lowest + (highest - lowest) * random.float();
  const discount = random.chance(0.3) ? 0.85 + 0.1 * random.float() : 1;
  return Math.round(items * price * discount * 100);
}

// Better stores pack and hand over faster; parcels take days, not minutes; pickup has no delivery.
function deliveryMinutes(fulfilment: string, quality: number, random: Random): number | null {
  if (fulfilment === 'pickup') return null;
  if (fulfilment === 'parcel') return Math.round((1 + Math.exp(0.5 * random.normal())) * 1440);
  return Math.round(clamp(22 + 14 * Math.exp(0.4 * random.normal()) - 3 * quality, 8, 240));
}
