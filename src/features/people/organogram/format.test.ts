import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCsv } from './csv.ts';
import { decodeFile, findHeader, headerKey } from './format.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('organogram header names', () => {
  it('fold case, spaces and a trailing (£), and take Grade (or equivalent) as Grade', () => {
    assert.equal(headerKey('  Grade (or equivalent) '), 'grade');
    assert.equal(headerKey('Actual Pay Floor (£)'), 'actual pay floor');
    assert.equal(headerKey('Contact\u00A0 E-mail'), 'contact e-mail');
    assert.equal(
      headerKey('\uFEFFPost Unique Reference'),
      'post unique reference',
    );
  });
});

describe('finding the organogram header', () => {
  const senior =
    'Post Unique Reference,Name,Grade,Job Title,Organisation,Reports to Senior Post';

  it('reads a senior header with a blank index column in front and a blank column inside', () => {
    const records = readCsv(
      `,${senior},,Unit\n0,7,Ann,SCS1,Head,Org,XX,,Policy\n`,
    );

    const header = findHeader(records);

    assert.ok(!('error' in header));
    assert.equal(header.kind, 'senior');
    assert.deepEqual(header.warnings, []);
    const cells = records[1]?.cells ?? [];
    assert.equal(header.columns.cell(cells, 'Post Unique Reference'), '7');
    assert.equal(header.columns.cell(cells, 'Unit'), 'Policy');
  });

  it('uses the first of two columns with the same name, with a warning', () => {
    const records = readCsv(
      `${senior},Name\n1,First,SCS1,Head,Org,XX,Second\n`,
    );

    const header = findHeader(records);

    assert.ok(!('error' in header));
    assert.equal(header.columns.cell(records[1]?.cells ?? [], 'Name'), 'First');
    assert.deepEqual(header.warnings, [
      'the column "Name" appears more than once; the first one is used',
    ]);
  });

  it('finds the header below a title line', () => {
    const records = readCsv(`Cabinet Office organogram,,\n\n${senior}\n`);

    const header = findHeader(records);

    assert.ok(!('error' in header));
    assert.equal(header.position, 2);
  });

  it('recognises a junior file by its columns', () => {
    const records = readCsv(
      'Parent Department,Organisation,Unit,Reporting Senior Post,' +
        'Grade,Generic Job Title,Number of Posts in FTE\n',
    );

    const header = findHeader(records);

    assert.ok(!('error' in header));
    assert.equal(header.kind, 'junior');
  });

  it('names the missing columns of the template a file comes nearest to', () => {
    assert.deepEqual(
      findHeader(readCsv('Name,Grade,Job Title,Organisation,Unit\n')),
      {
        error:
          'not an organogram: missing columns Post Unique Reference, Reports to Senior Post',
      },
    );
    assert.deepEqual(
      findHeader(readCsv('Organisation,Grade,Generic Job Title\n')),
      {
        error:
          'not an organogram: missing columns Reporting Senior Post, Number of Posts in FTE',
      },
    );
  });
});

describe('decoding an organogram file', () => {
  it('refuses an empty file and one with only spaces and line breaks', () => {
    assert.deepEqual(decodeFile(new Uint8Array()), {
      error: 'the file is empty',
    });
    assert.deepEqual(decodeFile(bytes(' \r\n\n')), {
      error: 'the file is empty',
    });
  });

  it('refuses a binary file', () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06]);

    assert.deepEqual(decodeFile(zip), {
      error: 'not an organogram: this is a binary file, not CSV text',
    });
  });

  it('reads text that is not UTF-8 as Windows-1252, with a warning', () => {
    const decoded = decodeFile(
      new Uint8Array([0x93, 0x41, 0x94, 0x2c, 0xa3, 0x80, 0x96, 0x9f, 0xe9]),
    );

    assert.deepEqual(decoded, {
      text: '\u201CA\u201D,£€\u2013Ÿé',
      warnings: ['the file is not valid UTF-8; it was read as Windows-1252'],
    });
  });

  it('drops the byte order mark of a UTF-8 file', () => {
    assert.deepEqual(decodeFile(bytes('\uFEFFa,b')), {
      text: 'a,b',
      warnings: [],
    });
  });

  it('reads UTF-16 text behind either byte order mark, NUL bytes and all', () => {
    const text = 'Name,Grade\r\nZoë 名,SCS1\r\n';
    const little = new Uint8Array([
      0xff,
      0xfe,
      ...Buffer.from(text, 'utf16le'),
    ]);
    const big = new Uint8Array([
      0xfe,
      0xff,
      ...Buffer.from(text, 'utf16le').swap16(),
    ]);

    assert.deepEqual(decodeFile(little), { text, warnings: [] });
    assert.deepEqual(decodeFile(big), { text, warnings: [] });
  });

  it('refuses UTF-16 with an odd last byte as cut short, and UTF-32', () => {
    const cut = new Uint8Array([0xff, 0xfe, 0x41, 0x00, 0x42]);
    const utf32 = new Uint8Array([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]);

    assert.deepEqual(decodeFile(cut), {
      error:
        'the file ends in the middle of a character: it looks cut short; nothing was imported',
    });
    assert.deepEqual(decodeFile(utf32), {
      error: 'the file is UTF-32 text, which is not read; save it as UTF-8',
    });
  });

  it('refuses UTF-8 text cut in the middle of its last character', () => {
    const whole = bytes('Unit,Pay (£)\nPolicy,Café €');

    assert.deepEqual(decodeFile(whole.subarray(0, whole.length - 1)), {
      error:
        'the file ends in the middle of a character: it looks cut short; nothing was imported',
    });
  });

  it('still reads plain ASCII with one high last byte as Windows-1252', () => {
    assert.deepEqual(decodeFile(new Uint8Array([0x41, 0x2c, 0xe9])), {
      text: 'A,é',
      warnings: ['the file is not valid UTF-8; it was read as Windows-1252'],
    });
  });
});
