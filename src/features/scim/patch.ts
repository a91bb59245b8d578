import type { AttributeDef, ResourceModel } from './attributes.ts';
import { findAttribute } from './attributes.ts';
import {
  canonicalValue,
  containerOf,
  isObject,
  isPrimary,
  resolvePath,
} from './documents.ts';
import type { JsonObject } from './documents.ts';
import { invalidSyntax, invalidValue, ScimError } from './errors.ts';
import { parseAttrPath } from './filter.ts';
import { matchesValue, parsePatchPath } from './paths.ts';
import type { Filter } from './filter.ts';
import { PATCH_SCHEMA } from './urns.ts';

// PATCH as RFC 7644 section 3.5.2 describes it, applied to the resource as
// JSON. The result is then read exactly as a PUT body is, so a PATCH can
// store nothing that a PUT would refuse.

export type Op = 'add' | 'replace' | 'remove';

/**
 * An operation's name, read without case: some identity providers send
 * "Replace" or "Add".
 */
export function readOp(operation: JsonObject): Op {
  const op = String(operation.op ?? '').toLowerCase();
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    const given = JSON.stringify(operation.op ?? null);
    throw invalidSyntax(`"op" must be add, replace or remove, not ${given}`);
  }
  return op;
}

// A client may send hundreds of member changes at once; past this the
// request is refused rather than held in one long transaction, with 413
// as RFC 7644 section 3.7.4 answers a bulk request over its limit.
export const MAX_OPERATIONS = 1000;

/** The operations of a PATCH body, checked for shape. */
export function readOperations(body: unknown): JsonObject[] {
  if (!isObject(body)) {
    throw invalidSyntax('The request body must be a JSON object');
  }
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(PATCH_SCHEMA)) {
    throw invalidSyntax(
      `A PATCH request must list ${PATCH_SCHEMA} in "schemas"`,
    );
  }
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax('A PATCH request must hold a list of "Operations"');
  }
  if (operations.length > MAX_OPERATIONS) {
    throw new ScimError(
      413,
      `A PATCH request may hold at most ${MAX_OPERATIONS} operations`,
    );
  }
  return operations.map((operation: unknown) => {
    if (!isObject(operation)) {
      throw invalidSyntax('Each operation must be a JSON object');
    }
    return operation;
  });
}

/** Applies operations to a copy of `resource` and returns it. */
export function applyPatch(
  resource: JsonObject,
  model: ResourceModel,
  operations: JsonObject[],
): JsonObject {
  const result = structuredClone(resource);
  for (const operation of operations) {
    const op = readOp(operation);
    const path = operation.path;
    if (path !== undefined && typeof path !== 'string') {
      throw invalidSyntax('"path" must be a string');
    }
    if (path === undefined || path.trim() === '') {
      if (op === 'remove') {
        throw new ScimError(
          400,
          'A remove operation needs a "path"',
          'noTarget',
        );
      }
      applyWithoutPath(result, model, op, operation.value);
    } else {
      assertPatchable(model, path.trim());
      applyAtPath(result, model, op, path.trim(), operation.value);
    }
  }
  return result;
}

/**
 * Refuses a PATCH whose path names an attribute no PATCH may change: a
 * readOnly one such as id or meta, or an immutable one, which only a
 * POST or PUT sets. RFC 7644 section 3.5.2 answers that with mutability;
 * the same attributes inside a value without a path are ignored, as in a
 * PUT body (sections 3.3 and 3.5.1).
 */
export function assertPatchable(model: ResourceModel, text: string): void {
  const target = parsePatchPath(text);
  const { path } = target;
  const inCore =
    path.schema === null ||
    path.schema.toLowerCase() === model.core.id.toLowerCase();
  const resolved = resolvePath(model, path, target.sub);
  const mutability =
    inCore && path.attr.toLowerCase() === 'meta'
      ? 'readOnly'
      : [resolved?.sub, resolved?.def]
          .map((def) => def?.mutability)
          .find((kind) => kind === 'readOnly' || kind === 'immutable');
  if (mutability !== undefined) {
    throw new ScimError(
      400,
      `${text} cannot be changed: it is ${mutability}`,
      'mutability',
    );
  }
}

/** add or replace with the attributes to set given as an object. */
function applyWithoutPath(
  resource: JsonObject,
  model: ResourceModel,
  op: Op,
  value: unknown,
): void {
  if (!isObject(value)) {
    throw invalidValue(
      `An ${op} without a "path" needs an object as its value`,
    );
  }
  for (const [key, item] of Object.entries(value)) {
    const extension = model.extensions.find(
      (schema) => schema.id.toLowerCase() === key.toLowerCase(),
    );
    if (extension && isObject(item)) {
      for (const [name, inner] of Object.entries(item)) {
        applyAtPath(resource, model, op, `${extension.id}:${name}`, inner);
      }
    } else if (parseAttrPath(key)) {
      applyAtPath(resource, model, op, key, item);
    }
  }
}

