import { cleanLine } from '../../../platform/text.ts';
import type { CsvRecord } from './csv.ts';
import { cutShort } from './damage.ts';

// How a file is recognised as an organogram return, and which column holds
// what. Published returns follow two templates (senior posts, and junior
// staff counted under a senior post), but the files people actually have
// drift from them: a blank or repeated header, a pandas index column in
// front, `Grade (or equivalent)` for `Grade`, "(£)" on the money columns.

export type OrganogramKind = 'senior' | 'junior';

/** The columns each template must have for a file to be read as one. */
export const REQUIRED_COLUMNS: Record<OrganogramKind, readonly string[]> = {
  senior: [
    'Post Unique Reference',
    'Name',
    'Grade',
    'Job Title',
    'Organisation',
    'Reports to Senior Post',
  ],
  junior: [
    'Reporting Senior Post',
    'Grade',
    'Generic Job Title',
    'Number of Posts in FTE',
    'Organisation',
  ],
};

// Other spellings seen in published files, by their folded form.
const ALIASES: Record<string, string> = {
  'grade (or equivalent)': 'grade',
  'contact email': 'contact e-mail',
};

/**
 * The form a header name is compared in: trimmed, lower case, spaces
 * folded, a trailing "(£)" dropped, known variants mapped to one name.
 */
export function headerKey(name: string): string {
  const folded = cleanLine(name.replace(/\uFEFF/g, ''))
    .toLowerCase()
    .replace(/\s*\(£\)$/, '');
  return ALIASES[folded] ?? folded;
}

/** Which cell of a row holds each known column. */
export class Columns {
  constructor(private readonly index: ReadonlyMap<string, number>) {}

  has(column: string): boolean {
    return this.index.has(headerKey(column));
  }

  /** The raw cell under a column, or '' when the file has no such column. */
  cell(cells: readonly string[], column: string): string {
    const at = this.index.get(headerKey(column));
    return at === undefined ? '' : (cells[at] ?? '');
  }
}

/** A recognised header: where it is, what kind of file, and its columns. */
export interface Header {
  kind: OrganogramKind;
  /** Position of the header among the records. */
  position: number;
  columns: Columns;
  warnings: string[];
}

// Exports sometimes put a title or a blank line above the header; look a
// little way down for it, but not through the whole file.
const HEADER_SEARCH_ROWS = 10;

/**
 * Finds the header row and the file's kind, or says in one line which
 * required columns are missing for the template the file comes nearest to.
 */
export function findHeader(records: CsvRecord[]): Header | { error: string } {
  let nearest: { kind: OrganogramKind; missing: string[] } | undefined;
  const candidates = records.slice(0, HEADER_SEARCH_ROWS);
  for (const [position, record] of candidates.entries()) {
    const keys = new Set(record.cells.map(headerKey));
    for (const kind of ['senior', 'junior'] as const) {
      const required = REQUIRED_COLUMNS[kind];
      const missing = required.filter((name) => !keys.has(headerKey(name)));
      if (missing.length === 0) {
        return { kind, position, ...mapColumns(record.cells) };
      }
      const share = (list: string[], of: OrganogramKind) =>
        1 - list.length / REQUIRED_COLUMNS[of].length;
      if (
        !nearest ||
        share(missing, kind) > share(nearest.missing, nearest.kind)
      ) {
        nearest = { kind, missing };
      }
    }
  }
  const missing = nearest?.missing ?? REQUIRED_COLUMNS.senior;
  return { error: `not an organogram: missing columns ${missing.join(', ')}` };
}

function mapColumns(cells: string[]): { columns: Columns; warnings: string[] } {
  const index = new Map<string, number>();
  const warnings: string[] = [];
  for (const [at, name] of cells.entries()) {
    const key = headerKey(name);
    // A blank name is the template's spare column or the index column
    // pandas writes in front; "Unnamed: 0" is that index read back in.
    if (key === '' || /^unnamed: \d+$/.test(key)) {
      continue;
    }
    if (index.has(key)) {
      warnings.push(
        `the column "${cleanLine(name)}" appears more than once; the first one is used`,
      );
      continue;
    }
    index.set(key, at);
  }
  return { columns: new Columns(index), warnings };
}

