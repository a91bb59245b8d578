import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakReportingLoops } from './reporting.ts';

describe('breaking reporting loops', () => {
  it('cuts the line of the post that closes each loop and leaves other lines alone', () => {
    const managerOf = new Map([
      ['1', '2'],
      ['2', '3'],
      ['3', '1'],
      ['4', '1'],
      ['5', '5'],
      ['6', '7'],
    ]);

    const broken = breakReportingLoops(managerOf);

    assert.deepEqual(broken, [
      { cut: '3', loop: ['1', '2', '3'] },
      { cut: '5', loop: ['5'] },
    ]);
    assert.deepEqual(
      [...managerOf],
      [
        ['1', '2'],
        ['2', '3'],
        ['4', '1'],
        ['6', '7'],
      ],
    );
  });

  it('finds nothing to cut in a tree', () => {
    const managerOf = new Map([
      ['2', '1'],
      ['3', '2'],
      ['4', '2'],
    ]);

    assert.deepEqual(breakReportingLoops(managerOf), []);
    assert.equal(managerOf.size, 3);
  });
});
