import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

const TWO_32 = 2 ** 32;

/**
 * A seeded source of random numbers for one part of the demo (stores, responses, orders, audits).
 * Each part draws from its own stream, so a change to how one table is generated leaves the others'
 * rows as they were. Mutates its generator in place: the pure API allocates per draw, which costs
 * seconds at a million rows.
 */
export class Random {
  private readonly generator: RandomGenerator;

  constructor(seed: number, stream: number) {
    this.generator = xoroshiro128plus(seed);
    // Each jump advances 2^64 draws: streams never overlap.
    for (let i = 0; i < stream; i += 1) this.generator.unsafeJump!();
  }

  /** A number in [0, 1). */
  float(): number {
    return (this.generator.unsafeNext() >>> 0) / TWO_32;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  /** A standard normal number (Box-Muller). */
  normal(): number {
    const u = 1 - this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** Shuffles a copy of `items` (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.float() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy;
  }
}

/** Picks indexes in proportion to weights: cumulative sums and a binary search. */
export class WeightedPick {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((weight, index) => {
      sum += Math.max(0, weight);
      this.cumulative[index] = sum;
    });
    if (!(sum > 0)) throw new RangeError('WeightedPick needs at least one weight above 0');
    this.total = sum;
  }

  index(random: Random): number {
    const target = random.float() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

/**
 * Splits `total` into whole parts in proportion to `weights`, summing exactly to `total`: floors
 * first, then one more to the largest remainders (ties to the earlier index).
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total === 0 || !(sum > 0)) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((value, index) => ({ index, rest: value - Math.floor(value) }));
  order.sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    parts[index]! += 1;
    left -= 1;
  }
  return parts;
}
