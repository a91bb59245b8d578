import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordProblem } from './password-policy.ts';

const GUESSABLE =
  'Password is too easy to guess: use three or four unrelated words';

test('a password shorter than 12 characters is refused', () => {
  assert.equal(
    passwordProblem('short pass'),
    'Password must be at least 12 characters',
  );
  assert.equal(
    passwordProblem('名前名前名前名前名前名'),
    'Password must be at least 12 characters',
  );
});

test('common passwords are refused, however they are dressed up', () => {
  for (const password of [
    'password1234',
    'Password123!',
    'P@ssw0rd2026!',
    '123456789012',
    'qwertyuiop12',
    'qwertyuiopas',
    'aaaaaaaaaaaa',
    '121212121212',
    'welcomewelcome',
    'iloveyou2026',
    'Summer2026!!',
    'letmeinletmein',
    'zyxwvutsrqpo',
    '            x',
    'xxxxxxxxxxxx1',
    'aaaaaaaaaaaB',
    '1qaz2wsx3edc',
    'qazwsxedcrfv',
    'letmein!letmein',
    'Passw0rd!Passw0rd',
    'Passwort12345',
  ]) {
    assert.equal(passwordProblem(password), GUESSABLE, password);
  }
});

test('a password made of the owner’s name or address is refused', () => {
  assert.equal(
    passwordProblem('ada.lovelace2026', {
      email: 'ada.lovelace@example.gov.uk',
    }),
    'Password must not contain your name or e-mail address',
  );
  assert.equal(
    passwordProblem('AdaLovelace!!99', { name: 'Ada Lovelace' }),
    'Password must not contain your name or e-mail address',
  );
  for (const password of ['LloydSarah!!!!', 'S4r4hLl0yd2024']) {
    assert.equal(
      passwordProblem(password, { name: 'Sarah Lloyd' }),
      'Password must not contain your name or e-mail address',
      password,
    );
  }
});

test('a long passphrase of unrelated words is accepted', () => {
  assert.equal(passwordProblem('correct horse battery staple'), null);
  assert.equal(passwordProblem('lighthouse kettle orbit'), null);
  assert.equal(passwordProblem('Rv8#kq2!Lm9@'), null);
});

test('a password with control characters is refused', () => {
  assert.equal(
    passwordProblem('lighthouse\u0000kettle orbit'),
    'Password must not contain control characters',
  );
});
