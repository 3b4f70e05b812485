import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

import { OrgscopeError } from '../errors.js';

/** The generator's settings as kept in git: provisioning/demo/demo.yaml. */
export const DEMO_SETTINGS_FILE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../provisioning/demo/demo.yaml',
);

const fulfilment = z.enum(['pickup', 'parcel', 'delivery']);
const name = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be lower case letters, digits and _');
const share = z.number().positive();
const shift = z.number().min(-10).max(10);
const fraction = z.number().min(0).max(1);
const perMonth = (item: z.ZodNumber) => z.array(item).length(12, 'must list 12 values, January to December');

const channel = z.strictObject({ name, share, fulfilment, scoreShift: shift });
const touchpoint = z.strictObject({
  name,
  share,
  scoreShift: shift,
  fulfilment: z.array(fulfilment).min(1).optional(),
});
const event = z.strictObject({
  name: z.string().min(1),
  month: z.number().int().min(1).max(12),
  day: z.number().int().min(1).max(31),
  volume: z.number().positive(),
  scoreShift: shift,
});
const scenario = z.strictObject({ name, share, channel: name });

const schema = z
  .strictObject({
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    responses: z.number().int().min(1).max(50_000_000),
    months: z.number().int().min(1).max(60),
    utcOffsetHours: z.number().int().min(-12).max(14),
    channels: z.array(channel).min(1),
    touchpoints: z.array(touchpoint).min(1),
    scores: z.strictObject({
      npsMean: z.number().min(0).max(10),
      npsSpread: z.number().min(0).max(10),
      storeSpread: z.number().min(0).max(10),
      standoutShare: z.number().min(0).max(0.5),
      standoutShift: z.number().min(0).max(10),
      weekendShift: shift,
      monthShift: perMonth(shift),
      npsAnswered: fraction,
      csatAnswered: fraction,
    }),
    volume: z.strictObject({
      weekday: z.array(share).length(7, 'must list 7 values, Sunday to Saturday'),
      month: perMonth(share),
      hour: z.array(z.number().min(0)).length(24, 'must list 24 values, hours 0 to 23'),
      growth: z.number().min(-0.9).max(10),
      events: z.array(event),
    }),
    comments: z.strictObject({ share: fraction, chineseShare: fraction }),
    contacts: z.strictObject({ share: fraction, emailShare: fraction }),
    orders: z.strictObject({
      perResponse: z.number().min(0).max(100),
      status: z.strictObject({
        completed: z.number().min(0),
        cancelled: z.number().min(0),
        refunded: z.number().min(0),
      }),
      unitPrice: z.tuple([z.number().positive(), z.number().positive()]),
    }),
    audits: z.strictObject({
      perStorePerWeek: z.number().min(0).max(50),
      passScore: z.number().min(0).max(100),
      scenarios: z.array(scenario).min(1),
    }),
  })
  .superRefine(checkReferences);

/** Settings of the demo data generator; see provisioning/demo/demo.yaml for what each one means. */
export type DemoSettings = z.infer<typeof schema>;

/** Reads and checks the generator's settings. A bad file stops with a message naming each problem. */
export function loadDemoSettings(file: string = DEMO_SETTINGS_FILE): DemoSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new OrgscopeError('invalid_config', `Demo settings file ${file} cannot be read; check the path`, {
      cause: error,
    });
  }
  return parseDemoSettings(parseYaml(text), file);
}

/** Checks settings already read from somewhere; `source` names that place in error messages. */
export function parseDemoSettings(value: unknown, source = 'demo settings'): DemoSettings {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    throw new OrgscopeError('invalid_config', `Invalid demo settings in ${source}: ${problems.join('; ')}`, {
      details: problems,
    });
  }
  return result.data;
}

type Raw = z.input<typeof schema>;

// Names that refer to each other must resolve, or the generator would have nowhere to put a row.
function checkReferences(settings: Raw, context: z.RefinementCtx): void {
  const channels = new Set(settings.channels.map((c) => c.name));
  const problem = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });

  if (channels.size !== settings.channels.length) problem(['channels'], 'channel names must be unique');
  settings.channels.forEach((c, index) => {
    const reachable = settings.touchpoints.some((t) => !t.fulfilment || t.fulfilment.includes(c.fulfilment));
    if (!reachable) problem(['channels', index], `no touchpoint applies to fulfilment ${c.fulfilment} of ${c.name}`);
  });
  settings.audits.scenarios.forEach((s, index) => {
    if (!channels.has(s.channel)) problem(['audits', 'scenarios', index, 'channel'], `unknown channel ${s.channel}`);
  });
  const status = settings.orders.status;
  if (status.completed + status.cancelled + status.refunded <= 0) {
    problem(['orders', 'status'], 'at least one status needs a share above 0');
  }
  if (settings.orders.unitPrice[0] > settings.orders.unitPrice[1]) {
    problem(['orders', 'unitPrice'], 'must be [lowest, highest]');
  }
  if (settings.volume.hour.every((h) => h === 0)) problem(['volume', 'hour'], 'at least one hour needs volume');
}
