import { describe, expect, it } from '@jest/globals';

import { validateOrg } from './validate.js';
import { emptyContents } from './yamlFile.js';
import type { UnitSpec } from './types.js';

const unit = (code: string, parent: string | null, line: number): UnitSpec => ({
  code,
  name: code,
  kind: 'area',
  parent,
  source: { file: 'units.yaml', line },
});

describe('validateOrg', () => {
  it('orders units root first, each after its parent, whatever the file order', () => {
    const contents = { ...emptyContents(), units: [unit('S1', 'A', 1), unit('A', 'HQ', 2), unit('HQ', null, 3)] };
    const { problems, units } = validateOrg(contents);
    expect(problems).toEqual([]);
    expect(units.map((u) => u.code)).toEqual(['HQ', 'A', 'S1']);
  });

  it('reports a cycle of three once, and a unit hanging below it not at all', () => {
    const contents = {
      ...emptyContents(),
      units: [unit('HQ', null, 1), unit('C', 'A', 2), unit('A', 'B', 3), unit('B', 'C', 4), unit('D', 'A', 5)],
    };
    expect(validateOrg(contents).problems).toEqual([
      {
        file: 'units.yaml',
        line: 2,
        message: 'cycle in the org tree (each unit followed by its parent): C → A → B → C',
      },
    ]);
  });

  it('reports a unit that is its own parent', () => {
    const contents = { ...emptyContents(), units: [unit('HQ', null, 1), unit('A', 'A', 2)] };
    expect(validateOrg(contents).problems.map((p) => p.message)).toEqual([
      'cycle in the org tree (each unit followed by its parent): A → A',
    ]);
  });
});
