/**
 * The gateway's bounds on one operation: a deadline for all its subgraph fetches together, a
 * byte budget for all their answers together (both passed on to the subgraphs with each fetch,
 * by gateway/datasource.ts), and the same byte limit on the answer it returns, which can be
 * larger than its parts when one entity appears in many places.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { AnswerTooLargeError, jsonBytesAtMost, writeAnswerLimit } from '../lib/answer-size.js';
import type { GatewayLimits } from '../lib/config.js';
import type { Metrics } from '../lib/metrics.js';
import type { GatewayContext, RequestBudget } from './datasource.js';

/**
 * Gives every operation its budget as it starts (a mutation's answer budget raised by its
 * request's size, see `writeAnswerLimit`), and replaces an answer over the budget's limit
 * with one ANSWER_TOO_LARGE error. List it before the response cache: its check runs
 * synchronously, so the cache only ever sees the replaced answer (which has errors, so is not cached).
 */
export function boundedWork(
  limits: Pick<GatewayLimits, 'requestTimeoutMs' | 'maxAnswerBytes'>,
  metrics: Metrics,
): ApolloServerPlugin<GatewayContext> {
  const { requestTimeoutMs, maxAnswerBytes } = limits;
  return {
    async requestDidStart({ contextValue }) {
      const budget: RequestBudget = {
        deadline: Date.now() + requestTimeoutMs,
        answerBytesLeft: maxAnswerBytes,
        maxAnswerBytes,
      };
      contextValue.budget = budget;
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== 'mutation') return;
          budget.maxAnswerBytes = writeAnswerLimit(maxAnswerBytes, contextValue.requestBytes ?? 0);
          budget.answerBytesLeft = budget.maxAnswerBytes;
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data } = response.body.singleResult;
          const limit = budget.maxAnswerBytes;
          if (data === null || data === undefined || jsonBytesAtMost(data, limit) <= limit) return;
          metrics.rejectedRequests.inc({ reason: 'answer_too_large' });
          const error = new AnswerTooLargeError(limit);
          response.body.singleResult = {
            data: null,
            errors: [{ message: error.message, extensions: error.extensions }],
          };
        },
      };
    },
  };
}
