export { applyOrgFiles } from './apply.js';
export { formatSummary } from './format.js';
export { formatProblem, loadOrgFiles } from './load.js';
export type { ApplySummary, OrgFiles, Problem } from './types.js';
