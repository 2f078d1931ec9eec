import crypto from 'node:crypto';
import http from 'node:http';
import type { ApolloServer, BaseContext, HTTPGraphQLRequest } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { DEFAULT_MAX_JSON_DEPTH, jsonNestsDeeperThan } from './json-depth.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { dispatch, type RequestHandler } from './routes.js';
import { nextTurn, takesTurns } from './turns.js';

export type { RequestHandler, RouteMatch } from './routes.js';

/** A plain GET route beside /graphql: answers with a status and a JSON or text body. */
export type Route = () => Promise<{ status: number; body: string; contentType?: string }>;

/** Why a request is refused before it reaches GraphQL: status, message, extra headers, metric reason. */
export interface Refusal {
  status: number;
  message: string;
  reason: string;
  headers?: Record<string, string>;
  /** `extensions.code` of the GraphQL-shaped error body (UNAUTHENTICATED for a bad token). */
  code?: string;
}

export interface ServiceOptions<Context extends BaseContext> {
  apollo: ApolloServer<Context>;
  context: (req: http.IncomingMessage, requestId: string) => Promise<Context>;
  /**
   * Declared routes beside /graphql, /metrics and `routes` (the gateway's web pages and open-data
   * files, the coop subgraph's GBFS feeds), matched first, in order.
   */
  handlers?: readonly RequestHandler[];
  /** Decides whether a /graphql request may proceed (gateway secret, rate limits); null admits it. */
  admit?: (req: http.IncomingMessage) => Promise<Refusal | null>;
  metrics: Metrics;
  logger: Logger;
  /** Plain GET routes by exact path (/health, /ready). */
  routes?: Record<string, Route>;
  /** Largest accepted body of a /graphql request. */
  maxBodyBytes?: number;
  /**
   * Decides a /graphql request's body limit from its headers alone, before a byte of the body is
   * read (a verified token may earn a larger one); throws a RequestRefusal to refuse the request.
   */
  bodyLimit?: (req: http.IncomingMessage) => Promise<number>;
  /** Deepest JSON nesting accepted in a body or in the `variables` / `extensions` query parameters. */
  maxJsonDepth?: number;
}

/** Keeps a caller's request id when it is a sane token, else makes one. */
export function requestIdOf(req: http.IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : crypto.randomUUID();
}

/**
 * The request id the server gave this request (the `x-request-id` it answers with), so work a
 * handler starts for it (subgraph fetches, lookups) shows under the same id in every log.
 */
export function assignedRequestId(req: http.IncomingMessage, res: http.ServerResponse): string {
  const assigned = res.getHeader('x-request-id');
  return typeof assigned === 'string' ? assigned : requestIdOf(req);
}

/** A request refused before GraphQL: answered with its status and a GraphQL-shaped error body, counted by reason. */
export class RequestRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
    readonly code?: string,
  ) {
    super(message);
  }

  /** The refusal an `admit` function returned, as a throwable. */
  static of(refusal: Refusal): RequestRefusal {
    return new RequestRefusal(refusal.status, refusal.message, refusal.reason, refusal.headers, refusal.code);
  }
}

/** The size in bytes of each request's body, once read. */
const bodySizes = new WeakMap<http.IncomingMessage, number>();

/** How many bytes the request's body had (0 for a GET, or before the body is read). */
export function requestBodyBytes(req: http.IncomingMessage): number {
  return bodySizes.get(req) ?? 0;
}

/**
 * Reads a body up to `maxBytes`. A larger body is drained and discarded (so the client can
 * read the 413), unless it runs far past the limit, when the connection is cut.
 */
function readBody(req: http.IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => new RequestRefusal(413, `Request body is larger than ${maxBytes} bytes.`, 'body_too_large');
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > maxBytes * 16) {
        reject(tooLarge());
        req.destroy();
      }
    });
    req.on('end', () => {
      if (size > maxBytes) return reject(tooLarge());
      bodySizes.set(req, size);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Refuses JSON text nested deeper than `maxDepth`, before anything parses it. */
function checkJsonDepth(text: string, maxDepth: number, where: string): void {
  if (jsonNestsDeeperThan(text, maxDepth))
    throw new RequestRefusal(
      400,
      `${where} nests JSON deeper than ${maxDepth} levels.`,
      'json_too_deep',
      {},
      'BAD_REQUEST',
    );
}

async function toGraphQLRequest(
  req: http.IncomingMessage,
  search: string,
  maxBodyBytes: number,
  maxJsonDepth: number,
): Promise<HTTPGraphQLRequest> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  // Apollo JSON-parses these query parameters of a GET.
  const params = new URLSearchParams(search);
  for (const name of ['variables', 'extensions'])
    for (const value of params.getAll(name)) checkJsonDepth(value, maxJsonDepth, `The ${name} parameter`);
  let body: unknown;
  if (req.method === 'POST') {
    const text = await readBody(req, maxBodyBytes);
    if (headers.get('content-type')?.includes('json')) {
      checkJsonDepth(text, maxJsonDepth, 'The request body');
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        throw new RequestRefusal(400, 'Request body is not valid JSON.', 'malformed_json');
      }
    } else {
      body = text;
    }
  }
  return { method: req.method ?? 'GET', headers, search, body };
}

