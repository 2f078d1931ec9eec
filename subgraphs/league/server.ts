import { loadTypeDefs, type SubgraphDefinition } from '../../lib/subgraph.js';
import { migrations } from './db/migrations/index.js';
import { createLoaders, type LeagueLoaders } from './loaders.js';
import { resolvers } from './resolvers/index.js';

/** The league subgraph: cities, leagues, protocol cooperatives and pledges. */
export const league: SubgraphDefinition<LeagueLoaders> = {
  name: 'league',
  typeDefs: loadTypeDefs(import.meta.url),
  resolvers,
  createLoaders,
  migrations,
};
