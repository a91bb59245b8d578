// File names as people upload them are untrusted text: a browser may send
// a whole path, an attacker may send `../`, control characters that break
// a header, or bidi overrides that make `gpj.exe` read as `exe.jpg`. The
// cleaned name is only ever shown and put in headers; it never reaches a
// path on disk (bytes are named by their SHA-256).

/** The most UTF-8 bytes a cleaned name keeps: what most file systems allow. */
export const MAX_NAME_BYTES = 255;

/** An extension longer than this is treated as part of the name. */
const MAX_EXTENSION_BYTES = 32;

// C0 and C1 control characters (tab and newline among them), and the bidi
// formatting characters: marks (U+061C, U+200E, U+200F), embeddings and
// overrides (U+202A to U+202E) and isolates (U+2066 to U+2069). With the
// `u` flag the surrogate range matches only a half pair, which no encoder
// can send in a header.
const UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;

const ENDS = /^[\s.]+|[\s.]+$/gu;

const encoder = new TextEncoder();

/**
 * The name to show and send for an uploaded file: NFC, the last part of
 * any path (`/` or `\`), without control or bidi characters, without
 * spaces or dots at either end, at most 255 bytes of UTF-8 with its
 * extension kept. A name with nothing left becomes `file`.
 */
export function cleanFileName(raw: string): string {
  const trimmed = cleanWithoutCutting(raw);
  if (trimmed === '') {
    return 'file';
  }
  return cutToBytes(trimmed, MAX_NAME_BYTES);
}

function cleanWithoutCutting(raw: string): string {
  const normal = raw.replace(UNSAFE, '').normalize('NFC');
  const last = normal.split(/[/\\]/u).pop() ?? '';
  return last.replace(ENDS, '');
}

/** Why a name cannot be a file's name once cleaned. */
export type FileNameProblem = 'empty' | 'too-long';

/**
 * The cleaned name for a file that is being named (an upload, a rename),
 * or why it cannot be one: nothing left after cleaning, or more than
 * MAX_NAME_BYTES. Unlike cleanFileName it never cuts or invents a name,
 * since two different long names cut to one would become one file.
 */
export function checkFileName(
  raw: string,
): { name: string } | { problem: FileNameProblem } {
  const name = cleanWithoutCutting(raw);
  if (name === '') {
    return { problem: 'empty' };
  }
  if (byteLength(name) > MAX_NAME_BYTES) {
    return { problem: 'too-long' };
  }
  return { name };
}

/**
 * The key two names share when they name the same file in a folder: the
 * cleaned name in lower case. Used for "a file of that name exists".
 */
export function nameKey(name: string): string {
  return cleanFileName(name).toLowerCase().normalize('NFC');
}

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/** Shortens the part before the extension, one whole character at a time. */
function cutToBytes(name: string, limit: number): string {
  if (byteLength(name) <= limit) {
    return name;
  }
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot) : '';
  const keep = byteLength(extension) <= MAX_EXTENSION_BYTES ? extension : '';
  const base = keep ? name.slice(0, dot) : name;
  const cut = leadingGraphemes(base, limit - byteLength(keep));
  const tidy = cut.replace(/[\s.]+$/u, '');
  return (tidy || 'file') + keep;
}

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * The longest start of `text` within `limit` bytes that ends between two
 * user-perceived characters, so no letter loses its accent and no emoji
 * is split.
 */
function leadingGraphemes(text: string, limit: number): string {
  let used = 0;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    const size = byteLength(segment);
    if (used + size > limit) {
      break;
    }
    used += size;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
