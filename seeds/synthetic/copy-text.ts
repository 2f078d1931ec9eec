/**
 * PostgreSQL's COPY text format, the one `COPY ... FROM STDIN` reads by default
 * (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"): a tab between
 * columns, a newline after each row, `\N` for null. Inside a value a backslash, tab, newline or
 * carriage return would be read as syntax, so each is written as `\\`, `\t`, `\n`, `\r`; with
 * backslashes escaped no value can form the end-of-data marker `\.` either. A NUL byte cannot
 * be stored in a PostgreSQL text value at all, so it is refused rather than sent.
 */

/** A value of one column: text, a number, or null. */
export type CopyValue = string | number | null;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const SPECIAL = /[\\\t\n\r]/;
const EVERY_SPECIAL = new RegExp(SPECIAL.source, 'g');

/** One value as COPY text reads it back unchanged. */
export function copyValue(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (value.includes('\0')) throw new Error(`COPY cannot carry a NUL byte (in ${JSON.stringify(value)})`);
  // Most values need no escape; testing first spares the replace on the bulk path.
  return SPECIAL.test(value) ? value.replace(EVERY_SPECIAL, (character) => ESCAPES[character]!) : value;
}

/** One row: its values in column order, tab-separated, newline-terminated. */
export function copyRow(values: readonly CopyValue[]): string {
  return values.map(copyValue).join('\t') + '\n';
}
