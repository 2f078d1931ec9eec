/**
 * Every URL the graph publishes opens with a plain GET, as a browser or curl sends it (no
 * preflight header, no token), and shows its record (scripts/newcomer/links.ts says what each
 * kind of link must show): the record URLs exports write where a standard demands one
 * (publiccode.yml `url`, `isBasedOn`, `organisation.uri`, `fundedBy`; OKH `repo`), the GBFS
 * feeds' links to each other, and every URL under the gateway in the DCAT-AP catalogue. Each
 * is fetched from a running stack over the same databases the exports read. The fresh-clone
 * newcomer run (scripts/newcomer.ts) opens the same links from `npm start`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig, SubgraphName } from '../../lib/config.js';
import { runExport, type ExportKind } from '../../scripts/interop/run.js';
import { gatewayUrls, unopened } from '../../scripts/newcomer/links.js';
import { startTestStack, type TestStack } from '../harness.js';
import { freshDatabases } from '../interop/helpers.js';

let stack: TestStack;
let base: string;
let databases: Record<SubgraphName, DatabaseConfig>;
let remove: () => void;

beforeAll(async () => {
  ({ databases, remove } = await freshDatabases());
  stack = await startTestStack({ databases });
  base = stack.gatewayUrl.replace(/\/graphql$/, '');
});
afterAll(async () => {
  await stack?.stop();
  remove?.();
});

/** The URLs of every document an export kind writes for the whole graph. */
async function exportedUrls(kind: ExportKind): Promise<string[]> {
  const files = await runExport(kind, { databases, baseUrl: base });
  expect(files.length).toBeGreaterThan(0);
  return gatewayUrls(files.map((file) => file.content).join('\n'), base);
}

describe('links the graph publishes', () => {
  it('publiccode.yml: every record URL opens with a plain GET and shows the record', async () => {
    const urls = await exportedUrls('publiccode');
    expect(urls.some((url) => url.includes('/data/applications/'))).toBe(true);
    expect(urls.some((url) => url.includes('/data/cities/'))).toBe(true);
    expect(urls.filter((url) => url.includes('/graphql'))).toEqual([]);
    expect(await unopened(urls, base)).toEqual([]);
    const muniride = await fetch(`${base}/data/applications/muniride.json`);
    expect(muniride.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await muniride.json()).toMatchObject({ id: 'muniride', name: expect.any(String) });
  });

  it('OKH: every design URL opens with a plain GET and shows the design', async () => {
    const urls = await exportedUrls('okh');
    expect(urls.some((url) => url.includes('/data/designs/'))).toBe(true);
    expect(await unopened(urls, base)).toEqual([]);
    const [first] = urls.filter((url) => url.includes('/data/designs/'));
    const id = /\/data\/designs\/([^/]+)\.json$/.exec(first!)![1];
    expect(await (await fetch(first!)).json()).toMatchObject({ id });
  });

  it('GBFS: every feed URL opens with a plain GET', async () => {
    expect(await unopened(await exportedUrls('gbfs'), base)).toEqual([]);
  });

  it('the catalogue: every URL under the gateway opens with a plain GET', async () => {
    const urls = [
      ...gatewayUrls(await (await fetch(`${base}/catalog.ttl`)).text(), base),
      ...gatewayUrls(await (await fetch(`${base}/catalog.jsonld`)).text(), base),
    ];
    expect(urls.length).toBeGreaterThan(0);
    expect(await unopened([...new Set(urls)], base)).toEqual([]);
  });

  it('a record document has one URL: another form or an unknown id is a 404, the answer says why', async () => {
    for (const path of [
      '/data/applications/MuniRide.json',
      '/data/applications/muniride',
      '/data/applications/muniride.JSON',
      '/data/application/muniride.json',
    ]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(404);
    }
    const unknown = await fetch(`${base}/data/applications/no-such-app.json`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'No application has the id "no-such-app".' });
    expect((await fetch(`${base}/data/applications/muniride.json`, { method: 'POST' })).status).toBe(405);
  });
});
