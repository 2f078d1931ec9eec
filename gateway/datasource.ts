import http from 'node:http';
import { urlToHttpOptions } from 'node:url';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
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
  /** The size of the request's body, which raises a write's answer limit (see `writeAnswerLimit`). */
  requestBytes?: number;
}

type ProcessOptions = GraphQLDataSourceProcessOptions<GatewayContext>;
type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

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

/** A subgraph's answer, read in full: shared by every request that asked the same question. */
interface Answer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Size of the body as received. */
  bytes: number;
}

/** One subgraph request: its body and headers, and what bounds it (ms to wait, bytes to read). */
interface Outgoing {
  body: string;
  headers: Record<string, string>;
  waitMs: number;
  maxBytes: number;
}

/**
 * The gateway's connection to one subgraph. It proves itself with the shared secret and
 * forwards the caller's token and request id. Every fetch is bounded in time, so a hung
 * subgraph costs only its own fields, and failures name the subgraph. Each fetch tells the
 * subgraph its deadline (the sooner of the fetch timeout and the operation's deadline) and the
 * answer bytes the operation may still receive, so the subgraph stops when the gateway would
 * stop waiting or reading. A subgraph's own GraphQL error on a 4xx (e.g. a variable of the
 * wrong shape) reaches the client as is, rather than as a bare "400: Bad Request".
 *
 * It does what Apollo's RemoteGraphQLDataSource does for this graph (POST the operation as
 * JSON, relay errors, honour the subgraph's Cache-Control) straight on Node's HTTP client:
 * no fetch-style Request, Headers or Response objects are built for a fetch (measured in
 * docs/benchmarks.md, "Where the gateway's CPU went").
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly send: (outgoing: Outgoing) => Promise<Answer>;

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly gatewaySecret: string,
    agent: http.Agent,
  ) {
    this.send = subgraphSender(name, url, agent);
  }

  async process(options: ProcessOptions): Promise<SubgraphResponse> {
    const { http: _http, ...payload } = options.request;
    if (!payload.query) throw new Error('Missing query');
    const context = options.context as Partial<GatewayContext>;
    const answer = await this.send(this.outgoing(JSON.stringify(payload), context));
    if (answer.status < 200 || answer.status >= 300) throw this.errorFrom(answer);
    const { budget } = context;
    // Charged before parsing: past the budget an answer is refused unparsed.
    if (budget && (budget.answerBytesLeft -= answer.bytes) < 0) throw this.tooLarge(budget.maxAnswerBytes);
    const body = parseBody(answer);
    if (typeof body !== 'object' || body === null)
      throw new Error(`Expected JSON response body, but received: ${body}`);
    if ('incomingRequestContext' in options) restrictCachePolicy(options, answer.headers['cache-control']);
    return body;
  }

  private outgoing(body: string, context: Partial<GatewayContext>): Outgoing {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      [GATEWAY_SECRET_HEADER]: this.gatewaySecret,
    };
    if (context.requestId) headers['x-request-id'] = context.requestId;
    if (context.authorization) headers.authorization = context.authorization;
    const now = Date.now();
    const deadline = fetchDeadline(body, now, this.timeoutMs, context.budget?.deadline);
    const waitMs = deadlineHeaderValue(deadline, now);
    headers[DEADLINE_HEADER] = waitMs;
    const maxBytes = context.budget ? Math.max(0, context.budget.answerBytesLeft) : Infinity;
    if (context.budget) headers[ANSWER_BUDGET_HEADER] = String(maxBytes);
    return { body, headers, waitMs: Number(waitMs), maxBytes };
  }

  private tooLarge(limit: number): GraphQLError {
    const error = new AnswerTooLargeError(limit);
    return new GraphQLError(error.message, { extensions: { ...error.extensions, serviceName: this.name } });
  }

  /** A non-2xx answer: the subgraph's own first GraphQL error if it sent one, else its HTTP status. */
  private errorFrom(answer: Answer): GraphQLError {
    const body = parseBody(answer);
    if (isErrorBody(body) && body.errors.length > 0) {
      const [first] = body.errors;
      return new GraphQLError(first!.message, { extensions: { ...first!.extensions, serviceName: this.name } });
    }
    const { status, statusText } = answer;
    const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : undefined;
    return new GraphQLError(`${status}: ${statusText}`, {
      extensions: { response: { url: this.url, status, statusText, body }, ...(code && { code }) },
    });
  }
}

