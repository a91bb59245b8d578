import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { readRange } from './source.ts';
import type { ByteSource } from './source.ts';

// Reading one or two named entries of a zip (docx, OpenDocument) without
// trusting it. The central directory at the end says where each entry
// starts and how many compressed bytes it has; only the entries asked
// for are opened, and they are inflated as a stream, counting every byte
// that comes out. The uncompressed sizes the archive claims are never
// used: a zip bomb is stopped by what it actually produces, past a total
// cap or a compression ratio no document has. Zip64 archives, encrypted
// entries and methods other than stored and deflated are refused: a
// Word or OpenDocument file under the upload limit needs none of them.

/** Why a zip was not read. */
export class ZipError extends Error {
  override name = 'ZipError';
}

export interface ZipLimits {
  /** Entries the central directory may list. */
  maxEntries: number;
  /** Bytes inflated from all entries read, together. */
  maxTotalBytes: number;
  /** Bytes out per compressed byte in, past `ratioAllowance`. */
  maxRatio: number;
  /** Bytes any entry may produce before the ratio applies. */
  ratioAllowance: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxTotalBytes: 50 * 1024 * 1024,
  maxRatio: 100,
  ratioAllowance: 1024 * 1024,
};

/** An entry as the central directory lists it. */
export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
const MAX_DIRECTORY = 4 * 1024 * 1024;

/** The entries of the archive, read from its central directory. */
export async function listZipEntries(
  source: ByteSource,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<ZipEntry[]> {
  if (source.size < EOCD_SIZE) {
    throw new ZipError('too short to be a zip');
  }
  const tailStart = Math.max(0, source.size - EOCD_SIZE - MAX_COMMENT);
  const tail = await readRange(source, tailStart, source.size - 1);
  let at = tail.length - EOCD_SIZE;
  while (at >= 0 && tail.readUInt32LE(at) !== EOCD) {
    at -= 1;
  }
  if (at < 0) {
    throw new ZipError('no end of central directory');
  }
  const count = tail.readUInt16LE(at + 10);
  const size = tail.readUInt32LE(at + 12);
  const offset = tail.readUInt32LE(at + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    throw new ZipError('zip64 archives are not read');
  }
  if (count > limits.maxEntries) {
    throw new ZipError(`more than ${limits.maxEntries} entries`);
  }
  if (size > MAX_DIRECTORY || offset + size > tailStart + at) {
    throw new ZipError('the central directory is out of bounds');
  }
  const directory =
    size === 0
      ? Buffer.alloc(0)
      : await readRange(source, offset, offset + size - 1);
  return parseDirectory(directory, count);
}

function parseDirectory(directory: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i += 1) {
    if (at + 46 > directory.length || directory.readUInt32LE(at) !== CENTRAL) {
      throw new ZipError('the central directory is damaged');
    }
    const flags = directory.readUInt16LE(at + 8);
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    const nameBytes = directory.subarray(at + 46, at + 46 + nameLength);
    entries.push({
      // Bit 11 says UTF-8; the names looked for are ASCII either way.
      name: nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1'),
      method: directory.readUInt16LE(at + 10),
      flags,
      compressedSize: directory.readUInt32LE(at + 20),
      localOffset: directory.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** What has been inflated so far from one archive, across its entries. */
export interface ZipBudget {
  limits: ZipLimits;
  inflated: number;
}

export function zipBudget(limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipBudget {
  return { limits, inflated: 0 };
}

/**
 * The entry's bytes as they are inflated. Throws a ZipError, and stops
 * reading, once the archive's budget or the entry's ratio is passed; a
 * caller that has read enough may stop early with `break`.
 */
export async function* readZipEntry(
  source: ByteSource,
  entry: ZipEntry,
  budget: ZipBudget,
): AsyncGenerator<Buffer> {
  if (entry.flags & 0x1) {
    throw new ZipError('encrypted entries are not read');
  }
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipError(`compression method ${entry.method} is not read`);
  }
  const header = await readRange(
    source,
    entry.localOffset,
    entry.localOffset + 29,
  );
  if (header.readUInt32LE(0) !== LOCAL) {
    throw new ZipError('an entry does not start where the directory says');
  }
  const start =
    entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const end = start + entry.compressedSize - 1;
  if (end >= source.size) {
    throw new ZipError('an entry runs past the end of the archive');
  }
  if (entry.compressedSize === 0) {
    return;
  }
  const { limits } = budget;
  const entryCap =
    entry.compressedSize * limits.maxRatio + limits.ratioAllowance;
  const output = new PassThrough({ highWaterMark: 64 * 1024 });
  const raw = await source.open({ start, end });
  const done = pipeline(
    entry.method === 8 ? [raw, createInflateRaw(), output] : [raw, output],
  ).catch((error: unknown) => {
    output.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  let produced = 0;
  try {
    for await (const chunk of output as AsyncIterable<Buffer>) {
      produced += chunk.length;
      budget.inflated += chunk.length;
      if (budget.inflated > limits.maxTotalBytes) {
        throw new ZipError(`more than ${limits.maxTotalBytes} bytes inflated`);
      }
      if (produced > entryCap) {
        throw new ZipError(
          `an entry inflates more than ${limits.maxRatio} times`,
        );
      }
      yield chunk;
    }
  } catch (error) {
    if (error instanceof ZipError) {
      throw error;
    }
    throw new ZipError(`an entry could not be inflated: ${String(error)}`);
  } finally {
    raw.destroy();
    output.destroy();
    await done;
  }
}
