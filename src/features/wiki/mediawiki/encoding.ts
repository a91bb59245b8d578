import { TextDecoder } from 'node:util';

// An export is UTF-8 unless its first bytes say otherwise. UTF-16 files
// from older tools may carry no byte-order mark and only declare
// encoding="UTF-16" (pywikibot's article-pyrus-utf16.xml is big-endian
// without one), so the byte pattern of "<?" decides the byte order, as
// the XML 1.0 appendix F heuristics do.

/** The encodings TextDecoder is asked for, by what the bytes show. */
export type ExportEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | string;

/** Guesses the encoding from at least the first few hundred bytes. */
export function detectEncoding(head: Uint8Array): ExportEncoding {
  const [a, b, c] = head;
  if (a === 0xef && b === 0xbb && c === 0xbf) {
    return 'utf-8';
  }
  if (a === 0xfe && b === 0xff) {
    return 'utf-16be';
  }
  if (a === 0xff && b === 0xfe) {
    return 'utf-16le';
  }
  if (a === 0x00 && b === 0x3c) {
    return 'utf-16be';
  }
  if (a === 0x3c && b === 0x00) {
    return 'utf-16le';
  }
  const start = new TextDecoder('latin1').decode(head.subarray(0, 200));
  const declared = /^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/
    .exec(start)?.[1]
    ?.toLowerCase();
  if (!declared || declared.startsWith('utf-16')) {
    // A UTF-16 declaration in single-byte text is a lie the bytes show.
    return 'utf-8';
  }
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    return 'utf-8';
  }
}

/**
 * Turns a stream of bytes into a stream of text, holding back only the
 * bytes of a character split between two chunks.
 */
export async function* decodeStream(
  bytes: AsyncIterable<Uint8Array>,
): AsyncGenerator<string> {
  let decoder: TextDecoder | undefined;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of bytes) {
    if (!decoder) {
      head = concat(head, chunk);
      if (head.length < 256) {
        continue;
      }
      decoder = new TextDecoder(detectEncoding(head));
      yield decoder.decode(head, { stream: true });
      continue;
    }
    yield decoder.decode(chunk, { stream: true });
  }
  const rest = decoder
    ? decoder.decode()
    : new TextDecoder(detectEncoding(head)).decode(head);
  if (rest) {
    yield rest;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
