// npm run bench [suite ...]: runs the named benchmark suites (all when none is named) and prints
// their figures as Markdown, ready for docs/benchmarks.md.
const SUITES: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  query: () => import('./query.js'),
  reports: () => import('./reports.js'),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark suite: ${unknown.join(', ')}. Suites: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(SUITES)) {
  console.log(`\n## Suite ${name}\n`);
  const suite = await SUITES[name]!();
  await suite.run();
}
