import { loadTypeDefs, type SubgraphDefinition } from '../../lib/subgraph.js';
import { migrations } from './db/migrations/index.js';
import { createGbfsHandler } from './gbfs-http.js';
import { createLoaders, type CoopLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/** The coop subgraph: platform co-ops, their shared assets, privacy-preserving sharing figures and GBFS feeds. */
export const coop: SubgraphDefinition<CoopLoaders> = {
  name: 'coop',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers,
  createLoaders,
  migrations,
  createHandlers: ({ db, secrets, admit }) => createGbfsHandler({ db, secrets, admit }),
};
