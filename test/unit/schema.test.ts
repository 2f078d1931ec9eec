/**
 * The schema contract: the four subgraph SDL files compose cleanly, the committed supergraph
 * is what they compose to, everything a client can see is documented, and no raw usage
 * event can be reached through the graph.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  Kind,
  TokenKind,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  parse,
  type ASTNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type InputValueDefinitionNode,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../lib/config.js';
import { ACCEPTED_HINTS, SUPERGRAPH_FILE, composeSupergraph } from '../../schema/compose.js';

/** Who owns each entity, per the design brief; any other subgraph only contributes fields to it. */
const ENTITY_OWNERS: Record<string, SubgraphName> = {
  City: 'league',
  League: 'league',
  ProtocolCooperative: 'league',
  Pledge: 'league',
  CommonsApplication: 'depository',
  Release: 'depository',
  LocalAdaptation: 'depository',
  PlatformCooperative: 'coop',
  SharedAsset: 'coop',
  OpenCooperative: 'production',
  OpenDesign: 'production',
  ProductionRun: 'production',
  EmissionFactor: 'production',
};

/** The subgraph whose SDL carries the description of the shared root `Query` type. */
const QUERY_OWNER: SubgraphName = 'league';

/**
 * Readable names that would point at personal data: a usage-event type, member references,
 * event timestamps. Input types are write-only (ingest) and may carry them.
 */
const PRIVATE_NAME = /usage_?event|member_?ref|started_?at|ended_?at/i;

type Composition = ReturnType<typeof composeSupergraph>;

let result: Composition;

beforeAll(() => {
  result = composeSupergraph();
});

/** The composition's supergraph schema, failing with the composition errors when there is none. */
function supergraph(): NonNullable<Composition['schema']> {
  if (!result.schema) throw new Error(result.errors?.map((error) => error.message).join('\n'));
  return result.schema;
}

/** The schema clients see through the gateway, as a graphql-js schema. */
const apiSchema = (): GraphQLSchema => supergraph().toAPISchema().toGraphQLJSSchema();

/** Named types a schema defines itself: no introspection types, no built-in scalars. */
function ownTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter(
    (type) => !type.name.startsWith('__') && !isSpecifiedScalarType(type),
  );
}

/** Every schema coordinate (`Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`) with its description. */
function describedCoordinates(schema: GraphQLSchema): { coordinate: string; description: string | null | undefined }[] {
  const entries: { coordinate: string; description: string | null | undefined }[] = [];
  for (const type of ownTypes(schema)) {
    entries.push({ coordinate: type.name, description: type.description });
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        entries.push({ coordinate: `${type.name}.${field.name}`, description: field.description });
        for (const arg of field.args) {
          entries.push({ coordinate: `${type.name}.${field.name}(${arg.name}:)`, description: arg.description });
        }
      }
    }
    if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        entries.push({ coordinate: `${type.name}.${field.name}`, description: field.description });
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) {
        entries.push({ coordinate: `${type.name}.${value.name}`, description: value.description });
      }
    }
  }
  return entries;
}

const isBlank = (text: string | null | undefined): boolean => !text?.trim();

describe('composition', () => {
  it('composes the four subgraphs without errors', () => {
    expect(result.errors?.map((error) => error.message) ?? []).toEqual([]);
  });

  it('gives no composition hint that has not been read and accepted', () => {
    const unaccepted = (result.hints ?? [])
      .filter((hint) => !(hint.definition.code in ACCEPTED_HINTS))
      .map((hint) => `${hint.definition.code}: ${hint.message}`);
    expect(unaccepted).toEqual([]);
  });

  it('matches the committed schema/supergraph.graphql byte for byte', () => {
    const committed = fs.readFileSync(SUPERGRAPH_FILE, 'utf8');
    expect(result.supergraphSdl, 'schema/supergraph.graphql is out of date: run `npm run compose`').toBe(committed);
  });
});

describe('API schema', () => {
  it('documents every type, field, argument, enum value and input field', () => {
    const entries = describedCoordinates(apiSchema());
    expect(entries.length).toBeGreaterThan(100);
    expect(entries.filter((entry) => isBlank(entry.description)).map((entry) => entry.coordinate)).toEqual([]);
  });

  it('exposes no raw usage events or member references (privacy contract)', () => {
    const schema = apiSchema();
    const names: string[] = [];
    for (const type of ownTypes(schema)) {
      if (isInputObjectType(type)) continue;
      names.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        names.push(...Object.keys(type.getFields()).map((field) => `${type.name}.${field}`));
      }
    }
    expect(names.length).toBeGreaterThan(100);
    expect(names.filter((name) => PRIVATE_NAME.test(name))).toEqual([]);
  });
});

