/** Checks of depository mutation input beyond the shared ones in lib/validate.ts. */
import { BadInputError } from '../../../lib/errors.js';
import { latestToday } from '../../../lib/dates.js';
import { quote } from '../../../lib/validate.js';

/** Semantic-versioning-like release names: `1.2.0`, `v5.1.0`, `2024.1`, `2.0.0-rc.1+build.5`. */
const VERSION = /^v?\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** Longest release version accepted. */
export const MAX_VERSION_LENGTH = 32;

/** A release version: semantic-versioning-like, at most MAX_VERSION_LENGTH characters. */
export function version(path: string, value: string): string {
  if (value.length > MAX_VERSION_LENGTH || !VERSION.test(value)) {
    throw new BadInputError(
      path,
      `must be a version like 1.2.0, v1.2.0, 2024.1 or 2.0.0-rc.1 (an optional v, 1 to 4 numbers separated by dots, optional -pre-release and +build parts), at most ${MAX_VERSION_LENGTH} characters, got ${quote(value)}.`,
    );
  }
  return value;
}

/** First day a release may carry. */
export const EARLIEST_RELEASE_DAY = '2000-01-01';

/**
 * A day already begun somewhere on Earth: from EARLIEST_RELEASE_DAY to tomorrow in UTC (the
 * date at UTC+14), so every caller can give their own today. `value` is an ISO date the
 * `Date` scalar has already checked.
 */
export function pastDay(path: string, value: string, now: Date = new Date()): string {
  const latest = latestToday(now);
  if (value < EARLIEST_RELEASE_DAY || value > latest) {
    throw new BadInputError(path, `must be a day from ${EARLIEST_RELEASE_DAY} to today, got ${value}.`);
  }
  return value;
}
