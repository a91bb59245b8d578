import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { BlobStore } from '../../platform/storage/blob-store.ts';
import { TooLargeError } from '../../platform/storage/errors.ts';
import type { MultipartReader } from './multipart.ts';
import { requireFileName } from './files.ts';
import { fileTooLarge, quotaExceeded } from './quota.ts';
import type { FileLimits } from './quota.ts';
import type { StoredUpload } from './versions.ts';
import { ValidationError } from '../../platform/errors.ts';

// Receiving an upload's bytes: checks of the declared length before a
// byte is read, then each file streamed into the blob store, which stops
// at the limit. Whatever fails, bytes this request stored are forgotten
// again, so a refused upload leaves nothing behind.

// What a multipart form adds around its files: boundaries, part headers
// and the small fields.
const FORM_OVERHEAD = 256 * 1024;

/** The Content-Length the client declared, or null when it sent none. */
function declaredLength(request: FastifyRequest): number | null {
  const header = request.headers['content-length'];
  if (typeof header !== 'string' || !/^\d{1,16}$/.test(header)) {
    return null;
  }
  return Number(header);
}

/**
 * Refuses at once a body that says it is larger than the limit or than
 * the space left: 413 FILE_TOO_LARGE or QUOTA_EXCEEDED, before any of it
 * is read. A form may carry `files` files, plus its overhead; a raw body
 * is one file, `name`. The per-file limit is checked first, and a form
 * that might hold one file over it is left to storeFormFiles, which can
 * tell which file passes which limit.
 */
export function checkDeclaredLength(
  request: FastifyRequest,
  limits: FileLimits,
  remaining: number,
  files: number,
  name?: string,
): void {
  const length = declaredLength(request);
  if (length === null) {
    return;
  }
  const overhead = files > 0 ? FORM_OVERHEAD : 0;
  const payload = Math.max(0, length - overhead);
  if (payload > limits.maxBytes * Math.max(1, files)) {
    throw fileTooLarge(limits, files > 1 ? undefined : name);
  }
  if (payload > remaining && (files <= 1 || payload <= limits.maxBytes)) {
    throw quotaExceeded(files > 1 ? undefined : name);
  }
}

/**
 * Streams one file into the store, held to the per-file limit and to
 * the space left. When the space left is the smaller, bytes past it are
 * read on without being kept, up to the per-file limit, so a file over
 * both is refused for its size and not for the quota.
 */
async function storeOne(
  store: BlobStore,
  source: Readable,
  name: string,
  limits: FileLimits,
  remaining: number,
) {
  const input =
    remaining < limits.maxBytes
      ? meterAgainstQuota(source, name, limits, remaining)
      : source;
  try {
    return await store.put(input, { maxBytes: limits.maxBytes });
  } catch (error) {
    if (error instanceof TooLargeError) {
      throw fileTooLarge(limits, name);
    }
    throw error;
  }
}

/**
 * `source` passed through until `remaining` bytes; past that its bytes
 * are counted and dropped, and the stream fails with FILE_TOO_LARGE past
 * the per-file limit or, at its end, with QUOTA_EXCEEDED.
 */
function meterAgainstQuota(
  source: Readable,
  name: string,
  limits: FileLimits,
  remaining: number,
): Readable {
  // A generator reads nothing until the store does, so every refusal
  // reaches the store's own pipeline; leaving the loop destroys source.
  async function* metered(): AsyncGenerator<Buffer> {
    let seen = 0;
    for await (const chunk of source as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > limits.maxBytes) {
        throw fileTooLarge(limits, name);
      }
      if (seen <= remaining) {
        yield chunk;
      }
    }
    if (seen > remaining) {
      throw quotaExceeded(name);
    }
  }
  return Readable.from(metered(), { objectMode: false });
}

/**
 * Forgets the bytes this request stored that nothing else had. Another
 * upload of the same bytes may have recorded a version meanwhile: its
 * foreign key then refuses the removal, and the bytes rightly stay.
 */
export async function discardStored(
  store: BlobStore,
  uploads: readonly StoredUpload[],
): Promise<void> {
  for (const upload of uploads) {
    if (upload.blob.created) {
      await store.remove(upload.blob.sha256).catch(() => undefined);
    }
  }
}

/**
 * Stores every file of a form in turn. A file input left empty arrives
 * as a part without a name and is skipped. Throws, having forgotten
 * what it stored, when a limit is passed or no file was sent.
 */
export async function storeFormFiles(
  reader: MultipartReader,
  store: BlobStore,
  limits: FileLimits,
  remaining: number,
  options: { maxFiles: number },
): Promise<StoredUpload[]> {
  const stored: StoredUpload[] = [];
  let left = remaining;
  try {
    for (let part = await reader.next(); part; part = await reader.next()) {
      if (part.filename === '') {
        part.stream.resume();
        continue;
      }
      if (stored.length >= options.maxFiles) {
        throw tooManyFiles(options.maxFiles);
      }
      requireFileName(part.filename, 'file');
      const blob = await storeOne(
        store,
        part.stream,
        part.filename,
        limits,
        left,
      );
      left -= blob.size;
      stored.push({ name: part.filename, blob });
    }
    if (reader.tooManyFiles) {
      throw tooManyFiles(options.maxFiles);
    }
    if (stored.length === 0) {
      throw new ValidationError({ file: 'Select a file' });
    }
    return stored;
  } catch (error) {
    await discardStored(store, stored);
    throw error;
  }
}

function tooManyFiles(max: number): ValidationError {
  return new ValidationError({
    file: `Select ${max} files or fewer at a time`,
  });
}

/** Stores a request's whole body as one file: the API's raw upload. */
export async function storeRawBody(
  source: Readable,
  name: string,
  store: BlobStore,
  limits: FileLimits,
  remaining: number,
): Promise<StoredUpload> {
  requireFileName(name, 'name');
  const blob = await storeOne(store, source, name, limits, remaining);
  return { name, blob };
}
