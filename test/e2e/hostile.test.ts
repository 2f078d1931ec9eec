/**
 * A corpus of hostile requests: each gets a 4xx or a GraphQL error, changes nothing, and the
 * gateway answers normally afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cities } from '../../seeds/data/cities.js';
import { dataOf, readCounter, startTestStack, type TestStack } from '../harness.js';
import { CITY_REPORT, REPORT_PERIOD } from '../queries.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

interface Raw {
  status: number;
  body: any;
}

async function post(body: string, contentType = 'application/json'): Promise<Raw> {
  const response = await fetch(stack.gatewayUrl, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

const operation = (query: string, variables?: Record<string, unknown>) => JSON.stringify({ query, variables });
const nest = (depth: number) => {
  let selection = 'id';
  for (let i = 0; i < depth; i++) selection = i % 2 === 0 ? `leagues { ${selection} }` : `members { ${selection} }`;
  return `{ city(id: "gent") { ${selection} } }`;
};
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: city(id: "gent") { id }`).join(' ')} }`;

const corpus: [string, () => Promise<Raw>, RegExp][] = [
  ['deep nesting', () => post(operation(nest(40))), /depth/i],
  ['an alias bomb', () => post(operation(aliases(60))), /alias/i],
  ['a field bomb', () => post(operation(`{ city(id: "gent") { ${'name '.repeat(5000)} } }`)), /token/i],
  [
    'directive overload',
    () => post(operation(`{ city(id: "gent") { id ${'@include(if: true) '.repeat(200)} } }`)),
    /directive/i,
  ],
  [
    'a fragment cycle',
    () => post(operation('{ city(id: "gent") { ...A } } fragment A on City { leagues { members { ...A } } }')),
    /fragment|cycle|spread/i,
  ],
  ['an oversized body', () => post(operation(`{ city(id: "${'x'.repeat(300_000)}") { id } }`)), /larger than/i],
  ['malformed JSON', () => post('{"query": "{ city(id: \\"gent\\") { id } }"'), /not valid JSON/i],
  ['a wrong content type', () => post('{ city(id: "gent") { id } }', 'text/plain'), /content-type|preflight|csrf/i],
  [
    'a batch of operations',
    () => post(JSON.stringify([{ query: '{ leagues { totalCount } }' }, { query: '{ leagues { totalCount } }' }])),
    /batch/i,
  ],
  ['an absurd page size', () => post(operation('{ cities(first: 1000000) { totalCount } }')), /cost|first/i],
  ['an Int overflow', () => post(operation('{ cities(first: 99999999999) { totalCount } }')), /Int/],
  [
    'an unknown field',
    () => post(operation('{ city(id: "gent") { usageEvents { memberRef } } }')),
    /Cannot query field/,
  ],
  ['a garbage query', () => post(operation('{{{{ ]]]')), /Syntax Error/],
  [
    'a bad token',
    async () => {
      const response = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
        body: operation('{ leagues { totalCount } }'),
      });
      return { status: response.status, body: await response.json() };
    },
    /not valid/i,
  ],
];

describe('hostile requests', () => {
  it.each(corpus)('refuses %s with a 4xx or a GraphQL error', async (_name, send, pattern) => {
    const { status, body } = await send();
    const errors = typeof body === 'object' && body ? (body as { errors?: { message: string }[] }).errors : undefined;
    expect(status >= 400 || (errors?.length ?? 0) > 0).toBe(true);
    expect(status).toBeLessThan(500);
    expect(JSON.stringify(body)).toMatch(pattern);
    expect(body?.data ?? null).toBeNull();
  });

  it('treats injection-looking ids as plain values and changes nothing', async () => {
    const before = dataOf(await stack.query('{ cities(first: 100) { totalCount } }')).cities.totalCount;
    const injected = await stack.query(
      `query($id: ID!, $name: String) {
      city(id: $id) { id }
      cities(filter: { nameContains: $name }) { totalCount }
    }`,
      { id: "gent' OR '1'='1", name: "%'; DROP TABLE cities; --" },
    );
    expect(dataOf(injected)).toEqual({ city: null, cities: { totalCount: 0 } });
    expect(dataOf(await stack.query('{ cities(first: 100) { totalCount } }')).cities.totalCount).toBe(before);
    expect(before).toBe(cities.length);
  });

  it('counts refusals by reason in /metrics', async () => {
    const metrics = stack.gatewayUrl.replace('/graphql', '/metrics');
    const text = await (await fetch(metrics)).text();
    for (const reason of ['depth', 'aliases', 'tokens', 'directives', 'body_too_large', 'malformed_json']) {
      expect(text, reason).toMatch(new RegExp(`commons_rejected_requests_total\\{reason="${reason}"[^}]*\\} [1-9]`));
    }
    expect(await readCounter(metrics, 'commons_rejected_requests_total')).toBeGreaterThan(0);
  });

  it('still answers the city report normally afterwards', async () => {
    const { data, errors } = await stack.query(CITY_REPORT, { id: 'gent', ...REPORT_PERIOD });
    expect(errors).toBeUndefined();
    expect(data.city.platformCooperatives.length).toBeGreaterThan(0);
  });
});
