// A CSV reader for RFC 4180 text, written for organogram returns: quoted
// cells, doubled quotes inside them, line breaks inside quoted cells, CRLF
// or LF (or a lone CR) between records, and a byte order mark at the start.
// Each record keeps the physical line it starts on, so a skipped row can be
// reported by the line number an editor shows.
//
// It is lenient where spreadsheets are sloppy: text after a closing quote
// is kept as part of the cell, and a quote in the middle of an unquoted
// cell is an ordinary character.

/** One record of a CSV file. */
export interface CsvRecord {
  /** The physical line (from 1) the record starts on. */
  line: number;
  cells: string[];
  /**
   * The line on which a quoted cell of this record opens that is never
   * closed: the cell ran to the end of the text.
   */
  unclosedQuoteLine?: number;
}

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

/** Splits CSV text into records, each with its starting line number. */
export function readCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;

  while (pos < text.length) {
    const record: CsvRecord = { line, cells: [] };
    for (;;) {
      let value: string;
      if (text.charCodeAt(pos) === QUOTE) {
        const quoted = readQuoted(text, pos + 1);
        if (quoted.unclosed) {
          record.unclosedQuoteLine = line;
        }
        line += quoted.lineBreaks;
        const end = cellEnd(text, quoted.next);
        value = quoted.value + text.slice(quoted.next, end);
        pos = end;
      } else {
        const end = cellEnd(text, pos);
        value = text.slice(pos, end);
        pos = end;
      }
      record.cells.push(value);

      const code = text.charCodeAt(pos);
      if (code === COMMA) {
        pos += 1;
        continue;
      }
      if (code === CR) {
        pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
        line += 1;
      } else if (code === LF) {
        pos += 1;
        line += 1;
      }
      break;
    }
    records.push(record);
  }
  return records;
}

/** Where an unquoted cell (or the rest after a closing quote) ends. */
function cellEnd(text: string, from: number): number {
  let pos = from;
  while (pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code === COMMA || code === CR || code === LF) {
      break;
    }
    pos += 1;
  }
  return pos;
}

/** Reads a quoted cell's content, starting just after its opening quote. */
function readQuoted(
  text: string,
  from: number,
): { value: string; next: number; lineBreaks: number; unclosed: boolean } {
  let value = '';
  let pos = from;
  let lineBreaks = 0;
  for (;;) {
    const quote = text.indexOf('"', pos);
    const end = quote === -1 ? text.length : quote;
    lineBreaks += countLineBreaks(text, pos, end);
    value += text.slice(pos, end);
    if (quote === -1) {
      return { value, next: end, lineBreaks, unclosed: true };
    }
    if (text.charCodeAt(quote + 1) === QUOTE) {
      value += '"';
      pos = quote + 2;
      continue;
    }
    return { value, next: quote + 1, lineBreaks, unclosed: false };
  }
}

/** Line breaks between two offsets, counting CRLF once. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let pos = from; pos < to; pos += 1) {
    const code = text.charCodeAt(pos);
    if (code === LF) {
      count += 1;
    } else if (code === CR && text.charCodeAt(pos + 1) !== LF) {
      count += 1;
    }
  }
  return count;
}
