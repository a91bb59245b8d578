import assert from 'node:assert/strict';
import { test } from 'node:test';
import { strToU8, zipSync } from 'fflate';
import sharp from 'sharp';
import type { Zippable } from 'fflate';
import {
  DOCX,
  isInlineSafe,
  isMarkup,
  isRasterImage,
  PPTX,
  sniffType,
  SNIFF_BYTES,
  XLSX,
  zipTypeFromEntries,
} from './sniff.ts';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
const PNG = '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR';
const ODT = 'application/vnd.oasis.opendocument.text';

function utf16(text: string, order: 'le' | 'be'): Buffer {
  const body = Buffer.from(text, 'utf16le');
  if (order === 'be') {
    body.swap16();
  }
  return Buffer.concat([
    Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]),
    body,
  ]);
}

function zip(entries: Record<string, string>, storedFirst = false): Buffer {
  const files: Zippable = Object.fromEntries(
    Object.entries(entries).map(([name, text], index) => [
      name,
      [strToU8(text), { level: storedFirst && index === 0 ? 0 : 6 }],
    ]),
  );
  return Buffer.from(zipSync(files));
}

function bmp(): Buffer {
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  return header;
}

function ico(): Buffer {
  const header = Buffer.alloc(22);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(1, 4);
  header[6] = 16;
  header[7] = 16;
  return header;
}

test('hostile files are typed by their bytes, never their claims', () => {
  const samples: [string, Buffer, string][] = [
    [
      'SVG with a script',
      utf8(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      ),
      'image/svg+xml',
    ],
    [
      'SVG behind an XML declaration, a comment and a doctype',
      utf8(
        '<?xml version="1.0"?>\n<!-- drawn by hand -->\n' +
          '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n' +
          '<svg onload="alert(1)"/>',
      ),
      'image/svg+xml',
    ],
    [
      'SVG with an entity subset in its doctype',
      utf8('<!DOCTYPE x [ <!ENTITY a "<b>"> ]>\n<SVG></SVG>'),
      'image/svg+xml',
    ],
    [
      'HTML named .png',
      utf8('<html><body><script>alert(1)</script>'),
      'text/html',
    ],
    [
      'HTML doctype in capitals',
      utf8('  \r\n<!DOCTYPE HTML>\n<p>hi'),
      'text/html',
    ],
    [
      'HTML fragment starting with a script tag',
      utf8('<script src=//x></script>'),
      'text/html',
    ],
    [
      'an image tag with onerror',
      utf8('<img src=x onerror=alert(1)>'),
      'text/html',
    ],
    ['an iframe', utf8('<IFRAME src="javascript:alert(1)">'), 'text/html'],
    [
      'a head with a refresh',
      utf8('<head><meta http-equiv=refresh>'),
      'text/html',
    ],
    [
      'XHTML',
      utf8(
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html PUBLIC ' +
          '"-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">\n<html xmlns="x"/>',
      ),
      'text/html',
    ],
    [
      'XML with an XSLT stylesheet',
      utf8(
        '<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="x.xsl"?><doc/>',
      ),
      'application/xml',
    ],
    [
      'XML without a declaration',
      utf8('<note><to>Ann</to></note>'),
      'application/xml',
    ],
    [
      'text hiding a script further in',
      utf8('Dear Ann,\n\nsee <script>x()</script>'),
      'text/html',
    ],
    [
      'text hiding an SVG further in',
      utf8('notes\n<svg><script/></svg>'),
      'image/svg+xml',
    ],
    ['a lone leading comment', utf8('<!-- nothing else -->hello'), 'text/html'],
    ['an unclosed leading comment', utf8('<!-- and it goes on'), 'text/html'],
    [
      'an HTML page in UTF-16 with a BOM',
      utf16('<html><script>x</script>', 'le'),
      'text/html',
    ],
    ['an SVG in big-endian UTF-16', utf16('\n<svg/>', 'be'), 'image/svg+xml'],
    ['HTML behind a UTF-8 BOM', utf8('\ufeff<body onload=x()>'), 'text/html'],
    [
      'a GIFAR: a GIF header, then HTML and a ZIP',
      Buffer.concat([
        latin1('GIF89a\x01\x00\x01\x00'),
        utf8('<script>x</script>'),
        zip({ 'a.class': 'x' }),
      ]),
      'image/gif',
    ],
    [
      'a PNG with HTML after its header',
      latin1(`${PNG}<html><script>x</script>`),
      'image/png',
    ],
    [
      'a JPEG with a script in a comment',
      latin1('\xff\xd8\xff\xfe\x00\x10<script>x</script>'),
      'image/jpeg',
    ],
    [
      'a PDF with JavaScript',
      latin1('%PDF-1.7\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>'),
      'application/pdf',
    ],
    ['text with NULs', utf8('hello\u0000world'), 'application/octet-stream'],
    [
      'UTF-16 without a BOM',
      Buffer.from('<html>', 'utf16le'),
      'application/octet-stream',
    ],
    ['invalid UTF-8', latin1('caf\xe9 <html>'), 'application/octet-stream'],
    ['an empty file', Buffer.alloc(0), 'application/octet-stream'],
    ['a one-byte file', utf8('<'), 'text/plain'],
    ['a one-byte binary file', Buffer.from([0x89]), 'application/octet-stream'],
    ['"BM" as the start of text', utf8('BMW service due in May'), 'text/plain'],
    ['a less-than sign in prose', utf8('<3 to the team; x < y'), 'text/plain'],
    [
      'a docx whose body holds a script',
      zip({
        '[Content_Types].xml': '<Types/>',
        'word/document.xml': '<script/>',
      }),
      DOCX,
    ],
  ];
  for (const [name, bytes, expected] of samples) {
    assert.equal(sniffType(bytes), expected, name);
  }
  assert.ok(samples.length >= 20);
});

