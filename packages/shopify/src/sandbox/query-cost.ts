import {
  getNamedType,
  isLeafType,
  Kind,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Shopify's calculated query cost, as documented
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits#cost-calculation):
 * scalars and enums 0, objects 1, connections 2 plus the cost of the nodes they return
 * (`first`/`last` nodes when estimating; the nodes actually returned afterwards), each mutation 10.
 * `requested` is what the query is charged up front; `actual` what it cost once run.
 */
export interface CostInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

const MUTATION_COST = 10;

type Walk = { field: FieldNode; type: GraphQLNamedType };

function fieldsOf(selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType, input: CostInput): Walk[] {
  if (!selectionSet) return [];
  const out: Walk[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) out.push({ field: selection, type: parent });
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? input.schema.getType(selection.typeCondition.name.value) : parent;
      if (type) out.push(...fieldsOf(selection.selectionSet, type, input));
    } else {
      const fragment = input.fragments[selection.name.value];
      const type = fragment ? input.schema.getType(fragment.typeCondition.name.value) : undefined;
      if (fragment && type) out.push(...fieldsOf(fragment.selectionSet, type, input));
    }
  }
  return out;
}

function argument(field: FieldNode, name: string, variables: Record<string, unknown>): unknown {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
}

function fieldType(type: GraphQLNamedType, name: string): GraphQLNamedType | undefined {
  const fields = (type as GraphQLObjectType).getFields?.();
  const def = fields?.[name];
  return def ? getNamedType(def.type) : undefined;
}

const isConnection = (type: GraphQLNamedType) => type.name.endsWith('Connection');

/** The node type and selection of a connection selected as `nodes { }` and/or `edges { node { } }`. */
function connectionNodes(field: FieldNode, connection: GraphQLNamedType, input: CostInput): { type: GraphQLNamedType; selections: SelectionSetNode[] } {
  const nodeType = fieldType(connection, 'nodes')!;
  const selections: SelectionSetNode[] = [];
  for (const { field: inner } of fieldsOf(field.selectionSet, connection, input)) {
    if (inner.name.value === 'nodes' && inner.selectionSet) selections.push(inner.selectionSet);
    if (inner.name.value === 'edges') {
      for (const { field: edgeField } of fieldsOf(inner.selectionSet, fieldType(connection, 'edges')!, input)) {
        if (edgeField.name.value === 'node' && edgeField.selectionSet) selections.push(edgeField.selectionSet);
      }
    }
  }
  return { type: nodeType, selections };
}

function itemsOf(value: unknown): unknown[] {
  const connection = value as { nodes?: unknown[]; edges?: { node: unknown }[] } | null | undefined;
  if (!connection) return [];
  return connection.nodes ?? connection.edges?.map((e) => e.node) ?? [];
}

/** Cost of a selection on `parent`; with `value` (the result at this position) the actual cost. */
function selectionCost(selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType, input: CostInput, value: unknown, actual: boolean): number {
  let total = 0;
  for (const { field, type } of fieldsOf(selectionSet, parent, input)) {
    const named = fieldType(type, field.name.value);
    if (!named || isLeafType(named)) continue;
    const key = field.alias?.value ?? field.name.value;
    const own = actual ? (value as Record<string, unknown> | null | undefined)?.[key] : undefined;
    if (isConnection(named)) {
      const { type: nodeType, selections } = connectionNodes(field, named, input);
      const perNode = (item: unknown) => 1 + selections.reduce((sum, s) => sum + selectionCost(s, nodeType, input, item, actual), 0);
      if (actual) {
        total += 2 + itemsOf(own).reduce<number>((sum, item) => sum + perNode(item), 0);
      } else {
        const count = Number(argument(field, 'first', input.variables) ?? argument(field, 'last', input.variables) ?? 0) || 0;
        total += 2 + count * perNode(undefined);
      }
      continue;
    }
    if (actual && (own === null || own === undefined)) continue;
    // A plain list of objects (e.g. `quantities`) is charged as one object.
    const child = actual && Array.isArray(own) ? own[0] : own;
    total += 1 + selectionCost(field.selectionSet, named, input, child, actual);
  }
  return total;
}

/** The requested (static) cost of an operation. */
export function requestedCost(input: CostInput): number {
  if (input.operation.operation === 'mutation') return input.operation.selectionSet.selections.length * MUTATION_COST;
  return selectionCost(input.operation.selectionSet, input.schema.getQueryType()!, input, undefined, false);
}

/** The actual cost once `data` is known (mutations: as requested). */
export function actualCost(input: CostInput, data: unknown): number {
  if (input.operation.operation === 'mutation') return requestedCost(input);
  return selectionCost(input.operation.selectionSet, input.schema.getQueryType()!, input, data, true);
}
