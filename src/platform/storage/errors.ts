import { AppError } from '../errors.ts';
import { formatBytes } from './sizes.ts';

/**
 * An upload went past the per-file limit. Nothing of it is kept; the
 * error handler answers 413 with the stable code `FILE_TOO_LARGE`.
 */
export class TooLargeError extends AppError {
  constructor(readonly maxBytes: number) {
    super(
      413,
      'FILE_TOO_LARGE',
      `The file is too large: files can be at most ${formatBytes(maxBytes)}`,
    );
    this.name = 'TooLargeError';
  }
}

/**
 * A blob the database names is not where its store keeps bytes: lost
 * from the disk, or stored while FILE_STORAGE had another value. A fault
 * of the server, not of the request, so it is not an AppError and is
 * logged with its stack.
 */
export class BlobMissingError extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} is not in the store`);
    this.name = 'BlobMissingError';
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Refuses anything but a lower-case hex SHA-256 before it is used to
 * find bytes, so no other text can ever reach a path or a query.
 */
export function checkSha256(sha256: string): string {
  if (!SHA256.test(sha256)) {
    throw new TypeError('a blob is named by 64 lower-case hex digits');
  }
  return sha256;
}
