/** The subgraph side of demand control (lib/list-size.ts): each @listSize is enforced from the SDL. */
import { graphql, parse } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from 'vitest';
import { enforceListSizes, listBoundsOf } from '../../lib/list-size.js';

const SDL = `
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
type Query {
  few: [Int!]! @listSize(assumedSize: 3)
  some(first: Int = 2): [Int!]! @listSize(slicingArguments: ["first"])
  page(first: Int = 2): Page! @listSize(slicingArguments: ["first"], sizedFields: ["nodes"])
}
type Page { nodes: [Int!]! }
`;

const ten = Array.from({ length: 10 }, (_, i) => i);
const typeDefs = parse(SDL);
const schema = enforceListSizes(
  makeExecutableSchema({
    typeDefs,
    resolvers: { Query: { few: () => ten, some: () => ten, page: () => ({ nodes: ten }) } },
  }),
  typeDefs,
);
const run = (source: string) =>
  graphql({ schema, source, contextValue: { settings: { maxPageSize: 5 } } }).then((result) =>
    JSON.parse(JSON.stringify(result)),
  );

describe('listBoundsOf', () => {
  it('reads assumed sizes and slicing arguments, and leaves connections to their resolvers', () => {
    expect(Object.fromEntries(listBoundsOf(typeDefs))).toEqual({
      'Query.few': { kind: 'assumed', size: 3 },
      'Query.some': { kind: 'first' },
    });
  });
});

describe('enforceListSizes', () => {
  it('never returns more than the assumed size', async () => {
    expect((await run('{ few }')).data.few).toEqual([0, 1, 2]);
  });

  it('returns the first `first` items, the default when none is given', async () => {
    expect((await run('{ some(first: 4) }')).data.some).toEqual([0, 1, 2, 3]);
    expect((await run('{ some }')).data.some).toEqual([0, 1]);
    expect((await run('{ some(first: 0) }')).data.some).toEqual([]);
  });

  it('refuses a `first` outside 0 to the page-size maximum, naming the argument', async () => {
    for (const first of [6, -1]) {
      const { errors } = await run(`{ some(first: ${first}) }`);
      expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'first' });
    }
  });

  it('keeps the SDL default under a page-size maximum smaller than it, and refuses an explicit `first` over it', async () => {
    const small = (source: string) => graphql({ schema, source, contextValue: { settings: { maxPageSize: 1 } } });
    expect((await small('{ some }')).data?.some).toEqual([0, 1]);
    expect((await small('{ some(first: 2) }')).errors?.[0]?.extensions).toMatchObject({ argumentName: 'first' });
  });

  it('leaves a connection to its own resolver', async () => {
    expect((await run('{ page { nodes } }')).data.page.nodes).toEqual(ten);
  });
});
