import { runSubgraph } from '../../lib/run-subgraph.js';
import { production } from './server.js';

await runSubgraph(production);
