import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeReturnPath } from './redirects.ts';

test('a return address off this site becomes the home page (BUG-18)', () => {
  const hostile: unknown[] = [
    'https://evil.example/',
    '//evil.example/',
    '/\\evil.example/',
    'https:evil.example',
    '%2F%2Fevil.example',
    'javascript:alert(1)',
    '/\t/evil.example',
    '',
    undefined,
    ['/', '/x'],
  ];
  for (const value of hostile) {
    assert.equal(safeReturnPath(value), '/', String(value));
  }
});

test('a path on this site is kept with its query and fragment', () => {
  assert.equal(
    safeReturnPath('/wiki/Team/Onboarding'),
    '/wiki/Team/Onboarding',
  );
  assert.equal(
    safeReturnPath('/people?q=maps#results'),
    '/people?q=maps#results',
  );
});
