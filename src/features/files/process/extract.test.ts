import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { strToU8 } from 'fflate';
import { extractText } from './extract.ts';
import {
  buildDocx,
  buildDocxBomb,
  buildOdt,
  buildPdf,
  buildZip,
} from './fixtures.ts';
import { officeText } from './office.ts';
import { plainText } from './plain-text.ts';
import { bufferSource } from './source.ts';
import { MAX_TEXT, TextCollector } from './text-collector.ts';
import { listZipEntries, ZipError } from './zip.ts';

const DOCX =
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

describe('plain text', () => {
  it('reads UTF-8 with and without a byte order mark', async () => {
    const text = 'Größe ☃ 雪\r\nline two';
    assert.equal(
      await plainText(bufferSource(Buffer.from(text))),
      'Größe ☃ 雪\nline two',
    );
    const marked = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(text),
    ]);
    assert.equal(await plainText(bufferSource(marked)), 'Größe ☃ 雪\nline two');
  });

  it('reads UTF-16 in either byte order when a mark says so', async () => {
    const little = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('Snow ☃ 雪', 'utf16le'),
    ]);
    assert.equal(await plainText(bufferSource(little)), 'Snow ☃ 雪');
    const big = Buffer.from('Snow ☃ 雪', 'utf16le').swap16();
    assert.equal(
      await plainText(
        bufferSource(Buffer.concat([Buffer.from([0xfe, 0xff]), big])),
      ),
      'Snow ☃ 雪',
    );
  });

  it('turns control characters into spaces', async () => {
    assert.equal(
      await plainText(bufferSource(Buffer.from('a\u0000b\u001bc\td'))),
      'a b c\td',
    );
  });

  it('keeps at most MAX_TEXT characters of a long file', async () => {
    const long = Buffer.from('word '.repeat(100_000));
    const text = await plainText(bufferSource(long));
    assert.equal(text.length, MAX_TEXT - 1);
    assert.ok(text.startsWith('word word'));
  });

  it('never splits a surrogate pair at the cap', () => {
    const collector = new TextCollector(3);
    collector.add('ab😀');
    assert.equal(collector.text(), 'ab');
    assert.equal(collector.full, true);
  });
});

describe('Word and OpenDocument', () => {
  it('reads a docx body, one paragraph a line', async () => {
    const docx = buildDocx([
      ['Quarterly ', 'budget'],
      ['Second & <last> paragraph'],
    ]);
    assert.equal(
      await extractText(bufferSource(docx), DOCX),
      'Quarterly budget\nSecond & <last> paragraph',
    );
  });

  it('leaves out deleted text and field codes, keeps tabs and breaks', async () => {
    const xml =
      '<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>kept</w:t><w:tab/>' +
      '<w:t>tabbed</w:t><w:br/><w:t>broken</w:t></w:r>' +
      '<w:r><w:delText>deleted</w:delText><w:instrText>PAGE</w:instrText></w:r>' +
      '</w:p></w:body></w:document>';
    const zip = buildZip({ 'word/document.xml': xml });
    assert.equal(await officeText(bufferSource(zip)), 'kept\ttabbed\nbroken');
  });

  it('reads an OpenDocument text, spaces and all', async () => {
    const odt = buildOdt(['Minutes of the meeting', 'Attendees: Ada']);
    const text = await extractText(
      bufferSource(odt),
      'application/vnd.oasis.opendocument.text',
    );
    assert.equal(text, 'Minutes of the meeting\nAttendees: Ada');
    const spaced = buildZip({
      mimetype: 'application/vnd.oasis.opendocument.spreadsheet',
      'content.xml':
        '<office:document-content><office:body><table:table><table:table-row>' +
        '<table:table-cell><text:p>a<text:s text:c="3"/>b</text:p></table:table-cell>' +
        '<table:table-cell><text:p>c</text:p></table:table-cell>' +
        '</table:table-row></table:table></office:body></office:document-content>',
    });
    assert.equal(await officeText(bufferSource(spaced)), 'a   b\nc');
  });

  it('stops reading a long docx once the text kept is full', async () => {
    const paragraphs = Array.from({ length: 30_000 }, (_, i) => [
      `Paragraph ${i}`,
    ]);
    const text = await officeText(bufferSource(buildDocx(paragraphs)));
    assert.equal(text?.length, MAX_TEXT);
    assert.ok(text?.startsWith('Paragraph 0\nParagraph 1\n'));
  });

  it('finds no words in a zip that is no office document', async () => {
    const zip = buildZip({
      'notes.txt': 'hello',
      'content.xml': '<x>hidden</x>',
    });
    assert.equal(await extractText(bufferSource(zip), 'application/zip'), null);
  });

  it('never expands entities a document declares (billion laughs)', async () => {
    const laughs = Array.from({ length: 9 }, (_, i) =>
      i === 0
        ? '<!ENTITY lol0 "lol">'
        : `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`,
    ).join('');
    const xml =
      `<?xml version="1.0"?><!DOCTYPE w:document [${laughs}]>` +
      '<w:document><w:body><w:p><w:r><w:t>before &lol8; after</w:t></w:r></w:p>' +
      '</w:body></w:document>';
    const text = await officeText(
      bufferSource(buildZip({ 'word/document.xml': xml })),
    );
    assert.ok(
      text !== null && text.length < 100,
      `got ${String(text?.length)} characters`,
    );
    assert.match(text ?? '', /^before/);
  });
});

