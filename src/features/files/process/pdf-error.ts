// Its own module so the server can name it without loading pdf.js: the
// legacy build of pdf.js replaces Array.prototype.push, in the whole
// process, with a slower polyfill of its own (./pdf.ts runs in a thread).

/** Why a PDF was not read: too slow, or not a PDF pdf.js can open. */
export class PdfError extends Error {
  override name = 'PdfError';
}
