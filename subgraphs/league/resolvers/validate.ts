/** Checks of league mutation input beyond the shared ones in lib/validate.ts. */
import { BadInputError } from '../../../lib/errors.js';

/** An amount of money: more than 0, at most `max`, and whole cents (at most 2 decimal places). */
export function amount(path: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new BadInputError(path, `must be more than 0, got ${value}.`);
  if (value > max) throw new BadInputError(path, `must be at most ${max}, got ${value}.`);
  if (Number(value.toFixed(2)) !== value) {
    throw new BadInputError(path, `must have at most 2 decimal places, got ${value}.`);
  }
  return value;
}
