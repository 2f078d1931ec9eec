/**
 * Answer size. Every process refuses to build, return or cache an answer larger than
 * MAX_ANSWER_BYTES. Sizes are counted while an answer is built, as an estimate of its JSON:
 * exact for ASCII without escapes, never far off otherwise, and cheap enough to run on every
 * field.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from './errors.js';

/** The most the gateway will still accept for one operation, in bytes; a subgraph never builds more. */
export const ANSWER_BUDGET_HEADER = 'x-answer-budget-bytes';

/**
 * The answer limit of a write: MAX_ANSWER_BYTES plus twice the size of its request. A write's
 * payload reports on what it was sent (an ingest gives one result per event, echoing the event's
 * client id with a reason of fixed text), so it grows with the request, and refusing it after the
 * write committed would hide what was stored (a 10,000-event batch that was resent, or half
 * rejected, was answered ANSWER_TOO_LARGE with its new events stored). Reads keep
 * MAX_ANSWER_BYTES: what they answer does not grow with what the caller sends.
 */
export function writeAnswerLimit(maxAnswerBytes: number, requestBytes: number): number {
  return maxAnswerBytes + 2 * requestBytes;
}

/**
 * The largest answer a request may get: the subgraph's own limit, lowered by the gateway's
 * budget when a request from the gateway (`trusted`) states one.
 */
export function answerBudgetOf(header: string | undefined, trusted: boolean, maxBytes: number): number {
  const given = trusted && header !== undefined && /^\d{1,12}$/.test(header) ? Number(header) : maxBytes;
  return Math.min(given, maxBytes);
}

/** JSON size of a string, a number, a boolean or null. */
function scalarBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value) + 2;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value).length;
  return 4;
}

/** JSON size of the punctuation around `count` items: the brackets and the commas between them. */
const bracketsBytes = (count: number) => (count === 0 ? 2 : count + 1);

/**
 * The JSON size of `value`, counted without recursion (a value nested thousands deep cannot
 * overflow the stack) and only until it exceeds `limit`: the result is exact up to the limit
 * (escapes aside) and some number above it beyond. It runs on every answer the gateway sends,
 * so it walks keys in place rather than building entry arrays (half the time on a
 * `cities-50` answer).
 */
export function jsonBytesAtMost(value: unknown, limit: number): number {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && bytes <= limit) {
    const next = pending.pop();
    if (Array.isArray(next)) {
      bytes += bracketsBytes(next.length);
      for (const item of next) pending.push(item);
    } else if (next !== null && typeof next === 'object') {
      const record = next as Record<string, unknown>;
      let fields = 0;
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (item === undefined) continue;
        fields++;
        bytes += Buffer.byteLength(key) + 3;
        pending.push(item);
      }
      bytes += bracketsBytes(fields);
    } else {
      bytes += scalarBytes(next);
    }
  }
  return bytes;
}

/**
 * What one resolved field adds to its answer: its key and, for a leaf (scalar or enum), its
 * value. For a list of objects, `itemBytes` for each item (at least its braces; callers pass
 * the keys of the item's selection too, so a list whose items would overflow stops the request
 * before any item is worked on); the fields inside are counted as they are resolved.
 */
export function fieldBytes(key: string, value: unknown, isLeaf: boolean, limit: number, itemBytes = 2): number {
  const keyBytes = key.length + 4;
  if (isLeaf || value === null || value === undefined) return keyBytes + jsonBytesAtMost(value ?? null, limit);
  let bytes = keyBytes + 2;
  const lists: unknown[] = [value];
  while (lists.length > 0 && bytes <= limit) {
    const list = lists.pop();
    if (!Array.isArray(list)) continue;
    bytes += itemBytes * list.length;
    for (const item of list) if (Array.isArray(item)) lists.push(item);
  }
  return bytes;
}

/** An answer would have grown past the limit; nothing of it is sent. Pathed, like DeadlineExceededError, so one instance serves. */
export class AnswerTooLargeError extends GraphQLError {
  constructor(limit: number) {
    super(`The answer would be larger than ${limit} bytes; ask for fewer fields or smaller pages.`, {
      path: [],
      extensions: { code: ErrorCode.ANSWER_TOO_LARGE },
    });
  }
}
