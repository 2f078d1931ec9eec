/**
 * The coop service's GBFS route: `GET /gbfs/<co-op id>/<feed>.json`, answered only for the
 * gateway (the same shared-secret header as /graphql), which serves it publicly at the same
 * path (gateway/gbfs.ts). The gateway says in `x-gbfs-base-url` where it is reached, so the
 * discovery file names URLs that work for the caller.
 */
import type http from 'node:http';
import type { Knex } from 'knex';
import { GBFS_BASE_URL_HEADER, headerValue, sendJson, type Refusal, type RequestHandler } from '../../lib/http.js';
import { isWebUrl } from '../../lib/interop.js';
import type { Secrets } from '../../lib/secrets.js';
import { GBFS_EXPORT_FEEDS, GbfsNotPublishedError, buildGbfsFeed, type GbfsExportFeed } from './interop/gbfs-export.js';

/** `/gbfs/<co-op id>/<feed>.json`; co-op ids are slugs. */
export const GBFS_PATH = /^\/gbfs\/([a-z0-9]+(?:-[a-z0-9]+)*)\/([a-z_]+)\.json$/;

export interface GbfsHandlerOptions {
  db: Knex;
  secrets: Secrets;
  /** The subgraph's own admission (the gateway secret), as for /graphql. */
  admit: (req: http.IncomingMessage) => Promise<Refusal | null>;
  /** The clock; tests may fix it. */
  now?: () => Date;
}

/** Serves the GBFS feeds of the coop database; resolves to null for every other path. */
export function createGbfsHandler(options: GbfsHandlerOptions): RequestHandler {
  const now = options.now ?? (() => new Date());
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith('/gbfs/')) return null;
    const refusal = await options.admit(req);
    if (refusal) {
      sendJson(res, refusal.status, { error: refusal.message }, refusal.headers);
      return '/gbfs';
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'GBFS feeds are read with GET.' }, { allow: 'GET, HEAD' });
      return '/gbfs';
    }
    const match = GBFS_PATH.exec(url.pathname);
    const feed = match?.[2] as GbfsExportFeed | undefined;
    if (!match || !feed || !GBFS_EXPORT_FEEDS.includes(feed)) {
      sendJson(res, 404, {
        error: `No GBFS feed at ${url.pathname}: feeds are /gbfs/<co-op id>/{${GBFS_EXPORT_FEEDS.join(',')}}.json`,
      });
      return '/gbfs';
    }
    const baseUrl = headerValue(req, GBFS_BASE_URL_HEADER);
    if (!isWebUrl(baseUrl)) {
      sendJson(res, 400, { error: `${GBFS_BASE_URL_HEADER}: the gateway must give its public base URL` });
      return '/gbfs';
    }
    try {
      const document = await buildGbfsFeed(options.db, match[1]!, feed, { baseUrl, now: now() });
      sendJson(res, 200, document.body, { 'cache-control': `public, max-age=${document.ttl}` });
    } catch (error) {
      if (!(error instanceof GbfsNotPublishedError)) throw error;
      sendJson(res, 404, { error: error.message });
    }
    return '/gbfs';
  };
}
