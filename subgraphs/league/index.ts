import { runSubgraph } from '../../lib/run-subgraph.js';
import { league } from './server.js';

await runSubgraph(league);
