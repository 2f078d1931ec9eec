import crypto from 'node:crypto';
import http from 'node:http';
import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** A plain route beside /graphql: answers with a status and a JSON or text body. */
export type Route = () => Promise<{ status: number; body: string; contentType?: string }>;

/** Serves a request of its own and resolves to its route label, or resolves to null having written nothing. */
export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<string | null>;

/** Why a request is refused before it reaches GraphQL: status, message, extra headers, metric reason. */
export interface Refusal {
  status: number;
  message: string;
  reason: string;
  headers?: Record<string, string>;
}

export interface ServiceOptions<Context extends BaseContext> {
  apollo: ApolloServer<Context>;
  context: (req: http.IncomingMessage, requestId: string) => Promise<Context>;
  /**
   * Asked first, in order: each serves a request of its own (the gateway's web pages, open-data
   * files) and resolves to its route label, or resolves to null having written nothing.
   */
  handlers?: readonly RequestHandler[];
  /** Decides whether a /graphql request may proceed (gateway secret, rate limits); null admits it. */
  admit?: (req: http.IncomingMessage) => Promise<Refusal | null>;
  metrics: Metrics;
  logger: Logger;
  routes?: Record<string, Route>;
  /** Largest accepted body; a function may allow more for some requests (e.g. token holders' writes). */
  maxBodyBytes?: number | ((req: http.IncomingMessage) => number);
}

/** Keeps a caller's request id when it is a sane token, else makes one. */
export function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * Reads a body up to `maxBytes`. A larger body is drained and discarded (so the client can
 * read the 413), unless it runs far past the limit, when the connection is cut.
 */
function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => new HttpError(413, `Request body is larger than ${maxBytes} bytes.`, 'body_too_large');
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > maxBytes * 16) {
        reject(tooLarge());
        req.destroy();
      }
    });
    req.on('end', () => (size > maxBytes ? reject(tooLarge()) : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

async function toGraphQLRequest(
  req: http.IncomingMessage,
  url: URL,
  maxBodyBytes: number,
): Promise<HTTPGraphQLRequest> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  let body: unknown;
  if (req.method === 'POST') {
    const text = await readBody(req, maxBodyBytes);
    if (headers.get('content-type')?.includes('json')) {
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new HttpError(400, 'Request body is not valid JSON.', 'malformed_json');
      }
    } else {
      body = text;
    }
  }
  return { method: req.method ?? 'GET', headers, search: url.search, body };
}

/** The header in which the gateway tells the coop subgraph its public base URL, for the URLs inside GBFS feeds. */
export const GBFS_BASE_URL_HEADER = 'x-gbfs-base-url';

/** One header's value (the first, when repeated). */
export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A JSON answer (an open-data feed, or `{ error }`) with any extra headers. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}

/** A strong ETag for a body: 162 bits of its SHA-256. */
export function strongEtag(body: Buffer): string {
  return `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** True when the request's If-None-Match names `etag` (weak or strong), so a 304 answers it. */
export function matchesEtag(req: http.IncomingMessage, etag: string): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  return ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function send(res: http.ServerResponse, status: number, body: string, contentType = 'application/json'): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.end(body);
}

/**
 * An HTTP server for one service: GraphQL at /graphql, plus plain routes (/health,
 * /metrics, ...). Built here, started by the caller, so importing never opens a port.
 */
export function createServiceServer<Context extends BaseContext>(options: ServiceOptions<Context>): http.Server {
  const { apollo, metrics, logger, maxBodyBytes = 4_000_000 } = options;
  const bodyLimit = typeof maxBodyBytes === 'number' ? () => maxBodyBytes : maxBodyBytes;
  const routes: Record<string, Route> = {
    '/metrics': async () => ({
      status: 200,
      body: await metrics.registry.metrics(),
      contentType: metrics.registry.contentType,
    }),
    ...options.routes,
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): Promise<string> {
    for (const handler of options.handlers ?? []) {
      const served = await handler(req, res);
      if (served) return served;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[url.pathname];
    if (route && req.method === 'GET') {
      const answer = await route();
      send(res, answer.status, answer.body, answer.contentType);
      return url.pathname;
    }
    if (url.pathname !== '/graphql') {
      send(res, 404, JSON.stringify({ error: `No route ${url.pathname}` }));
      return 'unknown';
    }
    const refusal = await options.admit?.(req);
    if (refusal) throw new HttpError(refusal.status, refusal.message, refusal.reason, refusal.headers);
    const httpGraphQLRequest = await toGraphQLRequest(req, url, bodyLimit(req));
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: () => options.context(req, requestId),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
    } else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    return '/graphql';
  }

  return http.createServer((req, res) => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const finish = (route: string) => {
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequests.observe({ route, status: String(res.statusCode) }, seconds);
      logger.info(
        { requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) },
        'request',
      );
    };
    handle(req, res, requestId)
      .then(finish)
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        if (status === 500) logger.error({ err: error, requestId }, 'request failed');
        if (error instanceof HttpError) metrics.rejectedRequests.inc({ reason: error.reason });
        if (!res.headersSent) {
          const message = error instanceof HttpError ? error.message : 'Internal server error';
          if (error instanceof HttpError)
            for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
          send(res, status, JSON.stringify({ errors: [{ message }] }));
        } else {
          res.end();
        }
        finish('error');
      });
  });
}

/** Starts listening and resolves with the bound port (useful with port 0 in tests). */
export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

/** Stops accepting connections and closes idle keep-alive sockets. */
export function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
