import fs from 'node:fs';
import { ACCEPTED_HINTS, SUPERGRAPH_FILE, composeSupergraph } from '../schema/compose.js';

const result = composeSupergraph();
if (result.errors) {
  for (const error of result.errors) console.error(`error: ${error.message}`);
  process.exit(1);
}
for (const hint of result.hints) {
  const accepted = ACCEPTED_HINTS[hint.definition.code];
  console.log(`${accepted ? 'accepted' : 'NEW'} hint ${hint.definition.code}: ${hint.message}`);
}
fs.writeFileSync(SUPERGRAPH_FILE, result.supergraphSdl);
console.log(`wrote ${SUPERGRAPH_FILE}`);
