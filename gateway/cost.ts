/**
 * Demand control: the estimated cost of an operation, from the `@cost` and `@listSize`
 * directives of the supergraph (Federation 2.9, the IBM GraphQL cost directive specification
 * as Apollo Router applies it), with the request's variables applied.
 *
 * The model: a field returning an object, interface or union costs 1, a scalar or enum 0,
 * unless `@cost(weight:)` says otherwise; a mutation adds 10. A list multiplies the cost of
 * one item (its own weight plus its selections) by its size: the value of its slicing
 * argument (`first`, from the literal, the variable or the default), or its `assumedSize`;
 * a connection's `sizedFields` (`edges`, `nodes`) take the size of the field that returned it.
 * Fragments count where they are spread; the fragments on an abstract type all count (an
 * upper bound: one object matches only one of them). `@skip`/`@include` are ignored, so an
 * operation cannot hide cost behind a variable.
 */
import {
  Kind,
  getArgumentValues,
  getNamedType,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** A field's `@listSize`, as the supergraph declares it. */
export interface ListSizeDirective {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
}

/** The cost directives of a supergraph: weights and list sizes by schema coordinate (`Type`, `Type.field`). */
export interface CostDirectives {
  weights: Map<string, number>;
  listSizes: Map<string, ListSizeDirective>;
}

/** What the estimate needs besides the operation. */
export interface CostModel {
  /** The schema clients query (the gateway's API schema), for types and argument defaults. */
  schema: GraphQLSchema;
  directives: CostDirectives;
  /** Size of a list field without `@listSize`: the page-size maximum, the worst a list can be. */
  defaultListSize: number;
}

/** Base cost of each operation type (Apollo Router's): a write costs more than a read. */
const OPERATION_COST = { query: 0, mutation: 10, subscription: 0 } as const;

/** The name a supergraph gives a directive of the cost spec: `@link(... import: ["@cost"])` or `@cost__cost`. */
function costDirectiveNames(document: DocumentNode): { cost: Set<string>; listSize: Set<string> } {
  const names = {
    cost: new Set(['cost', 'federation__cost']),
    listSize: new Set(['listSize', 'federation__listSize']),
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const link of definition.directives ?? []) {
      const args = Object.fromEntries((link.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)]));
      if (link.name.value !== 'link' || !String(args.url).includes('/cost/')) continue;
      const prefix = typeof args.as === 'string' ? args.as : 'cost';
      names.cost.add(`${prefix}__cost`);
      names.listSize.add(`${prefix}__listSize`);
      for (const imported of (args.import as unknown[] | undefined) ?? []) {
        const [name, alias] =
          typeof imported === 'string' ? [imported, imported] : [(imported as any).name, (imported as any).as];
        if (name === '@cost') names.cost.add(String(alias ?? name).slice(1));
        if (name === '@listSize') names.listSize.add(String(alias ?? name).slice(1));
      }
    }
  }
  return names;
}

/** Collects the `@cost` and `@listSize` applications of a supergraph SDL. */
export function readCostDirectives(supergraphSdl: string): CostDirectives {
  const document = parse(supergraphSdl);
  const names = costDirectiveNames(document);
  const directives: CostDirectives = { weights: new Map(), listSizes: new Map() };
  const record = (coordinate: string, applied: readonly { name: { value: string }; arguments?: readonly any[] }[]) => {
    for (const directive of applied) {
      const args = Object.fromEntries(
        (directive.arguments ?? []).map((a: any) => [a.name.value, valueFromASTUntyped(a.value)]),
      );
      if (names.cost.has(directive.name.value)) directives.weights.set(coordinate, Number(args.weight));
      if (names.listSize.has(directive.name.value)) directives.listSizes.set(coordinate, args as ListSizeDirective);
    }
  };
  for (const definition of document.definitions) {
    if (!('name' in definition) || !definition.name || !('directives' in definition)) continue;
    const typeName = definition.name.value;
    record(typeName, definition.directives ?? []);
    if ('fields' in definition)
      for (const field of definition.fields ?? []) record(`${typeName}.${field.name.value}`, field.directives ?? []);
  }
  return directives;
}

/** Variables coerced against the operation's definitions, defaults included; null when they are invalid. */
function coercedVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): Record<string, unknown> | null {
  const result = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  return result.errors ? null : result.coerced;
}

