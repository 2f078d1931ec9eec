import http from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import { ANSWER_BUDGET_HEADER, AnswerTooLargeError } from '../lib/answer-size.js';
import { DEADLINE_HEADER, deadlineHeaderValue } from '../lib/deadline.js';
import { ErrorCode } from '../lib/errors.js';
import { GATEWAY_SECRET_HEADER } from '../lib/secrets.js';

/** What one operation may still spend at the gateway: time until its deadline, bytes of subgraph answers. */
export interface RequestBudget {
  /** Epoch ms after which no fetch of this operation is waited for. */
  deadline: number;
  /** Bytes of subgraph answers this operation may still receive. */
  answerBytesLeft: number;
  /** The whole budget, for the error that names it. */
  maxAnswerBytes: number;
}

/** What the gateway knows of a request and passes on to every subgraph fetch. */
export interface GatewayContext {
  requestId: string;
  /** The caller's Authorization header, already verified here; subgraphs verify it again. */
  authorization?: string;
  /** Set for every operation by gateway/bounded-work.ts; without it a fetch has only its own timeout. */
  budget?: RequestBudget;
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
 * subgraph costs only its own fields, and failures name the subgraph. Each fetch tells the
 * subgraph its deadline (the sooner of the fetch timeout and the operation's deadline) and the
 * answer bytes the operation may still receive, so the subgraph stops when the gateway would
 * stop waiting or reading. A subgraph's own GraphQL error on a 4xx (e.g. a variable of the
 * wrong shape) reaches the client as is, rather than as a bare "400: Bad Request".
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    readonly name: string,
    url: string,
    private readonly timeoutMs: number,
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
    const now = Date.now();
    const deadline = Math.min(now + this.timeoutMs, context.budget?.deadline ?? Infinity);
    headers.set(DEADLINE_HEADER, deadlineHeaderValue(deadline, now));
    if (context.budget) headers.set(ANSWER_BUDGET_HEADER, String(Math.max(0, context.budget.answerBytesLeft)));
  }

  /** Charges the answer to the operation's byte budget before parsing it; past the budget it is refused unparsed. */
  override async parseBody(
    response: FetcherResponse,
    request?: Parameters<RemoteGraphQLDataSource['parseBody']>[1],
    context?: GatewayContext,
  ): Promise<object | string> {
    if (context?.budget && response instanceof AnswerResponse) {
      context.budget.answerBytesLeft -= response.bytes;
      if (context.budget.answerBytesLeft < 0) throw this.tooLarge(context.budget.maxAnswerBytes);
    }
    return super.parseBody(response, request, context);
  }

  private tooLarge(limit: number): GraphQLError {
    const error = new AnswerTooLargeError(limit);
    return new GraphQLError(error.message, { extensions: { ...error.extensions, serviceName: this.name } });
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
  /** Size of the body as received. */
  bytes: number;
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
  get bytes() {
    return this.answer.bytes;
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
  const send = (url: string, init: FetcherRequestInit) => {
    const limits = fetchLimits(init, timeoutMs);
    return sendOnce(url, init, limits, Date.now() + limits.timeoutMs, agent, isRead(init)).catch((error: Error) => {
      throw unavailable(name, error);
    });
  };
  return async (url: string, init: FetcherRequestInit = {}) => {
    // A request's id and budgets differ between callers asking the same question; they do not change the answer.
    const {
      'x-request-id': _requestId,
      [DEADLINE_HEADER]: _deadline,
      [ANSWER_BUDGET_HEADER]: _budget,
      ...headers
    } = init.headers ?? {};
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
  if (error instanceof OversizedError) {
    return new GraphQLError(error.message, { extensions: { code: ErrorCode.ANSWER_TOO_LARGE, serviceName: name } });
  }
  const cause = error instanceof TimeoutError ? error.message : (FAILURE_CAUSES[error.code ?? ''] ?? 'request failed');
  return new GraphQLError(`Subgraph "${name}" is unavailable: ${cause}`, {
    extensions: { code: ErrorCode.SUBGRAPH_UNAVAILABLE, serviceName: name },
  });
}

/** A subgraph request cut by its time bound. */
class TimeoutError extends Error {}

/** A subgraph answer cut off at the operation's byte budget. */
class OversizedError extends Error {}

/** What bounds one fetch: the time the data source stated in its deadline header, and the bytes in its budget header. */
interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

function fetchLimits(init: FetcherRequestInit, timeoutMs: number): FetchLimits {
  const stated = (name: string) => Number(init.headers?.[name] ?? NaN);
  const deadline = stated(DEADLINE_HEADER);
  const budget = stated(ANSWER_BUDGET_HEADER);
  return {
    timeoutMs: Number.isFinite(deadline) ? Math.min(deadline, timeoutMs) : timeoutMs,
    maxBytes: Number.isFinite(budget) ? budget : Infinity,
  };
}

/**
 * One HTTP request and its whole answer, by `deadline`. A read whose reused keep-alive socket
 * the subgraph had just closed is sent once more on a fresh one; a write never is.
 */
function sendOnce(
  url: string,
  init: FetcherRequestInit,
  limits: FetchLimits,
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
        fail(new TimeoutError(`no answer within ${limits.timeoutMs} ms`));
        request.destroy();
      },
      Math.max(0, deadline - Date.now()),
    );
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        chunks.push(chunk);
        if (bytes <= limits.maxBytes) return;
        // Stop reading (and holding) an answer the operation could not use anyway.
        fail(new OversizedError(`The answer would be larger than the ${limits.maxBytes} bytes left for it.`));
        request.destroy();
      });
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
          bytes,
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
        sendOnce(url, init, limits, deadline, agent, false).then(resolve, reject);
      } else {
        reject(error);
      }
    }
  });
}
