import { findAttribute, findSchema } from './attributes.ts';
import type { AttributeDef, ResourceModel, SchemaDef } from './attributes.ts';
import { invalidSyntax, invalidValue } from './errors.ts';
import { parseAttrPath } from './filter.ts';
import type { AttrPath } from './filter.ts';

/** A SCIM resource or request body as JSON. */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a value of a list is marked primary (some send "true"). */
export function isPrimary(item: unknown): boolean {
  return isObject(item) && (item.primary === true || item.primary === 'true');
}

/** Where a path points: the schema it belongs to and its definition. */
export interface ResolvedPath {
  schema: SchemaDef;
  /** Undefined when the path is the whole of an extension. */
  def: AttributeDef | undefined;
  sub: AttributeDef | undefined;
}

/**
 * Finds what a path names in a resource type, or undefined when it names
 * nothing we know: such attributes are ignored, as RFC 7644 sections 3.3
 * and 3.5.1 allow. An extension attribute written without its schema URI
 * is found too, since several clients leave the URI off.
 */
export function resolvePath(
  model: ResourceModel,
  path: AttrPath,
  sub: string | null = path.sub,
): ResolvedPath | undefined {
  const schemas = path.schema
    ? [findSchema(model, path.schema)].filter((s) => s !== undefined)
    : [model.core, ...model.extensions];
  for (const schema of schemas) {
    if (path.attr === '') {
      return schema === model.core
        ? undefined
        : { schema, def: undefined, sub: undefined };
    }
    const def = findAttribute(schema.attributes, path.attr);
    if (!def) {
      continue;
    }
    if (sub === null) {
      return { schema, def, sub: undefined };
    }
    const subDef = findAttribute(def.subAttributes, sub);
    return subDef ? { schema, def, sub: subDef } : undefined;
  }
  return undefined;
}

/** Where attributes of `schema` live: the resource, or its extension. */
export function containerOf(
  resource: JsonObject,
  model: ResourceModel,
  schema: SchemaDef,
): JsonObject {
  if (schema === model.core) {
    return resource;
  }
  const existing = resource[schema.id];
  if (isObject(existing)) {
    return existing;
  }
  const created: JsonObject = {};
  resource[schema.id] = created;
  return created;
}

/**
 * A request body with attribute names as we spell them, and nothing else:
 * unknown attributes and read-only ones (id, meta, groups) are dropped, as
 * the RFC says a service provider ignores them.
 */
export function canonicalize(
  body: JsonObject,
  model: ResourceModel,
): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    const extension = model.extensions.find(
      (schema) => schema.id.toLowerCase() === key.toLowerCase(),
    );
    if (extension) {
      if (isObject(value)) {
        const container = containerOf(result, model, extension);
        Object.assign(
          container,
          canonicalAttributes(value, extension.attributes),
        );
      }
      continue;
    }
    const path = parseAttrPath(key);
    const resolved = path && resolvePath(model, path);
    if (!resolved?.def || resolved.def.mutability === 'readOnly') {
      continue;
    }
    const container = containerOf(result, model, resolved.schema);
    if (resolved.sub) {
      const parent = isObject(container[resolved.def.name])
        ? (container[resolved.def.name] as JsonObject)
        : {};
      parent[resolved.sub.name] = value;
      container[resolved.def.name] = canonicalValue(parent, resolved.def);
    } else {
      container[resolved.def.name] = canonicalValue(value, resolved.def);
    }
  }
  return result;
}

function canonicalAttributes(
  value: JsonObject,
  defs: readonly AttributeDef[],
): JsonObject {
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const def = findAttribute(defs, key);
    if (def && def.mutability !== 'readOnly') {
      result[def.name] = canonicalValue(item, def);
    }
  }
  return result;
}

/** A value with its sub-attributes named as we spell them. */
export function canonicalValue(value: unknown, def: AttributeDef): unknown {
  if (def.type !== 'complex' || !def.subAttributes) {
    return value;
  }
  const one = (item: unknown) =>
    isObject(item) ? canonicalAttributes(item, def.subAttributes ?? []) : item;
  if (def.multiValued) {
    // A single value where a list belongs is taken as a list of one.
    return Array.isArray(value) ? value.map(one) : [one(value)];
  }
  return one(value);
}

