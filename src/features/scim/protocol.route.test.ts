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
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { TestScimClient, scimAuthorization, userBody } from './testing.ts';
import { createScimToken, listScimTokens, revokeScimToken } from './tokens.ts';
import {
  CONFIG_SCHEMA,
  ENTERPRISE_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
} from './urns.ts';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

await describeEachDatabase('the SCIM protocol', (database) => {
  let app: FastifyInstance;
  let scim: TestScimClient;

  before(async () => {
    app = await buildTestApp(database());
    scim = new TestScimClient(app, await scimAuthorization(database().db));
  });
  after(async () => {
    await app.close();
  });

  it('refuses a request without a live SCIM token with 401 in SCIM shape', async () => {
    const { db } = database();
    const person = await buildAccount(db);
    const revoked = await createScimToken(db, 'Old provider', {
      actor: SYSTEM_ACTOR,
    });
    await revokeScimToken(db, revoked.id, { actor: SYSTEM_ACTOR });

    for (const authorization of [
      undefined,
      'Bearer cm_scim_made-up',
      `Bearer ${revoked.token}`,
      await bearer(db, person.id),
      'Basic dXNlcjpwYXNz',
    ]) {
      const response = await app.inject({
        url: '/scim/v2/Users',
        headers: authorization ? { authorization } : {},
      });
      assert.equal(response.statusCode, 401, String(authorization));
      assert.deepEqual(response.json(), {
        schemas: [ERROR],
        status: '401',
        detail: 'A valid SCIM bearer token is required',
      });
      assert.match(String(response.headers['www-authenticate']), /^Bearer/);
    }
  });

  it('accepts a SCIM token nowhere but /scim/v2', async () => {
    const authorization = await scimAuthorization(database().db);

    const response = await app.inject({
      url: '/api/v1/people',
      headers: { authorization },
    });

    assert.equal(response.statusCode, 401);
  });

  it('takes changes without a CSRF token, and ignores a session cookie', async () => {
    const admin = await buildAccount(database().db, { role: 'admin' });
    const browser = new TestBrowser(app);
    await browser.signIn(admin.email);

    const withCookieOnly = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: {
        cookie: `cm_session=${browser.cookie('cm_session')}`,
        'content-type': 'application/scim+json',
      },
      payload: JSON.stringify(userBody()),
    });
    assert.equal(withCookieOnly.statusCode, 401);

    const withToken = await scim.post('/Users', userBody());
    assert.equal(withToken.statusCode, 201);
  });

  it('refuses a body over 1 MiB with 413 and no scimType', async () => {
    const response = await scim.post(
      '/Users',
      userBody({ displayName: 'x'.repeat(2 * 1024 * 1024) }),
    );

    assert.equal(response.statusCode, 413);
    assert.match(String(response.headers['content-type']), /scim\+json/);
    const body = response.json();
    assert.deepEqual(body.schemas, [ERROR]);
    assert.equal(body.status, '413');
    assert.equal('scimType' in body, false);
  });

  it('refuses a body of a type it does not read with 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: {
        authorization: await scimAuthorization(database().db),
        'content-type': 'text/plain',
      },
      payload: 'userName=someone',
    });
    assert.equal(response.statusCode, 415);
    assert.equal(response.json().status, '415');
  });

  it('takes a DELETE with a JSON content type and an empty body', async () => {
    for (const type of ['application/scim+json', 'application/json']) {
      const id = await scim.createUser();

      const response = await scim.send('DELETE', `/Users/${id}`, undefined, {
        'content-type': type,
        'content-length': '0',
      });

      assert.equal(response.statusCode, 204, `${type}: ${response.body}`);
      assert.equal((await scim.get(`/Users/${id}`)).statusCode, 404);
    }
  });

  it('refuses __proto__, constructor and prototype by name, and pollutes nothing', async () => {
    const bodies = [
      '{"schemas":[],"__proto__":{"polluted":true}}',
      '{"schemas":[],"name":{"constructor":{"prototype":{"polluted":true}}}}',
      '{"Operations":[{"op":"add","value":{"__proto__":{"polluted":true}}}]}',
    ];
    for (const payload of bodies) {
      const response = await app.inject({
        method: 'POST',
        url: '/scim/v2/Users',
        headers: {
          authorization: await scimAuthorization(database().db),
          'content-type': 'application/scim+json',
        },
        payload,
      });

      assert.equal(response.statusCode, 400, payload);
      assert.equal(response.json().scimType, 'invalidSyntax');
      assert.match(
        response.json().detail,
        /^The request body may not name anything "(__proto__|constructor|prototype)"$/,
      );
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('answers unknown addresses 404, wrong methods 405 and Bulk 501', async () => {
    const unknown = await scim.get('/Widgets');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().status, '404');

    const wrongMethod = await scim.send('DELETE', '/ServiceProviderConfig');
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.headers.allow, 'GET');

    const bulk = await scim.post('/Bulk', { schemas: [] });
    assert.equal(bulk.statusCode, 501);
  });

  it('describes what it supports in ServiceProviderConfig', async () => {
    const response = await scim.get('/ServiceProviderConfig');

    assert.equal(response.statusCode, 200);
    const config = response.json();
    assert.deepEqual(config.schemas, [CONFIG_SCHEMA]);
    assert.deepEqual(config.patch, { supported: true });
    assert.equal(config.bulk.supported, false);
    assert.deepEqual(config.filter, { supported: true, maxResults: 100 });
    assert.deepEqual(config.changePassword, { supported: false });
    assert.deepEqual(config.sort, { supported: false });
    assert.deepEqual(config.etag, { supported: true });
    assert.equal(config.authenticationSchemes[0].type, 'oauthbearertoken');
  });

  it('lists the resource types and schemas, and serves each by id', async () => {
    const types = (await scim.get('/ResourceTypes')).json();
    assert.equal(types.totalResults, 2);
    const user = (await scim.get('/ResourceTypes/User')).json();
    assert.equal(user.endpoint, '/Users');
    assert.deepEqual(user.schemaExtensions, [
      { schema: ENTERPRISE_SCHEMA, required: false },
    ]);
    assert.equal(
      (await scim.get('/ResourceTypes/Group')).json().schema,
      GROUP_SCHEMA,
    );
    assert.equal((await scim.get('/ResourceTypes/Printer')).statusCode, 404);

    const schemas = (await scim.get('/Schemas')).json();
    assert.deepEqual(
      schemas.Resources.map((schema: { id: string }) => schema.id),
      [USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA],
    );
    const enterprise = (await scim.get(`/Schemas/${ENTERPRISE_SCHEMA}`)).json();
    assert.deepEqual(
      enterprise.attributes.map(
        (attribute: { name: string }) => attribute.name,
      ),
      ['employeeNumber', 'department', 'manager'],
    );
    const userSchema = (await scim.get(`/Schemas/${USER_SCHEMA}`)).json();
    const userName = userSchema.attributes.find(
      (attribute: { name: string }) => attribute.name === 'userName',
    );
    assert.equal(userName.caseExact, false);
    assert.equal(userName.uniqueness, 'server');
    assert.equal((await scim.get('/Schemas/urn:nothing')).statusCode, 404);

    const filtered = await scim.get('/Schemas?filter=id%20pr');
    assert.equal(filtered.statusCode, 403);
  });

  it('records each change in the audit log as its SCIM client', async () => {
    const { db } = database();
    const issued = await createScimToken(db, 'Audited IdP', {
      actor: SYSTEM_ACTOR,
    });
    const audited = new TestScimClient(app, `Bearer ${issued.token}`);

    const id = await audited.createUser();
    await audited.get(`/Users/${id}`);
    const refused = await audited.post('/Users', { schemas: [USER_SCHEMA] });

    const events = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('actor_label', '=', 'SCIM client Audited IdP')
      .orderBy('id')
      .execute();
    assert.deepEqual(
      events.map((event) => event.action),
      ['account.created', 'scim.request', 'scim.request'],
    );
    const [, created, failed] = events.map((event) =>
      JSON.parse(event.details),
    );
    assert.deepEqual(created, {
      method: 'POST',
      path: '/scim/v2/Users',
      resourceType: 'User',
      resourceId: id,
      status: 201,
    });
    assert.equal(failed.status, refused.statusCode);
  });

  it('lists tokens without their secrets and notes when each was used', async () => {
    const { db } = database();
    const issued = await createScimToken(db, 'Listed IdP', {
      actor: SYSTEM_ACTOR,
    });
    await new TestScimClient(app, `Bearer ${issued.token}`).get(
      '/Users?count=0',
    );

    const listed = (await listScimTokens(db)).find((t) => t.id === issued.id);

    assert.equal(listed?.name, 'Listed IdP');
    assert.ok(listed?.lastUsedAt, 'last use recorded');
    assert.equal(JSON.stringify(listed).includes(issued.token), false);
    const stored = await db
      .selectFrom('scim_tokens')
      .select('token_hash')
      .where('id', '=', issued.id)
      .executeTakeFirstOrThrow();
    assert.notEqual(stored.token_hash, issued.token);
  });
});
