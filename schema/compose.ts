import fs from 'node:fs';
import path from 'node:path';
import { composeServices, type CompositionResult } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, DEFAULT_PORTS } from '../lib/config.js';

const root = path.resolve(import.meta.dirname, '..');

/** Where the committed supergraph lives. */
export const SUPERGRAPH_FILE = path.join(root, 'schema', 'supergraph.graphql');

/**
 * Composition hints we have read and accepted, by code. Any other hint fails the check:
 * a new hint means a schema change someone must look at.
 */
export const ACCEPTED_HINTS: Record<string, string> = {};

/** Composes the four subgraph SDL files, with the default service URLs baked in. */
export function composeSupergraph(): CompositionResult {
  return composeServices(
    SUBGRAPH_NAMES.map((name) => ({
      name,
      url: `http://127.0.0.1:${DEFAULT_PORTS[name]}/graphql`,
      typeDefs: parse(fs.readFileSync(path.join(root, 'subgraphs', name, 'schema.graphql'), 'utf8')),
    })),
  );
}
