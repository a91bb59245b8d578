import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
  TEST_PASSWORD,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { findTokenPerson } from './tokens.ts';

await describeEachDatabase('your account', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database(), { SIGN_IN_RATE_LIMIT: '1000' });
  });
  after(async () => {
    await app.close();
  });

  it('changes your password only with the current one and a strong new one', async () => {
    const me = await buildAccount(database().db, {
      displayName: 'Pat Password',
    });
    const browser = new TestBrowser(app);
    await browser.signIn(me.email);
    await browser.get('/account/password');

    const wrong = await browser.post('/account/password', {
      current: 'not my password',
      password: 'lighthouse kettle orbit',
      confirm: 'lighthouse kettle orbit',
    });
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /Enter your current password correctly/);

    const weak = await browser.post('/account/password', {
      current: TEST_PASSWORD,
      password: 'Password2026!',
      confirm: 'Password2026!',
    });
    assert.match(weak.body, /Password is too easy to guess/);

    const mismatch = await browser.post('/account/password', {
      current: TEST_PASSWORD,
      password: 'lighthouse kettle orbit',
      confirm: 'lighthouse kettle orbits',
    });
    assert.match(mismatch.body, /Enter the same new password twice/);
  });

  it('signs you out everywhere else when the password changes', async () => {
    const me = await buildAccount(database().db, { displayName: 'Quin Quick' });
    const other = new TestBrowser(app);
    await other.signIn(me.email);
    const browser = new TestBrowser(app);
    await browser.signIn(me.email);
    await browser.get('/account/password');

    const changed = await browser.post('/account/password', {
      current: TEST_PASSWORD,
      password: 'lighthouse kettle orbit',
      confirm: 'lighthouse kettle orbit',
    });

    assert.equal(changed.statusCode, 303);
    assert.equal(
      (await browser.get('/account')).statusCode,
      200,
      'this browser stays in',
    );
    assert.equal(
      (await other.get('/account')).statusCode,
      303,
      'the other is signed out',
    );
    const again = new TestBrowser(app);
    await again.signIn(me.email, 'lighthouse kettle orbit');
  });

  it('creates a token shown once, and revokes it', async () => {
    const { db } = database();
    const me = await buildAccount(db, { displayName: 'Tess Token' });
    const browser = new TestBrowser(app);
    await browser.signIn(me.email);
    await browser.get('/account');

    const created = await browser.post('/account/tokens', {
      name: 'dashboard',
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.headers['cache-control'], 'no-store');
    const token = /(cm_pat_[A-Za-z0-9_-]+)/.exec(created.body)?.[1] ?? '';
    assert.equal(await findTokenPerson(db, token), me.id);
    assert.doesNotMatch((await browser.get('/account')).body, /cm_pat_/);

    const id = /\/account\/tokens\/(\d+)\/revoke/.exec(created.body)?.[1];
    const revoked = await browser.post(`/account/tokens/${id}/revoke`, {});
    assert.equal(revoked.statusCode, 303);
    assert.equal(await findTokenPerson(db, token), null);
  });

  it('signs out of every device at once', async () => {
    const me = await buildAccount(database().db);
    const laptop = new TestBrowser(app);
    const phone = new TestBrowser(app);
    await laptop.signIn(me.email);
    await phone.signIn(me.email);
    await phone.get('/account');

    const response = await phone.post('/sign-out/everywhere', {});

    assert.equal(response.headers.location, '/sign-in?signedOut=1');
    assert.equal((await laptop.get('/account')).statusCode, 303);
    assert.equal((await phone.get('/account')).statusCode, 303);
  });

  it('locks an address out after five wrong passwords, account or not', async () => {
    const me = await buildAccount(database().db);
    for (const email of [me.email, 'nobody.here@example.gov.uk']) {
      const browser = new TestBrowser(app);
      await browser.get('/sign-in');
      const statuses = [];
      for (let n = 0; n < 6; n += 1) {
        const response = await browser.post('/sign-in', {
          email,
          password: 'wrong guess',
        });
        statuses.push(response.statusCode);
      }
      assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429], email);
    }
    const locked = new TestBrowser(app);
    await locked.get('/sign-in');
    const right = await locked.post('/sign-in', {
      email: me.email,
      password: TEST_PASSWORD,
    });
    assert.equal(right.statusCode, 429, 'even the right password waits');
    assert.match(right.body, /Too many attempts to sign in/);
  });

  it('locks a guesser out without locking the owner out elsewhere', async () => {
    const me = await buildAccount(database().db);
    const attacker = new TestBrowser(app, '203.0.113.9');
    await attacker.get('/sign-in');
    const tries = [];
    for (let n = 0; n < 8; n += 1) {
      const answer = await attacker.post('/sign-in', {
        email: me.email,
        password: 'guess',
      });
      tries.push(answer.statusCode);
    }
    assert.deepEqual(tries, [400, 400, 400, 400, 400, 429, 429, 429]);

    const owner = new TestBrowser(app, '198.51.100.7');
    await owner.signIn(me.email);
  });

  it('checks at most five guesses however many arrive at once', async () => {
    const { db } = database();
    const me = await buildAccount(db);
    const browser = new TestBrowser(app, '192.0.2.44');
    await browser.get('/sign-in');

    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        browser.post('/sign-in', { email: me.email, password: 'wrong guess' }),
      ),
    );

    assert.equal(statuses.filter((r) => r.statusCode === 400).length, 5);
    assert.equal(statuses.filter((r) => r.statusCode === 429).length, 15);
    const locked = await db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'sign-in.failed')
      .where('subject_id', '=', me.id)
      .execute();
    assert.equal(
      locked.filter((row) => row.details.includes('locked')).length,
      15,
    );
  });
});