test('known binary formats are told by their magic numbers', () => {
  const samples: [Buffer, string][] = [
    [latin1(PNG), 'image/png'],
    [latin1('\xff\xd8\xff\xe0\x00\x10JFIF'), 'image/jpeg'],
    [latin1('GIF87a'), 'image/gif'],
    [latin1('RIFF\x24\x00\x00\x00WEBPVP8 '), 'image/webp'],
    [latin1('RIFF\x24\x00\x00\x00WAVEfmt '), 'audio/wav'],
    [bmp(), 'image/bmp'],
    [latin1('II*\x00\x08\x00\x00\x00'), 'image/tiff'],
    [latin1('MM\x00*\x00\x00\x00\x08'), 'image/tiff'],
    [ico(), 'image/vnd.microsoft.icon'],
    [latin1('\x1f\x8b\x08\x00\x00\x00\x00\x00'), 'application/gzip'],
    [latin1('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00'), 'video/mp4'],
    [latin1('\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00'), 'video/quicktime'],
    [latin1('\x00\x00\x00\x1cftypavif'), 'image/avif'],
    [latin1('ID3\x04\x00\x00\x00\x00\x00\x00'), 'audio/mpeg'],
    [latin1('\xff\xfb\x90\x64\x00'), 'audio/mpeg'],
    [latin1('OggS\x00\x02\x00\x00'), 'audio/ogg'],
    [latin1('fLaC\x00\x00\x00\x22'), 'audio/flac'],
    [latin1('\x1a\x45\xdf\xa3\x9f\x42\x86\x81'), 'video/webm'],
    [latin1('PK\x05\x06'.padEnd(22, '\x00')), 'application/zip'],
  ];
  for (const [bytes, expected] of samples) {
    assert.equal(sniffType(bytes), expected, expected);
  }
});

test('a ZIP is a document when its entries say which', () => {
  assert.equal(
    sniffType(zip({ mimetype: ODT, 'content.xml': '<x/>' }, true)),
    ODT,
  );
  assert.equal(
    sniffType(zip({ mimetype: 'text/html', 'index.html': '<html>' }, true)),
    'application/zip',
  );
  assert.equal(sniffType(zip({ 'xl/workbook.xml': '<w/>' })), XLSX);
  assert.equal(sniffType(zip({ 'ppt/presentation.xml': '<p/>' })), PPTX);
  assert.equal(sniffType(zip({ 'notes.txt': 'hello' })), 'application/zip');
  assert.equal(zipTypeFromEntries(['_rels/.rels', 'word/document.xml']), DOCX);
  assert.equal(zipTypeFromEntries(['[Content_Types].xml']), 'application/zip');
});

test('plain text is valid UTF-8, or UTF-16 with a byte order mark', () => {
  assert.equal(sniffType(utf8('Grüße, 東京 🚀\nline two')), 'text/plain');
  assert.equal(sniffType(utf8('{"json": true}')), 'text/plain');
  assert.equal(sniffType(utf16('plain words', 'le')), 'text/plain');
  assert.equal(sniffType(utf8('\ufeffwith a BOM')), 'text/plain');
});

test('a full head may end inside a character; a short one may not', () => {
  const cut = utf8('é'.repeat(SNIFF_BYTES)).subarray(0, SNIFF_BYTES - 1);
  const full = Buffer.concat([utf8('a'), cut]);
  assert.equal(full.length, SNIFF_BYTES);
  assert.equal(sniffType(full), 'text/plain');
  assert.equal(
    sniffType(utf8('ab\u00e9').subarray(0, 3)),
    'application/octet-stream',
  );
  const longer = Buffer.concat([
    utf8('x'.repeat(SNIFF_BYTES)),
    utf8('\u0000<html>'),
  ]);
  assert.equal(sniffType(longer), 'text/plain');
});

test('only raster images and plain text are safe to show inline', () => {
  for (const mime of [
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'text/plain',
  ]) {
    assert.equal(isInlineSafe(mime), true, mime);
  }
  assert.equal(isInlineSafe('text/plain; charset=utf-8'), true);
  for (const mime of [
    'image/svg+xml',
    'text/html',
    'application/xml',
    'application/pdf',
    'image/bmp',
    'image/tiff',
    'application/octet-stream',
  ]) {
    assert.equal(isInlineSafe(mime), false, mime);
  }
});

test('raster images are the ones the image library can re-encode', () => {
  assert.equal(isRasterImage('image/png'), true);
  assert.equal(isRasterImage('image/tiff'), true);
  assert.equal(isRasterImage('image/svg+xml'), false);
  assert.equal(isRasterImage('image/vnd.microsoft.icon'), false);
  assert.equal(isRasterImage('application/pdf'), false);
  assert.equal(isMarkup('image/svg+xml'), true);
  assert.equal(isMarkup('text/html'), true);
  assert.equal(isMarkup('text/plain'), false);
});

test('images the image library writes are typed as what they are', async () => {
  const image = () =>
    sharp({ create: { width: 8, height: 8, channels: 3, background: 'teal' } });
  const made: [Buffer, string][] = [
    [await image().png().toBuffer(), 'image/png'],
    [await image().jpeg().toBuffer(), 'image/jpeg'],
    [await image().gif().toBuffer(), 'image/gif'],
    [await image().webp().toBuffer(), 'image/webp'],
    [await image().tiff().toBuffer(), 'image/tiff'],
    [await image().avif().toBuffer(), 'image/avif'],
  ];
  for (const [bytes, expected] of made) {
    assert.equal(sniffType(bytes), expected);
    assert.equal(isRasterImage(expected), true);
  }
});
