import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffRevisions } from './diff.ts';
import { mergeThreeWay } from './merge.ts';

// Diffs of hostile revisions end quickly: before the ceiling, two 140 KB
// lines of different words took four minutes and 10,000 changed lines
// eleven seconds, all of it blocking every other request.

function numbered(count: number, prefix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix} line ${i}`);
}

function timed<T>(work: () => T): { result: T; milliseconds: number } {
  const started = performance.now();
  const result = work();
  return { result, milliseconds: performance.now() - started };
}

test('a diff of two long lines sharing no word marks them changed whole, quickly', () => {
  const words = (prefix: string) =>
    Array.from({ length: 20_000 }, (_, i) => `${prefix}${i}`).join(' ');
  const before = words('a');
  const after = words('b');

  const { result, milliseconds } = timed(() => diffRevisions(before, after));

  assert.ok(milliseconds < 2_000, `took ${milliseconds} ms`);
  assert.deepEqual(result.lines, [
    {
      kind: 'removed',
      oldNumber: 1,
      newNumber: null,
      text: before,
      segments: [{ text: before, changed: true }],
    },
    {
      kind: 'added',
      oldNumber: null,
      newNumber: 1,
      text: after,
      segments: [{ text: after, changed: true }],
    },
  ]);
});

test('a diff of 10,000 changed lines keeps the common start and end, quickly', () => {
  const before = ['top', ...numbered(10_000, 'old'), 'bottom'].join('\n');
  const after = ['top', ...numbered(10_000, 'new'), 'bottom'].join('\n');

  const { result, milliseconds } = timed(() => diffRevisions(before, after));

  assert.ok(milliseconds < 2_000, `took ${milliseconds} ms`);
  assert.equal(result.removed, 10_000);
  assert.equal(result.added, 10_000);
  assert.equal(result.lines.length, 20_002);
  assert.deepEqual(result.lines[0], {
    kind: 'same',
    oldNumber: 1,
    newNumber: 1,
    text: 'top',
    segments: null,
  });
  assert.deepEqual(result.lines.at(-1), {
    kind: 'same',
    oldNumber: 10_002,
    newNumber: 10_002,
    text: 'bottom',
    segments: null,
  });
});

test('a small change in a long page is still shown line by line', () => {
  const lines = numbered(5_000, 'page');
  const changed = [...lines];
  changed[2_500] = 'page line 2500 edited';

  const result = diffRevisions(lines.join('\n'), changed.join('\n'));

  assert.equal(result.removed, 1);
  assert.equal(result.added, 1);
  assert.deepEqual(
    result.lines
      .filter((line) => line.kind !== 'same')
      .map((line) => [line.kind, line.oldNumber, line.newNumber]),
    [
      ['removed', 2_501, null],
      ['added', null, 2_501],
    ],
  );
});

test('edits too different to diff line by line conflict instead of merging', () => {
  const base = numbered(10_000, 'base').join('\n');
  const theirs = numbered(10_000, 'theirs').join('\n');
  const yours = numbered(10_000, 'yours').join('\n');
  const labels = { theirs: 'theirs', yours: 'yours' };

  const { result, milliseconds } = timed(() =>
    mergeThreeWay(base, theirs, yours, labels),
  );
  const onlyTheirs = mergeThreeWay(base, theirs, base, labels);

  assert.ok(milliseconds < 2_000, `took ${milliseconds} ms`);
  assert.equal(result.clean, false);
  assert.equal(onlyTheirs.clean, true);
  assert.equal(onlyTheirs.text, theirs);
});
