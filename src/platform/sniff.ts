// A file's type comes from its bytes, never from its name or from what the
// browser claimed: a name ending `.png` proves nothing, and an HTML page
// served as an image from our origin would run in our users' sessions
// (BUG-09). The result decides how a file is served (./storage/serve.ts)
// and which extractor reads it; anything unknown is octet-stream.

/** How many leading bytes `sniffType` wants; more are ignored. */
export const SNIFF_BYTES = 4096;

/** Bytes of no type we know, or that we will not name. */
export const OCTET_STREAM = 'application/octet-stream';

/**
 * The type of a file from its first bytes (up to `SNIFF_BYTES`): known
 * binary formats by their magic numbers, then text, which is HTML, SVG or
 * XML when it looks like markup and `text/plain` otherwise. A head of
 * exactly `SNIFF_BYTES` is taken to be cut short, so a character split at
 * its end does not make UTF-8 text look binary.
 */
export function sniffType(head: Buffer): string {
  const bytes = head.subarray(0, SNIFF_BYTES);
  return (
    magicType(bytes) ??
    textType(bytes, bytes.length === SNIFF_BYTES) ??
    OCTET_STREAM
  );
}

const INLINE_SAFE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
]);

/**
 * Whether bytes of this type may be shown inside our pages: only raster
 * images browsers decode without running anything, and plain text. It
 * says what the type allows, not which bytes to trust: an uploaded image
 * still goes out as an attachment, and only the copy we re-encoded is
 * shown inline.
 */
export function isInlineSafe(mime: string): boolean {
  return INLINE_SAFE.has(essence(mime));
}

const RASTER = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/tiff',
  'image/avif',
]);

/**
 * Whether this is a raster image the image library (sharp) can decode, so
 * a re-encoded display copy and a thumbnail can be made from it. SVG is
 * not: it is a document that can hold scripts.
 */
export function isRasterImage(mime: string): boolean {
  return RASTER.has(essence(mime));
}

const MARKUP = new Set(['text/html', 'image/svg+xml', 'application/xml']);

/** Whether a browser given this type would parse it as a document. */
export function isMarkup(mime: string): boolean {
  return MARKUP.has(essence(mime));
}

function essence(mime: string): string {
  return (mime.split(';')[0] ?? '').trim().toLowerCase();
}

function startsWith(bytes: Buffer, signature: string, at = 0): boolean {
  return (
    bytes.length >= at + signature.length &&
    bytes.toString('latin1', at, at + signature.length) === signature
  );
}

/** The formats told apart by their first bytes alone. */
function magicType(bytes: Buffer): string | undefined {
  if (startsWith(bytes, '\x89PNG\r\n\x1a\n')) {
    return 'image/png';
  }
  if (startsWith(bytes, '\xff\xd8\xff')) {
    return 'image/jpeg';
  }
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) {
    return 'image/gif';
  }
  if (startsWith(bytes, 'RIFF')) {
    return riffType(bytes);
  }
  if (startsWith(bytes, 'II*\x00') || startsWith(bytes, 'MM\x00*')) {
    return 'image/tiff';
  }
  if (isBmp(bytes)) {
    return 'image/bmp';
  }
  if (isIco(bytes)) {
    return 'image/vnd.microsoft.icon';
  }
  if (startsWith(bytes, '%PDF-')) {
    return 'application/pdf';
  }
  if (startsWith(bytes, 'PK\x03\x04') || startsWith(bytes, 'PK\x05\x06')) {
    return zipType(bytes);
  }
  if (startsWith(bytes, '\x1f\x8b\x08')) {
    return 'application/gzip';
  }
  if (startsWith(bytes, 'ftyp', 4)) {
    return isoMediaType(bytes.toString('latin1', 8, 12));
  }
  if (startsWith(bytes, 'OggS\x00')) {
    return 'audio/ogg';
  }
  if (startsWith(bytes, 'fLaC')) {
    return 'audio/flac';
  }
  if (startsWith(bytes, '\x1a\x45\xdf\xa3')) {
    return 'video/webm';
  }
  if (startsWith(bytes, 'ID3') || isMpegAudioFrame(bytes)) {
    return 'audio/mpeg';
  }
  return undefined;
}

function riffType(bytes: Buffer): string | undefined {
  if (startsWith(bytes, 'WEBP', 8)) {
    return 'image/webp';
  }
  if (startsWith(bytes, 'WAVE', 8)) {
    return 'audio/wav';
  }
  return undefined;
}

/** "BM" alone is too common in text; the header around it must fit too. */
function isBmp(bytes: Buffer): boolean {
  if (!startsWith(bytes, 'BM') || bytes.length < 18) {
    return false;
  }
  const infoSize = bytes.readUInt32LE(14);
  return (
    bytes.readUInt32LE(6) === 0 && [12, 40, 52, 56, 108, 124].includes(infoSize)
  );
}