/** Why a file's bytes cannot be an organogram, or its text. */
export function decodeFile(
  bytes: Uint8Array,
): { text: string; warnings: string[] } | { error: string } {
  if (bytes.length === 0) {
    return { error: 'the file is empty' };
  }
  const utf16 = decodeUtf16(bytes);
  if (utf16 !== undefined) {
    return 'error' in utf16 ? utf16 : checkedText(utf16.text, []);
  }
  // No 8-bit text encoding an organogram comes in puts NUL bytes in text.
  if (bytes.includes(0)) {
    return { error: 'not an organogram: this is a binary file, not CSV text' };
  }
  const warnings: string[] = [];
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    if (endsMidCharacter(bytes)) {
      return { error: cutShort('the file ends in the middle of a character') };
    }
    // Files saved from older spreadsheets are Windows-1252; every byte
    // sequence means something there, so this cannot fail.
    text = decodeWindows1252(bytes);
    warnings.push('the file is not valid UTF-8; it was read as Windows-1252');
  }
  return checkedText(text, warnings);
}

function checkedText(
  text: string,
  warnings: string[],
): { text: string; warnings: string[] } | { error: string } {
  if (cleanLine(text.replace(/\uFEFF/g, '')) === '') {
    return { error: 'the file is empty' };
  }
  return { text, warnings };
}

/**
 * Text behind a UTF-16 byte order mark, which some exports and Windows
 * tools write; undefined when the file has none. Without the mark there
 * is no telling UTF-16 from binary, so such a file stays refused.
 */
function decodeUtf16(
  bytes: Uint8Array,
): { text: string } | { error: string } | undefined {
  const [first, second, third, fourth] = bytes;
  const encoding =
    first === 0xff && second === 0xfe
      ? 'utf-16le'
      : first === 0xfe && second === 0xff
        ? 'utf-16be'
        : undefined;
  if (encoding === undefined) {
    return undefined;
  }
  // FF FE 00 00 is the mark of UTF-32, which no spreadsheet writes.
  if (encoding === 'utf-16le' && third === 0 && fourth === 0) {
    return {
      error: 'the file is UTF-32 text, which is not read; save it as UTF-8',
    };
  }
  if (bytes.length % 2 === 1) {
    return { error: cutShort('the file ends in the middle of a character') };
  }
  try {
    // The decoder drops the byte order mark itself.
    return { text: new TextDecoder(encoding, { fatal: true }).decode(bytes) };
  } catch {
    return {
      error:
        `the file starts as ` +
        `${encoding === 'utf-16le' ? 'UTF-16 LE' : 'UTF-16 BE'} ` +
        `text but is not valid UTF-16`,
    };
  }
}

/**
 * True when the bytes are UTF-8 but for a character the end cuts in two.
 * A file of plain ASCII with one odd last byte could as well be
 * Windows-1252, so some other non-ASCII character must prove it UTF-8.
 */
function endsMidCharacter(bytes: Uint8Array): boolean {
  let start = bytes.length - 1;
  while (
    start > 0 &&
    bytes.length - start < 4 &&
    isContinuation(bytes[start])
  ) {
    start -= 1;
  }
  const lead = bytes[start] ?? 0;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 0;
  if (needed === 0 || bytes.length - start >= needed) {
    return false;
  }
  const rest = bytes.subarray(0, start);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(rest);
  } catch {
    return false;
  }
  return rest.some((byte) => byte >= 0x80);
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x80 && byte < 0xc0;
}

// Windows-1252 is Latin-1 but for bytes 0x80 to 0x9F, which hold curly
// quotes, dashes and the euro sign (WHATWG Encoding Standard). Node 20
// from 20.18.3 decodes the label 'windows-1252' as Latin-1 and turns those
// into control characters (nodejs/node#60888), so they are mapped here.
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030,
  0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e,
  0x178,
];

function decodeWindows1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (const [at, byte] of bytes.entries()) {
    units[at] = (byte >= 0x80 && WINDOWS_1252_HIGH[byte - 0x80]) || byte;
  }
  return new TextDecoder('utf-16le').decode(units);
}
