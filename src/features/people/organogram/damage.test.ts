import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCsv } from './csv.ts';
import { findCutShort, removeHiddenControls } from './damage.ts';

const cutShortOf = (text: string) => findCutShort(text, readCsv(text), 0);

describe('telling a cut-short organogram file', () => {
  it('names the line a quoted cell opens on when the file ends inside it', () => {
    assert.equal(
      cutShortOf('a,b,c\n1,"two\nlines","open\nto the end'),
      'the file ends inside a quoted cell that starts on line 3: ' +
        'it looks cut short; nothing was imported',
    );
  });

  it('takes a last record short of the header with no line break after it as cut short', () => {
    assert.equal(
      cutShortOf('a,b,c\n1,2,3\n4,5'),
      'the file ends inside the record on line 3, ' +
        "which has 2 of the header's 3 cells: " +
        'it looks cut short; nothing was imported',
    );
  });

  it(
    'accepts a short last record ended by a line break, ' +
      'a full one without, and a blank one',
    () => {
      assert.equal(cutShortOf('a,b,c\n1,2\n'), undefined);
      assert.equal(cutShortOf('a,b,c\n1,2,3'), undefined);
      assert.equal(cutShortOf('a,b,c\n1,2,3\n \u200B'), undefined);
      assert.equal(cutShortOf('a,b,c'), undefined);
    },
  );
});

describe('removing hidden controls from cells', () => {
  it(
    'removes C0 and C1 controls, DEL and direction overrides, ' +
      'keeps tabs and line breaks, and counts the cells',
    () => {
      const records = readCsv(
        'a\u0000b,\u0007c\u007F,"d\u0085\ne",\u202Ef\u202C,\u2066g\u2069,h\ti,\u200Fj\n',
      );

      const changed = removeHiddenControls(records);

      assert.equal(changed, 5);
      assert.deepEqual(records[0]?.cells, [
        'ab',
        'c',
        'd\ne',
        'f',
        'g',
        'h\ti',
        '\u200Fj',
      ]);
    },
  );
});
