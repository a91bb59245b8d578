import { access, mkdir, open as openFile, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, PutOptions, StoredBlob } from './blob-store.ts';
import { BlobMissingError, checkSha256 } from './errors.ts';
import { receiveToTempFile } from './receive.ts';
import { insertBlobRow } from './rows.ts';
import type { BlobDb } from './rows.ts';

/**
 * Bytes as files under `root` (DATA_DIR/files): `blobs/ab/cd/<sha256>`,
 * written to `tmp/` first and renamed into place once complete, so a
 * reader never sees half a file. The two folder levels keep any one
 * folder to a few thousand entries. Only hex digits reach a path.
 */
export function diskBlobStore(root: string, db: BlobDb): BlobStore {
  const tmpDir = join(root, 'tmp');
  const pathOf = (sha256: string) => {
    const name = checkSha256(sha256);
    return join(root, 'blobs', name.slice(0, 2), name.slice(2, 4), name);
  };

  return {
    kind: 'disk',

    async put(source: Readable, options: PutOptions): Promise<StoredBlob> {
      const received = await receiveToTempFile(
        source,
        tmpDir,
        options.maxBytes,
      );
      const { sha256, size, mime } = received;
      const target = pathOf(sha256);
      try {
        if (await exists(target)) {
          await rm(received.path, { force: true });
        } else {
          await mkdir(join(target, '..'), { recursive: true });
          await rename(received.path, target);
        }
      } catch (error) {
        await rm(received.path, { force: true });
        throw error;
      }
      const created = await insertBlobRow(db, { sha256, size, mime }, 'disk');
      return { sha256, size, mime, created };
    },

    async open(sha256, range) {
      let handle: FileHandle;
      try {
        handle = await openFile(pathOf(sha256), 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new BlobMissingError(sha256);
        }
        throw error;
      }
      // The stream closes the handle when it ends or is destroyed.
      return handle.createReadStream(range ?? {});
    },

    async has(sha256) {
      return exists(pathOf(sha256));
    },

    async remove(sha256) {
      const path = pathOf(sha256);
      // The row first: while a version still points at the blob, its
      // foreign key refuses, and the bytes stay.
      await db.deleteFrom('file_blobs').where('sha256', '=', sha256).execute();
      await rm(path, { force: true });
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
