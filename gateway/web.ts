/**
 * The gateway's pages for people: GraphiQL at GET /graphql for browsers, the city dashboard at
 * / and /cities/<id>, and their static files under /assets/. Everything comes from the Vite
 * build in web/dist (`npm run build:web`, run at install time), read once when the handler is
 * made: no CDN, nothing fetched at request time, and no path from a URL ever reaches the file
 * system, so there is no directory traversal to get wrong.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Logger } from '../lib/logger.js';
import {
  assignedRequestId,
  heldFile,
  sendHeldFile,
  sendNoStoreText,
  type HeldFile,
  type Refusal,
  type RequestHandler,
  type RouteMatch,
} from '../lib/http.js';
import type { Execute } from './catalog/data.js';
import { DashboardCityExistsDocument } from './generated/operations.js';

/** Where `npm run build:web` writes the built pages. */
export const WEB_DIST_DIR = path.resolve(import.meta.dirname, '..', 'web', 'dist');

export interface WebOptions {
  /** GraphiQL at GET /graphql for browsers; like introspection, meant to be off in production unless chosen. */
  explorer: boolean;
  /** The city dashboard at / and /cities/<id>; default true. */
  dashboard?: boolean;
  /** The built pages; default web/dist. */
  distDir?: string;
  /** Told once when the pages are not built. */
  logger?: Logger;
  /**
   * Whether the graph has a city with this id, asked before a city page is served so an unknown
   * id answers 404 (see `cityExistsVia`). Without it every well-formed id gets the page with 200.
   */
  cityExists?: (id: string, requestId: string) => Promise<boolean>;
  /**
   * The gateway's rate limit, asked before a city page's lookup: each costs subgraph work, so
   * city pages draw on the same budget as /graphql and the open-data files.
   */
  admit?: (req: http.IncomingMessage) => Promise<Refusal | null>;
}

/**
 * `cityExists` through the gateway's own executor, with the one operation the page route sends
 * (DashboardCityExists, gateway/catalog/operations.graphql) (gateway/catalog/execute.ts): the full request
 * pipeline, no HTTP hop to itself. A graph that cannot answer throws, and the page is then
 * served with 200 and says itself what failed.
 */
export function cityExistsVia(
  executorFor: (requestId: string) => Execute,
): (id: string, requestId: string) => Promise<boolean> {
  return async (id, requestId) => (await executorFor(requestId)(DashboardCityExistsDocument, { id })).city !== null;
}

type StaticFile = HeldFile;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Vite puts a content hash in every name under assets/, so a name never changes content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Pages and root files keep their URL across builds: revalidate (cheaply, by ETag). */
const REVALIDATE = 'no-cache';

const CITY_PATH = /^\/cities\/([a-z0-9]+(?:-[a-z0-9]+)*)\/?$/;
const ASSET_PATH = /^\/assets\/.+$/;

/**
 * Self only: no CDN, no third-party requests. Inline styles are allowed because Monaco
 * (GraphiQL's editor) and Chart.js set styles at run time; Monaco's workers are same-origin
 * module workers, blob: kept for its fallback.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

function fileOf(body: Buffer, extension: string, cacheControl: string, gzip?: Buffer): StaticFile {
  return heldFile(body, CONTENT_TYPES[extension] ?? 'application/octet-stream', cacheControl, gzip);
}

/** Every file of the build, keyed by its URL path (`/assets/x-Hash.js`, `/favicon.svg`); pages apart. */
function readBuild(distDir: string): { files: Map<string, StaticFile>; pages: Map<string, Buffer> } {
  const files = new Map<string, StaticFile>();
  const pages = new Map<string, Buffer>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name.endsWith('.gz')) continue;
      const file = path.join(dir, entry.name);
      const urlPath = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(file, urlPath);
      } else if (entry.isFile()) {
        const body = fs.readFileSync(file);
        if (prefix === '' && entry.name.endsWith('.html')) {
          pages.set(entry.name, body);
          continue;
        }
        const gzipped = fs.existsSync(`${file}.gz`) ? fs.readFileSync(`${file}.gz`) : undefined;
        const cache = prefix.startsWith('/assets') ? IMMUTABLE : REVALIDATE;
        files.set(urlPath, fileOf(body, path.extname(entry.name), cache, gzipped));
      }
    }
  };
  walk(distDir, '');
  return { files, pages };
}

function acceptsHtml(req: http.IncomingMessage): boolean {
  return /\btext\/html\b/.test(req.headers.accept ?? '');
}

