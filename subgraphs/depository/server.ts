import { loadTypeDefs, type SubgraphDefinition } from '../../lib/subgraph.js';
import { migrations } from './db/migrations/index.js';
import { createLoaders, type DepositoryLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/** The depository subgraph: commons applications, their releases and local adaptations. */
export const depository: SubgraphDefinition<DepositoryLoaders> = {
  name: 'depository',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers,
  createLoaders,
  migrations,
};
