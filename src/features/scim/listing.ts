import { readProjection } from './documents.ts';
import type { JsonObject, Projection } from './documents.ts';
import { invalidFilter, invalidValue } from './errors.ts';
import { parseFilter } from './filter.ts';
import type { Filter, Literal } from './filter.ts';
import { LIST_SCHEMA } from './urns.ts';

/** The most resources one page holds, as ServiceProviderConfig says. */
export const MAX_RESULTS = 100;

/** A query of a resource type (RFC 7644 section 3.4.2). */
export interface ListRequest {
  filter: Filter | null;
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
  projection: Projection;
}

function readWhole(raw: unknown, name: string): number | undefined {
  if (raw === undefined || raw === '') {
    return undefined;
  }
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !/^-?\d{1,15}$/.test(text.trim())) {
    throw invalidValue(`${name} must be a whole number`);
  }
  return Number(text.trim());
}

/** Reads the query string of a GET on a resource type. */
export function readListRequest(query: Record<string, unknown>): ListRequest {
  const filter = query.filter;
  if (filter !== undefined && typeof filter !== 'string') {
    throw invalidFilter('filter must be given once, as text');
  }
  // Section 3.4.2.4: a startIndex below 1 is read as 1, a negative count
  // as 0; a count above our maximum gets the maximum.
  const startIndex = Math.max(
    1,
    readWhole(query.startIndex, 'startIndex') ?? 1,
  );
  const count = Math.min(
    MAX_RESULTS,
    Math.max(0, readWhole(query.count, 'count') ?? MAX_RESULTS),
  );
  return {
    filter: filter ? parseFilter(filter) : null,
    startIndex,
    count,
    projection: readProjection(query),
  };
}

/** A ListResponse; `resources` are the page's, already projected. */
export function listResponse(
  resources: JsonObject[],
  total: number,
  request: ListRequest,
): JsonObject {
  return {
    schemas: [LIST_SCHEMA],
    totalResults: total,
    startIndex: request.startIndex,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}

/** One comparison a filter asks for, with the attribute in lower case. */
export interface FilterLeaf {
  /** Such as `username` or `emails.value`, without a schema URI. */
  attribute: string;
  op: 'eq' | 'pr';
  value: Literal;
}

/** How a resource type turns a filter into its query's conditions. */
export interface FilterBuilder<E> {
  /** The condition for one comparison; throws invalidFilter if unsupported. */
  leaf(leaf: FilterLeaf): E;
  and(left: E, right: E): E;
  or(left: E, right: E): E;
}

/**
 * Turns a filter into conditions for the database, so that filtering,
 * counting and paging all happen there. Only `eq` and `pr` are
 * supported, joined by `and` and `or`; anything else is invalidFilter.
 */
export function compileFilter<E>(
  filter: Filter,
  schemaIds: readonly string[],
  builder: FilterBuilder<E>,
  prefix = '',
): E {
  const name = (path: {
    schema: string | null;
    attr: string;
    sub: string | null;
  }) => {
    const known = schemaIds.some(
      (id) => id.toLowerCase() === path.schema?.toLowerCase(),
    );
    if (path.schema !== null && !known) {
      throw invalidFilter(`The schema ${path.schema} is not known here`);
    }
    return [prefix, path.attr, path.sub]
      .filter(Boolean)
      .join('.')
      .toLowerCase();
  };
  switch (filter.kind) {
    case 'and':
    case 'or':
      return builder[filter.kind](
        compileFilter(filter.left, schemaIds, builder, prefix),
        compileFilter(filter.right, schemaIds, builder, prefix),
      );
    case 'not':
      throw invalidFilter('The filter operator not is not supported');
    case 'valuePath':
      if (prefix) {
        throw invalidFilter('A value filter cannot hold another');
      }
      return compileFilter(
        filter.filter,
        schemaIds,
        builder,
        name(filter.path),
      );
    case 'present':
      return builder.leaf({
        attribute: name(filter.path),
        op: 'pr',
        value: null,
      });
    case 'compare':
      if (filter.op !== 'eq') {
        throw invalidFilter(
          `The filter operator ${filter.op} is not supported; use eq or pr`,
        );
      }
      return builder.leaf({
        attribute: name(filter.path),
        op: 'eq',
        value: filter.value,
      });
  }
}

/** A filter value that must be text, such as a userName. */
export function textValue(leaf: FilterLeaf): string {
  if (typeof leaf.value !== 'string') {
    throw invalidFilter(`${leaf.attribute} is compared with a quoted string`);
  }
  return leaf.value;
}
