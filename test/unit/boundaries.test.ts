/**
 * Who may import whom: a subgraph imports only its own folder and lib/ (never seeds/, never
 * another subgraph), and the domain value lists each subgraph keeps in domain.ts equal the enums
 * of its own schema.graphql.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES } from '../../lib/config.js';
import * as coopDomain from '../../subgraphs/coop/domain.js';
import * as productionDomain from '../../subgraphs/production/domain.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Every .ts file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The relative imports of one file, resolved to paths from the repository root. */
function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)]
    .map((match) => match[1] ?? match[2] ?? '')
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => path.relative(ROOT, path.resolve(path.dirname(file), spec)));
}

/** The values of one enum of a subgraph's SDL. */
function sdlEnum(subgraph: string, name: string): string[] {
  const sdl = parse(fs.readFileSync(path.join(ROOT, 'subgraphs', subgraph, 'schema.graphql'), 'utf8'));
  const node = sdl.definitions.find(
    (def): def is EnumTypeDefinitionNode => def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === name,
  );
  return (node?.values ?? []).map((value) => value.name.value);
}

describe('import boundaries', () => {
  for (const subgraph of SUBGRAPH_NAMES) {
    it(`subgraphs/${subgraph} imports only itself and lib/`, () => {
      const crossings = sourceFiles(path.join(ROOT, 'subgraphs', subgraph)).flatMap((file) =>
        relativeImports(file)
          .filter((target) => !target.startsWith(`subgraphs/${subgraph}/`) && !target.startsWith('lib/'))
          .map((target) => `${path.relative(ROOT, file)} -> ${target}`),
      );
      expect(crossings).toEqual([]);
    });
  }
});

describe('domain values mirror the SDL', () => {
  it('coop AssetKind', () => {
    expect([...coopDomain.ASSET_KINDS]).toEqual(sdlEnum('coop', 'AssetKind'));
  });
  it('production AssetKind and EmissionFactorCategory', () => {
    expect([...productionDomain.ASSET_KINDS]).toEqual(sdlEnum('production', 'AssetKind'));
    expect([...productionDomain.EMISSION_FACTOR_CATEGORIES]).toEqual(sdlEnum('production', 'EmissionFactorCategory'));
  });
});
