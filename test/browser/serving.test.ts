/**
 * How gateway/web.ts serves the pages, over real HTTP on a free port, against a small build of
 * its own (no Chromium, no Vite needed): which requests it takes and which it leaves to
 * GraphQL, content types, caching, compression, and no way out of the build folder.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebHandler, type WebOptions } from '../../gateway/web.js';
import { close, listen } from '../../lib/http.js';
import { dispatch, type RequestHandler } from '../../lib/routes.js';

const SECRET = 'top secret: outside the build';
const ASSET_JS = `console.log(${JSON.stringify('x'.repeat(2000))});`;

let root: string;
let dist: string;

/** A build as Vite lays it out, with a secret file beside it and a symlink pointing at it. */
function writeFixture(): void {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'commons-web-'));
  dist = path.join(root, 'dist');
  fs.mkdirSync(path.join(dist, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
  fs.writeFileSync(path.join(dist, 'index.html'), '<!doctype html><html lang="en"><title>dashboard</title></html>');
  fs.writeFileSync(path.join(dist, 'graphiql.html'), '<!doctype html><html lang="en"><title>graphiql</title></html>');
  fs.writeFileSync(path.join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(dist, 'assets', 'app-AbC123.js'), ASSET_JS);
  fs.writeFileSync(path.join(dist, 'assets', 'app-AbC123.js.gz'), zlib.gzipSync(ASSET_JS));
  fs.writeFileSync(path.join(dist, 'assets', 'style-XyZ789.css'), 'body{margin:0}');
  fs.writeFileSync(path.join(dist, 'assets', 'font-Q1w2E3.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(dist, 'assets', 'link-Aa11.txt'));
}

interface Served {
  base: string;
  port: number;
  stop(): Promise<void>;
}

/** The routes on a free port, behind them a stand-in for GraphQL; a request none of them takes gets 418 and `passed` too. */
async function serve(options: Partial<WebOptions> = {}): Promise<Served> {
  const passed: RequestHandler = {
    path: '/graphql',
    methods: ['GET', 'POST'],
    serve: async (_req, res) => {
      res.statusCode = 418;
      res.end('passed');
    },
  };
  const routes = [...createWebHandler({ explorer: true, distDir: dist, ...options }), passed];
  const server = http.createServer((req, res) => {
    void dispatch(routes, req, res).then((label) => {
      if (label) return;
      res.statusCode = 418;
      res.end('passed');
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  return { base: `http://127.0.0.1:${port}`, port, stop: () => close(server) };
}

/** A GET with the path sent exactly as written (fetch would normalise `..` and `%2e`). */
function rawGet(port: number, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: rawPath }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      })
      .on('error', reject);
  });
}

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

let served: Served;

beforeAll(async () => {
  writeFixture();
  served = await serve();
});
afterAll(async () => {
  await served?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('which requests are the web pages', () => {
  it('serves GraphiQL at GET /graphql to a browser, varying on Accept', async () => {
    const response = await fetch(`${served.base}/graphql`, { headers: HTML });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('vary')).toMatch(/accept/);
    expect(await response.text()).toContain('<title>graphiql</title>');
  });

  it('leaves /graphql to GraphQL for operations, non-browser clients and other methods', async () => {
    const cases: [string, RequestInit][] = [
      ['/graphql?query=%7B__typename%7D', { headers: HTML }],
      ['/graphql', { headers: { accept: 'application/json' } }],
      ['/graphql', {}],
      ['/graphql', { method: 'POST', headers: { ...HTML, 'content-type': 'application/json' }, body: '{}' }],
      ['/health', { headers: HTML }],
      ['/metrics', {}],
    ];
    for (const [url, init] of cases) {
      const response = await fetch(`${served.base}${url}`, init);
      expect({ url, status: response.status, body: await response.text() }).toEqual({
        url,
        status: 418,
        body: 'passed',
      });
    }
  });

  it('serves the dashboard at / and /cities/<slug>, and nothing else that looks like a page', async () => {
    for (const url of ['/', '/cities/gent', '/cities/muniride-gent/', '/cities/gent?year=2024']) {
      const response = await fetch(`${served.base}${url}`, { headers: HTML });
      expect(response.status, url).toBe(200);
      expect(await response.text()).toContain('<title>dashboard</title>');
    }
    for (const url of ['/cities', '/cities/Gent', '/cities/gent/x', '/index.html', '/graphiql.html', '/anything']) {
      expect((await fetch(`${served.base}${url}`)).status, url).toBe(418);
    }
  });

  it('marks the dashboard when the explorer is off, and then leaves GET /graphql to GraphQL', async () => {
    const off = await serve({ explorer: false });
    try {
      expect(await (await fetch(`${off.base}/`)).text()).toContain('<html lang="en" data-explorer="off">');
      expect((await fetch(`${off.base}/graphql`, { headers: HTML })).status).toBe(418);
    } finally {
      await off.stop();
    }
  });

  it('can leave the dashboard off', async () => {
    const off = await serve({ dashboard: false });
    try {
      expect((await fetch(`${off.base}/`, { headers: HTML })).status).toBe(418);
      expect((await fetch(`${off.base}/graphql`, { headers: HTML })).status).toBe(200);
    } finally {
      await off.stop();
    }
  });

  it('answers 404 for a city the graph does not have, and the page when the graph cannot say', async () => {
    // Stands in for the graph's answer (the real lookup runs in pages.test.ts through the stack).
    const known = new Set(['gent']);
    const cityExists = async (id: string) => {
      if (id === 'down') throw new Error('league is down');
      return known.has(id);
    };
    const withLookup = await serve({ cityExists });
    try {
      const gent = await fetch(`${withLookup.base}/cities/gent`, { headers: HTML });
      expect(gent.status).toBe(200);
      const unknown = await fetch(`${withLookup.base}/cities/atlantis`, { headers: HTML });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(unknown.headers.get('cache-control')).toBe('no-store');
      expect(unknown.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await unknown.text()).toContain('<title>dashboard</title>');
      const head = await fetch(`${withLookup.base}/cities/atlantis`, { method: 'HEAD' });
      expect({ status: head.status, body: await head.text() }).toEqual({ status: 404, body: '' });
      // A graph that cannot answer is not a 404: the page loads and says itself what failed.
      expect((await fetch(`${withLookup.base}/cities/down`, { headers: HTML })).status).toBe(200);
      expect((await fetch(`${withLookup.base}/`, { headers: HTML })).status).toBe(200);
    } finally {
      await withLookup.stop();
    }
  });

  it('answers 503 with the build command when web/dist is missing; GraphQL is untouched', async () => {
    const missing = await serve({ distDir: path.join(root, 'nowhere') });
    try {
      const response = await fetch(`${missing.base}/`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('npm run build:web');
      expect((await fetch(`${missing.base}/graphql`, { method: 'POST' })).status).toBe(418);
    } finally {
      await missing.stop();
    }
  });
});

describe('headers', () => {
  it('sends pages with a same-origin content security policy and revalidation', async () => {
    const response = await fetch(`${served.base}/cities/gent`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('sends hashed assets with their content type, cached for a year as immutable', async () => {
    const expected: [string, string][] = [
      ['/assets/app-AbC123.js', 'text/javascript; charset=utf-8'],
      ['/assets/style-XyZ789.css', 'text/css; charset=utf-8'],
      ['/assets/font-Q1w2E3.woff2', 'font/woff2'],
    ];
    for (const [url, type] of expected) {
      const response = await fetch(`${served.base}${url}`);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toBe(type);
      expect(response.headers.get('cache-control'), url).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options'), url).toBe('nosniff');
    }
    const favicon = await fetch(`${served.base}/favicon.svg`);
    expect(favicon.headers.get('content-type')).toBe('image/svg+xml');
    expect(favicon.headers.get('cache-control')).toBe('no-cache');
  });

  it('sends the gzip copy to clients that accept it, and the plain file to others', async () => {
    const gzipped = await rawRequest(served.port, '/assets/app-AbC123.js', { 'accept-encoding': 'gzip, br' });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/accept-encoding/);
    expect(zlib.gunzipSync(gzipped.body).toString('utf8')).toBe(ASSET_JS);
    const plain = await rawRequest(served.port, '/assets/app-AbC123.js', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toBe(ASSET_JS);
  });

  it('answers a matching If-None-Match with 304 and HEAD without a body', async () => {
    const first = await fetch(`${served.base}/assets/app-AbC123.js`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${served.base}/assets/app-AbC123.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const head = await fetch(`${served.base}/cities/gent`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

/** A GET with chosen headers, returning the raw bytes (fetch would decompress). */
function rawRequest(
  port: number,
  rawPath: string,
  headers: Record<string, string>,
): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: rawPath, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('no way out of the build folder', () => {
  it('never answers a traversal attempt with a file from outside it', async () => {
    const attempts = [
      '/assets/../secret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/assets/..\\..\\secret.txt',
      '/%2e%2e/secret.txt',
      '//secret.txt',
      '/cities/../../secret.txt',
      '/assets/app-AbC123.js%00.txt',
      '/assets/link-Aa11.txt',
      `/assets/${encodeURIComponent(path.join(root, 'secret.txt'))}`,
    ];
    for (const attempt of attempts) {
      const { status, body } = await rawGet(served.port, attempt);
      expect(body, attempt).not.toContain(SECRET);
      expect([404, 418], attempt).toContain(status);
    }
  });

  it('answers 404 for unknown names under /assets/', async () => {
    const response = await fetch(`${served.base}/assets/missing-000000.js`);
    expect(response.status).toBe(404);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
