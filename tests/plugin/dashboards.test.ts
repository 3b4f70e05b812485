import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { demoDashboards, type DashboardJson } from './support/dashboards.js';
import {
  ALL_TIME,
  ALL_VARIABLES,
  DEMO_LOGINS,
  startDemoThroughProxy,
  type DemoThroughProxy,
} from './support/demoThroughProxy.js';
import type { WireTarget } from './support/protocol.js';

// Every query of every demo dashboard (panels, annotations, variables) runs without error for every demo
// login, through the built plugin and the proxy stand-in, on the real distributor.

let demo: DemoThroughProxy;
beforeAll(async () => {
  demo = await startDemoThroughProxy();
}, 180_000);
afterAll(async () => {
  await demo?.stop();
});

interface NamedQuery {
  where: string;
  targets: WireTarget[];
}

function queriesOf(board: DashboardJson): NamedQuery[] {
  const panels = board.panels
    .filter((panel) => panel.targets?.length)
    .map((panel) => ({ where: `panel "${panel.title}"`, targets: panel.targets! }));
  const annotations = board.annotations.list
    .filter((annotation) => annotation.target)
    .map((annotation) => ({ where: `annotation "${annotation.name}"`, targets: [annotation.target!] }));
  const variables = board.templating.list
    .filter((variable) => variable.type === 'query' && variable.query)
    .map((variable) => {
      const rawSql = typeof variable.query === 'string' ? variable.query : variable.query!.rawSql;
      return { where: `variable $${variable.name}`, targets: [{ refId: 'V', rawSql, format: 'table' as const }] };
    });
  return [...panels, ...annotations, ...variables];
}

describe('demo dashboards', () => {
  const boards = demoDashboards();

  it('are at least three, each with region and store pickers on the Orgscope data source', () => {
    expect(boards.map((board) => board.uid)).toEqual(
      expect.arrayContaining(['orgscope-cx-overview', 'orgscope-store-ranking', 'orgscope-verbatim-comments']),
    );
    for (const board of boards) {
      const names = board.templating.list.map((variable) => variable.name);
      expect(names).toEqual(expect.arrayContaining(['region', 'store']));
    }
  });

  const cases = boards.flatMap((board) => DEMO_LOGINS.map((login) => [board.title, login, board] as const));

  it.each(cases)('%s: every query runs for %s', async (_title, login, board) => {
    const failures: string[] = [];
    let rows = 0;

    for (const query of queriesOf(board)) {
      const result = await demo.browser.query(demo.cookies[login], query.targets, ALL_TIME, ALL_VARIABLES);
      for (const error of result.errors) failures.push(`${query.where} ${error.refId}: ${error.message}`);
      rows += result.frames.reduce((sum, frame) => sum + (frame.fields[0]?.values.length ?? 0), 0);
    }

    expect(failures).toEqual([]);
    expect(rows).toBeGreaterThan(0);
  });
});