/** True when the type, under its non-null wrappers, is a list. */
function isList(type: GraphQLType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The size a list field is estimated at: its slicing argument's value, else its assumed size. */
function listSizeOf(model: CostModel, directive: ListSizeDirective | undefined, args: Record<string, unknown>): number {
  const sliced = (directive?.slicingArguments ?? [])
    .map((name) => args[name])
    .filter((value): value is number => typeof value === 'number' && Number.isFinite(value));
  // More than one slicing argument given: the largest bounds the list (requireOneSlicingArgument aside).
  if (sliced.length > 0) return Math.max(0, ...sliced);
  return directive?.assumedSize ?? model.defaultListSize;
}

/** The variables that give the field's slicing arguments (`first: $n`): the only way a variable changes a cost. */
function slicingVariables(node: FieldNode, directive: ListSizeDirective | undefined): string[] {
  const slicing = directive?.slicingArguments ?? [];
  return (node.arguments ?? []).flatMap((argument) =>
    argument.value.kind === Kind.VARIABLE && slicing.includes(argument.name.value) ? [argument.value.name.value] : [],
  );
}

/** Walks one operation; each selection set is costed under the sizes its parent handed down. */
class Estimator {
  /** The variables list sizes came from: another request's values for these (and only these) change the cost. */
  readonly slicingVariables = new Set<string>();

  constructor(
    private readonly model: CostModel,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
  ) {}

  /** Cost of a selection set on `parent`; `sized` gives the sizes of a connection's sized fields. */
  selectionSet(selectionSet: SelectionSetNode, parent: GraphQLNamedType, sized: Map<string, number>): number {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += this.field(selection, parent, sized);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? this.model.schema.getType(selection.typeCondition.name.value)
          : parent;
        if (condition) cost += this.selectionSet(selection.selectionSet, condition, sized);
      } else {
        const fragment = this.fragments.get(selection.name.value);
        const condition = fragment && this.model.schema.getType(fragment.typeCondition.name.value);
        if (fragment && condition) cost += this.selectionSet(fragment.selectionSet, condition, sized);
      }
    }
    return cost;
  }

  /** Cost of one field: (its weight + its selections) × its list size. */
  private field(node: FieldNode, parent: GraphQLNamedType, sized: Map<string, number>): number {
    const name = node.name.value;
    if (name.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
    const definition: GraphQLField<unknown, unknown> | undefined = parent.getFields()[name];
    if (!definition) return 0;
    const { weights, listSizes } = this.model.directives;
    const coordinate = `${parent.name}.${name}`;
    const type = getNamedType(definition.type);
    const own = weights.get(coordinate) ?? weights.get(type.name) ?? (isCompositeType(type) ? 1 : 0);
    const directive = listSizes.get(coordinate);
    for (const variable of slicingVariables(node, directive)) this.slicingVariables.add(variable);
    const args = getArgumentValues(definition, node, this.variables);
    const size = listSizeOf(this.model, directive, args);
    const childSizes = new Map((directive?.sizedFields ?? []).map((field) => [field, size] as const));
    const children = node.selectionSet ? this.selectionSet(node.selectionSet, type, childSizes) : 0;
    if (sized.has(name)) return sized.get(name)! * (own + children);
    if (!isList(definition.type) || directive?.sizedFields?.length) return own + children;
    return size * (own + children);
  }
}

/** The operation a request runs: the named one, or the only one. */
function operationOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  return operationName ? operations.find((op) => op.name?.value === operationName) : operations[0];
}

/** The costs of one operation of one document, by the values of the variables that size its lists. */
interface KnownCosts {
  slicingVariables: string[];
  byValues: Map<string, number>;
}

/** Distinct list sizes remembered per operation; past these, a new one is estimated and not kept. */
const MAX_KNOWN_COSTS = 64;

/**
 * Costs already estimated, by model, document and operation name. Apollo Server hands every
 * request with the same query the same parsed document, so a repeated operation is walked once
 * per set of list sizes (measured in docs/benchmarks.md, "Where the gateway's CPU went"); the
 * entries go with the documents.
 */
const knownCosts = new WeakMap<CostModel, WeakMap<DocumentNode, Map<string, KnownCosts>>>();

function knownCostsOf(model: CostModel, document: DocumentNode): Map<string, KnownCosts> {
  let byDocument = knownCosts.get(model);
  if (!byDocument) knownCosts.set(model, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  return byOperation;
}

/**
 * The estimated cost of the operation a request runs, with its variables applied; null when
 * the request names no runnable operation or its variables are invalid (execution refuses
 * those itself, before any subgraph is called).
 */
export function estimateCost(
  model: CostModel,
  document: DocumentNode,
  variables?: Record<string, unknown>,
  operationName?: string | null,
): number | null {
  const operation = operationOf(document, operationName);
  const root = operation && model.schema.getRootType(operation.operation);
  if (!operation || !root) return null;
  const values = coercedVariables(model.schema, operation, variables);
  if (!values) return null;
  const byOperation = knownCostsOf(model, document);
  const operationKey = operationName ?? '';
  const known = byOperation.get(operationKey);
  const valuesKey = (names: string[]) => JSON.stringify(names.map((name) => values[name] ?? null));
  const cached = known?.byValues.get(valuesKey(known.slicingVariables));
  if (cached !== undefined) return cached;
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const estimator = new Estimator(model, fragments, values);
  const cost = OPERATION_COST[operation.operation] + estimator.selectionSet(operation.selectionSet, root, new Map());
  const entry = known ?? { slicingVariables: [...estimator.slicingVariables], byValues: new Map() };
  if (!known) byOperation.set(operationKey, entry);
  if (entry.byValues.size < MAX_KNOWN_COSTS) entry.byValues.set(valuesKey(entry.slicingVariables), cost);
  return cost;
}
