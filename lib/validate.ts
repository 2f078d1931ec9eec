/**
 * The one validation layer of every write: a small set of zod rules (plain text, keys, slug
 * ids, numbers, dates, instants, URLs, enums) that each subgraph composes into one schema per
 * mutation input, and `parseInput`, which turns the first problem into a BadInputError naming
 * the input path (`input.events[3].memberRef`). Because every field of an input goes through
 * its schema, no field can skip the text rules; a refused write reaches no database.
 *
 * Messages name the rule and never echo the value: some inputs (usage events) are personal
 * data, and a rule is what a client needs to fix its request.
 */
import { z } from 'zod';
import { BadInputError } from './errors.js';
import { canonicalInstant, isIsoDate } from './scalars.js';

/** Longest id a subgraph accepts for an entity, unless a caller says otherwise. */
const MAX_ID_LENGTH = 64;

/** Stable ids are lowercase slugs: letters, digits and single inner hyphens. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Control characters other than tab and line breaks, and lone UTF-16 surrogates: neither is
 * text a person wrote, PostgreSQL cannot store NUL in a text column at all, and a lone
 * surrogate becomes a different string once stored as UTF-8 (so a key would stop matching).
 */
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Surrogate}/u;

/** Length in characters (code points), not UTF-16 units, so `é` and `서` count as one. */
const lengthOf = (value: string): number => [...value].length;

/** Why `value` is not 1 to `max` characters of plain text; null when it is. */
function plainTextProblem(value: string, max: number): string | null {
  if (value.trim() === '') return 'must not be empty or only whitespace.';
  const length = lengthOf(value);
  if (length > max) return `must be at most ${max} characters, got ${length}.`;
  if (NOT_TEXT.test(value)) {
    return 'must be plain text: no control characters other than tab and line breaks, no lone surrogates.';
  }
  return null;
}

/** Free text of 1 to `max` characters of plain text once surrounding whitespace is removed; parses to it trimmed. */
export function text(max: number) {
  return z.string().transform((value, ctx) => {
    const trimmed = value.trim();
    const problem = plainTextProblem(trimmed, max);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return trimmed;
  });
}

/**
 * A client's key (an event id, a member reference): the same plain-text rules as `text`,
 * taken verbatim. Surrounding whitespace is refused rather than trimmed, because trimming
 * would make two keys the client holds apart into one.
 */
export function key(max: number) {
  return z.string().superRefine((value, ctx) => {
    const problem =
      plainTextProblem(value, max) ?? (value.trim() !== value ? 'must not start or end with whitespace.' : null);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A stable slug id of at most `maxLength` characters. */
export function slug(maxLength = MAX_ID_LENGTH) {
  return z.string().refine((value) => value.length <= maxLength && SLUG.test(value), {
    message: `must be a lowercase slug id (a-z, 0-9 and single hyphens) of at most ${maxLength} characters.`,
  });
}

/** An integer from `min` to `max`, both included. */
export function int(min: number, max: number) {
  return z.number().refine((value) => Number.isInteger(value) && value >= min && value <= max, {
    message: `must be an integer from ${min} to ${max}.`,
  });
}

/** A finite number from `min` to `max`, both included. */
export function number(min: number, max: number) {
  return z.number().refine((value) => Number.isFinite(value) && value >= min && value <= max, {
    message: `must be a number from ${min} to ${max}.`,
  });
}

/** An amount of money: more than 0, at most `max`, whole cents (at most 2 decimal places). */
export function amount(max: number) {
  return z.number().superRefine((value, ctx) => {
    const problem =
      !Number.isFinite(value) || value <= 0
        ? 'must be more than 0.'
        : value > max
          ? `must be at most ${max}.`
          : Number(value.toFixed(2)) !== value
            ? 'must have at most 2 decimal places.'
            : null;
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** A real calendar day written YYYY-MM-DD, from `min` to `max()` (a function, so "today" is read per request). */
export function isoDate(min: string, max: () => string, range?: string) {
  return z.string().superRefine((value, ctx) => {
    if (!isIsoDate(value)) ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 calendar date YYYY-MM-DD.' });
    else if (value < min || value > max()) {
      ctx.addIssue({ code: 'custom', message: `must be a day ${range ?? `from ${min} to ${max()}`}.` });
    }
  });
}

/** An ISO 8601 instant with seconds and an offset; parses to its canonical UTC form. */
export function isoInstant() {
  return z.string().transform((value, ctx) => {
    const instant = canonicalInstant(value);
    if (instant === null) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 instant with seconds and an offset.' });
      return z.NEVER;
    }
    return instant;
  });
}

/** An absolute http(s) URL of at most `max` characters, with no credentials in it. */
export function url(max = 2048) {
  return key(max).refine(
    (value) => {
      try {
        const parsed = new URL(value);
        return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && !parsed.username && !parsed.password;
      } catch {
        return false;
      }
    },
    { message: 'must be an absolute http or https URL without credentials.' },
  );
}

/** One of the given enum values (GraphQL has checked it already; this keeps the rule in the schema). */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: () => `must be one of ${values.join(', ')}.` });
}

/** `input.events[3].memberRef` from zod's path, under the argument's name. */
function pathOf(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (at, part) => (typeof part === 'number' ? `${at}[${part}]` : at === '' ? String(part) : `${at}.${String(part)}`),
    root,
  );
}

/** The first problem of a failed parse, as the field path and the rule it breaks. */
export function firstProblem(root: string, error: z.ZodError): { path: string; message: string } {
  const issue = error.issues[0]!;
  return { path: pathOf(root, issue.path), message: issue.message };
}

/**
 * Parses a mutation's input with its schema: the clean value, or a BadInputError naming the
 * first field at fault (`Argument "input.purpose": must not be empty or only whitespace.`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'input'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { path, message } = firstProblem(root, parsed.error);
  throw new BadInputError(path, message);
}
