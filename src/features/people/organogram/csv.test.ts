import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCsv } from './csv.ts';

describe('the organogram CSV reader', () => {
  it('reads quoted cells holding commas and doubled quotes', () => {
    const records = readCsv('a,"b, c","say ""hi""",""\n');

    assert.deepEqual(records, [
      { line: 1, cells: ['a', 'b, c', 'say "hi"', ''] },
    ]);
  });

  it('keeps line breaks inside quoted cells and numbers each record by its first line', () => {
    const text =
      'ref,title\n1,"Head of\nPolicy"\n2,"One\r\nTwo\r\nThree"\n3,x\n';

    const records = readCsv(text);

    assert.deepEqual(
      records.map((record) => [record.line, ...record.cells]),
      [
        [1, 'ref', 'title'],
        [2, '1', 'Head of\nPolicy'],
        [4, '2', 'One\r\nTwo\r\nThree'],
        [7, '3', 'x'],
      ],
    );
  });

  it('ends records at CRLF, LF or a lone CR alike', () => {
    const records = readCsv('a,b\r\nc,d\ne,f\rg,h');

    assert.deepEqual(
      records.map((record) => [record.line, ...record.cells]),
      [
        [1, 'a', 'b'],
        [2, 'c', 'd'],
        [3, 'e', 'f'],
        [4, 'g', 'h'],
      ],
    );
  });

  it('drops a byte order mark at the start of the text', () => {
    const records = readCsv('\uFEFF"Post Unique Reference",Name\r\n');

    assert.deepEqual(records[0]?.cells, ['Post Unique Reference', 'Name']);
  });

  it('keeps empty cells, trailing ones included, and adds no record for a final line break', () => {
    const records = readCsv(',a,,\n\n"",b\n');

    assert.deepEqual(records, [
      { line: 1, cells: ['', 'a', '', ''] },
      { line: 2, cells: [''] },
      { line: 3, cells: ['', 'b'] },
    ]);
  });

  it('marks a record whose quoted cell is never closed, which runs to the end', () => {
    const records = readCsv('a,b\n1,"open\n2,x\n');

    assert.equal(records.length, 2);
    assert.deepEqual(records[1], {
      line: 2,
      cells: ['1', 'open\n2,x\n'],
      unclosedQuoteLine: 2,
    });
  });

  it('gives the line an unclosed quoted cell opens on, after line breaks in earlier cells', () => {
    const records = readCsv('a,b,c\n1,"two\nlines","open\nto the end');

    assert.equal(records[1]?.line, 2);
    assert.equal(records[1]?.unclosedQuoteLine, 3);
  });

  it('keeps text after a closing quote, and a quote inside an unquoted cell, as written', () => {
    const records = readCsv('"Smith" Jr,O"Brien\n');

    assert.deepEqual(records[0]?.cells, ['Smith Jr', 'O"Brien']);
  });

  it('counts line breaks in quoted cells that contain doubled quotes', () => {
    const records = readCsv('"a ""x""\nb",c\nd\n');

    assert.deepEqual(
      records.map((record) => [record.line, ...record.cells]),
      [
        [1, 'a "x"\nb', 'c'],
        [3, 'd'],
      ],
    );
  });
});
