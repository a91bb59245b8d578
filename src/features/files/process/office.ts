import sax from 'sax';
import { listZipEntries, readZipEntry, zipBudget, ZipError } from './zip.ts';
import type { ZipEntry, ZipLimits } from './zip.ts';
import type { ByteSource } from './source.ts';
import { TextCollector } from './text-collector.ts';

// The words of Word (docx) and OpenDocument (odt, ods, odp) files: each
// is a zip holding one XML part with the body, read as a stream by sax.
// sax expands only XML's five named entities and character references;
// entities a document declares for itself are never expanded, so a
// "billion laughs" document yields errors, not gigabytes.

type Format = 'docx' | 'odf';

const PARTS: Record<Format, string> = {
  docx: 'word/document.xml',
  odf: 'content.xml',
};

/** Which office format a zip holds, from the entries it lists. */
export function officeFormatOf(entries: readonly ZipEntry[]): Format | null {
  const names = new Set(entries.map((entry) => entry.name));
  if (names.has(PARTS.docx)) {
    return 'docx';
  }
  if (names.has(PARTS.odf) && names.has('mimetype')) {
    return 'odf';
  }
  return null;
}

/**
 * The text of a docx or OpenDocument file, paragraphs on lines of their
 * own; null when the zip is neither. Throws a ZipError for a zip that is
 * damaged or inflates past the limits.
 */
export async function officeText(
  source: ByteSource,
  limits?: ZipLimits,
  collector = new TextCollector(),
): Promise<string | null> {
  const entries = await listZipEntries(source, limits);
  const format = officeFormatOf(entries);
  if (!format) {
    return null;
  }
  const entry = entries.find((each) => each.name === PARTS[format]);
  if (!entry) {
    throw new ZipError('the document part is missing');
  }
  const parser =
    format === 'docx' ? docxParser(collector) : odfParser(collector);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of readZipEntry(source, entry, zipBudget(limits))) {
    parser.write(decoder.decode(chunk, { stream: true }));
    if (collector.full) {
      break;
    }
  }
  if (!collector.full) {
    parser.write(decoder.decode());
    parser.close();
  }
  return collector.text();
}

/** A sax parser that carries on past errors: a damaged part still yields words. */
function tolerantParser(): sax.SAXParser {
  const parser = sax.parser(true, { trim: false, normalize: false });
  parser.onerror = () => {
    parser.error = null as unknown as Error;
    parser.resume();
  };
  return parser;
}

// WordprocessingML: the words are in <w:t> runs; <w:tab/> and <w:br/>
// stand for a tab and a line break, and each <w:p> is a paragraph.
// Deleted text (<w:delText>) and field codes (<w:instrText>) are left
// out, as Word leaves them out of the page.
function docxParser(collector: TextCollector): sax.SAXParser {
  const parser = tolerantParser();
  let inText = 0;
  parser.onopentag = (tag) => {
    if (tag.name === 'w:t') {
      inText += 1;
    } else if (tag.name === 'w:tab') {
      collector.add('\t');
    } else if (tag.name === 'w:br' || tag.name === 'w:cr') {
      collector.add('\n');
    }
  };
  parser.onclosetag = (name) => {
    if (name === 'w:t') {
      inText = Math.max(0, inText - 1);
    } else if (name === 'w:p') {
      collector.add('\n');
    }
  };
  parser.ontext = (text) => {
    if (inText > 0) {
      collector.add(text);
    }
  };
  return parser;
}

// OpenDocument: the words are the text inside <office:body>; <text:p>
// and <text:h> are paragraphs (also in spreadsheet cells and slides),
// <text:s text:c="3"/> stands for spaces, <text:tab/> and
// <text:line-break/> for a tab and a new line.
function odfParser(collector: TextCollector): sax.SAXParser {
  const parser = tolerantParser();
  let inBody = 0;
  parser.onopentag = (tag) => {
    if (tag.name === 'office:body') {
      inBody += 1;
    } else if (inBody === 0) {
      return;
    } else if (tag.name === 'text:s') {
      const raw = tag.attributes['text:c'];
      const count = Number(typeof raw === 'string' ? raw : 1);
      const spaces = Number.isInteger(count) ? Math.min(count, 100) : 1;
      collector.add(' '.repeat(Math.max(spaces, 1)));
    } else if (tag.name === 'text:tab') {
      collector.add('\t');
    } else if (tag.name === 'text:line-break') {
      collector.add('\n');
    }
  };
  parser.onclosetag = (name) => {
    if (name === 'office:body') {
      inBody = Math.max(0, inBody - 1);
    } else if (inBody > 0 && (name === 'text:p' || name === 'text:h')) {
      collector.add('\n');
    }
  };
  const onText = (text: string) => {
    if (inBody > 0) {
      collector.add(text);
    }
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  return parser;
}
