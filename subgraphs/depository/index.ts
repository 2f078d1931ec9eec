import { runSubgraph } from '../../lib/run-subgraph.js';
import { depository } from './server.js';

await runSubgraph(depository);
