/**
 * The demand-control estimate (gateway/cost.ts) on a small schema whose costs can be counted
 * by hand, and the rule that makes it meaningful on the real graph: every list is sized.
 */
import fs from 'node:fs';
import {
  buildSchema,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateCost, readCostDirectives, type CostModel } from '../../gateway/cost.js';
import { SUPERGRAPH_FILE, composeSupergraph } from '../../schema/compose.js';

const SDL = `
directive @cost(weight: Int!) on FIELD_DEFINITION | OBJECT | SCALAR | ENUM | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

type Query {
  city(id: ID!): City
  cities(first: Int = 20, last: Int): CityConnection! @listSize(slicingArguments: ["first", "last"], sizedFields: ["nodes", "edges"])
  places: [Place!]! @listSize(assumedSize: 3)
  unsized: [City!]!
}
type Mutation { rename(id: ID!, name: String!): City }
type City {
  id: ID!
  name: String!
  leagues: [League!]! @listSize(assumedSize: 4)
  coops(first: Int = 10): [Coop!]! @listSize(slicingArguments: ["first"])
  sharing: Stats @cost(weight: 10)
}
type League { id: ID! members(first: Int = 20): [City!]! @listSize(slicingArguments: ["first"]) }
type Coop { id: ID! stats: Stats }
type Stats @cost(weight: 3) { uses: Int }
type CityConnection { totalCount: Int! nodes: [City!]! edges: [CityEdge!]! }
type CityEdge { cursor: String! node: City! }
interface Place { id: ID! }
type Park implements Place { id: ID! leagues: [League!]! @listSize(assumedSize: 2) }
type Square implements Place { id: ID! coops(first: Int = 5): [Coop!]! @listSize(slicingArguments: ["first"]) }
`;

const model: CostModel = { schema: buildSchema(SDL), directives: readCostDirectives(SDL), defaultListSize: 100 };
const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  estimateCost(model, parse(query), variables, operationName);

describe('estimateCost', () => {
  it('counts an object 1 and a scalar 0', () => {
    expect(cost('{ city(id: "gent") { id name } }')).toBe(1);
  });

  it("multiplies a list by its assumed size, and nested lists by each other's", () => {
    // city 1 + 4 leagues × (1 + 20 members × 1)
    expect(cost('{ city(id: "gent") { leagues { id members { id } } } }')).toBe(1 + 4 * (1 + 20));
  });

  it('takes the slicing argument from the literal, the variable, the variable default or the field default', () => {
    const coops = (argument: string) => `{ city(id: "gent") { coops${argument} { id } } }`;
    expect(cost(coops('(first: 7)'))).toBe(1 + 7);
    expect(cost('query($n: Int) { city(id: "gent") { coops(first: $n) { id } } }', { n: 50 })).toBe(1 + 50);
    expect(cost('query($n: Int = 30) { city(id: "gent") { coops(first: $n) { id } } }')).toBe(1 + 30);
    expect(cost(coops(''))).toBe(1 + 10);
  });

  it('sizes the sized fields of a connection, not the connection itself', () => {
    // connection 1 + 50 nodes × 1 + 50 edges × (1 edge + 1 node)
    expect(cost('{ cities(first: 50) { totalCount nodes { id } edges { cursor node { id } } } }')).toBe(
      1 + 50 + 50 * 2,
    );
  });

  it('takes the largest of several slicing arguments', () => {
    expect(cost('{ cities(first: 5, last: 40) { nodes { id } } }')).toBe(1 + 40);
  });

  it('adds @cost weights of fields and of types, multiplied by the lists around them', () => {
    // city 1 + sharing 10 + 10 coops × (1 + stats 3)
    expect(cost('{ city(id: "gent") { sharing { uses } coops { stats { uses } } } }')).toBe(1 + 10 + 10 * 4);
  });

  it('counts fragments where they are spread, and every alias', () => {
    const query = `query($n: Int!) {
      a: city(id: "a") { ...Coops }
      b: city(id: "b") { ... on City { coops(first: $n) { id } } }
    }
    fragment Coops on City { coops(first: $n) { id } }`;
    expect(cost(query, { n: 25 })).toBe(2 * (1 + 25));
  });

  it('counts every fragment on an abstract type (an upper bound)', () => {
    const query = '{ places { id ... on Park { leagues { id } } ... on Square { coops { id } } } }';
    expect(cost(query)).toBe(3 * (1 + 2 + 5));
  });

  it('adds 10 for a mutation', () => {
    expect(cost('mutation { rename(id: "gent", name: "Gent") { id } }')).toBe(11);
  });

  it('sizes an unannotated list at the default list size', () => {
    expect(cost('{ unsized { id } }')).toBe(100);
  });

  it('estimates the operation the request names', () => {
    const document = 'query A { city(id: "a") { id } } query B { city(id: "b") { leagues { id } } }';
    expect(cost(document, undefined, 'B')).toBe(5);
    expect(cost(document, undefined, 'A')).toBe(1);
  });

  it('estimates a repeated document again when a variable sizes a list differently, and still refuses invalid variables', () => {
    // Apollo Server hands every request with the same query the same parsed document.
    const sliced = parse('query Q($n: Int, $id: ID!) { city(id: $id) { coops(first: $n) { id } } }');
    expect(estimateCost(model, sliced, { n: 2, id: 'gent' })).toBe(1 + 2);
    expect(estimateCost(model, sliced, { n: 50, id: 'gent' })).toBe(1 + 50);
    expect(estimateCost(model, sliced, { n: 2, id: 'antwerp' })).toBe(1 + 2);
    expect(estimateCost(model, sliced, { n: 'many', id: 'gent' })).toBeNull();
    const fixed = parse('query Q($id: ID!) { city(id: $id) { coops(first: 3) { id } } }');
    expect(estimateCost(model, fixed, { id: 'gent' })).toBe(1 + 3);
    expect(estimateCost(model, fixed, { id: 'antwerp' })).toBe(1 + 3);
    expect(estimateCost(model, fixed, {})).toBeNull();
  });

  it('leaves invalid variables to execution (no estimate)', () => {
    expect(cost('query($n: Int!) { city(id: "gent") { coops(first: $n) { id } } }', { n: 'many' })).toBeNull();
  });
});

