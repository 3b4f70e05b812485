import { describe, expect, it } from '@jest/globals';

import { apportion, Random, WeightedPick } from './random.js';

const draws = (random: Random, n: number) => Array.from({ length: n }, () => random.float());

describe('Random', () => {
  it('repeats its numbers for the same seed and stream', () => {
    expect(draws(new Random(42, 1), 20)).toEqual(draws(new Random(42, 1), 20));
  });

  it('draws different numbers on another stream or seed', () => {
    const base = draws(new Random(42, 1), 20);
    expect(draws(new Random(42, 2), 20)).not.toEqual(base);
    expect(draws(new Random(43, 1), 20)).not.toEqual(base);
  });

  it('keeps integers within their bounds, both ends reachable', () => {
    const random = new Random(1, 0);
    const seen = new Set(Array.from({ length: 2000 }, () => random.int(3, 7)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });
});

describe('WeightedPick', () => {
  it('picks in proportion to the weights and never a zero weight', () => {
    const random = new Random(5, 0);
    const pick = new WeightedPick([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 40_000; i += 1) counts[pick.index(random)]! += 1;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.8);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.2);
  });
});

describe('apportion', () => {
  it('splits a total exactly, in proportion', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(7, [0.5, 2.5, 0])).toEqual([1, 6, 0]);
    const parts = apportion(1_000_003, [1.2, 0.85, 0.85, 0.9, 0.95, 1.1, 1.3]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(1_000_003);
  });
});
