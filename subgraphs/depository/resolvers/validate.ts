/**
 * Checks of mutation input. Each check returns the clean value or throws a BadInputError
 * naming the input path (`input.version`), so a bad write is refused before anything is
 * written.
 */
import { toDay } from '../../../lib/dates.js';
import { BadInputError } from '../../../lib/errors.js';

/** Longest id this subgraph accepts for any entity. */
export const MAX_ID_LENGTH = 64;

/** Stable ids are lowercase slugs: letters, digits and single inner hyphens. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Control characters other than tab and line breaks, and lone UTF-16 surrogates: neither is
 * text a person wrote, and PostgreSQL cannot store NUL in a text column at all.
 */
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Surrogate}/u;

/** A value for an error message: JSON-quoted, long values cut short so errors stay small. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 70 ? `${value.slice(0, 70)}…` : value);
}

/** Length in characters (code points), not UTF-16 units, so `é` and `서` count as one. */
const lengthOf = (value: string): number => [...value].length;

/** A stable slug id of at most MAX_ID_LENGTH characters. */
export function slugId(path: string, value: string): string {
  if (value.length > MAX_ID_LENGTH || !SLUG.test(value)) {
    throw new BadInputError(
      path,
      `must be a lowercase slug id (a-z, 0-9 and single hyphens) of at most ${MAX_ID_LENGTH} characters, got ${quote(value)}.`,
    );
  }
  return value;
}

/** Free text of 1 to `max` characters once surrounding whitespace is removed; returns it trimmed. */
export function text(path: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === '') throw new BadInputError(path, 'must not be empty or only whitespace.');
  const length = lengthOf(trimmed);
  if (length > max) throw new BadInputError(path, `must be at most ${max} characters, got ${length}.`);
  if (NOT_TEXT.test(trimmed)) {
    throw new BadInputError(path, 'must be plain text: no control characters other than tab and line breaks.');
  }
  return trimmed;
}

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
  const latest = toDay(new Date(now.getTime() + 14 * 3_600_000));
  if (value < EARLIEST_RELEASE_DAY || value > latest) {
    throw new BadInputError(path, `must be a day from ${EARLIEST_RELEASE_DAY} to today, got ${value}.`);
  }
  return value;
}
