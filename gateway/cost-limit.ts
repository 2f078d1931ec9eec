import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { CostTooHighError } from '../lib/errors.js';
import type { Metrics } from '../lib/metrics.js';
import { estimateCost, readCostDirectives, type CostModel } from './cost.js';

export interface CostLimitOptions {
  /** The supergraph whose `@cost` / `@listSize` directives price each field. */
  supergraphSdl: string;
  /** The budget: an operation estimated above it is refused. */
  maxCost: number;
  /** Size of a list without `@listSize` (none in this graph; the page-size maximum to be safe). */
  defaultListSize: number;
  metrics: Metrics;
}

/**
 * The estimate, or null when the operation's arguments cannot be read (an invalid literal):
 * execution then refuses it with its own error, before any subgraph is called, instead of a 500 here.
 */
function estimateOrNull(estimate: () => number | null): number | null {
  try {
    return estimate();
  } catch {
    return null;
  }
}

/**
 * Refuses an operation whose estimated cost is over the budget, after validation and before
 * any subgraph is called (or the response cache asked). A plugin rather than a validation
 * rule because validation never sees the variables, and `first: $n` must count as `$n`.
 */
export function costLimit<Context extends object>(options: CostLimitOptions): ApolloServerPlugin<Context> {
  const directives = readCostDirectives(options.supergraphSdl);
  // The API schema object changes only when the supergraph does; one model per schema.
  const models = new WeakMap<GraphQLSchema, CostModel>();
  const modelFor = (schema: GraphQLSchema): CostModel => {
    let model = models.get(schema);
    if (!model) models.set(schema, (model = { schema, directives, defaultListSize: options.defaultListSize }));
    return model;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName }) {
          const cost = estimateOrNull(() => estimateCost(modelFor(schema), document, request.variables, operationName));
          if (cost === null || cost <= options.maxCost) return;
          options.metrics.rejectedRequests.inc({ reason: 'cost' });
          throw new CostTooHighError(cost, options.maxCost);
        },
      };
    },
  };
}
