import { GENERAL_REMARKS, TOUCHPOINT_REMARKS, type Language, type Mood } from './phrases.js';
import { chineseName, emailAddress, mobileNumber } from './people.js';
import { HOUR_MS, rowsPerDay, type DemoPlan } from './plan.js';
import type { Random } from './random.js';

/** One survey response, with the customer's contact details when they left them. */
export interface SurveyRow {
  id: number;
  respondedAtMs: number;
  unitId: number;
  channel: string;
  touchpoint: string;
  nps: number | null;
  csat: number | null;
  comment: string | null;
  contact: { name: string; phone: string; email: string | null } | null;
}

/**
 * Yields `total` survey responses, day by day, ids from 1. Drawing is the same on every pass with the
 * same plan and a fresh stream, so responses and their contacts can be loaded in two passes.
 */
export function* surveyRows(plan: DemoPlan, total: number, random: Random): Generator<SurveyRow> {
  const counts = rowsPerDay(plan, total);
  let id = 0;
  for (let dayIndex = 0; dayIndex < plan.days.length; dayIndex += 1) {
    for (let n = counts[dayIndex]!; n > 0; n -= 1) {
      id += 1;
      yield surveyRow(plan, dayIndex, id, random);
    }
  }
}

function surveyRow(plan: DemoPlan, dayIndex: number, id: number, random: Random): SurveyRow {
  const { scores, comments, contacts } = plan.settings;
  const day = plan.days[dayIndex]!;
  const store = plan.stores[plan.storePick.index(random)]!;
  const channel = plan.channels[plan.channelPick.index(random)]!;
  const touchpoint = channel.touchpoints[channel.touchpointPick.index(random)]!;
  const respondedAtMs = day.startMs + plan.hourPick.index(random) * HOUR_MS + random.int(0, 3599) * 1000;

  const mean = scores.npsMean + store.quality + channel.scoreShift + touchpoint.scoreShift + day.scoreShift;
  const latent = clamp(mean + scores.npsSpread * random.normal(), 0, 10);
  const nps = Math.round(latent);
  const csat = clamp(Math.round(1 + latent * 0.4 + 0.5 * random.normal()), 1, 5);
  const answeredNps = random.chance(scores.npsAnswered);
  const answeredCsat = random.chance(scores.csatAnswered);

  const comment = random.chance(comments.share)
    ? commentFor(touchpoint.name, nps, comments.chineseShare, random)
    : null;
  const contact = random.chance(contacts.share)
    ? {
        name: chineseName(random),
        phone: mobileNumber(random),
        email: random.chance(contacts.emailShare) ? emailAddress(random) : null,
      }
    : null;
  return {
    id,
    respondedAtMs,
    unitId: store.id,
    channel: channel.name,
    touchpoint: touchpoint.name,
    nps: answeredNps ? nps : null,
    csat: answeredCsat ? csat : null,
    comment,
    contact,
  };
}

// Comments follow the score the customer gave: detractors (0-6), passives (7-8), promoters (9-10).
function commentFor(touchpoint: string, nps: number, chineseShare: number, random: Random): string {
  const language: Language = random.chance(chineseShare) ? 'zh' : 'en';
  const mood: Mood = nps <= 6 ? 'unhappy' : nps <= 8 ? 'neutral' : 'happy';
  const specific = TOUCHPOINT_REMARKS[language][touchpoint]?.[mood];
  const general = GENERAL_REMARKS[language][mood];
  if (!specific || random.chance(0.2)) return random.pick(general);
  const remark = random.pick(specific);
  if (!random.chance(0.4)) return language === 'zh' ? `${remark}。` : `${remark}.`;
  return language === 'zh' ? `${remark}，${random.pick(general)}` : `${remark}. ${random.pick(general)}`;
}

export function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