/**
 * The dashboard page with status 404: in a browser it says the city is unknown and offers the
 * cities that look like the id; to a crawler or a link checker, the status says it all. Never
 * 304, never cached: the city may be added later.
 */
function sendNotFoundPage(req: http.IncomingMessage, res: http.ServerResponse, page: StaticFile): void {
  for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
  res.statusCode = 404;
  res.setHeader('content-type', page.contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-length', page.body.length);
  res.end(req.method === 'HEAD' ? undefined : page.body);
}

const NOT_BUILT =
  '<!doctype html><meta charset="utf-8"><title>Not built</title>' +
  '<p>The explorer and dashboard are not built. Run <code>npm run build:web</code> (it needs the devDependencies) ' +
  'and restart the gateway. The GraphQL endpoint works without them: POST to <code>/graphql</code>.</p>';

/**
 * Declares the routes of the explorer, the dashboard and their assets. Reads web/dist once, now;
 * a rebuild is picked up by the next start. When the build is missing, the pages answer 503
 * with the command that builds them, and /graphql keeps working for every client.
 */
export function createWebHandler(options: WebOptions): RequestHandler[] {
  const dashboard = options.dashboard ?? true;
  const distDir = options.distDir ?? WEB_DIST_DIR;
  const built = fs.existsSync(path.join(distDir, 'index.html')) && fs.existsSync(path.join(distDir, 'graphiql.html'));
  if (!built) {
    options.logger?.warn({ distDir }, 'web pages not built: run `npm run build:web`; /graphql is unaffected');
  }
  const { files, pages } = built
    ? readBuild(distDir)
    : { files: new Map<string, StaticFile>(), pages: new Map<string, Buffer>() };
  const page = (name: string, transform: (html: string) => string = (html) => html) => {
    const html = pages.get(name);
    return html ? fileOf(Buffer.from(transform(html.toString('utf8'))), '.html', REVALIDATE) : undefined;
  };
  const explorerPage = page('graphiql.html');
  // The dashboard links to the explorer only when there is one (web/src/dashboard/Layout.tsx).
  const dashboardPage = page('index.html', (html) =>
    options.explorer ? html : html.replace('<html lang="en">', '<html lang="en" data-explorer="off">'),
  );

  /** True only when the graph answered that it has no such city; a failed lookup is not a 404. */
  const isUnknownCity = async (id: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> => {
    if (!options.cityExists) return false;
    try {
      return !(await options.cityExists(id, assignedRequestId(req, res)));
    } catch (error) {
      options.logger?.warn({ err: error, city: id }, 'dashboard: could not ask the graph whether the city exists');
      return false;
    }
  };

  const servePage = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    file: StaticFile | undefined,
    vary?: string,
  ) => {
    if (!file) return sendNoStoreText(res, 503, NOT_BUILT, { contentType: 'text/html; charset=utf-8' });
    sendHeldFile(req, res, file, { ...PAGE_HEADERS, ...(vary ? { vary } : {}) });
  };

  const browserAtEndpoint = (req: http.IncomingMessage, match: RouteMatch) =>
    options.explorer && match.search === '' && acceptsHtml(req);
  const routes: RequestHandler[] = [
    // Browsers navigating to the endpoint get GraphiQL; a GET with an operation in the query
    // string, or from any non-browser client, goes on to GraphQL over HTTP.
    {
      path: '/graphql',
      when: browserAtEndpoint,
      serve: async (req, res) => servePage(req, res, explorerPage, 'accept'),
    },
    {
      path: ASSET_PATH,
      async serve(req, res, match) {
        const file = files.get(match.path);
        if (file) sendHeldFile(req, res, file);
        else sendNoStoreText(res, 404, 'Not found');
      },
    },
    // The build's other files (favicon, robots.txt), each declared by its own path.
    ...[...files]
      .filter(([urlPath]) => !ASSET_PATH.test(urlPath))
      .map(([urlPath, file]): RequestHandler => ({
        path: urlPath,
        serve: async (req, res) => sendHeldFile(req, res, file),
      })),
  ];
  if (dashboard) {
    routes.push(
      { path: '/', serve: async (req, res) => servePage(req, res, dashboardPage) },
      {
        path: CITY_PATH,
        async serve(req, res, match) {
          const refusal = options.cityExists ? await options.admit?.(req) : null;
          if (refusal) return sendNoStoreText(res, refusal.status, refusal.message, { headers: refusal.headers });
          if (dashboardPage && (await isUnknownCity(match.params[0] ?? '', req, res)))
            return sendNotFoundPage(req, res, dashboardPage);
          servePage(req, res, dashboardPage);
        },
      },
    );
  }
  return routes;
}
