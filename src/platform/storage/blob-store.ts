import type { Readable } from 'node:stream';

// The one interface every place that keeps file bytes goes through. The
// bytes are named by their SHA-256, so a second upload of the same bytes
// stores nothing new. Implementations: ./disk.ts (under the data folder,
// the default) and ./database.ts (chunks in `file_blob_chunks`, for
// several app processes sharing one database).

/** What `put` learned while it stored the bytes. */
export interface StoredBlob {
  /** Lower-case hex. */
  sha256: string;
  size: number;
  /** The type read from the first bytes (../sniff.ts). */
  mime: string;
  /** False when the same bytes were already stored. */
  created: boolean;
}

export interface PutOptions {
  /**
   * Refuse, with a `TooLargeError`, once more than this many bytes have
   * arrived; nothing is kept. Checked as the bytes stream, so a body
   * without a length is still stopped at the limit.
   */
  maxBytes: number;
}

export interface BlobStore {
  readonly kind: 'disk' | 'database';
  /**
   * Reads `source` to its end, hashing as it goes, and keeps the bytes
   * under their SHA-256. Memory stays flat: the bytes go to a temporary
   * file first and are named only once the hash is known.
   */
  put(source: Readable, options: PutOptions): Promise<StoredBlob>;
  /** The bytes, or a part of them (inclusive `end`), as a stream. */
  open(
    sha256: string,
    range?: { start: number; end: number },
  ): Promise<Readable>;
  has(sha256: string): Promise<boolean>;
  /** Forgets bytes no version, thumbnail or rendition points at any more. */
  remove(sha256: string): Promise<void>;
}
