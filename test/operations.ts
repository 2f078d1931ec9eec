/**
 * Operations generated from the composed schema, for the stress test and the worst-case bench:
 * the deepest, the widest and the most aliased selections within the gateway's limits, with
 * every slicing argument (`first`) at its maximum through a variable. The same seed always
 * yields the same operations.
 */
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { createRandom, type Random } from '../seeds/prng.js';

export interface GeneratedOperation {
  /** Shape and number, e.g. `deep-7`. */
  name: string;
  query: string;
  variables: Record<string, unknown>;
}

/** The gateway limits the operations must stay within, and the largest page. */
export interface GeneratorLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxPageSize: number;
}

/** Known ids by type name (`City` → `gent`, ...), so lookups by id find something. */
export type IdPools = Record<string, readonly string[]>;

type Shape = 'deep' | 'wide' | 'aliased';
type AnyField = GraphQLField<unknown, unknown>;

/** The slicing argument of the connections; always given as `$first`, at MAX_PAGE_SIZE. */
const SLICING = 'first';

const isListField = (field: AnyField) =>
  isListType(isNonNullType(field.type) ? field.type.ofType : field.type) ||
  getNamedType(field.type).name.endsWith('Connection');

/** A literal for a required argument or input field of `type`, named `name`. */
function literal(type: GraphQLInputType, name: string, pools: IdPools, random: Random, owner: string): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return `[${literal(inner.ofType, name, pools, random, owner)}]`;
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).filter((field) => isNonNullType(field.type));
    return `{ ${fields.map((field) => `${field.name}: ${literal(field.type, field.name, pools, random, owner)}`).join(', ')} }`;
  }
  if (isEnumType(inner)) return random.pick(inner.getValues()).name;
  switch (inner.name) {
    case 'ID':
      return JSON.stringify(random.pick(pools[owner] ?? Object.values(pools).flat().concat(['unknown'])));
    case 'Int':
      return name === SLICING ? '$first' : '2025';
    case 'Float':
      return '1';
    case 'Boolean':
      return 'true';
    case 'Date':
      return name === 'to' ? '"2025-12-31"' : '"2025-01-01"';
    case 'DateTime':
      return '"2025-01-01T00:00:00Z"';
    default:
      return '"x"';
  }
}

/** Arguments of a field: every required one, and the slicing one at its maximum. */
function argumentsOf(field: AnyField, pools: IdPools, random: Random): string {
  const owner = getNamedType(field.type).name;
  const given = field.args.filter((arg: GraphQLArgument) => isNonNullType(arg.type) || arg.name === SLICING);
  if (given.length === 0) return '';
  return `(${given.map((arg) => `${arg.name}: ${literal(arg.type, arg.name, pools, random, owner)}`).join(', ')})`;
}

/** A selection on `type` going `depth` more levels down, in the given shape. */
function selection(type: GraphQLObjectType, depth: number, shape: Shape, pools: IdPools, random: Random): string {
  const fields = Object.values(type.getFields()).filter((field) => !field.name.startsWith('_'));
  const leaves = fields.filter((field) => isLeafType(getNamedType(field.type)));
  const objects = fields.filter((field) => isObjectType(getNamedType(field.type)));
  const chosenLeaves =
    shape === 'wide'
      ? leaves
      : leaves.filter((field) => field.name === 'id').concat(random.pick([[], leaves.slice(0, 2)]));
  const parts = [...new Set(chosenLeaves)].map((field) => `${field.name}${argumentsOf(field, pools, random)}`);
  if (depth > 1 && objects.length > 0) {
    const lists = objects.filter(isListField);
    const preferred = lists.length > 0 && random.next() < 0.8 ? lists : objects;
    const count = shape === 'wide' ? Math.min(3, objects.length) : 1;
    for (let i = 0; i < count; i++) {
      const field = random.pick(preferred);
      const inner = getNamedType(field.type) as GraphQLObjectType;
      parts.push(
        `${field.name}${argumentsOf(field, pools, random)} { ${selection(inner, depth - 1, shape, pools, random)} }`,
      );
    }
  }
  return parts.length > 0 ? parts.join(' ') : '__typename';
}

/** True when graphql-js parses `query` within `maxTokens` tokens. */
function withinTokens(query: string, maxTokens: number): boolean {
  try {
    parse(query, { maxTokens });
    return true;
  } catch {
    return false;
  }
}

/** One operation of a shape from one root field, shrunk until it fits the token limit. */
function operation(
  schema: GraphQLSchema,
  shape: Shape,
  index: number,
  limits: GeneratorLimits,
  pools: IdPools,
  random: Random,
): GeneratedOperation {
  const root = schema.getQueryType()!;
  const field = random.pick(Object.values(root.getFields()).filter((f) => isObjectType(getNamedType(f.type))));
  const inner = getNamedType(field.type) as GraphQLObjectType;
  const aliases = shape === 'aliased' ? limits.maxAliases : 1;
  for (let depth = shape === 'wide' ? 4 : limits.maxDepth - 1; ; depth--) {
    const one = (alias: string) =>
      `${alias}${field.name}${argumentsOf(field, pools, random)} { ${selection(inner, depth, shape, pools, random)} }`;
    const body = Array.from({ length: aliases }, (_, i) => one(aliases > 1 ? `a${i}: ` : '')).join(' ');
    const sliced = body.includes('$first');
    const query = `query Stress${sliced ? '($first: Int)' : ''} { ${body} }`;
    if (withinTokens(query, limits.maxTokens - 50) || depth <= 1)
      return { name: `${shape}-${index}`, query, variables: sliced ? { first: limits.maxPageSize } : {} };
  }
}

/** `count` operations, a third of each shape, from `seed`. */
export function generateOperations(
  schema: GraphQLSchema,
  limits: GeneratorLimits,
  pools: IdPools,
  seed: number,
  count: number,
): GeneratedOperation[] {
  const random = createRandom(seed);
  const shapes: Shape[] = ['deep', 'wide', 'aliased'];
  return Array.from({ length: count }, (_, i) => operation(schema, shapes[i % 3]!, i, limits, pools, random));
}
