/**
 * A bound on how deeply JSON nests, checked on the raw text before it is parsed. JSON.parse itself
 * copes with deep input, but everything that later walks the value recursively (variable
 * coercion, the response cache's key, logging) can overflow the stack on it; a linear scan over
 * the text refuses such input for the cost of reading it once.
 */

/** The default bound: far above any real request (ingest events nest 3 or 4 deep), far below a stack overflow. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * True when the JSON text opens more than `maxDepth` arrays or objects inside one another.
 * Brackets inside strings (escaped quotes included) do not count. The text need not be valid
 * JSON: what is malformed is left for the parser to report.
 */
export function jsonNestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      i = closingQuote(text, i);
      if (i < 0) return false;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/**
 * Where the string opened at `open` ends, or -1 when it never does. Strings are most of a large
 * body (an ingest batch is 10,000 events of ids and instants), so they are skipped by indexOf, not
 * read character by character; a quote preceded by an odd number of backslashes is escaped.
 */
function closingQuote(text: string, open: number): number {
  let quote = text.indexOf('"', open + 1);
  while (quote >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    quote = text.indexOf('"', quote + 1);
  }
  return -1;
}
