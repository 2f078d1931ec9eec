import { loadTypeDefs, type SubgraphDefinition } from '../../lib/subgraph.js';
import { migrations } from './db/migrations/index.js';
import { createLoaders, type CoopLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/** The coop subgraph: platform co-ops, their shared assets and privacy-preserving sharing figures. */
export const coop: SubgraphDefinition<CoopLoaders> = {
  name: 'coop',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers,
  createLoaders,
  migrations,
};
