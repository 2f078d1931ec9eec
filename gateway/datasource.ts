import http from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../lib/errors.js';
import { GATEWAY_SECRET_HEADER } from '../lib/secrets.js';

/** What the gateway knows of a request and passes on to every subgraph fetch. */
export interface GatewayContext {
  requestId: string;
  /** The caller's Authorization header, already verified here; subgraphs verify it again. */
  authorization?: string;
}

interface SubgraphErrorBody {
  errors: { message: string; extensions?: Record<string, unknown> }[];
}

const isErrorBody = (body: unknown): body is SubgraphErrorBody =>
  typeof body === 'object' && body !== null && Array.isArray((body as SubgraphErrorBody).errors);

/**
 * The pool of keep-alive connections from one gateway to its subgraphs. Idle sockets are
 * closed after 4 s, before the subgraphs' own 5 s keep-alive timeout can close them under a
 * request; the most recently used socket is reused first, so a quiet gateway keeps few open.
 */
export function createSubgraphAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, timeout: 4000, scheduling: 'lifo' });
}

/**
 * The gateway's connection to one subgraph. It proves itself with the shared secret and
 * forwards the caller's token and request id. Every fetch is bounded in time, so a hung
 * subgraph costs only its own fields, and failures name the subgraph. A subgraph's own
 * GraphQL error on a 4xx (e.g. a variable of the wrong shape) reaches the client as is,
 * rather than as a bare "400: Bad Request".
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    timeoutMs: number,
    private readonly gatewaySecret: string,
    agent: http.Agent,
  ) {
    super({ url, fetcher: subgraphFetcher(name, timeoutMs, agent) });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http!.headers;
    headers.set(GATEWAY_SECRET_HEADER, this.gatewaySecret);
    if (context.requestId) headers.set('x-request-id', context.requestId);
    if (context.authorization) headers.set('authorization', context.authorization);
  }

  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const error = await super.errorFromResponse(response);
    const body = (error.extensions.response as { body?: unknown } | undefined)?.body;
    if (!isErrorBody(body) || body.errors.length === 0) return error;
    const [first] = body.errors;
    return new GraphQLError(first!.message, { extensions: { ...first!.extensions, serviceName: this.name } });
  }
}

/** A subgraph's answer, read in full: shared by every request that asked the same question. */
interface Answer {
  url: string;
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Read-only response headers with the lookups Apollo's data source makes (case-insensitive). */
class AnswerHeaders implements FetcherHeaders {
  private readonly map = new Map<string, string>();
  constructor(headers: http.IncomingHttpHeaders) {
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) this.map.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  get = (name: string) => this.map.get(name.toLowerCase()) ?? null;
  has = (name: string) => this.map.has(name.toLowerCase());
  set = (name: string, value: string) => void this.map.set(name.toLowerCase(), value);
  append = (name: string, value: string) => this.set(name, this.has(name) ? `${this.get(name)}, ${value}` : value);
  delete = (name: string) => void this.map.delete(name.toLowerCase());
  entries = () => this.map.entries();
  keys = () => this.map.keys();
  values = () => this.map.values();
  [Symbol.iterator] = () => this.map.entries();
}

/** One consumer's view of an answer: its own headers and its own parse of the body. */
class AnswerResponse implements FetcherResponse {
  readonly redirected = false;
  readonly headers: AnswerHeaders;
  bodyUsed = false;
  constructor(private readonly answer: Answer) {
    this.headers = new AnswerHeaders(answer.headers);
  }
  get url() {
    return this.answer.url;
  }
  get status() {
    return this.answer.status;
  }
  get statusText() {
    return this.answer.statusText;
  }
  get ok() {
    return this.answer.status >= 200 && this.answer.status < 300;
  }
  async text() {
    this.bodyUsed = true;
    return this.answer.body;
  }
  async json() {
    return JSON.parse(await this.text());
  }
  async arrayBuffer() {
    const bytes = Buffer.from(await this.text());
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  clone() {
    return new AnswerResponse(this.answer);
  }
}

/**
 * A query (never a mutation): the data source sends `{"query":"query ...` or `{"query":"{...`.
 * Any other shape counts as a write, so a change in that format turns sharing off, not on.
 */
const isRead = (init: FetcherRequestInit) =>
  typeof init.body === 'string' && (init.body.startsWith('{"query":"query') || init.body.startsWith('{"query":"{'));

/**
 * Sends subgraph requests over the gateway's keep-alive pool, each bounded by `timeoutMs`.
 * Identical public reads in flight at the same moment (many clients asking for the same city
 * report) go to the subgraph once and share its answer, as Hive Gateway and Apollo Router can
 * deduplicate: same URL, same body, same headers but the request id, and no caller token. The
 * subgraph then logs the first caller's request id only. Each caller parses its own copy.
 */
function subgraphFetcher(name: string, timeoutMs: number, agent: http.Agent): Fetcher {
  const inFlight = new Map<string, Promise<Answer>>();
  const send = (url: string, init: FetcherRequestInit) =>
    sendOnce(url, init, timeoutMs, Date.now() + timeoutMs, agent, isRead(init)).catch((error: Error) => {
      throw unavailable(name, error);
    });
  return async (url: string, init: FetcherRequestInit = {}) => {
    const { 'x-request-id': _requestId, ...headers } = init.headers ?? {};
    if (headers.authorization || !isRead(init)) return new AnswerResponse(await send(url, init));
    const key = `${url}\n${JSON.stringify(headers)}\n${init.body as string}`;
    let answer = inFlight.get(key);
    if (!answer) {
      answer = send(url, init).finally(() => inFlight.delete(key));
      inFlight.set(key, answer);
    }
    return new AnswerResponse(await answer);
  };
}

/** Causes of a failed subgraph request that are safe to name to clients; anything else is "request failed". */
const FAILURE_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host not found',
};

/**
 * The error a client sees for a subgraph that did not answer: a public code and the subgraph's
 * name, so production mode shows which part is missing, and a cause without addresses or ports.
 */
function unavailable(name: string, error: Error & { code?: string }): GraphQLError {
  const cause = error instanceof TimeoutError ? error.message : (FAILURE_CAUSES[error.code ?? ''] ?? 'request failed');
  return new GraphQLError(`Subgraph "${name}" is unavailable: ${cause}`, {
    extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: name },
  });
}

/** A subgraph request cut by its time bound. */
class TimeoutError extends Error {}

/**
 * One HTTP request and its whole answer, by `deadline`. A read whose reused keep-alive socket
 * the subgraph had just closed is sent once more on a fresh one; a write never is.
 */
function sendOnce(
  url: string,
  init: FetcherRequestInit,
  timeoutMs: number,
  deadline: number,
  agent: http.Agent,
  retryable: boolean,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const body = init.body ?? '';
    const request = http.request(url, {
      method: init.method ?? 'POST',
      headers: { ...init.headers, 'content-length': String(Buffer.byteLength(body)) },
      agent,
    });
    // Settle as a timeout before destroying: the destroy's own errors (a reset) must not pass for the cause.
    const timer = setTimeout(
      () => {
        fail(new TimeoutError(`no answer within ${timeoutMs} ms`));
        request.destroy();
      },
      Math.max(0, deadline - Date.now()),
    );
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          url,
          status: response.statusCode ?? 0,
          statusText: response.statusMessage ?? '',
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    request.on('error', fail);
    request.end(body);

    function fail(error: NodeJS.ErrnoException) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (retryable && request.reusedSocket && error.code === 'ECONNRESET') {
        sendOnce(url, init, timeoutMs, deadline, agent, false).then(resolve, reject);
      } else {
        reject(error);
      }
    }
  });
}
