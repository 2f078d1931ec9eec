/**
 * Runs the catalogue's operations through the gateway's ApolloServer with `executeOperation`:
 * the full request pipeline (parse limits, depth, alias and cost rules, the response cache, the
 * query planner and each subgraph's timeout) without an HTTP hop to itself, so the gateway need
 * not know its own public address and the file request is rate-limited once, not twice.
 */
import type { ApolloServer } from '@apollo/server';
import { REQUEST_ERROR_CODES } from '../../lib/errors.js';
import type { GatewayContext } from '../datasource.js';
import { CatalogUnavailableError, type Execute } from './data.js';

/** An executor whose operations carry `requestId` to the subgraphs, for their logs. */
export function gatewayExecutor(apollo: ApolloServer<GatewayContext>): (requestId: string) => Execute {
  return (requestId) =>
    async <Data>(document: string | String, variables?: Record<string, unknown>): Promise<Data> => {
      const query = document.toString();
      const response = await apollo.executeOperation<Data>({ query, variables }, { contextValue: { requestId } });
      if (response.body.kind !== 'single') throw new Error('the catalogue sends no incremental operations');
      const { data, errors } = response.body.singleResult;
      // A refused operation is a bug here (every operation is fixed), not the graph being down.
      const refused = errors?.find((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code)));
      if (refused) throw new Error(`catalogue operation refused: ${refused.message}`);
      if (errors?.length || !data) {
        const messages = errors?.map((error) => error.message).join('; ') ?? 'no data';
        throw new CatalogUnavailableError(messages);
      }
      return data;
    };
}
