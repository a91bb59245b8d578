import { officeText } from './office.ts';
import { pdfTextInThread } from './pdf-thread.ts';
import { plainText } from './plain-text.ts';
import { readAtMost } from './source.ts';
import type { ByteSource } from './source.ts';

// Which reader takes the words out of a version, by the type sniffed
// from its bytes (src/platform/sniff.ts).

/** PDFs are read whole into memory; larger ones are not read. */
export const MAX_PDF_BYTES = 100 * 1024 * 1024;

const TEXT_TYPES = new Set(['text/plain', 'text/csv', 'text/markdown']);
const OFFICE_TYPES = new Set([
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/vnd.oasis.opendocument.graphics',
]);

/** Whether `mime` (parameters ignored) is a type whose words are read. */
export function hasReadableText(mime: string): boolean {
  const type = baseType(mime);
  return (
    TEXT_TYPES.has(type) || OFFICE_TYPES.has(type) || type === 'application/pdf'
  );
}

function baseType(mime: string): string {
  return (mime.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The words of a version, or null when its type holds none we read (a
 * zip that is no office document, an image, a PDF over the size read).
 * Throws when the bytes are damaged or pass a limit (ZipError, PdfError).
 */
export async function extractText(
  source: ByteSource,
  mime: string,
): Promise<string | null> {
  const type = baseType(mime);
  if (TEXT_TYPES.has(type)) {
    return plainText(source);
  }
  if (OFFICE_TYPES.has(type)) {
    return officeText(source);
  }
  if (type === 'application/pdf') {
    const bytes = await readAtMost(source, MAX_PDF_BYTES);
    return bytes ? pdfTextInThread(bytes) : null;
  }
  // TODO: XML files (MediaWiki, WordPress and forum exports) are not read,
  // so only their names are searchable; they need their text nodes read
  // with sax, without expanding entities, in the encoding they declare.
  return null;
}
