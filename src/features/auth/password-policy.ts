import { characterCount, hasControlCharacters } from '../../platform/text.ts';
import { MIN_PASSWORD_LENGTH } from './passwords.ts';

const MAX_PASSWORD_LENGTH = 256;

// Words people build passwords from, chosen by us. A password is refused
// when, with digits and symbols taken off its ends and look-alike digits
// read as letters, it is one of these, a run of them, or a keyboard row.
const COMMON_WORDS = new Set([
  'password',
  'passwords',
  'passphrase',
  'welcome',
  'letmein',
  'qwerty',
  'admin',
  'administrator',
  'changeme',
  'iloveyou',
  'monkey',
  'dragon',
  'football',
  'baseball',
  'cricket',
  'rugby',
  'sunshine',
  'princess',
  'master',
  'shadow',
  'superman',
  'batman',
  'summer',
  'winter',
  'spring',
  'autumn',
  'london',
  'england',
  'britain',
  'scotland',
  'wales',
  'ireland',
  'government',
  'civilservice',
  'civilservant',
  'civilmedia',
  'intranet',
  'secret',
  'default',
  'login',
  'access',
  'guest',
  'hello',
  'hellothere',
  'trustno',
  'whatever',
  'freedom',
  'starwars',
  'pokemon',
  'computer',
  'internet',
  'abc',
  'abcdef',
  'test',
  'testing',
  'temp',
  'temporary',
  'office',
  'work',
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'monday',
  'friday',
  'newpassword',
  'mypassword',
  'changeit',
  'user',
  'passwort',
  'motdepasse',
  'contrasena',
  'wachtwoord',
  'parola',
]);

// Keyboard rows, also read as one line from top left to bottom right.
const KEYBOARD_ROWS = [
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  '1234567890',
  'qwertyuiopasdfghjklzxcvbnm',
  // Down the columns, as people walk them: 1qaz2wsx…, qazwsx…
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
];

const LOOK_ALIKES: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
};

// Fewer different characters than this is a pattern, not a password.
const MIN_DISTINCT = 5;

/** Someone the password must not simply repeat. */
export interface PasswordOwner {
  email?: string | null;
  name?: string | null;
}

/**
 * What is wrong with a new password, or null when it will do. Length
 * counts characters, not bytes; any characters are allowed, so a long
 * passphrase of ordinary words is the easy way through.
 */
export function passwordProblem(
  password: string,
  owner: PasswordOwner = {},
): string | null {
  const length = characterCount(password);
  if (length < MIN_PASSWORD_LENGTH) {
    return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  }
  if (hasControlCharacters(password)) {
    return 'Password must not contain control characters';
  }
  const lower = password.toLowerCase();
  if (new Set(lower.replace(/\s/g, '')).size < MIN_DISTINCT) {
    return 'Password is too easy to guess: use three or four unrelated words';
  }
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (
    isRepetition(lower) ||
    isSequence(lower) ||
    (core.length >= 6 && isSequence(core)) ||
    isCommon(lower)
  ) {
    return 'Password is too easy to guess: use three or four unrelated words';
  }
  // Each part of the name and address on its own, so that a reversed name
  // or one spelt with digits for letters is caught too.
  const personal = [
    ...(owner.name ?? '').toLowerCase().split(/[\s'’-]+/),
    ...((owner.email ?? '')
      .toLowerCase()
      .split('@')[0]
      ?.split(/[._+-]+/) ?? []),
  ].filter((part) => part.length >= 4);
  const letters = lettersOf(lower);
  if (personal.some((part) => letters.includes(lettersOf(part)))) {
    return 'Password must not contain your name or e-mail address';
  }
  return null;
}

/** The same short unit over and over: aaaaaaaaaaaa, 121212121212. */
function isRepetition(value: string): boolean {
  for (let size = 1; size <= 4; size += 1) {
    const unit = value.slice(0, size);
    if (
      unit.repeat(Math.ceil(value.length / size)).slice(0, value.length) ===
      value
    ) {
      return true;
    }
  }
  return false;
}

/** A run along a keyboard row or the alphabet, forwards or backwards. */
function isSequence(value: string): boolean {
  const runs = [...KEYBOARD_ROWS, 'abcdefghijklmnopqrstuvwxyz'];
  const doubled = runs.flatMap((run) => {
    const reversed = [...run].reverse().join('');
    return [run + run, reversed + reversed];
  });
  return doubled.some((run) => run.includes(value));
}

/** The letters of a value, digits and symbols read as the letters they mimic. */
function lettersOf(value: string): string {
  return [...value]
    .map((char) => LOOK_ALIKES[char] ?? char)
    .join('')
    .replace(/[^\p{L}]/gu, '');
}

/** A common word, or a run of them, dressed up with digits and symbols. */
function isCommon(value: string): boolean {
  const trimmed = value.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  const readings = [lettersOf(trimmed), trimmed.replace(/[^\p{L}]/gu, '')];
  return readings.some(
    (letters) => letters.length === 0 || splitsIntoWords(letters),
  );
}

/** True when the letters are nothing but common words end to end. */
function splitsIntoWords(letters: string): boolean {
  const reachable = new Array<boolean>(letters.length + 1).fill(false);
  reachable[0] = true;
  for (let end = 1; end <= letters.length; end += 1) {
    for (let start = Math.max(0, end - 16); start < end; start += 1) {
      if (reachable[start] && COMMON_WORDS.has(letters.slice(start, end))) {
        reachable[end] = true;
        break;
      }
    }
  }
  return reachable[letters.length] === true;
}
