/**
 * Deadlines. The gateway tells each subgraph fetch how long it will still wait for the answer;
 * the subgraph stops the request's work when that time is up, so a request the gateway gave up
 * on costs nothing more. The header carries the milliseconds left, not a wall-clock instant:
 * the hosts' clocks need not agree, and the time in transit only makes a subgraph stop a little
 * after the gateway stopped waiting.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from './errors.js';

/** Milliseconds the gateway will still wait for this fetch's answer (a decimal integer). */
export const DEADLINE_HEADER = 'x-request-timeout-ms';

/**
 * When a request's work must stop (epoch milliseconds): now plus the time its gateway will
 * wait, never later than the subgraph's own bound `maxMs`. Only a request from the gateway
 * (`trusted`) may shorten it; a missing or malformed header gets the subgraph's own bound.
 */
export function deadlineOf(header: string | undefined, trusted: boolean, maxMs: number, now = Date.now()): number {
  const given = trusted && header !== undefined && /^\d{1,9}$/.test(header) ? Number(header) : maxMs;
  return now + Math.min(given, maxMs);
}

/** The header value for a fetch that must be answered by `deadline`: the whole milliseconds left, at least 1. */
export function deadlineHeaderValue(deadline: number, now = Date.now()): string {
  return String(Math.max(1, Math.floor(deadline - now)));
}

/**
 * A request's work stopped at its deadline. It carries a path already, so graphql-js reports
 * this one instance for every field it stops instead of wrapping a new error for each.
 */
export class DeadlineExceededError extends GraphQLError {
  constructor() {
    super('The request ran past its deadline and was stopped.', {
      path: [],
      extensions: { code: ErrorCode.DEADLINE_EXCEEDED },
    });
  }
}
