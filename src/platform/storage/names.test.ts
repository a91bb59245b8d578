import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkFileName,
  cleanFileName,
  MAX_NAME_BYTES,
  nameKey,
} from './names.ts';

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

test('a path keeps only its last part, whichever slash it uses', () => {
  assert.equal(cleanFileName('../etc/passwd'), 'passwd');
  assert.equal(cleanFileName('..\\..\\x.png'), 'x.png');
  assert.equal(cleanFileName('C:\\Users\\ann\\report.docx'), 'report.docx');
  assert.equal(cleanFileName('/absolute/notes.txt'), 'notes.txt');
  assert.equal(cleanFileName('folder/'), 'file');
  assert.equal(cleanFileName('../..'), 'file');
});

test('control characters are dropped, including newlines and C1', () => {
  assert.equal(cleanFileName('a\u0000b\r\nc\t.txt'), 'abc.txt');
  assert.equal(cleanFileName('x\u0085y\u009b.png\u007f'), 'xy.png');
  assert.equal(
    cleanFileName('evil.txt\r\nSet-Cookie: a=b'),
    'evil.txtSet-Cookie: a=b',
  );
});

test('bidi controls cannot make an extension read backwards', () => {
  assert.equal(cleanFileName('invoice\u202egpj.exe'), 'invoicegpj.exe');
  assert.equal(
    cleanFileName('\u2066a\u2067b\u2068c\u2069\u200e\u200f\u061c.pdf'),
    'abc.pdf',
  );
  assert.equal(cleanFileName('\u202a\u202b\u202c\u202dz.txt'), 'z.txt');
});

test('a half surrogate pair is dropped', () => {
  assert.equal(cleanFileName('a\ud800b.txt'), 'ab.txt');
  assert.equal(cleanFileName('😀.txt'), '😀.txt');
});

test('spaces and dots at either end go; empty and dot names become file', () => {
  assert.equal(cleanFileName('  report.pdf. . '), 'report.pdf');
  assert.equal(cleanFileName('.htaccess'), 'htaccess');
  assert.equal(cleanFileName(''), 'file');
  assert.equal(cleanFileName('.'), 'file');
  assert.equal(cleanFileName('..'), 'file');
  assert.equal(cleanFileName(' \u0000 '), 'file');
  assert.equal(cleanFileName('a  b.txt'), 'a  b.txt');
});

test('decomposed input is stored composed', () => {
  const decomposed = 'Re\u0301sume\u0301.pdf';
  assert.equal(cleanFileName(decomposed), 'R\u00e9sum\u00e9.pdf');
  assert.equal(nameKey(decomposed), nameKey('R\u00c9SUM\u00c9.PDF'));
});

test('a 1,000-character name is cut to 255 bytes with its extension', () => {
  const cleaned = cleanFileName(`${'a'.repeat(1000)}.png`);
  assert.equal(cleaned, `${'a'.repeat(251)}.png`);
  assert.equal(bytes(cleaned), MAX_NAME_BYTES);
});

test('cutting never splits a character or an accented letter', () => {
  // é is two bytes: 125 of them are 250 bytes, and ".pdf" makes 254.
  const accented = cleanFileName(`${'é'.repeat(1000)}.pdf`);
  assert.equal(accented, `${'é'.repeat(125)}.pdf`);

  // Each emoji is four bytes: 62 fit before ".txt" (252 bytes in all).
  const emoji = cleanFileName(`${'😀'.repeat(1000)}.txt`);
  assert.equal(emoji, `${'😀'.repeat(62)}.txt`);

  // A letter with two combining marks is one five-byte character here.
  const stacked = 'e\u0301\u0323';
  const marks = cleanFileName(`${stacked.repeat(300)}.md`);
  assert.equal(marks, stacked.normalize('NFC').repeat(50) + '.md');
  assert.ok(bytes(marks) <= MAX_NAME_BYTES);
});

test('an over-long extension is cut as part of the name', () => {
  const cleaned = cleanFileName(`x.${'b'.repeat(1000)}`);
  assert.equal(cleaned, `x.${'b'.repeat(253)}`);
  assert.equal(bytes(cleaned), MAX_NAME_BYTES);
});

test('a name already clean is unchanged, and cleaning twice changes nothing', () => {
  for (const name of ['Budget 2026 (final).xlsx', 'заметки.txt', 'a.b.c']) {
    assert.equal(cleanFileName(name), name);
  }
  const once = cleanFileName(` ../${'ü'.repeat(400)}.jpeg `);
  assert.equal(cleanFileName(once), once);
});

test('the name key is the cleaned name in lower case', () => {
  assert.equal(nameKey('Report.PDF'), 'report.pdf');
  assert.equal(nameKey('../Ünïcode.TXT'), 'ünïcode.txt');
  assert.equal(nameKey('  .Plan. '), 'plan');
});

test('checkFileName refuses what cleanFileName would cut or call file', () => {
  assert.deepEqual(checkFileName(` ../${'é'.repeat(125)}.txt `), {
    name: `${'é'.repeat(125)}.txt`,
  });
  assert.deepEqual(checkFileName(`${'é'.repeat(126)}.txt`), {
    problem: 'too-long',
  });
  assert.deepEqual(checkFileName('..'), { problem: 'empty' });
  assert.deepEqual(checkFileName(' \u202e. '), { problem: 'empty' });
});