function isIco(bytes: Buffer): boolean {
  return (
    bytes.length >= 22 &&
    startsWith(bytes, '\x00\x00\x01\x00') &&
    bytes.readUInt16LE(4) > 0 &&
    bytes[9] === 0
  );
}

/**
 * An MP3 without an ID3 tag: a Layer III frame header (sync bits, a
 * usable bit rate and sample rate). Layers I and II are left out: their
 * first bytes can be a UTF-16 byte order mark followed by text.
 */
function isMpegAudioFrame(bytes: Buffer): boolean {
  const [sync = 0, flags = 0, rates = 0] = bytes;
  const bitrate = rates >> 4;
  return (
    sync === 0xff &&
    (flags & 0xe6) === 0xe2 &&
    bitrate !== 0 &&
    bitrate !== 15 &&
    ((rates >> 2) & 3) !== 3
  );
}

/** MP4, QuickTime and their relatives name a brand after `ftyp`. */
function isoMediaType(brand: string): string {
  if (brand === 'qt  ') {
    return 'video/quicktime';
  }
  if (brand === 'M4A ' || brand === 'M4B ') {
    return 'audio/mp4';
  }
  if (brand === 'avif' || brand === 'avis') {
    return 'image/avif';
  }
  if (['heic', 'heix', 'mif1', 'msf1'].includes(brand)) {
    return 'image/heic';
  }
  return 'video/mp4';
}

const OPEN_DOCUMENT = new Set([
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/vnd.oasis.opendocument.graphics',
  'application/epub+zip',
]);

/** Word, Excel and PowerPoint files (Office Open XML), for extractors. */
export const DOCX =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX =
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PPTX =
  'application/vnd.openxmlformats-officedocument.presentationml.presentation';

/**
 * A ZIP archive, or a document format built on one. OpenDocument stores
 * its type uncompressed as the first entry, `mimetype`; Office Open XML
 * is told by its folders. Names seen only in the local headers of the
 * head; `zipTypeFromEntries` decides again from the central directory.
 */
function zipType(bytes: Buffer): string {
  const first = localEntry(bytes, 0);
  if (first?.name === 'mimetype' && first.method === 0) {
    const declared = bytes
      .toString('latin1', first.dataStart, first.dataStart + first.size)
      .trim();
    if (OPEN_DOCUMENT.has(declared)) {
      return declared;
    }
  }
  const names: string[] = [];
  let at = bytes.indexOf('PK\x03\x04', 0, 'latin1');
  while (at >= 0) {
    const entry = localEntry(bytes, at);
    if (entry) {
      names.push(entry.name);
    }
    at = bytes.indexOf('PK\x03\x04', at + 4, 'latin1');
  }
  return zipTypeFromEntries(names);
}

interface LocalEntry {
  name: string;
  method: number;
  size: number;
  dataStart: number;
}

function localEntry(bytes: Buffer, at: number): LocalEntry | undefined {
  if (bytes.length < at + 30) {
    return undefined;
  }
  const nameLength = bytes.readUInt16LE(at + 26);
  const extraLength = bytes.readUInt16LE(at + 28);
  const nameEnd = at + 30 + nameLength;
  if (bytes.length < nameEnd) {
    return undefined;
  }
  return {
    name: bytes.toString('utf8', at + 30, nameEnd),
    method: bytes.readUInt16LE(at + 8),
    size: bytes.readUInt32LE(at + 18),
    dataStart: nameEnd + extraLength,
  };
}

/**
 * The type of a ZIP archive from the names of its entries: a Word,
 * Excel or PowerPoint file by its main part's folder, otherwise a plain
 * archive. Callers that can read the central directory pass every name.
 */
