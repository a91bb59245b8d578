import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { sniffType } from '../../../platform/sniff.ts';
import type { BlobStore } from '../../../platform/storage/blob-store.ts';
import { BlobMissingError } from '../../../platform/storage/errors.ts';

/**
 * A blob store in memory for tests: it keeps bytes in a map and writes
 * the `file_blobs` row as the real stores do, so versions and
 * renditions can point at what it holds.
 */
export function memoryBlobStore(db: Kysely<Database>): BlobStore & {
  blobs: Map<string, Buffer>;
} {
  const blobs = new Map<string, Buffer>();
  return {
    kind: 'disk',
    blobs,
    async put(source, options) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > options.maxBytes) {
          throw new Error('too large');
        }
        chunks.push(chunk);
      }
      const bytes = Buffer.concat(chunks);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const mime = sniffType(bytes);
      const created = !blobs.has(sha256);
      blobs.set(sha256, bytes);
      await db
        .insertInto('file_blobs')
        .values({
          sha256,
          size,
          mime,
          stored_in: 'disk',
          created_at: new Date().toISOString(),
        })
        .onConflict((oc) => oc.column('sha256').doNothing())
        .execute();
      return { sha256, size, mime, created };
    },
    async open(sha256, range) {
      const bytes = blobs.get(sha256);
      if (!bytes) {
        throw new BlobMissingError(sha256);
      }
      return Readable.from([
        range ? bytes.subarray(range.start, range.end + 1) : bytes,
      ]);
    },
    async has(sha256) {
      return blobs.has(sha256);
    },
    async remove(sha256) {
      blobs.delete(sha256);
    },
  };
}
