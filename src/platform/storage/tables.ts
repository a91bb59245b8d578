// The stored bytes (migration 2026-12-05T1000_files.ts): one row per
// distinct content, named by its SHA-256 in lower-case hex.

export interface FileBlobsTable {
  sha256: string;
  size: number;
  /** The type read from the bytes (./sniff.ts). */
  mime: string;
  stored_in: 'disk' | 'database';
  created_at: string;
}

/** The bytes themselves, when they are kept in the database. */
export interface FileBlobChunksTable {
  sha256: string;
  seq: number;
  data: Buffer;
}

export interface BlobTables {
  file_blobs: FileBlobsTable;
  file_blob_chunks: FileBlobChunksTable;
}