/** One header's value (the first, when repeated). */
export function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A JSON answer (an open-data feed, a record, or `{ error }`) with any extra headers; `indent`
 * pretty-prints it, with a final newline, for documents people open in a browser.
 */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  indent?: number,
): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('x-content-type-options', 'nosniff');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(indent === undefined ? JSON.stringify(body) : `${JSON.stringify(body, null, indent)}\n`);
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
 * The base URL the gateway publishes in links (GBFS discovery, catalogue IRIs): PUBLIC_BASE_URL
 * when set, else the address and port the request arrived at. Never the Host header, which the
 * caller chooses, while the documents holding these links are cached publicly.
 */
export function publishedBaseUrl(req: http.IncomingMessage, configured: string | undefined): string {
  if (configured) return configured;
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `http://${host}:${req.socket.localPort}`;
}

/** Turns plain GET routes (/health, /metrics) into declared ones. */
function plainRoutes(routes: Record<string, Route>): RequestHandler[] {
  return Object.entries(routes).map(([path, route]) => ({
    path,
    async serve(_req, res) {
      const answer = await route();
      send(res, answer.status, answer.body, answer.contentType);
    },
  }));
}

/**
 * An HTTP server for one service, serving exactly one route table: the declared `handlers`,
 * the plain `routes`, /metrics and /graphql; every other path is 404. Built here, started by the
 * caller, so importing never opens a port.
 */
export function createServiceServer<Context extends BaseContext>(options: ServiceOptions<Context>): http.Server {
  const { apollo, metrics, logger, maxBodyBytes = 4_000_000, maxJsonDepth = DEFAULT_MAX_JSON_DEPTH } = options;
  const bodyLimit = options.bodyLimit ?? (async () => maxBodyBytes);

  /** GraphQL over HTTP: admission, then the caller's body limit, then the body, its depth, and Apollo. */
  async function serveGraphQL(req: http.IncomingMessage, res: http.ServerResponse, search: string, requestId: string) {
    const refusal = await options.admit?.(req);
    if (refusal) throw RequestRefusal.of(refusal);
    const limit = await bodyLimit(req);
    const httpGraphQLRequest = await toGraphQLRequest(req, search, limit, maxJsonDepth);
    // Parsing a large body held the thread; let other requests in before Apollo takes it on.
    if (takesTurns(requestBodyBytes(req))) await nextTurn();
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
  }

  const table: RequestHandler[] = [
    ...(options.handlers ?? []),
    ...plainRoutes({
      '/metrics': async () => ({
        status: 200,
        body: await metrics.registry.metrics(),
        contentType: metrics.registry.contentType,
      }),
      ...options.routes,
    }),
    {
      path: '/graphql',
      methods: ['GET', 'POST'],
      serve: (req, res, match) => serveGraphQL(req, res, match.search, String(res.getHeader('x-request-id'))),
    },
  ];

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<string> {
    const label = await dispatch(table, req, res);
    if (label) return label;
    send(res, 404, JSON.stringify({ error: 'No such route.' }));
    return 'unknown';
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
    handle(req, res)
      .then(finish)
      .catch((error: unknown) => {
        const refusal = error instanceof RequestRefusal ? error : undefined;
        const status = refusal?.status ?? 500;
        if (!refusal) logger.error({ err: error, requestId }, 'request failed');
        if (refusal) metrics.rejectedRequests.inc({ reason: refusal.reason });
        if (!res.headersSent) {
          for (const [name, value] of Object.entries(refusal?.headers ?? {})) res.setHeader(name, value);
          const message = refusal?.message ?? 'Internal server error';
          const extensions = refusal?.code ? { extensions: { code: refusal.code } } : {};
          send(res, status, JSON.stringify({ errors: [{ message, ...extensions }] }));
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

/** A file held in memory, ready to send: its bytes, an optional gzip copy and its validator. */
export interface HeldFile {
  body: Buffer;
  gzip?: Buffer;
  contentType: string;
  etag: string;
  cacheControl: string;
}

/** A held file of `body`, its strong ETag computed once. */
export function heldFile(body: Buffer, contentType: string, cacheControl: string, gzip?: Buffer): HeldFile {
  return { body, gzip, contentType, etag: strongEtag(body), cacheControl };
}

/**
 * Sends a held file: 304 when the request's validator matches, the gzip copy when the client
 * takes it, no body for HEAD. Used by the web pages and the data catalogue alike.
 */
export function sendHeldFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  file: HeldFile,
  extraHeaders: Record<string, string> = {},
): void {
  res.setHeader('content-type', file.contentType);
  res.setHeader('cache-control', file.cacheControl);
  res.setHeader('etag', file.etag);
  res.setHeader('x-content-type-options', 'nosniff');
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  if (file.gzip) res.setHeader('vary', [res.getHeader('vary'), 'accept-encoding'].filter(Boolean).join(', '));
  if (matchesEtag(req, file.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  const gzipped = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) ? file.gzip : undefined;
  if (gzipped) res.setHeader('content-encoding', 'gzip');
  const body = gzipped ?? file.body;
  res.setHeader('content-length', body.length);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Sends a short text answer (an error or a notice) that no cache keeps. */
export function sendNoStoreText(
  res: http.ServerResponse,
  status: number,
  text: string,
  {
    contentType = 'text/plain; charset=utf-8',
    headers = {},
  }: { contentType?: string; headers?: Record<string, string> } = {},
): void {
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}
