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
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
