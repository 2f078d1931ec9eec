/**
 * @apollo/subgraph 2.14 (the newest that declares Node 20) exports its resolver map type only
 * from a deep path; 2.15 (Node ≥ 22) exports it from the package root. This gives the root
 * the name too, so code written against either line type-checks. Types only: nothing at run time.
 */
import type { GraphQLResolverMap as ResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';

declare module '@apollo/subgraph' {
  export type GraphQLResolverMap<TContext = {}> = ResolverMap<TContext>;
}
