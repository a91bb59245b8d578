import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

// What every hostile-file test checks in the same way: the headers any
// stored byte must leave with, and the files a test run left on disk.

/** Types a browser would render as a document from our origin. */
export const DOCUMENT_TYPES = [
  'text/html',
  'image/svg+xml',
  'application/xhtml+xml',
  'application/xml',
  'text/xml',
];

/** Headers as `inject()` and `fetch` both give them, lower-cased. */
export type Headers = Record<string, string | string[] | number | undefined>;

function header(headers: Headers, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : String(value ?? '');
}

/**
 * Asserts the headers every stored byte must leave with: nosniff, a
 * policy that runs nothing, a type no browser renders as a document, and
 * the disposition asked for.
 */
export function assertServedSafely(
  headers: Headers,
  disposition: 'attachment' | 'inline',
  context: string,
): void {
  assert.equal(header(headers, 'x-content-type-options'), 'nosniff', context);
  const policy = header(headers, 'content-security-policy');
  const directives = policy.split(';').map((part) => part.trim());
  assert.ok(directives.includes('sandbox'), `${context}: ${policy}`);
  assert.ok(directives.includes("default-src 'none'"), `${context}: ${policy}`);
  const type = header(headers, 'content-type').split(';')[0]?.trim() ?? '';
  assert.ok(
    type !== '' && !DOCUMENT_TYPES.includes(type.toLowerCase()),
    `${context}: served as ${type}`,
  );
  const kind = header(headers, 'content-disposition').split(';')[0];
  assert.equal(kind, disposition, context);
}

/**
 * Every file and folder under `root`, as paths relative to it with `/`
 * between parts, sorted.
 */
export async function listTree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .map((entry) =>
      relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'),
    )
    .sort();
}

/**
 * The paths in `after` that are not in `before`, each checked to be part
 * of the blob store under `dataDir` (relative to the same root): the
 * `files`, `files/blobs` and `files/tmp` folders, two-hex-digit folders
 * and blobs named by a SHA-256, and nothing else.
 */
export function assertOnlyStoreWritten(
  before: readonly string[],
  after: readonly string[],
  dataDir: string,
): string[] {
  const known = new Set(before);
  const added = after.filter((path) => !known.has(path));
  const files = `${dataDir}/files`;
  const allowed = [
    /^$/,
    /^\/blobs$/,
    /^\/tmp$/,
    /^\/blobs\/[0-9a-f]{2}$/,
    /^\/blobs\/[0-9a-f]{2}\/[0-9a-f]{2}$/,
    /^\/blobs\/([0-9a-f]{2})\/([0-9a-f]{2})\/\1\2[0-9a-f]{60}$/,
  ];
  const parents = dataDir.split('/').map((_, i, all) => all.slice(0, i + 1));
  for (const path of added) {
    const isParent = parents.some((parts) => parts.join('/') === path);
    const inStore =
      path.startsWith(files) &&
      allowed.some((pattern) => pattern.test(path.slice(files.length)));
    assert.ok(isParent || inStore, `written outside the store: ${path}`);
  }
  return added;
}
