import { join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { BlobStore } from './blob-store.ts';
import { databaseBlobStore } from './database.ts';
import { diskBlobStore } from './disk.ts';
import type { BlobDb } from './rows.ts';

export type { BlobStore, PutOptions, StoredBlob } from './blob-store.ts';
export { BlobMissingError, TooLargeError } from './errors.ts';
export { cleanFileName, nameKey } from './names.ts';
export { formatBytes } from './sizes.ts';
export { BLOB_CSP, sendStoredBlob } from './serve.ts';
export type { BlobToSend } from './serve.ts';

/** The folder that holds every file's bytes and uploads in progress. */
export function filesRoot(config: Pick<Config, 'dataDir'>): string {
  return join(resolve(config.dataDir), 'files');
}

/**
 * The store FILE_STORAGE names, on this app's database. Both stores
 * write the `file_blobs` row themselves once the bytes are safe.
 *
 * TODO: changing FILE_STORAGE on a site with files leaves the existing
 * bytes where they were, unreadable by the other store; there is no
 * command yet to move blobs from one store to the other.
 *
 * TODO: a blob whose upload failed after `put` (the version insert
 * rolled back) stays stored with no version pointing at it; there is no
 * sweep yet that removes such blobs and old temporary files.
 */
export function openBlobStore<DB>(
  config: Pick<Config, 'dataDir' | 'fileStorage'>,
  db: Kysely<DB>,
): BlobStore {
  // The store reads and writes only its own two tables.
  const blobDb = db as unknown as BlobDb;
  const root = filesRoot(config);
  return config.fileStorage === 'database'
    ? databaseBlobStore(root, blobDb)
    : diskBlobStore(root, blobDb);
}
