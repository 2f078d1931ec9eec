/**
 * The gateway's bounds on one operation: a deadline for all its subgraph fetches together, a
 * byte budget for all their answers together (both passed on to the subgraphs with each fetch,
 * by gateway/datasource.ts), and the same byte limit on the answer it returns, which can be
 * larger than its parts when one entity appears in many places.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { AnswerTooLargeError, jsonBytesAtMost } from '../lib/answer-size.js';
import type { GatewayLimits } from '../lib/config.js';
import type { Metrics } from '../lib/metrics.js';
import type { GatewayContext } from './datasource.js';

/**
 * Gives every operation its budget as it starts, and replaces an answer over `maxAnswerBytes`
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
      contextValue.budget = {
        deadline: Date.now() + requestTimeoutMs,
        answerBytesLeft: maxAnswerBytes,
        maxAnswerBytes,
      };
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { data } = response.body.singleResult;
          if (data === null || data === undefined || jsonBytesAtMost(data, maxAnswerBytes) <= maxAnswerBytes) return;
          metrics.rejectedRequests.inc({ reason: 'answer_too_large' });
          const error = new AnswerTooLargeError(maxAnswerBytes);
          response.body.singleResult = {
            data: null,
            errors: [{ message: error.message, extensions: error.extensions }],
          };
        },
      };
    },
  };
}
