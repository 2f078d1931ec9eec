import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** Every `extensions.code` this graph returns, in one place. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  SUBGRAPH_UNAVAILABLE: 'SUBGRAPH_UNAVAILABLE',
  /** Demand control: the operation's estimated cost is over the budget (the code Apollo Router and Hive Gateway use). */
  COST_ESTIMATED_TOO_EXPENSIVE: 'COST_ESTIMATED_TOO_EXPENSIVE',
  /** A request's work stopped at its deadline (the gateway's, or the subgraph's own bound). */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** An answer would have been larger than MAX_ANSWER_BYTES; none is sent. */
  ANSWER_TOO_LARGE: 'ANSWER_TOO_LARGE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
} as const;

/** Thrown by data and validation code; resolvers let it surface as a GraphQL error. */
export class BadInputError extends GraphQLError {
  constructor(argumentName: string, message: string) {
    super(`Argument "${argumentName}": ${message}`, {
      extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName },
    });
  }
}

/** A write naming an object that does not exist: nothing is changed. */
export class NotFoundError extends GraphQLError {
  constructor(argumentName: string, message: string) {
    super(`Argument "${argumentName}": ${message}`, { extensions: { code: ErrorCode.NOT_FOUND, argumentName } });
  }
}

/**
 * An operation refused by demand control before any subgraph is called: 400, with the
 * estimate and the budget in the message and in `extensions.cost` (as Hive Gateway reports them).
 */
export class CostTooHighError extends GraphQLError {
  constructor(estimated: number, max: number) {
    super(
      `Operation estimated cost ${estimated} exceeds the budget of ${max}. Ask for fewer items (` +
        '`first`), fewer nested lists or fewer aliases.',
      {
        extensions: {
          code: ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE,
          cost: { estimated, max },
          http: { status: 400 },
        },
      },
    );
  }
}

/** Codes of an operation refused before execution (syntax, validation, variables): the caller's fault. */
export const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE,
]);

/** Codes whose messages are written for clients and safe to show in production. */
const PUBLIC_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
]);

/**
 * Apollo `formatError`: in production, errors without a public code (a database failure,
 * a bug) become "Internal server error" with no stack, SQL or other detail; codes, the
 * argument at fault and the failing subgraph's name are kept. In development, all is shown.
 */
export function formatErrorFor(production: boolean) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    if (!production) return formatted;
    const code = String(formatted.extensions?.code ?? ErrorCode.INTERNAL);
    const { argumentName, serviceName, cost } = formatted.extensions ?? {};
    const extensions = Object.fromEntries(
      Object.entries({ code, argumentName, serviceName, cost }).filter(([, value]) => value !== undefined),
    );
    if (PUBLIC_CODES.has(code))
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    return {
      message: 'Internal server error',
      path: formatted.path,
      extensions: { ...extensions, code: ErrorCode.INTERNAL },
    };
  };
}
