import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isolate, isolateTexts } from './views.ts';

const FSI = '\u2068';
const PDI = '\u2069';
const RLO = '\u202e';
const PDF = '\u202c';
const RLI = '\u2067';

test('plain ASCII text comes back unchanged', () => {
  assert.equal(isolate('Budget 2027 (draft)'), 'Budget 2027 (draft)');
});

test('right-to-left letters are isolated without other change', () => {
  assert.equal(isolate('שלום 1'), `${FSI}שלום 1${PDI}`);
});

test('empty and missing text stay empty', () => {
  assert.equal(isolate(''), '');
  assert.equal(isolate(null), '');
  assert.equal(isolate(undefined), '');
});

test('an override left open is closed before the isolate ends', () => {
  assert.equal(isolate(`abc${RLO}def`), `${FSI}abc${RLO}def${PDF}${PDI}`);
});

test('balanced controls are kept as they were written', () => {
  const text = `a${RLO}b${PDF}c${RLI}d${PDI}e`;
  assert.equal(isolate(text), `${FSI}${text}${PDI}`);
});

test('nested open controls are closed innermost first', () => {
  assert.equal(
    isolate(`x${RLI}y${RLO}z`),
    `${FSI}x${RLI}y${RLO}z${PDF}${PDI}${PDI}`,
  );
});

test('a stray pop cannot close the wrapping isolate early', () => {
  assert.equal(isolate(`a${PDI}b${PDF}c`), `${FSI}abc${PDI}`);
});

test('closing an isolate also closes the overrides opened inside it', () => {
  assert.equal(
    isolate(`${RLI}a${RLO}b${PDI}c`),
    `${FSI}${RLI}a${RLO}b${PDI}c${PDI}`,
  );
});

test('a pop of an embedding cannot reach outside its isolate', () => {
  assert.equal(
    isolate(`${RLO}a${RLI}b${PDF}c`),
    `${FSI}${RLO}a${RLI}bc${PDI}${PDF}${PDI}`,
  );
});

test('each item of a list has its text isolated', () => {
  assert.deepEqual(
    isolateTexts([
      { text: `a${RLO}b`, href: '/blogs/b' },
      { text: 'Blogs', href: '/blogs' },
      { html: '<b>x</b>' },
    ]),
    [
      { text: `${FSI}a${RLO}b${PDF}${PDI}`, href: '/blogs/b' },
      { text: 'Blogs', href: '/blogs' },
      { html: '<b>x</b>' },
    ],
  );
});
