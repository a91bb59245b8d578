import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConfig } from '../../../platform/config.ts';
import type { OidcProviderConfig } from '../../../platform/config.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { savePartner } from '../../admin/partners.ts';
import { findAccountById } from '../../people/accounts.ts';
import type { Identity } from './claims.ts';
import { OidcError } from './errors.ts';
import { resolvePerson } from './identities.ts';
import { linkIdentity } from './links.ts';

// Two partners, each with its own identity provider; guests sign in
// through them. Neither may vouch for the other's guests or for staff.

const config = loadConfig({
  OIDC_ISSUER: 'https://login.example.gov.uk',
  OIDC_CLIENT_ID: 'civilmedia',
  OIDC_CLIENT_SECRET: 'secret',
  OIDC_PROVIDERS: 'north,south',
  OIDC_NORTH_ISSUER: 'https://login.north.example',
  OIDC_NORTH_CLIENT_ID: 'civilmedia',
  OIDC_NORTH_CLIENT_SECRET: 'secret',
  OIDC_SOUTH_ISSUER: 'https://login.south.example',
  OIDC_SOUTH_CLIENT_ID: 'civilmedia',
  OIDC_SOUTH_CLIENT_SECRET: 'secret',
});
const provider = (key: string) =>
  config.oidcProviders.find((entry) => entry.key === key) as OidcProviderConfig;
const NOW = '2026-12-04T09:00:00.000Z';

function identity(issuer: string, subject: string, email: string): Identity {
  return {
    issuer,
    subject,
    email,
    emailVerified: true,
    displayName: subject,
    profile: {},
    ignored: [],
  };
}

await describeEachDatabase('partner identity providers', (database) => {
  it('sign people in as guests, only at partner domains', async () => {
    const { db } = database();
    const actor = { personId: null, label: 'test' };
    await savePartner(
      db,
      { name: 'North Trust', domains: ['north.example'] },
      actor,
    );
    await savePartner(
      db,
      { name: 'South Trust', domains: ['south.example'] },
      actor,
    );

    const guest = await resolvePerson(
      db,
      identity('https://login.north.example', 'n-1', 'nell@north.example'),
      provider('north'),
      NOW,
    );
    assert.equal(guest.via, 'created');
    assert.equal(guest.account.role, 'guest');
    assert.equal(provider('default').people, 'member');

    await assert.rejects(
      resolvePerson(
        db,
        identity('https://login.north.example', 'n-2', 'someone@gmail.example'),
        provider('north'),
        NOW,
      ),
      (error: unknown) =>
        error instanceof OidcError && error.code === 'OIDC_NOT_A_PARTNER',
    );
  });

  it('never hand one partner’s guest or a member to another provider', async () => {
    const { db } = database();
    const bob = await buildPerson(db, {
      displayName: 'Bob South',
      email: 'bob@south.example',
      role: 'guest',
    });
    await linkIdentity(
      db,
      {
        personId: bob,
        issuer: 'https://login.south.example',
        subject: 's-1',
        email: 'bob@south.example',
      },
      NOW,
    );
    const staff = await buildPerson(db, {
      displayName: 'Staff Member',
      email: 'sam@north.example',
    });

    for (const [email, subject] of [
      ['BOB@south.example', 'n-bob'],
      ['sam@north.example', 'n-sam'],
    ] as const) {
      await assert.rejects(
        resolvePerson(
          db,
          identity('https://login.north.example', subject, email),
          provider('north'),
          NOW,
        ),
        (error: unknown) =>
          error instanceof OidcError && error.code === 'OIDC_ACCOUNT_CONFLICT',
        email,
      );
    }
    assert.equal((await findAccountById(db, staff))?.role, 'member');
  });
});
