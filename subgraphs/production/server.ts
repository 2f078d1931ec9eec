import { loadTypeDefs, type SubgraphDefinition } from '../../lib/subgraph.js';
import { migrations } from './db/migrations/index.js';
import { createLoaders, type ProductionLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/** The production subgraph: open co-ops, open designs, production runs and emission factors. */
export const production: SubgraphDefinition<ProductionLoaders> = {
  name: 'production',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers,
  createLoaders,
  migrations,
};
