import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { ErrorCode } from './errors.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in a month of the proleptic Gregorian calendar (month 1 to 12). */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True when the digits name a real day. Arithmetic, not `new Date`: a 10,000-event ingest checks
 * 20,000 instants on the request thread, and two Date objects each cost more than all the rest.
 */
function isCalendarDay(year: string, month: string, day: string): boolean {
  const m = Number(month);
  const d = Number(day);
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(Number(year), m);
}

/** True for a real calendar date written YYYY-MM-DD (2024-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  return match !== null && isCalendarDay(match[1]!, match[2]!, match[3]!);
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw new GraphQLError(`Date must be an ISO 8601 calendar date YYYY-MM-DD, got ${JSON.stringify(value)}.`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT },
    });
  }
  return value;
}

/** The `Date` scalar every subgraph declares: ISO 8601 calendar dates as strings. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'An ISO 8601 calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseDate(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

const ISO_INSTANT =
  /^((\d{4})-(\d{2})-(\d{2}))T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

/** `2025-03-01T07:00:00.000Z`: the canonical form, which `toISOString` gives and the database stores. */
const CANONICAL_LENGTH = 24;

/**
 * The instant an ISO 8601 date-time with seconds and an explicit offset (`Z` or `±hh:mm`)
 * names, or null when the text is not one. Stricter than `Date.parse`, which accepts
 * 2025-02-30 or 24:00 and guesses a time zone when none is given.
 */
export function parseIsoInstant(value: string): Date | null {
  const match = ISO_INSTANT.exec(value);
  if (!match || !isCalendarDay(match[2]!, match[3]!, match[4]!)) return null;
  const instant = new Date(value);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/**
 * The canonical UTC spelling of an ISO 8601 instant, or null when the text is not one. Text
 * already canonical (what clients that send `toISOString()` send) is checked and returned as it
 * is, without building a Date.
 */
export function canonicalInstant(value: string): string | null {
  // 24 characters ending in Z that match the pattern can only be YYYY-MM-DDTHH:MM:SS.sssZ.
  if (value.length === CANONICAL_LENGTH && value.endsWith('Z')) {
    const match = ISO_INSTANT.exec(value);
    return match && isCalendarDay(match[2]!, match[3]!, match[4]!) ? value : null;
  }
  return parseIsoInstant(value)?.toISOString() ?? null;
}

function parseDateTime(value: unknown): string {
  const instant = typeof value === 'string' ? canonicalInstant(value) : null;
  if (instant === null) {
    throw new GraphQLError(
      `DateTime must be an ISO 8601 instant with seconds and an offset, e.g. 2025-03-01T08:00:00Z, got ${JSON.stringify(value)}.`,
      { extensions: { code: ErrorCode.BAD_USER_INPUT } },
    );
  }
  return instant;
}

/**
 * The `DateTime` scalar: an ISO 8601 instant with an explicit offset. Inputs are read as the
 * canonical UTC form (`2025-03-01T07:00:00.000Z` for `2025-03-01T08:00:00+01:00`), so
 * resolvers and the database only ever see one spelling of an instant.
 */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description:
    'An ISO 8601 instant with seconds and an offset, e.g. 2025-03-01T08:00:00Z or 2025-03-01T09:00:00+01:00.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : parseDateTime(value)),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
