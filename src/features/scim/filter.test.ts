import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScimError } from './errors.ts';
import { parseFilter } from './filter.ts';
import { matchesValue, parsePatchPath } from './paths.ts';
import { ENTERPRISE_SCHEMA } from './urns.ts';

function scimTypeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ScimError);
    return error.scimType;
  }
  assert.fail('expected a ScimError');
}

describe('SCIM filters', () => {
  it('reads a comparison with a quoted value', () => {
    assert.deepEqual(parseFilter('userName eq "bjensen@example.gov.uk"'), {
      kind: 'compare',
      op: 'eq',
      path: {
        schema: null,
        attr: 'userName',
        sub: null,
        text: 'userName',
      },
      value: 'bjensen@example.gov.uk',
    });
  });

  it('binds and tighter than or, and honours parentheses', () => {
    const loose = parseFilter('a eq "1" or b eq "2" and c eq "3"');
    assert.equal(loose.kind, 'or');
    assert.equal(loose.kind === 'or' && loose.right.kind, 'and');

    const grouped = parseFilter('(a eq "1" or b eq "2") and c eq "3"');
    assert.equal(grouped.kind, 'and');
    assert.equal(grouped.kind === 'and' && grouped.left.kind, 'or');
  });

  it('reads operators and keywords in any case', () => {
    const filter = parseFilter('userName EQ "x" AND externalId Pr');
    assert.equal(filter.kind, 'and');
  });

  it('reads a schema URI before an attribute', () => {
    const filter = parseFilter(`${ENTERPRISE_SCHEMA}:employeeNumber eq "42"`);
    assert.equal(filter.kind, 'compare');
    assert.deepEqual(filter.kind === 'compare' && filter.path, {
      schema: ENTERPRISE_SCHEMA,
      attr: 'employeeNumber',
      sub: null,
      text: `${ENTERPRISE_SCHEMA}:employeeNumber`,
    });
  });

  it('reads escapes in strings, numbers, booleans and null', () => {
    const filter = parseFilter(
      'a eq "say \\"hi\\"" or b eq 12 or c eq true or d eq null',
    );
    const values: unknown[] = [];
    const walk = (node: typeof filter): void => {
      if (node.kind === 'or') {
        walk(node.left);
        walk(node.right);
      } else if (node.kind === 'compare') {
        values.push(node.value);
      }
    };
    walk(filter);
    assert.deepEqual(values, ['say "hi"', 12, true, null]);
  });

  it('refuses broken filters with invalidFilter', () => {
    for (const text of [
      '',
      'userName eq "open',
      'userName "x"',
      'userName eq',
      'userName eq "x" extra',
      '(userName eq "x"',
      'userName eq bare',
      '1abc eq "x"',
      'a eq "1" and'.padEnd(2100, ' '),
      `${'('.repeat(30)}a eq "1"${')'.repeat(30)}`,
    ]) {
      assert.equal(
        scimTypeOf(() => parseFilter(text)),
        'invalidFilter',
        JSON.stringify(text.slice(0, 40)),
      );
    }
  });
});

describe('SCIM PATCH paths', () => {
  it('reads an attribute, a sub-attribute and an extension attribute', () => {
    assert.equal(parsePatchPath('active').path.attr, 'active');
    assert.equal(parsePatchPath('name.givenName').sub, 'givenName');
    const manager = parsePatchPath(`${ENTERPRISE_SCHEMA}:manager.value`);
    assert.equal(manager.path.schema, ENTERPRISE_SCHEMA);
    assert.equal(manager.path.attr, 'manager');
    assert.equal(manager.sub, 'value');
  });

  it('reads a value filter and the sub-attribute after it', () => {
    const path = parsePatchPath('emails[type eq "work"].value');
    assert.equal(path.path.attr, 'emails');
    assert.equal(path.sub, 'value');
    assert.ok(path.filter);
    assert.equal(matchesValue(path.filter, { type: 'Work' }), true);
    assert.equal(matchesValue(path.filter, { type: 'home' }), false);
  });

  it('refuses a malformed path with invalidPath', () => {
    for (const text of [
      'emails[type eq "work"',
      'emails[type eq "work"]value',
      'name.givenName.more',
      '[type eq "work"]',
    ]) {
      assert.equal(
        scimTypeOf(() => parsePatchPath(text)),
        'invalidPath',
        text,
      );
    }
  });
});
