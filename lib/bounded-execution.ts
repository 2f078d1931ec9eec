/**
 * The subgraph's bounds on one request's work: a deadline and an answer size. Both are checked
 * as each field is resolved, with the clock read synchronously, so even work that never yields
 * to the event loop (a deep selection over cached loaders) stops; the request is then answered
 * with that one error and no data.
 */
import type http from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  Kind,
  defaultFieldResolver,
  getNamedType,
  isLeafType,
  isObjectType,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import {
  ANSWER_BUDGET_HEADER,
  AnswerTooLargeError,
  answerBudgetOf,
  fieldBytes,
  writeAnswerLimit,
} from './answer-size.js';
import { DEADLINE_HEADER, DeadlineExceededError, deadlineOf } from './deadline.js';
import { headerValue, requestBodyBytes } from './http.js';
import type { Metrics } from './metrics.js';

/** How far one request may go: when it must stop (epoch ms) and how large its answer may grow (bytes). */
export interface RequestBounds {
  deadline: number;
  maxAnswerBytes: number;
  /** How large the answer may grow if the operation is a mutation (see `writeAnswerLimit`). */
  maxWriteAnswerBytes: number;
  /** Set once the request has gone past either bound: the error that stops it. */
  stopped?: GraphQLError;
  /** That error as one rejected promise, answered by every field resolved after the stop. */
  rejection?: Promise<never>;
}

/**
 * The bounds of one request: the subgraph's own limits, shortened by what the gateway states in
 * its headers when the request comes from the gateway (`trusted`).
 */
export function requestBoundsOf(
  req: http.IncomingMessage,
  trusted: boolean,
  limits: { requestTimeoutMs: number; maxAnswerBytes: number },
): RequestBounds {
  const budget = headerValue(req, ANSWER_BUDGET_HEADER);
  return {
    deadline: deadlineOf(headerValue(req, DEADLINE_HEADER), trusted, limits.requestTimeoutMs),
    maxAnswerBytes: answerBudgetOf(budget, trusted, limits.maxAnswerBytes),
    maxWriteAnswerBytes: answerBudgetOf(
      budget,
      trusted,
      writeAnswerLimit(limits.maxAnswerBytes, requestBodyBytes(req)),
    ),
  };
}

/** What each object of this field's list will add at least: its braces and the keys it selects. */
function itemBytes(info: GraphQLResolveInfo): number {
  let bytes = 2;
  for (const node of info.fieldNodes)
    for (const selection of node.selectionSet?.selections ?? [])
      bytes += selection.kind === Kind.FIELD ? (selection.alias ?? selection.name).value.length + 4 : 8;
  return bytes;
}

/**
 * The rejection that stops a request now, if any: for the error already set, or a passed
 * deadline. One promise per request, so thousands of stopped fields cost no promise each.
 */
function stopOf(bounds: RequestBounds): Promise<never> | undefined {
  if (!bounds.stopped && Date.now() > bounds.deadline) bounds.stopped = new DeadlineExceededError();
  if (!bounds.stopped) return undefined;
  if (!bounds.rejection) {
    bounds.rejection = Promise.reject(bounds.stopped);
    bounds.rejection.catch(() => undefined); // handled by every field that gets it
  }
  return bounds.rejection;
}

/**
 * Wraps every field's resolver of `schema` (in place) so that, once its request is stopped, no
 * resolver or loader runs: each field answers the stopping error instead. As a rejected promise,
 * not a throw: graphql-js 16 leaves the other items of a list of non-null items unhandled when
 * one item throws synchronously, and an unhandled rejection ends a Node process.
 */
export function stopResolversWhenBounded(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, { bounds?: RequestBounds }> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        return (context?.bounds && stopOf(context.bounds)) || resolve(source, args, context, info);
      };
    }
  }
  return schema;
}

/** Refusal reasons as counted in `commons_rejected_requests_total`. */
const REASONS: Record<string, string> = { DEADLINE_EXCEEDED: 'deadline', ANSWER_TOO_LARGE: 'answer_too_large' };

/**
 * Counts each request's answer as its fields resolve and stops the request (see
 * stopResolversWhenBounded) when it outgrows its budget; a stopped request's answer is replaced
 * by the stopping error alone (a truncated answer would look complete), and counted in
 * `commons_rejected_requests_total` (`deadline`, `answer_too_large`).
 */
export function boundedExecution<Context extends BaseContext & { bounds: RequestBounds }>(
  metrics: Metrics,
): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      const { bounds } = contextValue;
      let answerBytes = 0;
      /** Adds to the answer's size; true once the request is stopped. */
      const count = (bytes: number): boolean => {
        answerBytes += bytes;
        if (answerBytes > bounds.maxAnswerBytes && !bounds.stopped)
          bounds.stopped = new AnswerTooLargeError(bounds.maxAnswerBytes);
        return bounds.stopped !== undefined;
      };
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'mutation') bounds.maxAnswerBytes = bounds.maxWriteAnswerBytes;
        },
        async executionDidStart() {
          return {
            // A field's key is counted when it starts (graphql-js starts a whole level of a
            // selection before finishing any, and each started field holds memory), its value when
            // it ends, and a list's items, with the keys each will select, as soon as it resolves:
            // the estimate errs high rather than let a level of thousands of objects start.
            willResolveField({ info }) {
              const key = String(info.path.key);
              if (count(fieldBytes(key, null, true, 0) - 4)) return;
              return (error, result) => {
                if (bounds.stopped || error) return;
                const isLeaf = isLeafType(getNamedType(info.returnType));
                const items = isLeaf || !Array.isArray(result) ? 2 : itemBytes(info);
                count(fieldBytes(key, result, isLeaf, bounds.maxAnswerBytes, items) - key.length - 4);
              };
            },
          };
        },
        async didEncounterErrors({ errors }) {
          // One stopping error reported by thousands of fields: format it once, not once per field.
          if (bounds.stopped) (errors as GraphQLError[]).splice(0, errors.length, bounds.stopped);
        },
        async willSendResponse({ response }) {
          const { stopped } = bounds;
          if (!stopped || response.body.kind !== 'single') return;
          const code = String(stopped.extensions.code);
          metrics.rejectedRequests.inc({ reason: REASONS[code] ?? code });
          response.body.singleResult = { data: null, errors: [{ message: stopped.message, extensions: { code } }] };
        },
      };
    },
  };
}