describe('zip limits', () => {
  it('stops a docx that inflates far more than documents do', async () => {
    const bomb = buildDocxBomb(20);
    assert.ok(bomb.length < 100_000, `the bomb is ${bomb.length} bytes`);
    await assert.rejects(
      extractText(bufferSource(bomb), DOCX),
      (error: unknown) => {
        assert.ok(error instanceof ZipError);
        assert.match(error.message, /inflates more than 100 times/);
        return true;
      },
    );
  });

  it('stops at the total cap whatever the ratio allows', async () => {
    const bomb = buildDocxBomb(3);
    const limits = {
      maxEntries: 10,
      maxTotalBytes: 2 * 1024 * 1024,
      maxRatio: 1e9,
      ratioAllowance: 0,
    };
    await assert.rejects(
      officeText(bufferSource(bomb), limits),
      /more than 2097152 bytes inflated/,
    );
  });

  it('counts the bytes that come out, not the sizes the headers claim', async () => {
    const zip = Buffer.from(buildDocx([['x'.repeat(5000)]]));
    // Claim the document part is ten bytes, in both headers.
    const local = zip.indexOf(Buffer.from('word/document.xml')) - 30;
    zip.writeUInt32LE(10, local + 22);
    const central = zip.lastIndexOf(Buffer.from('word/document.xml')) - 46;
    zip.writeUInt32LE(10, central + 24);
    const text = await officeText(bufferSource(zip));
    assert.equal(text, 'x'.repeat(5000));
  });

  it('refuses an archive listing more entries than allowed', async () => {
    const entries: Record<string, string> = {};
    for (let i = 0; i < 20; i += 1) {
      entries[`e${i}.txt`] = 'x';
    }
    const limits = {
      maxEntries: 10,
      maxTotalBytes: 1e6,
      maxRatio: 100,
      ratioAllowance: 1e6,
    };
    await assert.rejects(
      listZipEntries(bufferSource(buildZip(entries)), limits),
      /more than 10 entries/,
    );
  });

  it('refuses bytes that are not a zip', async () => {
    await assert.rejects(
      extractText(
        bufferSource(strToU8('PK not really a zip at all, just text')),
        DOCX,
      ),
      (error: unknown) => error instanceof ZipError,
    );
  });
});

describe('PDF', () => {
  it('reads the text of every page, pages apart', async () => {
    const pdf = buildPdf([
      ['Hello quokka', 'second line'],
      ['Page two (wombat)'],
    ]);
    assert.equal(
      await extractText(bufferSource(pdf), 'application/pdf'),
      'Hello quokka\nsecond line\n\nPage two (wombat)',
    );
  });

  it('fails plainly on a damaged PDF', async () => {
    await assert.rejects(
      extractText(
        bufferSource(strToU8('%PDF-1.4\ngarbage without objects')),
        'application/pdf',
      ),
      /pdf\.js could not read it/,
    );
  });
});

describe('other types', () => {
  it('reads no words from an image', async () => {
    assert.equal(
      await extractText(bufferSource(Buffer.from('GIF89a')), 'image/gif'),
      null,
    );
  });
});
