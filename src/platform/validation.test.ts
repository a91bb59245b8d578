import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from './errors.ts';
import { FieldValidator } from './validation.ts';

function errorsFor(
  input: Record<string, unknown>,
  read: (form: FieldValidator) => void,
) {
  const form = new FieldValidator(input);
  read(form);
  try {
    form.done();
    return {};
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    return error.fields;
  }
}

test('text is trimmed and folded before its length is counted', () => {
  const form = new FieldValidator({ name: '  Ada\u00a0\n Lovelace  ' });
  assert.equal(form.text('name', { label: 'Name', max: 12 }), 'Ada Lovelace');
});

test('a value of invisible characters only counts as empty (BUG-28)', () => {
  const fields = errorsFor({ name: '\u200B\u200B\u200B' }, (form) =>
    form.text('name', { label: 'Full name', max: 128, required: true }),
  );
  assert.deepEqual(fields, { name: 'Enter full name' });
});

test('control and text-direction characters are refused, in text and lists', () => {
  for (const value of [
    'a\u0000b',
    'evil\u202Egpj.exe',
    'bell\u0007',
    'x\u2066y',
  ]) {
    const fields = errorsFor({ name: value, skills: ['ok', value] }, (form) => {
      form.text('name', { label: 'Full name', max: 128 });
      form.list('skills', {
        label: 'Skills',
        itemLabel: 'skill',
        maxItems: 5,
        maxLength: 50,
      });
    });
    assert.deepEqual(fields, {
      name: 'Full name must not contain control characters',
      skills: 'Skills must not contain control characters',
    });
  }
});

test('tabs and line breaks stay allowed in multi-line text', () => {
  const form = new FieldValidator({ about: 'one\r\n\ttwo' });
  assert.equal(
    form.text('about', { label: 'About me', max: 100, multiline: true }),
    'one\n\ttwo',
  );
});

test('lengths count characters, not bytes', () => {
  const fields = errorsFor({ name: '名'.repeat(129) }, (form) =>
    form.text('name', { label: 'Full name', max: 128 }),
  );
  assert.deepEqual(fields, {
    name: 'Full name must be 128 characters or fewer',
  });
  const ok = new FieldValidator({ name: '名'.repeat(128) });
  assert.equal(ok.text('name', { label: 'Full name', max: 128 })?.length, 128);
});
