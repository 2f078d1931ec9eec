/**
 * A newcomer's first hour, scripted from the README itself (its text is read, not copied, so an
 * edit to the README is what is tested): the CityReport with its variables, and the token +
 * ingest example with a token from `npm run token` signed with the stack's secret. The other
 * steps of that hour have their own files: every documented import of the official samples
 * (test/interop/official-samples.test.ts) and every published link opened with a plain GET
 * (test/e2e/published-links.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS, startTestStack, type TestStack } from '../harness.js';
import { runScript } from '../scripts.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The fenced blocks of the README with their language, in order. */
const blocks = [...README.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((match) => ({
  lang: match[1]!,
  text: match[2]!,
}));

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
    const query = blocks.find((block) => block.lang === 'graphql' && block.text.includes('query CityReport'))!.text;
    const variables = JSON.parse(blocks.find((block) => block.lang === 'json' && block.text.includes('"from"'))!.text);
    const answer = await stack.query(query, variables);
    expect(answer.errors).toBeUndefined();
    const documented = JSON.parse(blocks.find((block) => block.lang === 'json' && block.text.includes('"data"'))!.text);
    expect(Object.keys(answer.data!).sort()).toEqual(Object.keys(documented.data).sort());
    expect(Object.keys((answer.data as any).city).sort()).toEqual(Object.keys(documented.data.city).sort());
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
