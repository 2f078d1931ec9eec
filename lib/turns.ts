/**
 * Large requests take turns. A 10,000-event ingest is 2 MB of JSON: parsing it, checking it
 * against the schema and coercing its variables (graphql-js, synchronous) and shaping its
 * 10,000 results each hold a process's only thread for tens of milliseconds, and Apollo chains
 * its phases through promises that resolve at once, so without a break they ran as one block of
 * 100 to 250 ms in which no other request of the gateway or the coop was read or answered. A
 * request whose body is at least LARGE_REQUEST_BYTES lets the event loop run between its
 * phases, so a public read waits for one phase of a write at most, not for all of them.
 */
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** Bodies from this size on take turns; every read of this graph is far smaller. */
const LARGE_REQUEST_BYTES = 200_000;

/** Resolves after the event loop has had a turn: pending I/O (other requests) is served first. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** True when a request of this many body bytes should take turns. */
export const takesTurns = (requestBytes: number | undefined): boolean => (requestBytes ?? 0) >= LARGE_REQUEST_BYTES;

/**
 * Gives other requests a turn before a large request's operation is executed (variable
 * coercion, then its resolvers or the gateway's query plan), and again before its answer is
 * checked and written out.
 */
export function largeRequestsTakeTurns<
  Context extends BaseContext & { requestBytes?: number },
>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      if (!takesTurns(contextValue.requestBytes)) return;
      return {
        didResolveOperation: nextTurn,
        async executionDidStart() {
          await nextTurn();
        },
        willSendResponse: nextTurn,
      };
    },
  };
}
