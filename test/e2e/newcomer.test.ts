/**
 * A newcomer's first hour, scripted from the README itself (its text is read, not copied, so an
 * edit to the README is what is tested): the CityReport with its variables, and the token +
 * ingest example with a token from `npm run token` signed with the stack's secret. The other
 * steps of that hour have their own files: every documented import of the official samples
 * (test/interop/official-samples.test.ts) and every published link opened with a plain GET
 * (test/e2e/published-links.test.ts). scripts/newcomer.ts runs the same hour on a fresh clone
 * with `npm ci` and `npm start`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, startTestStack, type TestStack } from '../harness.js';
import { runScript } from '../scripts.js';
import { graphqlExamples, readmeBlocks } from '../../scripts/newcomer/readme.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const blocks = readmeBlocks(ROOT);

let stack: TestStack;
let dataDir: string;
beforeAll(async () => {
  stack = await startTestStack();
  // What `npm start` leaves in DATA_DIR: the secrets the stack signs and checks tokens with.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'newcomer-'));
  fs.writeFileSync(path.join(dataDir, 'secrets.json'), JSON.stringify(SECRETS));
});
afterAll(async () => {
  await stack?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the README's examples", () => {
  it('the CityReport with its variables answers without errors, every top-level field there', async () => {
    const {
      query,
      variables,
      answer: documented,
    } = graphqlExamples(blocks).find((example) => example.query.includes('query CityReport'))!;
    const answer = await stack.query(query, variables);
    expect(answer.errors).toBeUndefined();
    const { data } = documented as { data: { city: object } };
    expect(Object.keys(answer.data!).sort()).toEqual(Object.keys(data).sort());
    expect(Object.keys((answer.data as any).city).sort()).toEqual(Object.keys(data.city).sort());
  });

  it('the token + ingest example: npm run token, then the documented write is answered event by event', async () => {
    const example = blocks.find((block) => block.lang === 'sh' && block.text.includes('npm run -s token'))!.text;
    const args = /npm run -s token -- (.+)\)/.exec(example)![1]!.split(/\s+/);
    const issued = runScript('token', dataDir, args);
    expect(issued.stderr).toBe('');
    expect(issued.code).toBe(0);
    const body = /-d '([\s\S]+)'/.exec(example)![1]!;
    const answer = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${issued.stdout.trim()}` },
      body,
    });
    expect(answer.status).toBe(200);
    const { data, errors } = (await answer.json()) as any;
    expect(errors).toBeUndefined();
    const { accepted, duplicates, rejected, results } = data.ingestUsage;
    expect(accepted + duplicates + rejected).toBe(1);
    expect(results).toEqual([expect.objectContaining({ clientEventId: 'trip-1' })]);
  });
});
