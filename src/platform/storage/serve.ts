import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isInlineSafe, isMarkup, OCTET_STREAM } from '../sniff.ts';
import type { BlobStore } from './blob-store.ts';
import { checkSha256 } from './errors.ts';
import { cleanFileName } from './names.ts';

// The one way stored bytes leave the server. Whatever a file holds, the
// browser is told not to guess its type, to run nothing in it and to
// embed it nowhere but our own pages; only types that cannot run
// anything are ever shown in the page rather than downloaded (BUG-09).

/**
 * A policy for the bytes themselves, in place of the site's: no scripts,
 * styles, plugins or frames, and a sandbox should a browser render it.
 */
export const BLOB_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

/** What to send: one blob, and how the person asked for it. */
export interface BlobToSend {
  sha256: string;
  /** The type sniffed from the bytes (../sniff.ts), never a claimed one. */
  mime: string;
  size: number;
  /** Shown to the person saving it; cleaned again here. */
  filename: string;
  /**
   * Show it in the page rather than download it. Honoured only for
   * re-encoded raster images and plain text (`isInlineSafe`); callers
   * pass true only for renditions we made, never for an original.
   */
  inline: boolean;
  /** Defaults to the reply's own request. */
  request?: FastifyRequest;
}

/**
 * Sends a stored blob with every safety header, answering 304 to a
 * matching If-None-Match and 206 to a single byte range (416 when it
 * cannot be met). A HEAD request gets the headers without opening the
 * bytes.
 */
export async function sendStoredBlob(
  reply: FastifyReply,
  store: BlobStore,
  blob: BlobToSend,
): Promise<FastifyReply> {
  const request = blob.request ?? reply.request;
  const etag = `"${checkSha256(blob.sha256)}"`;
  const inline = blob.inline && isInlineSafe(blob.mime);

  reply
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', BLOB_CSP)
    .header('cross-origin-resource-policy', 'same-origin')
    .header('cache-control', 'private, no-cache')
    .header('etag', etag)
    .header('accept-ranges', 'bytes');

  if (matchesEtag(request.headers['if-none-match'], etag)) {
    return reply.code(304).send();
  }

  reply
    .header('content-type', contentType(blob.mime))
    .header('content-disposition', contentDisposition(inline, blob.filename));

  const range = wantedRange(request, etag, blob.size);
  if (range === 'unsatisfiable') {
    return reply
      .code(416)
      .header('content-range', `bytes */${blob.size}`)
      .header('content-length', 0)
      .send();
  }
  const length = range ? range.end - range.start + 1 : blob.size;
  if (range) {
    reply
      .code(206)
      .header(
        'content-range',
        `bytes ${range.start}-${range.end}/${blob.size}`,
      );
  }
  reply.header('content-length', length);

  if (request.method === 'HEAD') {
    // An empty stream, not nothing: Fastify's HEAD handling keeps the
    // Content-Length of a stream but sets 0 for an empty reply.
    return reply.send(Readable.from([]));
  }
  if (length === 0) {
    return reply.send();
  }
  return reply.send(await store.open(blob.sha256, range));
}

/**
 * The Content-Type to send. Markup (HTML, SVG, XML) goes out as
 * application/octet-stream, not as what it is: it is always an
 * attachment, but should a browser or a proxy ever ignore the
 * disposition, octet-stream is still something no browser renders.
 * Plain text says UTF-8, which the sniffer checked (or a byte order mark,
 * which browsers honour first).
 */
export function contentType(mime: string): string {
  if (isMarkup(mime)) {
    return OCTET_STREAM;
  }
  if (mime === 'text/plain') {
    return 'text/plain; charset=utf-8';
  }
  return mime;
}

/**
 * `inline` or `attachment` with the name twice (RFC 6266): a plain ASCII
 * `filename` for old clients, with anything outside printable ASCII and
 * the quote, backslash and percent sign replaced by `_`, and the exact
 * name as RFC 5987 `filename*=UTF-8''…`.
 */
export function contentDisposition(inline: boolean, filename: string): string {
  const name = cleanFileName(filename);
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/gu, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const kind = inline ? 'inline' : 'attachment';
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** If-None-Match holds our tag (weak or strong) or `*`. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) {
    return false;
  }
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === etag || tag === '*');
}

type Wanted = { start: number; end: number } | 'unsatisfiable' | undefined;

/**
 * The one byte range asked for (RFC 9110 section 14). Several ranges, a
 * malformed header or an If-Range for other bytes get the whole blob,
 * which the standard allows; a well-formed range wholly past the end is
 * unsatisfiable.
 */
function wantedRange(
  request: FastifyRequest,
  etag: string,
  size: number,
): Wanted {
  const header = request.headers.range;
  if (!header || (request.method !== 'GET' && request.method !== 'HEAD')) {
    return undefined;
  }
  const ifRange = request.headers['if-range'];
  if (ifRange !== undefined && String(ifRange).trim() !== etag) {
    return undefined;
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  const [, first = '', last = ''] = match ?? [];
  if (!match || (first === '' && last === '')) {
    return undefined;
  }
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) {
      return 'unsatisfiable';
    }
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== '' && Number(last) < start) {
    return undefined;
  }
  return start < size ? { start, end } : 'unsatisfiable';
}
