/**
 * The random draws the synthetic plan and its events share: per-item PRNG streams, normal
 * draws for log-normal sizes, and weighted picks over cumulative weights.
 */
import { createRandom, type Random } from '../prng.js';

export const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** A standard normal draw (Box-Muller), for log-normal sizes. */
export function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** A PRNG of its own for the n-th item, so items do not depend on each other's draws. */
export function streamFor(seed: number, salt: number, n: number): Random {
  return createRandom((seed ^ Math.imul(salt, 0x85ebca6b) ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
}

/** Index of the first cumulative weight above `target` (binary search). */
export function searchCumulative(cumulative: readonly number[], target: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (cumulative[mid]! > target) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Running sums of `weights`, for searchCumulative. */
export function cumulativeOf(weights: readonly number[]): number[] {
  let sum = 0;
  return weights.map((w) => (sum += w));
}
