import { describe, expect, it } from '@jest/globals';

import type { Scope } from '../scope/types.js';
import { limitRows, shapeOf } from './executor.js';

const scope = (unitIds: number[], coversAll = false): Scope => ({
  mapped: true,
  coversAll,
  unitIds,
  roots: [],
  roles: [],
  permissions: { seeRows: true, seeContacts: false, admin: false, receiveReports: false },
  storeCount: 0,
  summary: '',
});

describe('shapeOf', () => {
  it('picks the query role whose policy is fastest for the scope', () => {
    expect(shapeOf(scope([], true), 32)).toBe('wholeChain');
    expect(shapeOf(scope([7]), 32)).toBe('oneUnit');
    expect(shapeOf(scope([7, 8, 9]), 32)).toBe('fewUnits');
    expect(shapeOf(scope(Array.from({ length: 33 }, (_, i) => i + 1)), 32)).toBe('manyUnits');
  });

  it('sends an unmapped (empty) scope to the few-units role, which then sees nothing', () => {
    expect(shapeOf(scope([]), 32)).toBe('fewUnits');
  });
});

describe('limitRows', () => {
  it('puts a LIMIT around the statement, dropping trailing semicolons and ending a trailing comment', () => {
    expect(limitRows('SELECT 1;  \n', 11)).toBe('SELECT * FROM (\nSELECT 1\n) AS orgscope_result LIMIT 11');
    expect(limitRows('SELECT 1 -- why', 3)).toBe('SELECT * FROM (\nSELECT 1 -- why\n) AS orgscope_result LIMIT 3');
  });
});
