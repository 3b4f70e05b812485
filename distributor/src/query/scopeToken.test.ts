import { describe, expect, it } from '@jest/globals';

import { unitBits } from './scopeToken.js';

describe('unitBits', () => {
  it('sets bit n, counted from the left, for each unit n', () => {
    expect(unitBits([0])).toBe('x8');
    expect(unitBits([3])).toBe('x1');
    expect(unitBits([1, 4, 7])).toBe('x49');
    expect(unitBits([12])).toBe('x0008');
  });

  it('is empty for no units', () => {
    expect(unitBits([])).toBe('x');
  });
});
