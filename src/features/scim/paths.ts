import { invalidFilter, invalidPath } from './errors.ts';
import { NAME, parseAttrPath, Parser, tokenize } from './filter.ts';
import type { AttrPath, Filter } from './filter.ts';

// PATCH paths of RFC 7644 section 3.5.2: an attribute path, or a
// multi-valued attribute narrowed by a value filter such as
// `emails[type eq "work"].value`.

/** A PATCH target: an attribute, maybe narrowed by a value filter. */
export interface PatchPath {
  path: AttrPath;
  filter: Filter | null;
  /** The sub-attribute after the filter, or the path's own. */
  sub: string | null;
}

/** Parses a PATCH `path`; any fault is 400 invalidPath. */
export function parsePatchPath(text: string): PatchPath {
  const fail = (why: string) =>
    invalidPath(`The path ${JSON.stringify(text)} is not valid: ${why}`);
  const tokens = tokenize(text, fail);
  const first = tokens[0];
  const path = first?.type === 'word' ? parseAttrPath(first.text) : null;
  if (!path) {
    throw fail('expected an attribute');
  }
  if (tokens.length === 1) {
    return { path, filter: null, sub: path.sub };
  }
  if (path.sub !== null || tokens[1]?.type !== '[') {
    throw fail('expected a value filter in brackets');
  }
  const parser = new Parser(tokens.slice(2), fail);
  const filter = parser.or(1);
  parser.expect(']');
  const after = parser.next();
  if (after === undefined) {
    return { path, filter, sub: null };
  }
  const sub = after.type === 'word' ? /^\.(.+)$/.exec(after.text)?.[1] : '';
  if (!sub || !NAME.test(sub) || !parser.done) {
    throw fail('expected a sub-attribute after the filter');
  }
  return { path, filter, sub };
}

/**
 * Whether one value of a multi-valued attribute (an object such as an
 * e-mail or a member) matches a value filter. Names and text compare
 * without case; only eq, pr, and, or and not are understood here.
 */
export function matchesValue(filter: Filter, value: unknown): boolean {
  const record = (value ?? {}) as Record<string, unknown>;
  const field = (path: AttrPath) => {
    const key = Object.keys(record).find(
      (name) => name.toLowerCase() === path.attr.toLowerCase(),
    );
    return key === undefined ? undefined : record[key];
  };
  switch (filter.kind) {
    case 'and':
      return (
        matchesValue(filter.left, value) && matchesValue(filter.right, value)
      );
    case 'or':
      return (
        matchesValue(filter.left, value) || matchesValue(filter.right, value)
      );
    case 'not':
      return !matchesValue(filter.filter, value);
    case 'present': {
      const found = field(filter.path);
      return found !== undefined && found !== null && found !== '';
    }
    case 'compare': {
      if (filter.op !== 'eq') {
        throw invalidFilter(`The operator ${filter.op} is not supported here`);
      }
      const found = field(filter.path);
      if (typeof found === 'string' && typeof filter.value === 'string') {
        return found.toLowerCase() === filter.value.toLowerCase();
      }
      return String(found ?? null) === String(filter.value);
    }
    case 'valuePath':
      throw invalidFilter('A value filter cannot hold another');
  }
}
