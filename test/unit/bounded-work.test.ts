/**
 * The pure parts of bounded work: who may set a deadline or an answer budget, the JSON size
 * estimate, the nesting check of the response cache, and the gateway's check of the answer it
 * composed (which a subgraph's budget cannot see).
 */
import { describe, expect, it } from 'vitest';
import { answerBudgetOf, fieldBytes, jsonBytesAtMost } from '../../lib/answer-size.js';
import { deadlineOf } from '../../lib/deadline.js';
import { createMetrics } from '../../lib/metrics.js';
import { boundedWork } from '../../gateway/bounded-work.js';
import { nestsAtMost } from '../../gateway/response-cache.js';

describe('deadline and budget headers', () => {
  it('take the gateway’s word only from the gateway, and never beyond the own bound', () => {
    expect(deadlineOf('300', true, 10_000, 1000)).toBe(1300);
    expect(deadlineOf('300', false, 10_000, 1000)).toBe(11_000);
    expect(deadlineOf('99999999', true, 10_000, 1000)).toBe(11_000);
    expect(deadlineOf('-5', true, 10_000, 1000)).toBe(11_000);
    expect(deadlineOf(undefined, true, 10_000, 1000)).toBe(11_000);
    expect(answerBudgetOf('500', true, 1000)).toBe(500);
    expect(answerBudgetOf('500', false, 1000)).toBe(1000);
    expect(answerBudgetOf('5000', true, 1000)).toBe(1000);
  });
});

describe('answer size', () => {
  it('counts JSON bytes exactly for plain ASCII data', () => {
    const value = { a: [1, 'two', null, true, { b: 2.5 }], c: 'é' };
    expect(jsonBytesAtMost(value, 1e9)).toBe(Buffer.byteLength(JSON.stringify(value)));
  });

  it('stops counting past the limit, at any nesting depth, without recursion', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(jsonBytesAtMost(deep, 1000)).toBeGreaterThan(1000);
    expect(jsonBytesAtMost(deep, 1000)).toBeLessThan(2000);
  });

  it('counts a list of objects by its items before they are resolved', () => {
    expect(fieldBytes('members', [{}, {}, {}], false, 1e9, 10)).toBe('members'.length + 4 + 2 + 30);
  });
});

describe('response-cache key guard', () => {
  it('tells deep variables from shallow ones without recursion', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(nestsAtMost(deep, 32)).toBe(false);
    expect(nestsAtMost({ input: { period: { from: '2025-01-01' } }, ids: ['a', 'b'] }, 32)).toBe(true);
  });
});

describe("the gateway's check of its composed answer", () => {
  async function respond(data: unknown, operation: 'query' | 'mutation' = 'query', requestBytes = 0) {
    const plugin = boundedWork({ requestTimeoutMs: 1000, maxAnswerBytes: 1000 }, createMetrics('test'));
    const contextValue = { requestId: 'r', requestBytes } as { requestId: string; budget?: unknown };
    const listener = await plugin.requestDidStart!({ contextValue } as never);
    await listener!.didResolveOperation!({ operation: { operation } } as never);
    const response = { body: { kind: 'single', singleResult: { data } } };
    await listener!.willSendResponse!({ response } as never);
    return { result: response.body.singleResult as { data: unknown; errors?: unknown[] }, contextValue };
  }

  const hundredCities = { cities: Array.from({ length: 100 }, (_, i) => ({ id: `city-${i}` })) };

  it('replaces an answer over the limit by ANSWER_TOO_LARGE', async () => {
    const { result } = await respond(hundredCities);
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([expect.objectContaining({ extensions: { code: 'ANSWER_TOO_LARGE' } })]);
  });

  it('leaves an answer within the limit alone and gives the operation its budget', async () => {
    const { result, contextValue } = await respond({ city: { id: 'gent' } });
    expect(result).toEqual({ data: { city: { id: 'gent' } } });
    expect(contextValue.budget).toEqual(expect.objectContaining({ answerBytesLeft: 1000, maxAnswerBytes: 1000 }));
  });

  it('lets a mutation answer its limit plus twice its request, and a query only its limit however large its request', async () => {
    const written = await respond(hundredCities, 'mutation', 600);
    expect(written.result).toEqual({ data: hundredCities });
    expect(written.contextValue.budget).toEqual(
      expect.objectContaining({ answerBytesLeft: 2200, maxAnswerBytes: 2200 }),
    );
    const read = await respond(hundredCities, 'query', 600);
    expect(read.result.data).toBeNull();
    expect(read.contextValue.budget).toEqual(expect.objectContaining({ maxAnswerBytes: 1000 }));
  });
});
