import { open } from 'node:fs/promises';

// Reads only the table of contents at the end of a ZIP archive, never an
// entry's data, so a zip bomb costs nothing here: the sizes it claims are
// not used and nothing is inflated.

const END_RECORD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** A larger directory is not read; the archive stays `application/zip`. */
const MAX_DIRECTORY_BYTES = 4 * 1024 * 1024;

/**
 * The names in a ZIP archive's central directory, or none when it cannot
 * be read (not a ZIP, truncated, ZIP64, or a directory over 4 MiB).
 */
export async function readZipEntryNames(path: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, END_RECORD_SIZE + MAX_COMMENT);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const end = findEndRecord(tail);
    if (end < 0) {
      return [];
    }
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryStart = tail.readUInt32LE(end + 16);
    if (
      directorySize > MAX_DIRECTORY_BYTES ||
      directoryStart + directorySize > size
    ) {
      return [];
    }
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryStart);
    return entryNames(directory);
  } finally {
    await handle.close();
  }
}

function findEndRecord(tail: Buffer): number {
  for (let at = tail.length - END_RECORD_SIZE; at >= 0; at -= 1) {
    if (tail.readUInt32LE(at) === END_RECORD) {
      return at;
    }
  }
  return -1;
}

function entryNames(directory: Buffer): string[] {
  const names: string[] = [];
  let at = 0;
  while (
    at + 46 <= directory.length &&
    directory.readUInt32LE(at) === CENTRAL_ENTRY
  ) {
    const nameLength = directory.readUInt16LE(at + 28);
    const extraLength = directory.readUInt16LE(at + 30);
    const commentLength = directory.readUInt16LE(at + 32);
    names.push(directory.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}
