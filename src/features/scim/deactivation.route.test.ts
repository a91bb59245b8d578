import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import type { OidcProviderConfig } from '../../platform/config.ts';
import { AppError } from '../../platform/errors.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { reactivateAccount } from '../auth/lifecycle.ts';
import type { Identity } from '../auth/oidc/claims.ts';
import { resolvePerson } from '../auth/oidc/identities.ts';
import { linkIdentity, listIdentityLinks } from '../auth/oidc/links.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { TestScimClient, scimAuthorization, userBody } from './testing.ts';

const filter = (text: string) => `filter=${encodeURIComponent(text)}`;

const NOW = new Date().toISOString();

const PROVIDER: OidcProviderConfig = {
  key: 'default',
  name: 'Staff sign-in',
  issuer: new URL('https://idp.example.gov.uk'),
  clientId: 'civilmedia',
  clientSecret: 'not used',
  scopes: ['openid', 'email'],
  claims: {},
  people: 'member',
  startPath: '/auth/oidc/default',
  callbackPath: '/auth/oidc/default/callback',
};

function signIn(
  identity: { issuer: string; subject: string },
  email: string,
): Identity {
  return {
    ...identity,
    email,
    emailVerified: true,
    displayName: null,
    profile: {},
    ignored: [],
  };
}

