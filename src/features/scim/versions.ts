import { ScimError } from './errors.ts';
import type { JsonObject } from './documents.ts';

/**
 * A resource's version: a weak ETag from when it last changed, which
 * every change to it moves on (RFC 7644 section 3.14).
 */
export function versionOf(updatedAt: string): string {
  return `W/"${Date.parse(updatedAt).toString(36)}"`;
}

/** The `meta` attribute of a resource. */
export function resourceMeta(
  resourceType: 'User' | 'Group',
  row: { created_at: string; updated_at: string },
  location: URL,
): JsonObject {
  return {
    resourceType,
    created: row.created_at,
    lastModified: row.updated_at,
    location: location.href,
    version: versionOf(row.updated_at),
  };
}

/**
 * Refuses a change whose If-Match names a version other than the current
 * one (412), so a client cannot overwrite a change it has not seen.
 * Without the header, the change goes ahead.
 */
export function checkIfMatch(
  header: string | string[] | undefined,
  current: string,
): void {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value.trim() === '*') {
    return;
  }
  const wanted = value.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (!wanted.includes(current.replace(/^W\//, ''))) {
    throw new ScimError(
      412,
      'The resource has changed since that version; read it again',
    );
  }
}
