/**
 * Checks of mutation input shared by every subgraph. Each returns the clean value or throws
 * a BadInputError naming the input path (`input.amountEur`), so a bad write is refused
 * before anything is written.
 */
import { BadInputError } from './errors.js';

/** Longest id a subgraph accepts for an entity, unless a caller says otherwise. */
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

/** A stable slug id of at most `maxLength` characters. */
export function slugId(path: string, value: string, maxLength = MAX_ID_LENGTH): string {
  if (value.length > maxLength || !SLUG.test(value)) {
    throw new BadInputError(
      path,
      `must be a lowercase slug id (a-z, 0-9 and single hyphens) of at most ${maxLength} characters, got ${quote(value)}.`,
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
