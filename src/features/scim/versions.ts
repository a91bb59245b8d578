import { createHash } from 'node:crypto';
import { ScimError } from './errors.ts';
import type { JsonObject } from './documents.ts';

/**
 * A resource's version (RFC 7644 section 3.14): a weak ETag from what it
 * says and when it last changed, so a change moves it even within the
 * millisecond, and so does a change to a part stored elsewhere.
 */
export function contentVersion(
  resource: JsonObject,
  updatedAt: string,
): string {
  const digest = createHash('sha256')
    .update(updatedAt)
    .update(JSON.stringify(resource))
    .digest('base64url');
  return `W/"${digest.slice(0, 16)}"`;
}

/** The `meta` attribute of a resource at a version. */
export function resourceMeta(
  resourceType: 'User' | 'Group',
  row: { created_at: string; updated_at: string },
  location: URL,
  version: string,
): JsonObject {
  return {
    resourceType,
    created: row.created_at,
    lastModified: row.updated_at,
    location: location.href,
    version,
  };
}

/**
 * Whether If-None-Match names the current version, so a GET can answer
 * 304 Not Modified. Compared weakly, as RFC 9110 section 13.1.2 says.
 */
export function isNotModified(
  header: string | string[] | undefined,
  current: string,
): boolean {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined) {
    return false;
  }
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return value
    .split(',')
    .some((tag) => tag.trim() === '*' || opaque(tag) === opaque(current));
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
