import { strToU8, Zip, ZipDeflate, zipSync } from 'fflate';
import type { Zippable } from 'fflate';

// Documents built in code for the processing tests: the smallest valid
// PDF, docx and OpenDocument files, and hostile zips.

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A zip of the given text entries. */
export function buildZip(entries: Record<string, string>): Uint8Array {
  const files: Zippable = {};
  for (const [name, text] of Object.entries(entries)) {
    files[name] = strToU8(text);
  }
  return zipSync(files);
}

/** A docx whose body is `paragraphs`, each of runs of text. */
export function buildDocx(paragraphs: string[][]): Uint8Array {
  const body = paragraphs
    .map(
      (runs) =>
        '<w:p>' +
        runs
          .map(
            (run) =>
              `<w:r><w:t xml:space="preserve">${escapeXml(run)}</w:t></w:r>`,
          )
          .join('') +
        '</w:p>',
    )
    .join('');
  return buildZip({
    '[Content_Types].xml': '<?xml version="1.0"?><Types/>',
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
      `<w:body>${body}</w:body></w:document>`,
  });
}

/** An OpenDocument text whose body is `paragraphs`. */
export function buildOdt(paragraphs: string[]): Uint8Array {
  const body = paragraphs
    .map((p) => `<text:p>${escapeXml(p)}</text:p>`)
    .join('');
  return buildZip({
    mimetype: 'application/vnd.oasis.opendocument.text',
    'content.xml':
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<office:document-content' +
      ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"' +
      ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">' +
      '<office:automatic-styles><style:style/></office:automatic-styles>' +
      `<office:body><office:text>${body}</office:text></office:body>` +
      '</office:document-content>',
  });
}

/**
 * A docx whose document part inflates to `megabytes` MiB of spaces
 * between its tags (no text, so a reader cannot stop early on a full
 * text), built a mebibyte at a time so the test never holds them.
 */
export function buildDocxBomb(megabytes: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((error, chunk) => {
    if (error) {
      throw error;
    }
    chunks.push(chunk);
  });
  const part = new ZipDeflate('word/document.xml', { level: 9 });
  zip.add(part);
  part.push(strToU8('<w:document><w:body><w:p><w:r>'));
  const spaces = new Uint8Array(1024 * 1024).fill(0x20);
  for (let i = 0; i < megabytes; i += 1) {
    part.push(spaces);
  }
  part.push(strToU8('<w:t>end</w:t></w:r></w:p></w:body></w:document>'), true);
  zip.end();
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** A PDF string literal: backslashes and parentheses escaped. */
const pdfString = (text: string) => `(${text.replace(/([\\()])/g, '\\$1')})`;

/**
 * A PDF of one page per entry of `pages`, each showing its lines in
 * Helvetica on a page of `width` by `height` points, with a correct
 * cross-reference table.
 */
export function buildPdf(
  pages: string[][],
  { width = 612, height = 792 }: { width?: number; height?: number } = {},
): Uint8Array {
  const objects: string[] = [];
  const kids = pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ');
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pages.forEach((lines, i) => {
    const stream =
      'BT /F1 18 Tf 72 ' +
      String(height - 72) +
      ' Td 24 TL ' +
      lines.map((line) => `${pdfString(line)} Tj T*`).join(' ') +
      ' ET';
    objects[4 + i * 2] =
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${width} ${height}]` +
      ` /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`;
    objects[5 + i * 2] =
      `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id += 1) {
    offsets[id] = out.length;
    out += `${id} 0 obj\n${objects[id] ?? ''}\nendobj\n`;
  }
  const xref = out.length;
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id += 1) {
    out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
  }
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  // Only ASCII is written, so characters and bytes line up.
  return strToU8(out);
}
