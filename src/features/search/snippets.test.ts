import assert from 'node:assert/strict';
import { it } from 'node:test';
import { highlight } from './snippets.ts';
import { parseQuery } from './terms.ts';

// Numbered words, "w1 w2 … w40", with a word put in at a place.
function numbered(place?: number, word = 'Policies', length = 40): string {
  return Array.from({ length }, (_, i) =>
    i + 1 === place ? word : `w${i + 1}`,
  ).join(' ');
}

function run(from: number, to: number): string {
  return Array.from({ length: to - from + 1 }, (_, i) => `w${from + i}`).join(
    ' ',
  );
}

it('cuts a snippet from eight words before the first hit, 32 words long', () => {
  const text = numbered(20, 'Policies', 60);
  assert.equal(
    highlight(text, parseQuery('policy'), true),
    `… ${run(12, 19)} <mark>Policies</mark> ${run(21, 43)} …`,
  );
});

it('starts at the opening when the hit is near it, and ends at the text', () => {
  assert.equal(
    highlight(numbered(3), parseQuery('policy'), true),
    `w1 w2 <mark>Policies</mark> ${run(4, 32)} …`,
  );
  assert.equal(
    highlight(`${numbered(38)}.`, parseQuery('policy'), true),
    `… ${run(30, 37)} <mark>Policies</mark> w39 w40.`,
  );
});

it('gives the opening when only the title holds the word', () => {
  assert.equal(
    highlight(numbered(), parseQuery('policy'), true),
    `${run(1, 32)} …`,
  );
});

it('marks every hit in a whole title and escapes what it shows', () => {
  assert.equal(
    highlight('Policy & <b>policies</b>', parseQuery('policy')),
    '<mark>Policy</mark> &amp; &lt;b&gt;<mark>policies</mark>&lt;/b&gt;',
  );
});

it('finds a hit deep in a long body, with accents and CJK pairs', () => {
  // A lone CJK character finds the pairs it starts: 京都, not 東京.
  const body = `${'Café '.repeat(3000)}東京都 ${numbered()}`;
  assert.equal(
    highlight(body, parseQuery('京'), true),
    `… ${'Café '.repeat(7)}東<mark>京都</mark> ${run(1, 23)} …`,
  );
});
