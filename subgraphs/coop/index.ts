import { runSubgraph } from '../../lib/run-subgraph.js';
import { coop } from './server.js';

await runSubgraph(coop);
