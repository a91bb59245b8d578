import { TextDecoder } from 'node:util';
import type { ByteSource } from './source.ts';
import { MAX_TEXT, TextCollector } from './text-collector.ts';

// The words of a plain-text file: UTF-8 unless a byte order mark says
// UTF-16. Only the first bytes that can hold the kept text are read.

/** Bytes enough for MAX_TEXT characters in any of the encodings read. */
const MAX_BYTES = MAX_TEXT * 4;

function encodingOf(start: Buffer): { encoding: string; skip: number } {
  if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) {
    return { encoding: 'utf-8', skip: 3 };
  }
  if (start[0] === 0xff && start[1] === 0xfe) {
    return { encoding: 'utf-16le', skip: 2 };
  }
  if (start[0] === 0xfe && start[1] === 0xff) {
    return { encoding: 'utf-16be', skip: 2 };
  }
  return { encoding: 'utf-8', skip: 0 };
}

/** The text of a plain-text file, up to MAX_TEXT characters. */
export async function plainText(
  source: ByteSource,
  collector = new TextCollector(),
): Promise<string> {
  if (source.size === 0) {
    return '';
  }
  const end = Math.min(source.size, MAX_BYTES) - 1;
  const stream = await source.open({ start: 0, end });
  let decoder: TextDecoder | null = null;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let bytes = chunk;
    if (!decoder) {
      const { encoding, skip } = encodingOf(chunk);
      decoder = new TextDecoder(encoding);
      bytes = chunk.subarray(skip);
    }
    collector.add(readable(decoder.decode(bytes, { stream: true })));
    if (collector.full) {
      stream.destroy();
      break;
    }
  }
  collector.add(readable(decoder?.decode() ?? ''));
  return collector.text();
}

/** Control characters other than tab and line ends become spaces. */
function readable(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
}
