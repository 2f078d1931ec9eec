import type { SubgraphName } from '../lib/config.js';
import type { AnySubgraphDefinition } from '../lib/subgraph.js';
import { coop } from './coop/server.js';
import { depository } from './depository/server.js';
import { league } from './league/server.js';
import { production } from './production/server.js';

/** The four subgraphs by name, for tools that handle all of them (start-up, seeding, tests). */
export const subgraphDefinitions: Record<SubgraphName, AnySubgraphDefinition> = {
  league: league,
  depository: depository,
  coop: coop,
  production: production,
};
