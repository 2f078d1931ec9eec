/**
 * Table-driven refusal checks for write tests: every caller that must be refused a write,
 * an assertion that a refused write changed no row of the tables it could touch, and every
 * string field of every mutation input (read from the subgraphs' SDL) with the strings the
 * one validation layer must refuse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse, type InputObjectTypeDefinitionNode, type ObjectTypeDefinitionNode, type TypeNode } from 'graphql';
import type { Knex } from 'knex';
import { expect } from 'vitest';
import { issueToken, ROLES, type Role } from '../lib/auth.js';
import { bearer, dataOf, SECRETS, type TestSubgraph } from './harness.js';

type Headers = Record<string, string>;

export interface Refusal {
  caller: string;
  headers: Headers;
  code: 'UNAUTHENTICATED' | 'FORBIDDEN';
}

const withToken = (token: string): Headers => ({ authorization: `Bearer ${token}` });
const unauthenticated = (caller: string, headers: Headers): Refusal => ({ caller, headers, code: 'UNAUTHENTICATED' });
const forbidden = async (role: Role, scope: string): Promise<Refusal> => ({
  caller: `${role} of "${scope}"`,
  headers: await bearer(role, scope),
  code: 'FORBIDDEN',
});

/**
 * Every caller that must be refused a write needing `role` for `scope`: no or broken tokens
 * (UNAUTHENTICATED), and every role, the right one included, holding another, a look-alike or
 * (for the other roles) the very same scope (FORBIDDEN). `scopes` gives a real scope of each
 * role; the one of `role` must differ from `scope`.
 */
export async function refusedCallers(role: Role, scope: string, scopes: Record<Role, string>): Promise<Refusal[]> {
  expect(scopes[role]).not.toBe(scope);
  const forged = await issueToken('an-attacker-secret-0123456789abcdef', { subject: 'mallory', role, scope });
  const unknownRole = await issueToken(SECRETS.authSecret, { subject: 'mallory', role: 'admin' as Role, scope });
  const refusals = [
    unauthenticated('no token', {}),
    unauthenticated('an expired token', await bearer(role, scope, '-1h')),
    unauthenticated('a token signed with another secret', withToken(forged)),
    unauthenticated('a token of an unknown role', withToken(unknownRole)),
    unauthenticated('a malformed token', withToken('not.a.token')),
    unauthenticated('a non-bearer header', { authorization: `Basic ${btoa(`${role}:${scope}`)}` }),
    await forbidden(role, scope.toUpperCase()),
  ];
  for (const other of ROLES) {
    refusals.push(await forbidden(other, scopes[other]));
    if (other !== role) refusals.push(await forbidden(other, scope));
  }
  return refusals;
}

/** A write to send, who sends it, and what must come back. */
export interface Refused {
  label: string;
  query: string;
  variables: Record<string, unknown>;
  headers: Headers;
  code: string;
  /** The input path the error must name; omitted for refusals of the caller. */
  field?: string;
}

/**
 * Checks bound to the tables a write may touch (table name → columns to order its rows by).
 */