/** The list type under a field's non-null wrapper, if it is one. */
const isList = (type: GraphQLType): boolean => isListType(isNonNullType(type) ? type.ofType : type);

/** Every `Type.field` of the API schema that returns a list. */
function listFields(schema: GraphQLSchema): { coordinate: string; parent: string; field: string }[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
    .flatMap((type) =>
      Object.values((type as any).getFields() as Record<string, { name: string; type: GraphQLType }>)
        .filter((field) => isList(field.type))
        .map((field) => ({ coordinate: `${type.name}.${field.name}`, parent: type.name, field: field.name })),
    );
}

describe('the supergraph', () => {
  const sdl = fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
  const directives = readCostDirectives(sdl);
  const composed = composeSupergraph();
  const schema = composed.schema!.toAPISchema().toGraphQLJSSchema();

  it('sizes every list: by @listSize, or as a sized field of every field that returns its type', () => {
    const returning = new Map<string, string[]>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const returned = getNamedType(field.type).name;
        returning.set(returned, [...(returning.get(returned) ?? []), `${type.name}.${field.name}`]);
      }
    }
    const sizedByEveryParent = (parent: string, field: string) => {
      const parents = returning.get(parent) ?? [];
      return (
        parents.length > 0 &&
        parents.every((coordinate) => directives.listSizes.get(coordinate)?.sizedFields?.includes(field))
      );
    };
    const unsized = listFields(schema)
      .filter(
        ({ coordinate, parent, field }) => !directives.listSizes.has(coordinate) && !sizedByEveryParent(parent, field),
      )
      .map(({ coordinate }) => coordinate);
    expect(unsized).toEqual([]);
  });

  it('carries the weights of the expensive aggregates', () => {
    expect(directives.weights.get('City.footprint')).toBeGreaterThan(1);
    expect(directives.weights.get('City.sharing')).toBeGreaterThan(1);
    expect(directives.weights.get('PlatformCooperative.sharing')).toBeGreaterThan(1);
  });
});
