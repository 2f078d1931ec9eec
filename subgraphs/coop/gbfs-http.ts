/**
 * The coop service's GBFS route: `GET /gbfs/<co-op id>/<feed>.json`, answered only for the
 * gateway (the same shared-secret header as /graphql), which serves it publicly at the same
 * path (gateway/gbfs.ts). The gateway says in `x-gbfs-base-url` where it is reached, so the
 * discovery file names URLs that work for the caller.
 */
import type http from 'node:http';
import type { Knex } from 'knex';
import { headerValue, sendJson, type Refusal, type RequestHandler, type RouteMatch } from '../../lib/http.js';
import { isWebUrl } from '../../lib/interop.js';
import type { Secrets } from '../../lib/secrets.js';
import { GBFS_BASE_URL_HEADER, GBFS_FEED_PATH, GBFS_OTHER_PATH, noGbfsFeed } from '../../lib/gbfs-paths.js';
import { GbfsNotPublishedError, buildGbfsFeed, type GbfsExportFeed } from './interop/gbfs-export.js';

export interface GbfsHandlerOptions {
  db: Knex;
  secrets: Secrets;
  /** The subgraph's own admission (the gateway secret), as for /graphql. */
  admit: (req: http.IncomingMessage) => Promise<Refusal | null>;
  /** The clock; tests may fix it. */
  now?: () => Date;
}

/**
 * Declares the coop service's GBFS routes: each feed path (lib/gbfs-paths.ts), and a 404 for any
 * other path under /gbfs; both answer only the gateway.
 */
export function createGbfsHandler(options: GbfsHandlerOptions): RequestHandler[] {
  const now = options.now ?? (() => new Date());

  const serveFeed = async (req: http.IncomingMessage, res: http.ServerResponse, { params }: RouteMatch) => {
    const [coopId, feed] = params as [string, GbfsExportFeed];
    const baseUrl = headerValue(req, GBFS_BASE_URL_HEADER);
    if (!isWebUrl(baseUrl))
      return sendJson(res, 400, { error: `${GBFS_BASE_URL_HEADER}: the gateway must give its public base URL` });
    try {
      const document = await buildGbfsFeed(options.db, coopId, feed, { baseUrl, now: now() });
      sendJson(res, 200, document.body, { 'cache-control': `public, max-age=${document.ttl}` });
    } catch (error) {
      if (!(error instanceof GbfsNotPublishedError)) throw error;
      sendJson(res, 404, { error: error.message });
    }
  };

  /** Refuses what /graphql refuses (requests without the gateway secret) before serving. */
  const fromGateway =
    (serve: (req: http.IncomingMessage, res: http.ServerResponse, match: RouteMatch) => Promise<void>) =>
    async (req: http.IncomingMessage, res: http.ServerResponse, match: RouteMatch) => {
      const refusal = await options.admit(req);
      if (refusal) return sendJson(res, refusal.status, { error: refusal.message }, refusal.headers);
      await serve(req, res, match);
    };

  return [
    { path: GBFS_FEED_PATH, serve: fromGateway(serveFeed) },
    {
      path: GBFS_OTHER_PATH,
      serve: fromGateway(async (_req, res, { path }) => sendJson(res, 404, { error: noGbfsFeed(path) })),
    },
  ];
}
