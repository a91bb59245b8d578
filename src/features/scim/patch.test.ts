import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { USER_MODEL } from './attributes.ts';
import { canonicalize } from './documents.ts';
import { ScimError } from './errors.ts';
import { applyPatch, readOperations } from './patch.ts';
import { ENTERPRISE_SCHEMA, PATCH_SCHEMA, USER_SCHEMA } from './urns.ts';
import { readUserFields } from './user-fields.ts';

const USER = {
  schemas: [USER_SCHEMA],
  id: '7',
  userName: 'ada@example.gov.uk',
  name: { formatted: 'Ada Lovelace', givenName: 'Ada' },
  displayName: 'Ada Lovelace',
  active: true,
  emails: [{ value: 'ada@example.gov.uk', type: 'work', primary: true }],
};

function patched(...operations: Record<string, unknown>[]) {
  return applyPatch(USER, USER_MODEL, operations);
}

function failure(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ScimError);
    return error;
  }
  assert.fail('expected a ScimError');
}

describe('SCIM PATCH on a User', () => {
  it('reads operation names without case, as some providers send them', () => {
    const user = patched(
      { op: 'Replace', path: 'displayName', value: 'A. Lovelace' },
      { op: 'ADD', path: 'title', value: 'Analyst' },
    );
    assert.equal(user.displayName, 'A. Lovelace');
    assert.equal(user.title, 'Analyst');
  });

  it('reads "False" for active as the boolean it means', () => {
    const user = patched({ op: 'replace', path: 'active', value: 'False' });
    assert.equal(readUserFields(user).active, false);
    const again = patched({ op: 'replace', value: { active: 'true' } });
    assert.equal(readUserFields(again).active, true);
  });

  it('replaces the work e-mail through a value filter', () => {
    const user = patched({
      op: 'replace',
      path: 'emails[type eq "work"].value',
      value: 'ada.l@example.gov.uk',
    });
    assert.equal(readUserFields(user).email, 'ada.l@example.gov.uk');
  });

  it('creates a value a filter names when none matches yet', () => {
    const user = patched({
      op: 'add',
      path: 'phoneNumbers[type eq "work"].value',
      value: '020 7946 0000',
    });
    assert.deepEqual(user.phoneNumbers, [
      { type: 'work', value: '020 7946 0000' },
    ]);
  });

  it('removes the values a filter picks', () => {
    const user = patched({ op: 'remove', path: 'emails[type eq "work"]' });
    assert.deepEqual(user.emails, []);
    assert.equal(readUserFields(user).email, null);
  });

  it('sets extension attributes by URI path and in a value without path', () => {
    const user = patched(
      { op: 'add', path: `${ENTERPRISE_SCHEMA}:department`, value: 'HMRC' },
      {
        op: 'replace',
        value: { [ENTERPRISE_SCHEMA]: { employeeNumber: '42' } },
      },
    );
    assert.deepEqual(user[ENTERPRISE_SCHEMA], {
      department: 'HMRC',
      employeeNumber: '42',
    });
  });

  it('keeps sub-attributes a complex replace does not name', () => {
    const user = patched({
      op: 'replace',
      path: 'name',
      value: { familyName: 'Byron' },
    });
    assert.deepEqual(user.name, {
      formatted: 'Ada Lovelace',
      givenName: 'Ada',
      familyName: 'Byron',
    });
  });

  it('ignores attributes it does not know, and read-only ones in a value without a path', () => {
    const user = patched(
      { op: 'replace', path: 'nickName', value: 'Countess' },
      {
        op: 'add',
        value: { id: '99', favouriteColour: 'green', title: 'Analyst' },
      },
    );
    assert.equal(user.id, '7');
    assert.equal(user.nickName, undefined);
    assert.equal(user.favouriteColour, undefined);
    assert.equal(user.title, 'Analyst');
  });

  it('takes primary from the other values when a PATCH marks one so', () => {
    const added = patched({
      op: 'add',
      path: 'emails',
      value: { value: 'lovelace@example.gov.uk', primary: true },
    });
    assert.deepEqual(
      (added.emails as { primary: boolean }[]).map((email) => email.primary),
      [false, true],
    );

    const marked = patched(
      { op: 'add', path: 'emails', value: { value: 'l@example.gov.uk' } },
      {
        op: 'replace',
        path: 'emails[value eq "l@example.gov.uk"].primary',
        value: true,
      },
    );
    assert.deepEqual(
      (marked.emails as { primary?: boolean }[]).map((email) => email.primary),
      [false, true],
    );
  });

  it('refuses a path naming a read-only attribute with mutability', () => {
    for (const path of ['id', 'ID', 'meta.created', 'groups[value eq "1"]']) {
      const error = failure(() =>
        patched({ op: 'replace', path, value: '99' }),
      );
      assert.equal(error.scimType, 'mutability', path);
    }
  });

  it('refuses a remove without a path with noTarget', () => {
    assert.equal(failure(() => patched({ op: 'remove' })).scimType, 'noTarget');
  });

  it('refuses more than 1,000 operations at once with 413', () => {
    const operations = Array.from({ length: 1001 }, () => ({
      op: 'add',
      path: 'title',
      value: 'x',
    }));
    const error = failure(() =>
      readOperations({ schemas: [PATCH_SCHEMA], Operations: operations }),
    );
    assert.equal(error.status, 413);
    assert.equal(error.scimType, undefined);
  });

  it('refuses an unknown op and a body without Operations', () => {
    assert.equal(
      failure(() => patched({ op: 'merge', path: 'title', value: 'x' }))
        .scimType,
      'invalidSyntax',
    );
    assert.equal(
      failure(() => readOperations({ schemas: [PATCH_SCHEMA] })).scimType,
      'invalidSyntax',
    );
  });
});

describe('reading a SCIM User', () => {
  it('drops unknown attributes and keeps the known ones whatever their case', () => {
    const body = canonicalize(
      { ...USER, USERNAME: 'grace@example.gov.uk', shoeSize: 9 },
      USER_MODEL,
    );
    assert.equal(body.userName, 'grace@example.gov.uk');
    assert.equal(body.shoeSize, undefined);
    assert.equal(body.id, undefined);
  });

  it('prefers the display name, then the formatted name, then the parts', () => {
    const parts = { givenName: 'Grace', familyName: 'Hopper' };
    assert.equal(
      readUserFields({ userName: 'gh1', name: parts }).displayName,
      'Grace Hopper',
    );
    assert.equal(
      readUserFields({
        userName: 'gh1',
        name: { ...parts, formatted: 'Rear Admiral Hopper' },
      }).displayName,
      'Rear Admiral Hopper',
    );
    assert.equal(
      readUserFields({ userName: 'gh1', displayName: 'Amazing Grace' })
        .displayName,
      'Amazing Grace',
    );
  });

  it('names every attribute over its limit in one invalidValue', () => {
    const error = failure(() =>
      readUserFields({
        userName: 'a'.repeat(200),
        displayName: '名'.repeat(10_000),
        title: 'ok',
      }),
    );
    assert.equal(error.scimType, 'invalidValue');
    assert.match(error.detail, /userName must be 128 characters or fewer/);
    assert.match(error.detail, /displayName must be 128 characters or fewer/);
  });
});
