/**
 * The subgraph side of demand control: every list field's `@listSize` in the SDL is a promise
 * the gateway's cost estimate relies on, so the subgraph enforces it here, in one place, from
 * the same SDL. A field sized by `slicingArguments: ["first"]` returns at most `first` items
 * (0 to the page-size maximum); a field with `assumedSize: N` never returns more than N.
 * Connections (`sizedFields`) are left to their resolvers, which page with `parsePage`.
 */
import {
  Kind,
  defaultFieldResolver,
  isObjectType,
  valueFromASTUntyped,
  type DocumentNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { BadInputError } from './errors.js';
import type { Logger } from './logger.js';

/** How one list field is bounded, as its `@listSize` declares. */
export type ListBound = { kind: 'assumed'; size: number } | { kind: 'first' };

/** Reads every field's `@listSize` from a subgraph's SDL, keyed `Type.field`; connections are skipped. */
export function listBoundsOf(typeDefs: DocumentNode): Map<string, ListBound> {
  const bounds = new Map<string, ListBound>();
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === 'listSize');
      if (!directive) continue;
      const args = Object.fromEntries(
        (directive.arguments ?? []).map((arg) => [arg.name.value, valueFromASTUntyped(arg.value)]),
      );
      const coordinate = `${definition.name.value}.${field.name.value}`;
      if (Array.isArray(args.sizedFields)) continue;
      if (typeof args.assumedSize === 'number') bounds.set(coordinate, { kind: 'assumed', size: args.assumedSize });
      else if (Array.isArray(args.slicingArguments)) bounds.set(coordinate, { kind: 'first' });
    }
  }
  return bounds;
}

/** The `first` argument of a sliced list, checked like a page size; the error names the argument. */
export function checkedFirst(first: unknown, maxPageSize: number): number {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > maxPageSize)
    throw new BadInputError('first', `must be an integer from 0 to ${maxPageSize}, got ${String(first)}.`);
  return first;
}

/**
 * A sliced list's size: a `first` the client gave is checked against the page-size maximum;
 * left out, it is the SDL's default (20), the size the gateway's estimate counted, even where a
 * deployment's MAX_PAGE_SIZE is smaller: operations that leave `first` out (the README's
 * CityReport, the catalogue's) then answer the same lists whatever the page size.
 */
function firstOf(first: unknown, info: GraphQLResolveInfo, maxPageSize: number): number {
  const given = info.fieldNodes.some((node) => node.arguments?.some((arg) => arg.name.value === 'first'));
  return checkedFirst(first, given ? maxPageSize : Number.MAX_SAFE_INTEGER);
}

interface BoundContext {
  settings: { maxPageSize: number };
  logger?: Logger;
}

/** Wraps one field's resolver so that its list never exceeds the bound. */
function boundedResolver(
  coordinate: string,
  bound: ListBound,
  resolve: GraphQLFieldResolver<unknown, BoundContext>,
): GraphQLFieldResolver<unknown, BoundContext> {
  return async (source, args, context, info) => {
    const max = bound.kind === 'first' ? firstOf(args.first, info, context.settings.maxPageSize) : bound.size;
    const value: unknown = await resolve(source, args, context, info);
    if (!Array.isArray(value) || value.length <= max) return value;
    // A declared maximum that the data outgrows is a modelling error to fix, not a reason to send more.
    if (bound.kind === 'assumed')
      context.logger?.warn({ field: coordinate, length: value.length, max }, 'list longer than its @listSize; cut');
    return value.slice(0, max);
  };
}

/** Applies every `@listSize` bound of `typeDefs` to the built schema's resolvers, in place. */
export function enforceListSizes(schema: GraphQLSchema, typeDefs: DocumentNode): GraphQLSchema {
  for (const [coordinate, bound] of listBoundsOf(typeDefs)) {
    const [typeName, fieldName = ''] = coordinate.split('.');
    const type = schema.getType(typeName ?? '');
    const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`@listSize on ${coordinate}, which the built schema lacks`);
    field.resolve = boundedResolver(coordinate, bound, (field.resolve ?? defaultFieldResolver) as never) as never;
  }
  return schema;
}
