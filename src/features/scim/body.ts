import { invalidSyntax } from './errors.ts';

// Names that reach an object's prototype when code copies a parsed body's
// keys with plain assignment. JSON.parse makes them ordinary properties,
// and no SCIM attribute is called so, so a body with one is refused by
// name rather than read: nothing later has to be careful with them.
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A SCIM request body as JSON. An empty body is no body at all (some
 * identity providers send a DELETE with a JSON content type and nothing
 * in it); each route says whether it needs one. A byte order mark is
 * skipped, as JSON parsers commonly do.
 */
export function parseJsonBody(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (json.trim() === '') {
    return undefined;
  }
  let forbidden: string | undefined;
  let value: unknown;
  try {
    value = JSON.parse(json, (key, item: unknown) => {
      if (FORBIDDEN_NAMES.has(key)) {
        forbidden ??= key;
      }
      return item;
    });
  } catch {
    throw invalidSyntax('The request body is not valid JSON');
  }
  if (forbidden !== undefined) {
    throw invalidSyntax(
      `The request body may not name anything "${forbidden}"`,
    );
  }
  return value;
}
