import { open as openFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { BlobStore, PutOptions, StoredBlob } from './blob-store.ts';
import { BlobMissingError, checkSha256 } from './errors.ts';
import { receiveToTempFile } from './receive.ts';
import { insertBlobRow } from './rows.ts';
import type { BlobDb } from './rows.ts';

/**
 * The size of every chunk but a blob's last. Chunk `seq` of a blob always
 * holds the same bytes, which lets two processes storing the same upload
 * at once both insert-or-ignore; changing it needs the chunks rewritten.
 */
export const CHUNK_BYTES = 1024 * 1024;

/**
 * Bytes as 1 MiB rows of `file_blob_chunks`, for several app processes
 * that share one database and no disk. An upload still arrives in a local
 * temporary file (under `root`/tmp) so it is hashed and checked against
 * the limit before any row is written. Chunks are written one statement
 * at a time, not in one long transaction that would hold SQLite's write
 * lock for the whole upload; the `file_blobs` row goes in last, so a blob
 * with a row is always complete.
 */
export function databaseBlobStore(root: string, db: BlobDb): BlobStore {
  const tmpDir = join(root, 'tmp');

  const sizeOf = async (sha256: string): Promise<number | undefined> => {
    const row = await db
      .selectFrom('file_blobs')
      .select('size')
      .where('sha256', '=', checkSha256(sha256))
      .where('stored_in', '=', 'database')
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.size);
  };

  return {
    kind: 'database',

    async put(source: Readable, options: PutOptions): Promise<StoredBlob> {
      const received = await receiveToTempFile(
        source,
        tmpDir,
        options.maxBytes,
      );
      const { sha256, size, mime } = received;
      try {
        if ((await sizeOf(sha256)) !== undefined) {
          return { sha256, size, mime, created: false };
        }
        await insertChunks(db, sha256, received.path);
        const row = { sha256, size, mime };
        const created = await insertBlobRow(db, row, 'database');
        return { sha256, size, mime, created };
      } finally {
        await rm(received.path, { force: true });
      }
    },

    async open(sha256, range) {
      const size = await sizeOf(sha256);
      if (size === undefined) {
        throw new BlobMissingError(sha256);
      }
      const start = range?.start ?? 0;
      const end = Math.min(range?.end ?? size - 1, size - 1);
      return Readable.from(readChunks(db, sha256, start, end), {
        objectMode: false,
      });
    },

    async has(sha256) {
      return (await sizeOf(sha256)) !== undefined;
    },

    async remove(sha256) {
      checkSha256(sha256);
      await db.transaction().execute(async (trx) => {
        await trx
          .deleteFrom('file_blobs')
          .where('sha256', '=', sha256)
          .execute();
        await trx
          .deleteFrom('file_blob_chunks')
          .where('sha256', '=', sha256)
          .execute();
      });
    },
  };
}

/** Copies the file into chunk rows, holding one chunk in memory at a time. */
async function insertChunks(
  db: BlobDb,
  sha256: string,
  path: string,
): Promise<void> {
  const handle = await openFile(path, 'r');
  try {
    for (let seq = 0; ; seq += 1) {
      const data = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await handle.read(data, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) {
        return;
      }
      await db
        .insertInto('file_blob_chunks')
        .values({ sha256, seq, data: data.subarray(0, bytesRead) })
        .onConflict((oc) => oc.columns(['sha256', 'seq']).doNothing())
        .execute();
    }
  } finally {
    await handle.close();
  }
}

/** The bytes from `start` to `end` (inclusive), one chunk per query. */
async function* readChunks(
  db: BlobDb,
  sha256: string,
  start: number,
  end: number,
): AsyncGenerator<Buffer> {
  const first = Math.floor(start / CHUNK_BYTES);
  const last = Math.floor(end / CHUNK_BYTES);
  for (let seq = first; seq <= last && start <= end; seq += 1) {
    const row = await db
      .selectFrom('file_blob_chunks')
      .select('data')
      .where('sha256', '=', sha256)
      .where('seq', '=', seq)
      .executeTakeFirst();
    if (!row) {
      throw new BlobMissingError(sha256);
    }
    const offset = seq * CHUNK_BYTES;
    const from = seq === first ? start - offset : 0;
    const to = seq === last ? end - offset + 1 : row.data.length;
    yield Buffer.from(row.data.subarray(from, to));
  }
}
