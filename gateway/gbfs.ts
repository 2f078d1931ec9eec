/**
 * The public GBFS 3.0 feeds of vehicle-sharing platform co-ops, at stable URLs:
 * `GET /gbfs/<co-op id>/gbfs.json` (the discovery file), `/gbfs/<co-op id>/station_status.json`
 * and the rest. The coop subgraph builds them from its database (subgraphs/coop/gbfs-http.ts);
 * this handler forwards the request there with the gateway secret, as the GraphQL data source
 * does, and passes the answer back with its Cache-Control (which matches each feed's ttl).
 */
import type http from 'node:http';
import { GBFS_BASE_URL_HEADER, sendJson, type Refusal, type RequestHandler } from '../lib/http.js';
import { GATEWAY_SECRET_HEADER } from '../lib/secrets.js';

/** Feed paths as the coop subgraph serves them; anything else under /gbfs/ is answered 404 there. */
const GBFS_PREFIX = '/gbfs/';

/** A Host header this gateway repeats in feed URLs: a host name or address, and a port. */
const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

export interface GbfsProxyOptions {
  /** The coop subgraph's GraphQL URL; its /gbfs/ routes sit beside it. */
  coopUrl: string;
  subgraphSecret: string;
  /** A hung coop subgraph costs at most this. */
  timeoutMs: number;
  /** Where the gateway is published (PUBLIC_BASE_URL); default: the scheme and Host of each request. */
  publicBaseUrl?: string;
  /** The gateway's rate limit: each feed request costs the coop subgraph work, as a /graphql one does. */
  admit?: (req: http.IncomingMessage) => Promise<Refusal | null>;
}

/** The gateway's base URL as the caller reached it (behind a TLS proxy, X-Forwarded-Proto says https). */
function baseUrlOf(req: http.IncomingMessage, configured: string | undefined): string | null {
  if (configured) return configured;
  const host = req.headers.host;
  if (!host || !HOST.test(host)) return null;
  const proto = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return `${proto}://${host}`;
}

/** Serves /gbfs/… by asking the coop subgraph; resolves to null for every other path. */
export function createGbfsProxy(options: GbfsProxyOptions): RequestHandler {
  const coopOrigin = new URL(options.coopUrl).origin;
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (!path.startsWith(GBFS_PREFIX)) return null;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'GBFS feeds are read with GET.' }, { allow: 'GET, HEAD' });
      return '/gbfs';
    }
    const refusal = await options.admit?.(req);
    if (refusal) {
      sendJson(res, refusal.status, { error: refusal.message }, refusal.headers);
      return '/gbfs';
    }
    const baseUrl = baseUrlOf(req, options.publicBaseUrl);
    if (!baseUrl) {
      sendJson(res, 400, { error: 'A Host header naming this server is required.' });
      return '/gbfs';
    }
    let answer: Response;
    try {
      answer = await fetch(`${coopOrigin}${path}`, {
        method: req.method,
        headers: { [GATEWAY_SECRET_HEADER]: options.subgraphSecret, [GBFS_BASE_URL_HEADER]: baseUrl },
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch {
      sendJson(res, 502, { error: 'The coop subgraph, which builds the GBFS feeds, did not answer.' });
      return '/gbfs';
    }
    res.statusCode = answer.status;
    for (const name of ['content-type', 'cache-control']) {
      const value = answer.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.setHeader('access-control-allow-origin', '*');
    res.end(Buffer.from(await answer.arrayBuffer()));
    return '/gbfs';
  };
}
