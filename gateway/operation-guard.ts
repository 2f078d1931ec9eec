/**
 * Requests Apollo parses and validates but the gateway cannot plan: a document with several
 * operations and no `operationName`, an `operationName` the document does not define, or a
 * subscription (the gateway serves none). Without this plugin each reached the query planner and
 * came back a 500; they are the caller's fault, so they are refused with a 400 that says why.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

/** The names of the operations a document defines (null for an anonymous one). */
function operationNames(document: DocumentNode): (string | null)[] {
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value ?? null] : [],
  );
}

/** Refuses, before planning, an operation the gateway cannot resolve or does not serve. */
export function operationGuard<Context extends object>(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request }) {
          if (!operation) {
            const names = operationNames(document);
            if (request.operationName) {
              throw badRequest(`The document defines no operation named "${request.operationName}".`);
            }
            throw badRequest(
              `The document defines ${names.length} operations; name the one to run in "operationName".`,
            );
          }
          if (operation.operation === 'subscription') throw badRequest('This API serves no subscriptions.');
        },
      };
    },
  };
}
