import { GraphQLError } from 'graphql';

/** Every `extensions.code` this graph returns, in one place. */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
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
