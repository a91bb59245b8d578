import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sniffType, SNIFF_BYTES, zipTypeFromEntries } from '../sniff.ts';
import { TooLargeError } from './errors.ts';
import { readZipEntryNames } from './zip-entries.ts';

/** An upload safely on disk under a random name, not yet named by its hash. */
export interface ReceivedFile {
  path: string;
  sha256: string;
  size: number;
  mime: string;
}

/**
 * Streams `source` into a new file in `tmpDir`, hashing and counting as
 * the bytes pass, so memory holds one chunk at a time whatever the size.
 * Past `maxBytes` it stops with a TooLargeError; on that or any other
 * failure the source is destroyed and the partial file deleted before
 * the error is thrown again. The caller owns the file it gets back.
 */
export async function receiveToTempFile(
  source: Readable,
  tmpDir: string,
  maxBytes: number,
): Promise<ReceivedFile> {
  await mkdir(tmpDir, { recursive: true });
  const path = join(tmpDir, `${randomBytes(16).toString('hex')}.part`);
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;

  const meter = new Transform({
    transform(chunk: Buffer | string, _encoding, done) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > maxBytes) {
        done(new TooLargeError(maxBytes));
        return;
      }
      hash.update(bytes);
      if (headLength < SNIFF_BYTES) {
        // A copy, so the head does not keep a large chunk alive.
        const part = Buffer.from(bytes.subarray(0, SNIFF_BYTES - headLength));
        head.push(part);
        headLength += part.length;
      }
      done(null, bytes);
    },
  });

  try {
    await pipeline(
      source,
      meter,
      createWriteStream(path, { flags: 'wx', flush: true }),
    );
  } catch (error) {
    source.destroy();
    await rm(path, { force: true });
    throw error;
  }

  const received = { path, sha256: hash.digest('hex'), size, mime: '' };
  try {
    received.mime = await typeOf(Buffer.concat(head), path);
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return received;
}

/**
 * The sniffed type; a plain ZIP is looked at again through its central
 * directory, which names every entry, where the head shows only the first
 * few (Office files often start with shared parts, not `word/`).
 */
async function typeOf(head: Buffer, path: string): Promise<string> {
  const sniffed = sniffType(head);
  if (sniffed !== 'application/zip') {
    return sniffed;
  }
  return zipTypeFromEntries(await readZipEntryNames(path));
}
