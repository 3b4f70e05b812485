import { AUDIT_NOTES } from './phrases.js';
import { chineseName } from './people.js';
import { DAY_MS, HOUR_MS, type DemoPlan } from './plan.js';
import { apportion, WeightedPick, type Random } from './random.js';
import { clamp } from './surveys.js';

export interface AuditRow {
  id: number;
  auditedAtMs: number;
  unitId: number;
  channel: string;
  scenario: string;
  /** Score in hundredths of a point, so that it prints exactly. */
  scoreHundredths: number;
  passed: boolean;
  auditor: string;
  notes: string | null;
}

const AUDITORS = 24;

/**
 * How many audits go with `responses` survey responses: `perStorePerWeek` at the demo's own size,
 * in proportion for other sizes.
 */
export function auditCount(plan: DemoPlan, responses: number): number {
  const weeks = (plan.to.getTime() - plan.from.getTime()) / (7 * DAY_MS);
  const { audits, responses: demoSize } = plan.settings;
  return Math.round(plan.stores.length * weeks * audits.perStorePerWeek * (responses / demoSize));
}

/** Yields `total` audits store by store (in code order), each store's spread evenly over the period. */
export function* auditRows(plan: DemoPlan, total: number, random: Random): Generator<AuditRow> {
  const { scenarios, passScore } = plan.settings.audits;
  const scenarioPick = new WeightedPick(scenarios.map((s) => s.share));
  const auditors = Array.from({ length: AUDITORS }, () => chineseName(random));
  const perStore = apportion(
    total,
    plan.stores.map(() => 1),
  );
  let id = 0;
  for (let storeIndex = 0; storeIndex < plan.stores.length; storeIndex += 1) {
    const store = plan.stores[storeIndex]!;
    const count = perStore[storeIndex]!;
    for (let n = 0; n < count; n += 1) {
      id += 1;
      // Visits keep to their own slot of the period, away from its edges: no two weeks pass unvisited.
      const slot = (n + 0.15 + 0.7 * random.float()) / count;
      const dayIndex = Math.min(plan.days.length - 1, Math.floor(slot * plan.days.length));
      const scenario = scenarios[scenarioPick.index(random)]!;
      const score = clamp(82 + 5 * store.quality + 7 * random.normal(), 0, 100);
      const scoreHundredths = Math.round(score * 2) * 50;
      const passed = scoreHundredths >= passScore * 100;
      yield {
        id,
        // Mystery shoppers visit in opening hours, 09:00 to 20:59 local time.
        auditedAtMs: plan.days[dayIndex]!.startMs + random.int(9, 20) * HOUR_MS + random.int(0, 3599) * 1000,
        unitId: store.id,
        channel: scenario.channel,
        scenario: scenario.name,
        scoreHundredths,
        passed,
        auditor: random.pick(auditors),
        notes: random.chance(0.7) ? random.pick(AUDIT_NOTES[passed ? 'passed' : 'failed']) : null,
      };
    }
  }
}
