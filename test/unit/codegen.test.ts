/**
 * The generated types contract: every file `npm run codegen` writes is committed exactly as the
 * generator and prettier write it now, so changing a schema without regenerating fails here
 * (as test/unit/schema.test.ts does for the supergraph).
 */
import fs from 'node:fs';
import path from 'node:path';
import { generate } from '@graphql-codegen/cli';
import prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import config from '../../codegen.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** What codegen.ts generates now, formatted as its prettier hook formats it, by repository path. */
async function generatedFiles(): Promise<Map<string, string>> {
  const outputs = await generate({ ...config, cwd: ROOT, silent: true }, false);
  const files = new Map<string, string>();
  for (const output of outputs) {
    const file = path.resolve(ROOT, output.filename);
    const options = await prettier.resolveConfig(file);
    files.set(path.relative(ROOT, file), await prettier.format(output.content, { ...options, filepath: file }));
  }
  return files;
}

describe('generated types', () => {
  it('match the committed files byte for byte', { timeout: 60_000 }, async () => {
    const files = await generatedFiles();
    // The four subgraphs' resolvers and the operations of the gateway (with the tests') and of the web pages.
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['gateway/generated/operations.ts', 'web/src/generated/operations.ts']),
    );
    expect([...files.keys()].length).toBeGreaterThanOrEqual(6);
    for (const [file, content] of files) {
      const committed = fs.existsSync(path.join(ROOT, file)) ? fs.readFileSync(path.join(ROOT, file), 'utf8') : '';
      expect(committed, `${file} is out of date: run \`npm run codegen\``).toBe(content);
    }
  });
});