await describeEachDatabase('deactivation over SCIM', (database) => {
  let app: FastifyInstance;
  let scim: TestScimClient;
  let colleague: string;

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    scim = new TestScimClient(app, await scimAuthorization(db));
    colleague = await bearer(db, (await buildAccount(db)).id);
  });
  after(async () => {
    await app.close();
  });

  /** Carol: signed in on a browser and holding a personal API token. */
  async function signedInPerson() {
    const { db } = database();
    const name = `Carol Leaver${nextNumber()}`;
    const account = await buildAccount(db, { displayName: name });
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    const token = await bearer(db, account.id);
    assert.equal((await browser.get('/people')).statusCode, 200);
    assert.equal((await apiAs(token)).statusCode, 200);
    return { ...account, name, browser, token };
  }

  function apiAs(authorization: string, query = '') {
    return app.inject({
      url: `/api/v1/people${query}`,
      headers: { authorization },
    });
  }

  async function inDirectory(name: string): Promise<boolean> {
    const response = await apiAs(colleague, `?q=${encodeURIComponent(name)}`);
    const hits = response.json().items as { name?: string }[];
    return hits.some((hit) => hit.name === name);
  }

  it('refuses the next request and the token of someone PATCHed inactive (BUG-15)', async () => {
    const carol = await signedInPerson();
    assert.equal(await inDirectory(carol.name), true);

    const response = await scim.patch(`/Users/${carol.id}`, [
      { op: 'replace', path: 'active', value: false },
    ]);

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().active, false);
    const page = await carol.browser.get('/people');
    assert.equal(page.statusCode, 303);
    assert.match(String(page.headers.location), /^\/sign-in/);
    assert.equal((await apiAs(carol.token)).statusCode, 401);
    assert.equal(await inDirectory(carol.name), false);
  });

  it('gives back neither the session nor the token on reactivation', async () => {
    const carol = await signedInPerson();
    await scim.patch(`/Users/${carol.id}`, [
      { op: 'Replace', value: { active: 'False' } },
    ]);

    const back = await scim.patch(`/Users/${carol.id}`, [
      { op: 'replace', path: 'active', value: 'True' },
    ]);

    assert.equal(back.json().active, true);
    assert.equal((await carol.browser.get('/people')).statusCode, 303);
    assert.equal((await apiAs(carol.token)).statusCode, 401);
    assert.equal(await inDirectory(carol.name), true);
    const fresh = new TestBrowser(app);
    await fresh.signIn(carol.email);
    assert.equal((await fresh.get('/people')).statusCode, 200);
  });

  it('deactivates with PUT active false just the same', async () => {
    const carol = await signedInPerson();
    const user = (await scim.get(`/Users/${carol.id}`)).json();

    await scim.put(`/Users/${carol.id}`, { ...user, active: false });

    assert.equal((await carol.browser.get('/people')).statusCode, 303);
    assert.equal((await apiAs(carol.token)).statusCode, 401);
  });

  it('ends access on DELETE, hides the person from SCIM, and keeps them', async () => {
    const { db } = database();
    const carol = await signedInPerson();
    const group = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `Leavers ${nextNumber()}`,
      members: [{ value: String(carol.id) }],
    });

    const response = await scim.delete(`/Users/${carol.id}`);

    assert.equal(response.statusCode, 204);
    assert.equal((await carol.browser.get('/people')).statusCode, 303);
    assert.equal((await apiAs(carol.token)).statusCode, 401);
    assert.equal(await inDirectory(carol.name), false);
    assert.equal((await scim.get(`/Users/${carol.id}`)).statusCode, 404);
    assert.equal((await scim.delete(`/Users/${carol.id}`)).statusCode, 404);
    const search = await scim.get(
      `/Users?${filter(`userName eq "${carol.email}"`)}`,
    );
    assert.equal(search.json().totalResults, 0);
    const members = (await scim.get(`/Groups/${group.json().id}`)).json();
    assert.equal(members.members, undefined);

    const kept = await db
      .selectFrom('people')
      .select(['display_name', 'status'])
      .where('id', '=', carol.id)
      .executeTakeFirst();
    assert.deepEqual(kept, { display_name: carol.name, status: 'deactivated' });
    const events = await sql<{ action: string }>`
      select action from audit_events
      where subject_type = 'person' and subject_id = ${carol.id}
      and actor_label like 'SCIM client %'
      order by id`.execute(db);
    assert.deepEqual(
      events.rows.map((row) => row.action),
      // The second scim.request is the refused second DELETE.
      [
        'account.deactivated',
        'account.deleted',
        'scim.request',
        'scim.request',
      ],
    );
  });

  it('unlinks the OpenID identities of someone deleted and closes their account', async () => {
    const { db } = database();
    const email = `rehired${nextNumber()}@example.gov.uk`;
    const first = Number(
      await scim.createUser({ userName: email, emails: [{ value: email }] }),
    );
    const identity = { issuer: 'https://idp.example.gov.uk', subject: email };
    await linkIdentity(db, { personId: first, ...identity, email }, NOW);

    assert.equal((await scim.delete(`/Users/${first}`)).statusCode, 204);

    assert.deepEqual(await listIdentityLinks(db, first), []);
    await assert.rejects(
      reactivateAccount(db, first, { actor: SYSTEM_ACTOR, via: 'test' }),
      (error) => error instanceof AppError && error.code === 'ACCOUNT_CLOSED',
    );
    const deleted = await db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'account.deleted')
      .where('subject_id', '=', first)
      .executeTakeFirstOrThrow();
    assert.equal(JSON.parse(deleted.details).identityLinksRemoved, 1);

    // Rehired: the provider's next sign-in as them finds the new account.
    const second = Number(
      await scim.createUser({ userName: email, emails: [{ value: email }] }),
    );
    const resolved = await db
      .transaction()
      .execute((trx) =>
        resolvePerson(trx, signIn(identity, email), PROVIDER, NOW),
      );
    assert.equal(resolved.account.id, second);
    assert.equal(resolved.via, 'email');
  });

  /** An administrator who is, from now, the site's only active one. */
  async function onlyAdministrator() {
    const { db } = database();
    await db
      .updateTable('people')
      .set({ role: 'member' })
      .where('role', '=', 'admin')
      .execute();
    return buildAccount(db, { role: 'admin', jobTitle: 'Site owner' });
  }

  async function statusOf(id: number) {
    const { db } = database();
    const person = await db
      .selectFrom('people')
      .select(['status', 'job_title'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const events = await db
      .selectFrom('audit_events')
      .select('action')
      .where('subject_type', '=', 'person')
      .where('subject_id', '=', id)
      .where('action', 'like', 'account.%')
      .execute();
    return { ...person, events: events.map((event) => event.action) };
  }

  it('refuses to deactivate or delete the only active administrator', async () => {
    const admin = await onlyAdministrator();
    const user = (await scim.get(`/Users/${admin.id}`)).json();

    const refusals = [
      await scim.patch(`/Users/${admin.id}`, [
        { op: 'replace', path: 'title', value: 'Leaver' },
        { op: 'replace', path: 'active', value: false },
      ]),
      await scim.put(`/Users/${admin.id}`, {
        ...user,
        title: 'Leaver',
        active: false,
      }),
      await scim.delete(`/Users/${admin.id}`),
    ];

    for (const response of refusals) {
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().status, '400');
      assert.equal(response.json().scimType, 'mutability');
      assert.match(response.json().detail, /only active administrator/);
    }
    assert.deepEqual(await statusOf(admin.id), {
      status: 'active',
      job_title: 'Site owner',
      events: [],
    });
    assert.equal((await scim.get(`/Users/${admin.id}`)).statusCode, 200);
  });

  it('deactivates one of two administrators asked to leave at once, not both', async () => {
    const first = await onlyAdministrator();
    const second = await buildAccount(database().db, { role: 'admin' });

    const responses = await Promise.all(
      [first, second].map((admin) =>
        scim.patch(`/Users/${admin.id}`, [
          { op: 'replace', path: 'active', value: false },
        ]),
      ),
    );

    assert.deepEqual(
      responses.map((response) => response.statusCode).sort(),
      [200, 400],
    );
    const statuses = [
      (await statusOf(first.id)).status,
      (await statusOf(second.id)).status,
    ];
    assert.deepEqual(statuses.sort(), ['active', 'deactivated']);
  });

  it('lets the provider create someone new with a deleted userName', async () => {
    const userName = `reused${nextNumber()}@example.gov.uk`;
    const first = await scim.createUser({
      userName,
      emails: [{ value: userName, type: 'work' }],
    });
    await scim.delete(`/Users/${first}`);

    const second = await scim.post(
      '/Users',
      userBody({ userName, emails: [{ value: userName, type: 'work' }] }),
    );

    assert.equal(second.statusCode, 201);
    assert.notEqual(second.json().id, first);
  });
});
