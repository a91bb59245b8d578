import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../../platform/config.ts';
import { needsUserInfo, readIdentity } from './claims.ts';

const [provider] = loadConfig({
  NODE_ENV: 'test',
  OIDC_ISSUER: 'https://login.example.gov.uk',
  OIDC_CLIENT_ID: 'civilmedia',
  OIDC_CLIENT_SECRET: 'secret',
  OIDC_DEPARTMENT_CLAIM: 'department',
  OIDC_JOB_TITLE_CLAIM: 'job_title',
}).oidcProviders;
if (!provider) {
  throw new Error('the provider setting was not read');
}

const BASE = { iss: 'https://login.example.gov.uk', sub: 'abc' };

describe('reading the claims of a sign-in', () => {
  it('takes a verified address and the name as given', () => {
    const identity = readIdentity(
      {
        ...BASE,
        email: ' Ada@Example.gov.uk ',
        email_verified: true,
        name: 'Ada  Lovelace',
      },
      provider,
    );

    assert.equal(identity.email, 'Ada@Example.gov.uk');
    assert.equal(identity.emailVerified, true);
    assert.equal(identity.displayName, 'Ada Lovelace');
    assert.deepEqual(identity.ignored, []);
  });

  it('counts only true, or the text "true", as verified', () => {
    const verified = (value: unknown) =>
      readIdentity(
        { ...BASE, email: 'a@example.gov.uk', email_verified: value },
        provider,
      ).emailVerified;

    assert.deepEqual(
      [true, 'true', false, 'false', 1, 'yes', undefined].map(verified),
      [true, true, false, false, false, false, false],
    );
  });

  it('names someone from given and family names, then the address', () => {
    const joined = readIdentity(
      { ...BASE, given_name: 'Mary', family_name: 'Jackson' },
      provider,
    );
    const fromAddress = readIdentity(
      {
        ...BASE,
        email: 'dorothy.vaughan@example.gov.uk',
        name: 'Bad\u0000Name',
      },
      provider,
    );

    assert.equal(joined.displayName, 'Mary Jackson');
    assert.equal(fromAddress.displayName, 'dorothy.vaughan');
    assert.deepEqual(fromAddress.ignored, ['name']);
  });

  it('ignores an address that is not one', () => {
    const identity = readIdentity(
      { ...BASE, email: 'not an address', email_verified: true },
      provider,
    );

    assert.equal(identity.email, null);
    assert.deepEqual(identity.ignored, ['email']);
  });

  it('reads profile claims by the rules of the profile form', () => {
    const read = (claims: Record<string, unknown>) =>
      readIdentity({ ...BASE, ...claims }, provider);

    assert.deepEqual(read({}).profile, {}, 'absent claims change nothing');
    assert.deepEqual(read({ department: '', job_title: null }).profile, {
      department: null,
      jobTitle: null,
    });
    assert.deepEqual(read({ department: ' Home  Office ' }).profile, {
      department: 'Home Office',
    });
    const bad = read({
      department: 'Home\u202EOffice',
      job_title: 'x'.repeat(256),
    });
    assert.deepEqual(bad.profile, {});
    assert.deepEqual(bad.ignored, ['department', 'job_title']);
    assert.deepEqual(read({ job_title: ['Adviser'] }).ignored, ['job_title']);
  });

  it('asks UserInfo only when the ID token lacks a claim it would use', () => {
    const full = {
      ...BASE,
      email: 'a@example.gov.uk',
      email_verified: true,
      name: 'A',
      department: 'D',
      job_title: 'J',
    };

    const { job_title: _title, ...withoutTitle } = full;

    assert.equal(needsUserInfo(full, provider), false);
    assert.equal(needsUserInfo(withoutTitle, provider), true);
    assert.equal(needsUserInfo(BASE, provider), true);
  });
});