export function refusalChecks(tables: Record<string, string[]>) {
  /** Every row of the tables a write may touch, in a stable order. */
  async function snapshot(db: Knex): Promise<Record<string, unknown[]>> {
    const entries = await Promise.all(
      Object.entries(tables).map(async ([table, order]) => [table, await db(table).select().orderBy(order)] as const),
    );
    return Object.fromEntries(entries);
  }

  /**
   * Sends a write that must fail with `code`: one error, no data, and every table exactly as
   * before. `field`, when given, must be named in the message and in `extensions.argumentName`
   * (errors of GraphQL's own input coercion carry only the message).
   */
  async function expectRefused(sg: TestSubgraph, refused: Refused): Promise<void> {
    const before = await snapshot(sg.db);
    const response = await sg.query(refused.query, refused.variables, refused.headers);
    const context = `${refused.label}: ${JSON.stringify(response)}`;
    expect(response.data ?? null, context).toBeNull();
    expect(response.errors, context).toHaveLength(1);
    const [error] = response.errors!;
    expect(error!.extensions?.code, context).toBe(refused.code);
    if (refused.field) {
      expect(error!.message, context).toContain(refused.field);
      if (error!.extensions?.argumentName !== undefined) {
        expect(error!.extensions.argumentName, context).toBe(refused.field);
      }
    }
    expect(await snapshot(sg.db), context).toEqual(before);
  }

  /** Sends a write as every refused caller (each must be refused, changing nothing), then as the right one. */
  async function expectOnlyAllowed(
    sg: TestSubgraph,
    write: { query: string; variables: Record<string, unknown> },
    role: Role,
    scope: string,
    scopes: Record<Role, string>,
  ): Promise<any> {
    for (const refusal of await refusedCallers(role, scope, scopes)) {
      await expectRefused(sg, { label: refusal.caller, ...write, ...refusal });
    }
    // The same write from the right caller succeeds: the refusals were about the caller alone.
    return dataOf(await sg.query(write.query, write.variables, await bearer(role, scope)));
  }

  return { snapshot, expectRefused, expectOnlyAllowed };
}

const ROOT = path.resolve(import.meta.dirname, '..');

/** The four strings every text field must refuse. */
export const BAD_STRINGS: Record<string, string> = {
  'a NUL': 'abc\u0000def',
  'a lone surrogate': 'abc\ud800def',
  'an over-long value': 'x'.repeat(20_000),
  'whitespace only': ' \t\n ',
};

/** Every path to a String or ID leaf of an input type, lists entered at index 0: `['input', 'events', 0, 'memberRef']`. */
function stringPaths(
  inputs: Map<string, InputObjectTypeDefinitionNode>,
  type: TypeNode,
  at: (string | number)[],
): (string | number)[][] {
  if (type.kind === 'NonNullType') return stringPaths(inputs, type.type, at);
  if (type.kind === 'ListType') return stringPaths(inputs, type.type, [...at, 0]);
  const name = type.name.value;
  if (name === 'String' || name === 'ID') return [at];
  const input = inputs.get(name);
  if (!input) return [];
  return (input.fields ?? []).flatMap((field) => stringPaths(inputs, field.type, [...at, field.name.value]));
}

/** Each mutation of the given subgraphs and the string paths of its arguments, read from the subgraph's SDL. */
export function mutationStringFields(
  subgraphs: readonly string[],
): { subgraph: string; mutation: string; paths: (string | number)[][] }[] {
  return subgraphs.flatMap((subgraph) => {
    const document = parse(fs.readFileSync(path.join(ROOT, 'subgraphs', subgraph, 'schema.graphql'), 'utf8'));
    const inputs = new Map(
      document.definitions
        .filter((d): d is InputObjectTypeDefinitionNode => d.kind === 'InputObjectTypeDefinition')
        .map((d) => [d.name.value, d]),
    );
    const mutation = document.definitions.find(
      (d): d is ObjectTypeDefinitionNode => d.kind === 'ObjectTypeDefinition' && d.name.value === 'Mutation',
    );
    return (mutation?.fields ?? []).map((field) => ({
      subgraph,
      mutation: field.name.value,
      paths: (field.arguments ?? []).flatMap((arg) => stringPaths(inputs, arg.type, [arg.name.value])),
    }));
  });
}

/** `input.events[0].memberRef` for `['input', 'events', 0, 'memberRef']`. */
export const pathName = (at: (string | number)[]) =>
  at.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : `${name}.${part}`), '').slice(1);

/** A deep copy of `value` with `replacement` at `at`. */
export function withValueAt(value: unknown, at: (string | number)[], replacement: unknown): any {
  const copy = structuredClone(value) as any;
  let node = copy;
  for (const part of at.slice(0, -1)) node = node[part];
  node[at.at(-1)!] = replacement;
  return copy;
}
