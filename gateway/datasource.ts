import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
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
  ) {
    super({ url, fetcher: boundedFetcher(name, timeoutMs) });
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

function boundedFetcher(name: string, timeoutMs: number): Fetcher {
  return (async (url: string, init?: RequestInit) => {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message;
      throw new Error(`Subgraph "${name}" is unavailable: ${reason}`);
    }
  }) as unknown as Fetcher;
}
