/**
 * The public GBFS 3.0 feeds of vehicle-sharing platform co-ops, at stable URLs:
 * `GET /gbfs/<co-op id>/gbfs.json` (the discovery file), `/gbfs/<co-op id>/station_status.json`
 * and the rest. The coop subgraph builds them from its database (subgraphs/coop/gbfs-http.ts);
 * these routes forward exactly the declared feed paths there, with the gateway secret as the
 * GraphQL data source does, and pass the answer back with its Cache-Control (which matches each
 * feed's ttl). The forwarded URL is rebuilt from the route's groups, so no request path ever
 * reaches the coop subgraph as sent.
 */
import type http from 'node:http';
import { GBFS_BASE_URL_HEADER, GBFS_FEED_PATH, GBFS_OTHER_PATH, noGbfsFeed } from '../lib/gbfs-paths.js';
import { publishedBaseUrl, sendJson, type Refusal, type RequestHandler, type RouteMatch } from '../lib/http.js';
import { GATEWAY_SECRET_HEADER } from '../lib/secrets.js';

export interface GbfsProxyOptions {
  /** The coop subgraph's GraphQL URL; its /gbfs/ routes sit beside it. */
  coopUrl: string;
  subgraphSecret: string;
  /** A hung coop subgraph costs at most this. */
  timeoutMs: number;
  /**
   * Where the gateway is published (PUBLIC_BASE_URL), the root of the feed URLs in the discovery
   * file; default: the address the request arrived at, never its Host header (the feeds are cached publicly).
   */
  publicBaseUrl?: string;
  /** The gateway's rate limit: each feed request costs the coop subgraph work, as a /graphql one does. */
  admit?: (req: http.IncomingMessage) => Promise<Refusal | null>;
}

/** Declares the GBFS routes: each feed path forwarded to the coop subgraph, and a 404 for any other path under /gbfs. */
export function createGbfsProxy(options: GbfsProxyOptions): RequestHandler[] {
  const coopOrigin = new URL(options.coopUrl).origin;

  const forward = async (req: http.IncomingMessage, res: http.ServerResponse, { params }: RouteMatch) => {
    const refusal = await options.admit?.(req);
    if (refusal) return sendJson(res, refusal.status, { error: refusal.message }, refusal.headers);
    const [coopId, feed] = params as [string, string];
    let answer: Response;
    try {
      answer = await fetch(`${coopOrigin}/gbfs/${coopId}/${feed}.json`, {
        method: req.method,
        headers: {
          [GATEWAY_SECRET_HEADER]: options.subgraphSecret,
          [GBFS_BASE_URL_HEADER]: publishedBaseUrl(req, options.publicBaseUrl),
        },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      return sendJson(res, 502, { error: 'The coop subgraph, which builds the GBFS feeds, did not answer.' });
    }
    res.statusCode = answer.status;
    for (const name of ['content-type', 'cache-control']) {
      const value = answer.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.setHeader('access-control-allow-origin', '*');
    res.end(Buffer.from(await answer.arrayBuffer()));
  };

  return [
    { path: GBFS_FEED_PATH, serve: forward },
    {
      path: GBFS_OTHER_PATH,
      serve: async (_req, res, { path }) => sendJson(res, 404, { error: noGbfsFeed(path) }),
    },
  ];
}
