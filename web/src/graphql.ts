/** The dashboard's one way to the graph: a POST to the same public /graphql any client uses. */

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; serviceName?: string };
}

/** An answer may carry data and errors together: a failed subgraph costs only its own fields. */
export interface Answer<T> {
  data: T | null;
  errors: GraphQLError[];
}

/** Sends one operation; rejects only when there is no GraphQL answer at all (network, non-JSON). */
export async function request<T>(
  query: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<Answer<T>> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body: { data?: T | null; errors?: GraphQLError[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new Error(`The graph answered HTTP ${response.status} without a GraphQL body.`);
  }
  return { data: body.data ?? null, errors: body.errors ?? [] };
}
