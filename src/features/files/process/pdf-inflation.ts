import { createInflate } from 'node:zlib';
import { PdfError } from './pdf-error.ts';

// A PDF's streams are mostly Flate-compressed, and pdf.js inflates a
// stream whole, into typed arrays, before it reads a word of it. Typed
// arrays live outside a thread's heap, so the PDF thread's heap limit
// does not hold them: a 1 MB PDF whose one stream inflates to 1 GiB grew
// the server by 1.7 GiB. So before pdf.js sees a PDF, every stream marked
// /FlateDecode is inflated here as a stream of small chunks that are
// counted and dropped, and a PDF whose streams inflate past the cap is
// refused. Streams that do not inflate (encrypted, damaged, other
// filters) are left to pdf.js, which reads them or fails.

/** What all of one PDF's Flate streams may inflate to, together. */
export const MAX_PDF_INFLATED_BYTES = 256 * 1024 * 1024;

/** How far before `stream` its dictionary may begin. */
const DICTIONARY_WINDOW = 4096;

const STREAM = Buffer.from('stream');
const END_STREAM = Buffer.from('endstream');

/** The Flate-compressed streams of a PDF, found by their keywords. */
function* flateStreams(pdf: Buffer): Generator<Buffer> {
  let from = 0;
  for (;;) {
    const at = pdf.indexOf(STREAM, from);
    if (at < 0) {
      return;
    }
    // `endstream` contains `stream`: only a keyword starting a stream
    // counts, which is followed by a line end.
    let start = at + STREAM.length;
    const before = at > 2 ? pdf.subarray(at - 3, at).toString('latin1') : '';
    if (before === 'end') {
      from = start;
      continue;
    }
    if (pdf[start] === 0x0d) {
      start += 1;
    }
    if (pdf[start] !== 0x0a) {
      from = start;
      continue;
    }
    start += 1;
    const end = pdf.indexOf(END_STREAM, start);
    if (end < 0) {
      return;
    }
    const dictionary = pdf
      .subarray(Math.max(0, at - DICTIONARY_WINDOW), at)
      .toString('latin1');
    const opened = dictionary.lastIndexOf('<<');
    if (
      opened >= 0 &&
      /\/FlateDecode\b|\/Fl\b/.test(dictionary.slice(opened))
    ) {
      yield pdf.subarray(start, end);
    }
    from = end + END_STREAM.length;
  }
}

/**
 * How many bytes `data` inflates to, counted up to `limit` (past it, the
 * count stops at limit + 1); undefined when it is not a Flate stream.
 */
function inflatedSize(
  data: Buffer,
  limit: number,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const inflate = createInflate({ chunkSize: 64 * 1024 });
    let size = 0;
    let done = false;
    const finish = (value: number | undefined) => {
      if (!done) {
        done = true;
        inflate.destroy();
        resolve(value);
      }
    };
    inflate.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(limit + 1);
      }
    });
    inflate.on('end', () => finish(size));
    // A stream cut short (no end mark) still counts what came out.
    inflate.on('error', () => finish(size > 0 ? size : undefined));
    inflate.end(data);
  });
}

/**
 * Throws a PdfError when the PDF's Flate streams together inflate past
 * `cap` bytes; reads them without keeping more than a chunk at a time.
 */
export async function checkPdfInflation(
  bytes: Uint8Array,
  cap = MAX_PDF_INFLATED_BYTES,
): Promise<void> {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  for (const stream of flateStreams(pdf)) {
    const size = await inflatedSize(stream, cap - total);
    total += size ?? 0;
    if (total > cap) {
      throw new PdfError(
        `its compressed contents expand past ${cap / (1024 * 1024)} MiB`,
      );
    }
  }
}