/** The parsed SDL file of one subgraph. */
function subgraphDocument(name: SubgraphName): DocumentNode {
  const file = path.resolve(import.meta.dirname, '..', '..', 'subgraphs', name, 'schema.graphql');
  return parse(fs.readFileSync(file, 'utf8'));
}

/** True when a `#` comment sits right above the node (graphql-js keeps comments in the token list). */
const hasCommentAbove = (node: ASTNode): boolean => node.loc?.startToken.prev?.kind === TokenKind.COMMENT;

const hasDirective = (node: { directives?: readonly { name: { value: string } }[] }, name: string): boolean =>
  (node.directives ?? []).some((directive) => directive.name.value === name);

/**
 * A type whose description lives in another subgraph: an entity stub of a type owned
 * elsewhere, or the shared root `Query` type outside the subgraph that documents it.
 */
function isDocumentedElsewhere(subgraph: SubgraphName, typeName: string): boolean {
  if (typeName === 'Query') return subgraph !== QUERY_OWNER;
  const owner = ENTITY_OWNERS[typeName];
  return owner !== undefined && owner !== subgraph;
}

/** Coordinates of one subgraph's SDL that lack the documentation the house style asks for. */
function undocumented(subgraph: SubgraphName, document: DocumentNode): string[] {
  const missing: string[] = [];
  const checkArgs = (owner: string, args: readonly InputValueDefinitionNode[] | undefined) => {
    for (const arg of args ?? []) if (!arg.description) missing.push(`${owner}(${arg.name.value}:)`);
  };
  const checkFields = (typeName: string, fields: readonly FieldDefinitionNode[] | undefined, stub: boolean) => {
    for (const field of fields ?? []) {
      const coordinate = `${typeName}.${field.name.value}`;
      const exempt = hasDirective(field, 'external') || (stub && field.name.value === 'id');
      if (!field.description && !exempt) missing.push(coordinate);
      checkArgs(coordinate, field.arguments);
    }
  };
  for (const definition of document.definitions) {
    switch (definition.kind) {
      case Kind.OBJECT_TYPE_DEFINITION:
      case Kind.INTERFACE_TYPE_DEFINITION: {
        const typeName = definition.name.value;
        const stub = isDocumentedElsewhere(subgraph, typeName);
        if (!definition.description && !(stub && hasCommentAbove(definition))) missing.push(typeName);
        checkFields(typeName, definition.fields, stub);
        break;
      }
      case Kind.INPUT_OBJECT_TYPE_DEFINITION:
        if (!definition.description) missing.push(definition.name.value);
        for (const field of definition.fields ?? []) {
          if (!field.description) missing.push(`${definition.name.value}.${field.name.value}`);
        }
        break;
      case Kind.ENUM_TYPE_DEFINITION:
        if (!definition.description) missing.push(definition.name.value);
        for (const value of definition.values ?? []) {
          if (!value.description) missing.push(`${definition.name.value}.${value.name.value}`);
        }
        break;
      case Kind.SCALAR_TYPE_DEFINITION:
      case Kind.UNION_TYPE_DEFINITION:
        if (!definition.description) missing.push(definition.name.value);
        break;
      case Kind.DIRECTIVE_DEFINITION:
        if (!definition.description) missing.push(`@${definition.name.value}`);
        checkArgs(`@${definition.name.value}`, definition.arguments);
        break;
      case Kind.SCHEMA_EXTENSION:
        break;
      default:
        missing.push(`${definition.kind} (type extensions are not used: declare the type with @key instead)`);
    }
  }
  return missing;
}

describe.each(SUBGRAPH_NAMES)('%s subgraph SDL', (name) => {
  it('documents every type, field and argument it declares (stubs of types owned elsewhere by a # comment)', () => {
    const document = subgraphDocument(name);
    expect(document.definitions.length).toBeGreaterThan(5);
    expect(undocumented(name, document)).toEqual([]);
  });

  it('keys every entity it owns by id', () => {
    const owned = Object.entries(ENTITY_OWNERS)
      .filter(([, owner]) => owner === name)
      .map(([typeName]) => typeName);
    const keyed = subgraphDocument(name)
      .definitions.filter((definition) => definition.kind === Kind.OBJECT_TYPE_DEFINITION)
      .filter((definition) => hasDirective(definition, 'key'))
      .map((definition) => definition.name.value);
    expect(keyed).toEqual(expect.arrayContaining(owned));
  });
});
