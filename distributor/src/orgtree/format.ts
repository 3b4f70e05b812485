import type { ApplySummary } from './types.js';

/** The apply summary as a person reads it, one line per kind of thing. */
export function formatSummary(summary: ApplySummary): string[] {
  return (Object.keys(summary) as (keyof ApplySummary)[]).map((kind) => {
    const { added, changed, removed } = summary[kind];
    return `  ${kind.padEnd(9)} ${added} added, ${changed} changed, ${removed} removed`;
  });
}