function applyAtPath(
  resource: JsonObject,
  model: ResourceModel,
  op: Op,
  text: string,
  value: unknown,
): void {
  const target = parsePatchPath(text);
  const resolved = resolvePath(model, target.path, target.sub);
  if (!resolved) {
    return;
  }
  if (!resolved.def) {
    if (op === 'remove') {
      delete resource[resolved.schema.id];
    }
    return;
  }
  const { def, sub } = resolved;
  if (def.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    return;
  }
  const container = containerOf(resource, model, resolved.schema);
  if (op !== 'remove' && value === undefined) {
    throw invalidValue(`The ${op} of ${text} needs a "value"`);
  }
  if (target.filter) {
    applyToValues(container, def, sub, target.filter, op, value, text);
  } else if (op === 'remove') {
    removeAttribute(container, def, sub, value);
  } else if (sub) {
    const current = container[def.name];
    const parent = isObject(current) ? current : {};
    parent[sub.name] = value;
    container[def.name] = parent;
  } else if (def.multiValued) {
    const items = canonicalValue(value, def) as unknown[];
    const current = Array.isArray(container[def.name])
      ? (container[def.name] as unknown[])
      : [];
    container[def.name] =
      op === 'add' ? keepOnePrimary(def, [...current, ...items], items) : items;
  } else if (def.type === 'complex' && isObject(value)) {
    // Sub-attributes not named keep their values, for add and replace.
    const current = container[def.name];
    container[def.name] = {
      ...(isObject(current) ? current : {}),
      ...(canonicalValue(value, def) as JsonObject),
    };
  } else {
    container[def.name] = value;
  }
}

/** An operation on the values of a multi-valued attribute a filter picks. */
function applyToValues(
  container: JsonObject,
  def: AttributeDef,
  sub: AttributeDef | undefined,
  filter: Filter,
  op: Op,
  value: unknown,
  text: string,
): void {
  if (!def.multiValued) {
    throw new ScimError(400, `${def.name} does not hold a list`, 'invalidPath');
  }
  const values = Array.isArray(container[def.name])
    ? (container[def.name] as unknown[])
    : [];
  const picked = values.filter((item) => matchesValue(filter, item));
  if (op === 'remove') {
    container[def.name] = sub
      ? values.map((item) => {
          if (!picked.includes(item) || !isObject(item)) {
            return item;
          }
          const copy = { ...item };
          delete copy[sub.name];
          return copy;
        })
      : values.filter((item) => !picked.includes(item));
    return;
  }
  if (picked.length === 0) {
    // RFC 7644 wants noTarget for a replace that matches nothing, but
    // identity providers send `replace emails[type eq "work"].value` for
    // the first address too; both add and replace create the value.
    const created = valueFromFilter(filter, text);
    const item = sub
      ? { ...created, [sub.name]: value }
      : merge(created, value, def);
    const single = { ...def, multiValued: false };
    const added = canonicalValue(item, single);
    container[def.name] = keepOnePrimary(def, [...values, added], [added]);
    return;
  }
  const changed: unknown[] = [];
  const list = values.map((item) => {
    if (!picked.includes(item)) {
      return item;
    }
    const updated = sub
      ? { ...(item as JsonObject), [sub.name]: value }
      : merge(item, value, def);
    changed.push(updated);
    return updated;
  });
  container[def.name] = keepOnePrimary(def, list, changed);
}

/**
 * RFC 7644 section 3.5.2: a value a PATCH makes primary takes that from
 * the values it left alone. Two primaries among the values it sent stay,
 * and are refused as a PUT of them would be.
 */
function keepOnePrimary(
  def: AttributeDef,
  list: unknown[],
  changed: unknown[],
): unknown[] {
  const hasPrimary = findAttribute(def.subAttributes, 'primary') !== undefined;
  if (!hasPrimary || !changed.some(isPrimary)) {
    return list;
  }
  return list.map((item) =>
    changed.includes(item) || !isPrimary(item)
      ? item
      : { ...(item as JsonObject), primary: false },
  );
}

function merge(item: unknown, value: unknown, def: AttributeDef): JsonObject {
  if (!isObject(value)) {
    throw invalidValue(`Each value of ${def.name} must be an object`);
  }
  return {
    ...(isObject(item) ? item : {}),
    ...(canonicalValue(value, { ...def, multiValued: false }) as JsonObject),
  };
}

/** The value `type eq "work"` describes, for a filter that matched none. */
function valueFromFilter(filter: Filter, text: string): JsonObject {
  if (filter.kind === 'compare' && filter.op === 'eq') {
    return { [filter.path.attr]: filter.value };
  }
  if (filter.kind === 'and') {
    return {
      ...valueFromFilter(filter.left, text),
      ...valueFromFilter(filter.right, text),
    };
  }
  throw new ScimError(400, `Nothing matches ${text}`, 'noTarget');
}

/**
 * remove without a filter. Azure AD and others send the members to take
 * out as a value (`{"op":"remove","path":"members","value":[…]}`), so a
 * value narrows the removal to the list items with those `value`s.
 */
function removeAttribute(
  container: JsonObject,
  def: AttributeDef,
  sub: AttributeDef | undefined,
  value: unknown,
): void {
  const current = container[def.name];
  if (sub) {
    for (const item of [current].flat()) {
      if (isObject(item)) {
        delete item[sub.name];
      }
    }
    return;
  }
  if (def.multiValued && value !== undefined && Array.isArray(current)) {
    const gone = new Set(
      [value]
        .flat()
        .map((item) => (isObject(item) ? item.value : item))
        .map((item) => String(item).toLowerCase()),
    );
    container[def.name] = current.filter(
      (item) => !(isObject(item) && gone.has(String(item.value).toLowerCase())),
    );
    return;
  }
  delete container[def.name];
}
