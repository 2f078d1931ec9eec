/**
 * Checks of mutation input. Each check returns the clean value or throws a BadInputError
 * naming the input path (`input.amountEur`), so a bad write is refused before anything is
 * written.
 */
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

/** An integer from `min` to `max`, both included. */
export function intInRange(path: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadInputError(path, `must be an integer from ${min} to ${max}, got ${value}.`);
  }
  return value;
}

/** An amount of money: more than 0, at most `max`, and whole cents (at most 2 decimal places). */
export function amount(path: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new BadInputError(path, `must be more than 0, got ${value}.`);
  if (value > max) throw new BadInputError(path, `must be at most ${max}, got ${value}.`);
  if (Number(value.toFixed(2)) !== value) {
    throw new BadInputError(path, `must have at most 2 decimal places, got ${value}.`);
  }
  return value;
}
