/**
 * The HTTP status of an auth refusal, the same wherever it is decided: a bad token is refused
 * by the gateway before the body is read (401), but a write without a token (or with a token
 * for another scope) is refused by the subgraph that owns the data, which the gateway relays
 * as a GraphQL error. Without this, the first answered 401 and the second 200. An answer whose
 * every error is UNAUTHENTICATED is 401, FORBIDDEN 403 (docs/security.md).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { ErrorCode } from '../lib/errors.js';

const STATUS_OF: Record<string, number> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
};

/** Sets 401/403 on an answer refused only for authentication or authorisation. */
export function authRefusalStatus<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const codes = new Set((response.body.singleResult.errors ?? []).map((error) => error.extensions?.code));
          const [code] = codes;
          if (codes.size === 1 && typeof code === 'string' && STATUS_OF[code]) response.http.status = STATUS_OF[code];
        },
      };
    },
  };
}