export function zipTypeFromEntries(names: Iterable<string>): string {
  for (const name of names) {
    if (name.startsWith('word/')) {
      return DOCX;
    }
    if (name.startsWith('xl/')) {
      return XLSX;
    }
    if (name.startsWith('ppt/')) {
      return PPTX;
    }
  }
  return 'application/zip';
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
const utf16be = new TextDecoder('utf-16be', { fatal: true, ignoreBOM: true });

/** Plain text or markup, when the bytes decode as text without NULs. */
function textType(bytes: Buffer, cutShort: boolean): string | undefined {
  if (bytes.length === 0) {
    return undefined;
  }
  const text = decodeText(bytes, cutShort);
  if (text === undefined || text.includes('\u0000')) {
    return undefined;
  }
  return markupType(text) ?? 'text/plain';
}

function decodeText(bytes: Buffer, cutShort: boolean): string | undefined {
  const [a, b] = bytes;
  let decoder = utf8;
  let body = bytes;
  if (a === 0xff && b === 0xfe) {
    decoder = utf16le;
    body = bytes.subarray(2, cutShort ? bytes.length & ~1 : undefined);
  } else if (a === 0xfe && b === 0xff) {
    decoder = utf16be;
    body = bytes.subarray(2, cutShort ? bytes.length & ~1 : undefined);
  } else if (startsWith(bytes, '\xef\xbb\xbf')) {
    body = bytes.subarray(3);
  }
  const tries = cutShort ? 4 : 1;
  for (let drop = 0; drop < tries; drop += 1) {
    try {
      return decoder.decode(body.subarray(0, body.length - drop));
    } catch {
      // A character cut at the end of the head: try without its start.
    }
  }
  return undefined;
}

// Tags that make a browser treat text as a page, after the ones the HTML
// standard's sniffing rules look for, and the ones that run scripts or
// load other documents.
const HTML_ROOTS = [
  'html',
  'head',
  'body',
  'script',
  'iframe',
  'frameset',
  'object',
  'embed',
  'style',
  'title',
  'meta',
  'link',
  'a',
  'b',
  'p',
  'br',
  'div',
  'font',
  'table',
  'h1',
  'img',
  'form',
];

const TAG_END = /^[\s/>]/u;

/** HTML, SVG or XML, decided from how the text starts and what it holds. */
function markupType(text: string): string | undefined {
  const lower = text.toLowerCase();
  const start = skipProlog(lower);
  if (start.doctype !== undefined) {
    if (/^html(?![\w-])/u.test(start.doctype)) {
      return 'text/html';
    }
    if (/^svg(?![\w-])/u.test(start.doctype)) {
      return 'image/svg+xml';
    }
  }
  const rest = lower.slice(start.at);
  const root = /^<([a-z][a-z0-9]*(?::[a-z][a-z0-9]*)?)/u.exec(rest)?.[1];
  const after = rest.slice((root?.length ?? 0) + 1);
  if (root !== undefined && (after === '' || TAG_END.test(after))) {
    const local = root.replace(/^[a-z0-9]+:/u, '');
    if (local === 'svg') {
      return 'image/svg+xml';
    }
    if (HTML_ROOTS.includes(local)) {
      return 'text/html';
    }
  }
  const inside = containedMarkup(lower);
  if (inside) {
    return inside;
  }
  if (start.marked) {
    return 'application/xml';
  }
  // The HTML standard's sniffing takes a leading comment for a page.
  if (start.comment) {
    return 'text/html';
  }
  return /^<[a-z_]/u.test(rest) ? 'application/xml' : undefined;
}

/** The first of `<svg`, `<script`, `<html` anywhere in the text decides. */
function containedMarkup(lower: string): string | undefined {
  const found = /<(svg|script|html)(?![\w-])/u.exec(lower);
  if (!found) {
    return undefined;
  }
  return found[1] === 'svg' ? 'image/svg+xml' : 'text/html';
}

interface Prolog {
  /** Where the first thing after the prolog starts. */
  at: number;
  /** The doctype's text after `<!doctype `, when there was one. */
  doctype?: string;
  /** An XML declaration, processing instruction or doctype was seen. */
  marked: boolean;
  /** A comment was seen, closed or not. */
  comment: boolean;
}

/**
 * Steps over what may come before a document's first element: white
 * space, comments, the `<?xml` declaration and other processing
 * instructions (`<?xml-stylesheet`), and a doctype.
 */
function skipProlog(lower: string): Prolog {
  const prolog: Prolog = { at: 0, marked: false, comment: false };
  for (;;) {
    while (/^[\s\ufeff]/u.test(lower.slice(prolog.at, prolog.at + 1))) {
      prolog.at += 1;
    }
    const rest = lower.slice(prolog.at);
    if (rest.startsWith('<!--')) {
      prolog.comment = true;
      const end = rest.indexOf('-->', 4);
      if (end < 0) {
        return prolog;
      }
      prolog.at += end + 3;
    } else if (rest.startsWith('<?')) {
      prolog.marked = true;
      const end = rest.indexOf('?>', 2);
      if (end < 0) {
        return prolog;
      }
      prolog.at += end + 2;
    } else if (rest.startsWith('<!doctype')) {
      prolog.marked = true;
      prolog.doctype = rest.slice(9).trimStart();
      const end = doctypeEnd(rest);
      if (end < 0) {
        return prolog;
      }
      prolog.at += end + 1;
    } else {
      return prolog;
    }
  }
}

/** The `>` closing a doctype, past any internal subset in brackets. */
function doctypeEnd(rest: string): number {
  const bracket = rest.indexOf('[');
  const close = rest.indexOf('>');
  if (bracket >= 0 && bracket < close) {
    const subsetEnd = rest.indexOf(']', bracket);
    return subsetEnd < 0 ? -1 : rest.indexOf('>', subsetEnd);
  }
  return close;
}
