import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
  TEST_PASSWORD,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { revokeApiToken } from './tokens.ts';

await describeEachDatabase('local sign-in', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database(), { SIGN_IN_RATE_LIMIT: '1000' });
  });
  after(async () => {
    await app.close();
  });

  it('sends a signed-out reader of a page to sign in, keeping the page', async () => {
    const response = await app.inject('/people?q=maps');

    assert.equal(response.statusCode, 303);
    assert.equal(
      response.headers.location,
      '/sign-in?returnTo=%2Fpeople%3Fq%3Dmaps',
    );
  });

  it('answers a signed-out API call with 401 and a stable code', async () => {
    const response = await app.inject('/api/v1/people');

    assert.equal(response.statusCode, 401);
    assert.deepEqual(response.json(), {
      error: { code: 'UNAUTHENTICATED', message: 'Sign in to continue' },
    });
  });

  it('signs in with the right password and returns to the page asked for', async () => {
    const { email } = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.get('/sign-in?returnTo=%2Fpeople');

    const response = await browser.post('/sign-in', {
      email: email.toUpperCase(),
      password: TEST_PASSWORD,
      returnTo: '/people',
    });

    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/people');
    const cookie = response.cookies.find((c) => c.name === 'cm_session');
    assert.ok(cookie, 'a session cookie is set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal((await browser.get('/people')).statusCode, 200);
  });

  it('gives the same answer for a wrong password and an unknown account', async () => {
    const { email } = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.get('/sign-in');

    const wrong = await browser.post('/sign-in', {
      email,
      password: 'not the password',
    });
    const unknown = await browser.post('/sign-in', {
      email: 'nobody@example.gov.uk',
      password: 'not the password',
    });

    assert.equal(wrong.statusCode, 400);
    assert.equal(unknown.statusCode, 400);
    const message = 'Enter a correct e-mail address and password';
    assert.match(wrong.body, new RegExp(message));
    assert.match(unknown.body, new RegExp(message));
    assert.match(wrong.body, /<title>Error: Sign in/);
    assert.equal(browser.cookie('cm_session'), undefined);
  });

  it('refuses a sign-in form without its CSRF token', async () => {
    const { email } = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.get('/sign-in');

    const response = await browser.post('/sign-in', {
      _csrf: '',
      email,
      password: TEST_PASSWORD,
    });

    assert.equal(response.statusCode, 403);
    assert.equal(browser.cookie('cm_session'), undefined);
  });

  it('never sends someone off the site after sign-in (BUG-18)', async () => {
    const { email } = await buildAccount(database().db);
    const hostile = [
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      'https:evil.example',
      '%2F%2Fevil.example',
      'javascript:alert(1)',
      'https://intranet.example.evil.example/',
      '/\t/evil.example',
    ];
    for (const returnTo of hostile) {
      const browser = new TestBrowser(app);
      await browser.get('/sign-in');
      const response = await browser.post('/sign-in', {
        email,
        password: TEST_PASSWORD,
        returnTo,
      });
      assert.equal(response.headers.location, '/', `for ${returnTo}`);
    }

    const browser = new TestBrowser(app);
    await browser.get('/sign-in');
    const response = await browser.post('/sign-in', {
      email,
      password: TEST_PASSWORD,
      returnTo: '/wiki/Team/Onboarding',
    });
    assert.equal(response.headers.location, '/wiki/Team/Onboarding');
  });

  it('starts a new session at sign-in and ends it at sign-out', async () => {
    const { email } = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.signIn(email);
    const first = browser.cookie('cm_session');
    await browser.signIn(email);
    const second = browser.cookie('cm_session');
    assert.notEqual(first, second);

    await browser.get('/');
    const signOut = await browser.post('/sign-out', {});
    assert.equal(signOut.statusCode, 303);
    assert.equal(signOut.headers.location, '/sign-in?signedOut=1');

    const replayed = await app.inject({
      url: '/people',
      headers: { cookie: `cm_session=${second}` },
    });
    assert.equal(replayed.statusCode, 303);
    const stale = await app.inject({
      url: '/people',
      headers: { cookie: `cm_session=${first}` },
    });
    assert.equal(stale.statusCode, 303);
  });

  it('accepts a personal API token until it is revoked', async () => {
    const { db } = database();
    const { id } = await buildAccount(db);
    const authorization = await bearer(db, id);

    const ok = await app.inject({
      url: '/api/v1/people',
      headers: { authorization },
    });
    assert.equal(ok.statusCode, 200);

    const tokenId = await db
      .selectFrom('api_tokens')
      .select('id')
      .where('person_id', '=', id)
      .executeTakeFirstOrThrow();
    await revokeApiToken(db, tokenId.id);

    const revoked = await app.inject({
      url: '/api/v1/people',
      headers: { authorization },
    });
    assert.equal(revoked.statusCode, 401);
    assert.equal(revoked.json().error.code, 'INVALID_TOKEN');
  });

  it('leaves other Authorization schemes alone, and never loops on a bad token', async () => {
    const basic = await app.inject({
      url: '/sign-in',
      headers: { authorization: 'Basic c3RhZ2luZzpzZWNyZXQ=' },
    });
    assert.equal(basic.statusCode, 200);

    const page = await app.inject({
      url: '/people',
      headers: { authorization: 'Bearer cm_pat_not-a-real-token' },
    });
    assert.equal(page.statusCode, 401);
    assert.equal(page.headers.location, undefined);
  });

  it('reports database health without signing in', async () => {
    const response = await app.inject('/healthz');

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok', database: 'reachable' });
  });
});

await describeEachDatabase('sign-in over HTTPS and under load', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database(), {
      PUBLIC_URL: 'https://intranet.example.gov.uk',
      SIGN_IN_RATE_LIMIT: '3',
    });
  });
  after(async () => {
    await app.close();
  });

  it('marks the session cookie Secure and host-only when the site is HTTPS', async () => {
    const { email } = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.get('/sign-in');

    const response = await browser.post('/sign-in', {
      email,
      password: TEST_PASSWORD,
    });

    const cookie = response.cookies.find((c) => c.name === '__Host-cm_session');
    assert.ok(cookie);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.path, '/');
    assert.equal(cookie.domain, undefined);
  });

  it('limits sign-in attempts from one address', async () => {
    const browser = new TestBrowser(app);
    await browser.get('/sign-in');
    const statuses = [];
    for (let n = 0; n < 4; n += 1) {
      const response = await browser.post('/sign-in', {
        email: 'someone@example.gov.uk',
        password: 'wrong password',
      });
      statuses.push(response.statusCode);
    }

    assert.equal(statuses.at(-1), 429);
  });
});
