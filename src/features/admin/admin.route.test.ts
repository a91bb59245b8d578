import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { findAccountById } from '../people/accounts.ts';
import { getSetting } from './settings.ts';

await describeEachDatabase('administration', (database) => {
  let app: FastifyInstance;
  let admin: { id: number; email: string };
  let adminToken: string;

  before(async () => {
    app = await buildTestApp(database());
    admin = await buildAccount(database().db, {
      role: 'admin',
      displayName: 'Ada Admin',
    });
    adminToken = await bearer(database().db, admin.id);
  });
  after(async () => {
    await app.close();
  });

  it('is closed to members, page and API alike', async () => {
    const { db } = database();
    const member = await buildAccount(db);
    const authorization = await bearer(db, member.id);
    for (const url of [
      '/admin',
      '/admin/people',
      '/admin/audit',
      '/api/v1/audit',
    ]) {
      const response = await app.inject({ url, headers: { authorization } });
      assert.equal(response.statusCode, 403, url);
    }
    const api = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/people/${admin.id}/deactivate`,
      headers: { authorization },
    });
    assert.equal(api.json().error.code, 'ADMIN_ONLY');
    assert.equal((await findAccountById(db, admin.id))?.active, true);
  });

  it('ends sessions and tokens at once when the admin page deactivates (BUG-15)', async () => {
    const { db } = database();
    const carol = await buildAccount(db, { displayName: 'Carol Leaver' });
    const laptop = new TestBrowser(app);
    const phone = new TestBrowser(app);
    await laptop.signIn(carol.email);
    await phone.signIn(carol.email);
    const token = await bearer(db, carol.id);
    const adminBrowser = new TestBrowser(app);
    await adminBrowser.signIn(admin.email);
    await adminBrowser.get(`/admin/people/${carol.id}`);

    const response = await adminBrowser.post(
      `/admin/people/${carol.id}/deactivate`,
      {},
    );

    assert.equal(response.statusCode, 303);
    for (const browser of [laptop, phone]) {
      assert.equal((await browser.get('/people')).statusCode, 303);
    }
    const api = await app.inject({
      url: '/api/v1/people',
      headers: { authorization: token },
    });
    assert.equal(api.statusCode, 401);
    const search = await app.inject({
      url: '/api/v1/people?q=carol%20leaver',
      headers: { authorization: adminToken },
    });
    assert.equal(search.json().total, 0, 'gone from the directory');

    await adminBrowser.get(`/admin/people/${carol.id}`);
    await adminBrowser.post(`/admin/people/${carol.id}/reactivate`, {});
    assert.equal(
      (await laptop.get('/people')).statusCode,
      303,
      'old sessions stay ended',
    );
    const again = await app.inject({
      url: '/api/v1/people',
      headers: { authorization: token },
    });
    assert.equal(again.statusCode, 401, 'old tokens stay revoked');
  });

  it('deactivates through the admin API too (BUG-15)', async () => {
    const { db } = database();
    const dan = await buildAccount(db);
    const token = await bearer(db, dan.id);

    const response = await app.inject({
      method: 'POST',
      url: `/api/v1/admin/people/${dan.id}/deactivate`,
      headers: { authorization: adminToken },
    });

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, 'deactivated');
    const api = await app.inject({
      url: '/api/v1/people',
      headers: { authorization: token },
    });
    assert.equal(api.statusCode, 401);
  });

  it('changes a role, records it, and always keeps one administrator', async () => {
    const { db } = database();
    const eve = await buildAccount(db, { displayName: 'Eve Promoted' });

    const promoted = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/people/${eve.id}/role`,
      headers: { authorization: adminToken },
      payload: { role: 'admin' },
    });
    assert.equal(promoted.json().role, 'admin');

    const log = await app.inject({
      url: `/api/v1/audit?action=role.changed&person=${eve.id}`,
      headers: { authorization: adminToken },
    });
    assert.equal(log.json().total, 1);
    assert.deepEqual(log.json().items[0].details, {
      from: 'member',
      to: 'admin',
    });
    assert.equal(log.json().items[0].actor.label, 'Ada Admin');

    await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/people/${eve.id}/role`,
      headers: { authorization: adminToken },
      payload: { role: 'member' },
    });
    const lastAdmin = await app.inject({
      method: 'PUT',
      url: `/api/v1/admin/people/${admin.id}/role`,
      headers: { authorization: adminToken },
      payload: { role: 'member' },
    });
    assert.equal(lastAdmin.statusCode, 409);
    assert.equal((await findAccountById(db, admin.id))?.role, 'admin');
  });

  it('refuses a bad audit filter with a field error', async () => {
    const response = await app.inject({
      url: '/api/v1/audit?action=made-up&from=2026-13-45',
      headers: { authorization: adminToken },
    });

    assert.equal(response.statusCode, 400);
    assert.deepEqual(response.json().error.fields, {
      action: 'Choose an action from the list',
      from: 'Enter the first day as YYYY-MM-DD',
    });
  });

  it('issues a SCIM token shown once, and revokes it', async () => {
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    await browser.get('/admin/scim-tokens');

    const created = await browser.post('/admin/scim-tokens', {
      name: 'Entra ID',
    });
    assert.equal(created.statusCode, 201);
    const token = /(cm_scim_[A-Za-z0-9_-]+)/.exec(created.body)?.[1] ?? '';
    const scim = await app.inject({
      url: '/scim/v2/ServiceProviderConfig',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(scim.statusCode, 200);
    assert.doesNotMatch(
      (await browser.get('/admin/scim-tokens')).body,
      /cm_scim_/,
    );

    const id = /\/admin\/scim-tokens\/(\d+)\/revoke/.exec(created.body)?.[1];
    await browser.post(`/admin/scim-tokens/${id}/revoke`, {});
    const refused = await app.inject({
      url: '/scim/v2/ServiceProviderConfig',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(refused.statusCode, 401);
  });

  it('keeps password sign-in on while there is no other way in', async () => {
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    await browser.get('/admin/settings');

    const response = await browser.post('/admin/settings', {});

    assert.equal(response.statusCode, 400);
    assert.match(response.body, /cannot be switched off/);
    assert.equal(await getSetting(database().db, 'localSignIn'), true);
  });

  it('keeps each partner domain to one partner, and checks it is a domain', async () => {
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    await browser.get('/admin/partners');

    const added = await browser.post('/admin/partners', {
      name: 'Northshire NHS Trust',
      domains: 'northshire.nhs.uk\n@NHS.net',
    });
    assert.equal(added.statusCode, 303);
    const page = await browser.get('/admin/partners');
    assert.match(page.body, /nhs\.net, northshire\.nhs\.uk/);

    const clash = await browser.post('/admin/partners', {
      name: 'Other',
      domains: 'nhs.net',
    });
    assert.equal(clash.statusCode, 400);
    assert.match(
      clash.body,
      /nhs\.net already belongs to Northshire NHS Trust/,
    );
    const webmail = await browser.post('/admin/partners', {
      name: 'Mail',
      domains: 'gmail.com',
    });
    assert.match(webmail.body, /gmail\.com is a public e-mail service/);
    await buildAccount(database().db, {
      email: 'someone@staff.example.gov.uk',
    });
    const ours = await browser.post('/admin/partners', {
      name: 'Ourselves',
      domains: 'staff.example.gov.uk',
    });
    assert.match(
      ours.body,
      /People at staff\.example\.gov\.uk are members of this site/,
    );
    const bad = await browser.post('/admin/partners', {
      name: 'Bad',
      domains: 'not a domain',
    });
    assert.match(bad.body, /not a domain is not an e-mail domain/);
  });
});

await describeEachDatabase('password sign-in switched off', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database(), {
      OIDC_ISSUER: 'https://login.example.gov.uk',
      OIDC_CLIENT_ID: 'civilmedia',
      OIDC_CLIENT_SECRET: 'a-secret',
      OIDC_NAME: 'Example Login',
    });
  });
  after(async () => {
    await app.close();
  });

  it('hides the password form and refuses a password sign-in', async () => {
    const { db } = database();
    const admin = await buildAccount(db, { role: 'admin' });
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);
    await browser.get('/admin/settings');
    await browser.post('/admin/settings', {});
    assert.equal(await getSetting(db, 'localSignIn'), false);

    const visitor = new TestBrowser(app);
    const page = await visitor.get('/sign-in');
    assert.match(page.body, /Sign in with Example Login/);
    assert.doesNotMatch(page.body, /id="password"/);
    const attempt = await visitor.post('/sign-in', {
      email: admin.email,
      password: 'anything at all',
    });
    assert.equal(attempt.statusCode, 403);
    assert.equal(visitor.cookie('cm_session'), undefined);
  });
});