/** A JSON body parsed (each caller its own copy), any other body as text. */
function parseBody(answer: Answer): unknown {
  const type = answer.headers['content-type'];
  const json = type?.startsWith('application/json') || type?.startsWith('application/graphql-response+json');
  return json ? JSON.parse(answer.body) : answer.body;
}

/** The subgraph's Cache-Control bounds the whole response's cache policy, as Apollo's data source does. */
function restrictCachePolicy(options: Extract<ProcessOptions, { incomingRequestContext: unknown }>, header?: string) {
  const policy = options.incomingRequestContext.overallCachePolicy;
  if (!policy || !('restrict' in policy)) return;
  const directives = new Map(
    (header ?? '').split(',').map((part) => {
      const [name, value] = part.trim().split(/\s*=\s*/, 2);
      return [name!, value?.replace(/^"|"$/g, '') ?? true] as const;
    }),
  );
  const maxAge = directives.get('max-age');
  policy.restrict({
    maxAge: typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge) ? Number(maxAge) : 0,
    ...(directives.get('private') === true && { scope: 'PRIVATE' }),
    ...(directives.get('public') === true && { scope: 'PUBLIC' }),
  });
}

/**
 * When the gateway stops waiting for one fetch. A read waits the fetch timeout (a hung subgraph
 * costs only its own fields), bounded by the operation's deadline. A write waits for the
 * operation's deadline, which the subgraph is told and stops at: a write given up on at the
 * fetch timeout still commits in the subgraph (a 10,000-event ingest on a loaded coop can take
 * longer than 5 s), and its caller would be told "unavailable" for a write that happened.
 */
function fetchDeadline(body: string, now: number, timeoutMs: number, operationDeadline?: number): number {
  if (operationDeadline !== undefined && !isRead(body)) return operationDeadline;
  return Math.min(now + timeoutMs, operationDeadline ?? Infinity);
}

/**
 * A query (never a mutation): the operation's JSON starts `{"query":"query ...` or `{"query":"{...`.
 * Any other shape counts as a write, so a change in that format turns sharing off, not on.
 */
const isRead = (body: string) => body.startsWith('{"query":"query') || body.startsWith('{"query":"{');

/**
 * Sends one subgraph's requests over the gateway's keep-alive pool, each bounded in time.
 * Identical public reads in flight at the same moment (many clients asking for the same city
 * report) go to the subgraph once and share its answer, as Hive Gateway and Apollo Router can
 * deduplicate: same subgraph, same body, no caller token (the other headers are the same for
 * every caller but the request id and budgets, which do not change the answer). The subgraph
 * then logs the first caller's request id only. Each caller parses its own copy.
 */
function subgraphSender(name: string, url: string, agent: http.Agent): (outgoing: Outgoing) => Promise<Answer> {
  const inFlight = new Map<string, Promise<Answer>>();
  // Parsed once: http.request would parse a URL string again for every fetch.
  const target: http.RequestOptions = { ...urlToHttpOptions(new URL(url)), method: 'POST', agent };
  const send = (outgoing: Outgoing, read: boolean) =>
    sendOnce(target, outgoing, Date.now() + outgoing.waitMs, read).catch((error: Error) => {
      throw unavailable(name, error);
    });
  return (outgoing) => {
    const read = isRead(outgoing.body);
    if (outgoing.headers.authorization || !read) return send(outgoing, read);
    let answer = inFlight.get(outgoing.body);
    if (!answer) {
      answer = send(outgoing, read).finally(() => inFlight.delete(outgoing.body));
      inFlight.set(outgoing.body, answer);
    }
    return answer;
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

/**
 * One HTTP request and its whole answer, by `deadline`. A read whose reused keep-alive socket
 * the subgraph had just closed is sent once more on a fresh one; a write never is.
 */
function sendOnce(
  target: http.RequestOptions,
  outgoing: Outgoing,
  deadline: number,
  retryable: boolean,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    const { body, headers, waitMs, maxBytes } = outgoing;
    const request = http.request({
      ...target,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    // Settle as a timeout before destroying: the destroy's own errors (a reset) must not pass for the cause.
    const timer = setTimeout(
      () => {
        fail(new TimeoutError(`no answer within ${waitMs} ms`));
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
        if (bytes <= maxBytes) return;
        // Stop reading (and holding) an answer the operation could not use anyway.
        fail(new OversizedError(`The answer would be larger than the ${maxBytes} bytes left for it.`));
        request.destroy();
      });
      response.on('error', fail);
      response.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
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
        sendOnce(target, outgoing, deadline, false).then(resolve, reject);
      } else {
        reject(error);
      }
    }
  });
}