/**
 * Checks that a body says which schema it follows (RFC 7644 section 3.3)
 * and returns it as an object; anything else is invalidSyntax.
 */
export function readBody(body: unknown, schema: string): JsonObject {
  if (!isObject(body)) {
    throw invalidSyntax('The request body must be a JSON object');
  }
  const schemas = body.schemas;
  const named =
    Array.isArray(schemas) &&
    schemas.some(
      (item) =>
        typeof item === 'string' && item.toLowerCase() === schema.toLowerCase(),
    );
  if (!named) {
    throw invalidSyntax(`The request must list ${schema} in "schemas"`);
  }
  return body;
}

/** Reads a list of attribute paths such as `userName,emails.value`. */
function readPaths(raw: unknown, parameter: string): AttrPath[] {
  if (raw === undefined || raw === '') {
    return [];
  }
  if (typeof raw !== 'string') {
    throw invalidValue(`${parameter} must be given once`);
  }
  return raw.split(',').map((text) => {
    const path = parseAttrPath(text.trim());
    if (!path) {
      throw invalidValue(`${parameter}: ${text.trim()} is not an attribute`);
    }
    return path;
  });
}

/** Which attributes a client asked for, or asked to leave out. */
export interface Projection {
  attributes: AttrPath[];
  excluded: AttrPath[];
}

export function readProjection(query: Record<string, unknown>): Projection {
  return {
    attributes: readPaths(query.attributes, 'attributes'),
    excluded: readPaths(query.excludedAttributes, 'excludedAttributes'),
  };
}

/** Whether a projection leaves out a top-level attribute of the core schema. */
export function leavesOut(projection: Projection, name: string): boolean {
  const named = (paths: AttrPath[]) =>
    paths.some(
      (path) =>
        path.attr.toLowerCase() === name.toLowerCase() && path.sub === null,
    );
  if (projection.attributes.length > 0) {
    return !projection.attributes.some(
      (path) => path.attr.toLowerCase() === name.toLowerCase(),
    );
  }
  return named(projection.excluded);
}

/**
 * A resource cut down as `attributes` or `excludedAttributes` asks
 * (RFC 7644 section 3.9). `schemas` and `id` are always returned.
 */
export function project(
  resource: JsonObject,
  model: ResourceModel,
  projection: Projection,
): JsonObject {
  if (projection.attributes.length > 0) {
    const result: JsonObject = { schemas: resource.schemas, id: resource.id };
    for (const path of projection.attributes) {
      copyPath(resource, result, model, path);
    }
    return result;
  }
  const result = structuredClone(resource);
  for (const path of projection.excluded) {
    const resolved = resolvePath(model, path);
    if (!resolved || resolved.def?.returned === 'always') {
      continue;
    }
    if (!resolved.def) {
      delete result[resolved.schema.id];
      continue;
    }
    const container = containerOf(result, model, resolved.schema);
    const current = container[resolved.def.name];
    if (resolved.sub) {
      for (const item of [current].flat()) {
        if (isObject(item)) {
          delete item[resolved.sub.name];
        }
      }
    } else {
      delete container[resolved.def.name];
    }
  }
  return result;
}

function copyPath(
  from: JsonObject,
  to: JsonObject,
  model: ResourceModel,
  path: AttrPath,
): void {
  if (path.schema === null && path.attr.toLowerCase() === 'meta') {
    to.meta = from.meta;
    return;
  }
  const resolved = resolvePath(model, path);
  if (!resolved) {
    return;
  }
  const source =
    resolved.schema === model.core ? from : from[resolved.schema.id];
  if (!isObject(source)) {
    return;
  }
  if (!resolved.def) {
    to[resolved.schema.id] = source;
    return;
  }
  const value = source[resolved.def.name];
  if (value === undefined) {
    return;
  }
  const target = containerOf(to, model, resolved.schema);
  const subName = resolved.sub?.name;
  if (subName === undefined) {
    target[resolved.def.name] = value;
  } else if (Array.isArray(value)) {
    target[resolved.def.name] = value.map((item: unknown) =>
      isObject(item) ? { [subName]: item[subName] } : item,
    );
  } else if (isObject(value)) {
    const existing = isObject(target[resolved.def.name])
      ? (target[resolved.def.name] as JsonObject)
      : {};
    target[resolved.def.name] = { ...existing, [subName]: value[subName] };
  }
}
