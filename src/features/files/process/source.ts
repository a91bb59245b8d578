import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { BlobStore } from '../../../platform/storage/blob-store.ts';

// The bytes a version's processing reads, with random access: a zip is
// read from its central directory at the end, and only the parts it
// names are opened. The same shape stands for a stored blob, a file on
// disk (tests, tools) and bytes in memory (tests), so no extractor ever
// needs the whole file in memory.

/** Bytes of a known length that can be read from any offset. */
export interface ByteSource {
  readonly size: number;
  /** The bytes from `start` to `end` inclusive, or all of them. */
  open(range?: { start: number; end: number }): Promise<Readable>;
}

/** A source over bytes already in memory. */
export function bufferSource(bytes: Uint8Array): ByteSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return {
    size: buffer.length,
    open: async (range) =>
      Readable.from(
        [range ? buffer.subarray(range.start, range.end + 1) : buffer],
        { objectMode: false },
      ),
  };
}

/** A source over a file on disk. */
export async function fileSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  return {
    size,
    open: async (range) =>
      createReadStream(
        path,
        range ? { start: range.start, end: range.end } : {},
      ),
  };
}

/** A source over a blob in the store, of the size its version records. */
export function blobSource(
  store: BlobStore,
  sha256: string,
  size: number,
): ByteSource {
  return {
    size,
    open: (range) => store.open(sha256, range),
  };
}

/**
 * Reads a source from its start into memory, up to `max` bytes; null
 * when it holds more, so a caller never holds more than it chose to.
 */
export async function readAtMost(
  source: ByteSource,
  max: number,
): Promise<Buffer | null> {
  if (source.size > max) {
    return null;
  }
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = await source.open();
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > max) {
      stream.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

/** Reads exactly the bytes from `start` to `end` inclusive. */
export async function readRange(
  source: ByteSource,
  start: number,
  end: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of (await source.open({
    start,
    end,
  })) as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== end - start + 1) {
    throw new Error('the stored bytes ended early');
  }
  return bytes;
}
