import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildCaller, callApi } from '../../test-support/groups.ts';
import { createFeedToken, MAX_LIVE_FEED_TOKENS } from './tokens.ts';

// Making, listing and revoking one's own feed addresses, on the page and
// through the API, on both databases.

const PUBLIC_URL = 'https://intranet.example.gov.uk';
const TOKEN_IN_ADDRESS = /\/feeds\/([A-Za-z0-9_-]{43})\/blogs\/feed\.atom/;

await describeEachDatabase('feed addresses on your account', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database(), { PUBLIC_URL });
  });
  after(async () => {
    await app.close();
  });

  async function signedInBrowser() {
    const account = await buildAccount(database().db);
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    return { browser, id: account.id };
  }

  const latestFeed = (token: string) =>
    app.inject({ url: `/feeds/${token}/talk/latest.atom` });

  it('shows a new address once, then only when it was made and used', async () => {
    const { browser } = await signedInBrowser();
    const empty = await browser.get('/account/feeds');
    assert.equal(empty.statusCode, 200);
    assert.match(empty.body, /You have not made a feed address yet/);

    const made = await browser.post('/account/feeds', {});

    assert.equal(made.statusCode, 201);
    assert.equal(made.headers['cache-control'], 'no-store');
    const token = TOKEN_IN_ADDRESS.exec(made.body)?.[1] ?? '';
    assert.match(
      made.body,
      new RegExp(`${PUBLIC_URL}/feeds/${token}/talk/latest\\.atom`),
    );
    assert.equal((await latestFeed(token)).statusCode, 200);
    const later = await browser.get('/account/feeds');
    assert.equal(later.body.includes(token), false);
    assert.match(later.body, /Revoke<span class="govuk-visually-hidden">/);
  });

  it('revokes an address from the page, after which it reads nothing', async () => {
    const { browser, id } = await signedInBrowser();
    const { id: tokenId, token } = await createFeedToken(database().db, id);
    await browser.get('/account/feeds');

    const revoked = await browser.post(`/account/feeds/${tokenId}/revoke`, {});

    assert.equal(revoked.statusCode, 303);
    assert.equal(revoked.headers.location, '/account/feeds?revoked=1');
    assert.equal((await latestFeed(token)).statusCode, 404);
    const page = await browser.get('/account/feeds?revoked=1');
    assert.match(page.body, /The feed address has been revoked/);
    assert.match(page.body, /<td class="govuk-table__cell">\s*Revoked/);
  });

  it("cannot revoke someone else's address", async () => {
    const { browser } = await signedInBrowser();
    const other = await buildAccount(database().db);
    const theirs = await createFeedToken(database().db, other.id);
    await browser.get('/account/feeds');

    const response = await browser.post(
      `/account/feeds/${theirs.id}/revoke`,
      {},
    );

    assert.equal(response.statusCode, 404);
    assert.equal((await latestFeed(theirs.token)).statusCode, 200);
  });

  it('makes, lists and revokes addresses through the API', async () => {
    const caller = await buildCaller(database().db);

    const made = await callApi(
      app,
      caller,
      'POST',
      '/api/v1/account/feed-tokens',
    );

    assert.equal(made.statusCode, 201);
    const body = made.json<{
      id: number;
      token: string;
      feeds: { name: string; url: string }[];
    }>();
    assert.deepEqual(body.feeds, [
      {
        name: 'All blogs',
        url: `${PUBLIC_URL}/feeds/${body.token}/blogs/feed.atom`,
      },
      {
        name: 'Latest discussions',
        url: `${PUBLIC_URL}/feeds/${body.token}/talk/latest.atom`,
      },
    ]);
    const list = await callApi(
      app,
      caller,
      'GET',
      '/api/v1/account/feed-tokens?pageSize=10',
    );
    const listed = list.json<{ items: object[]; total: number }>();
    assert.equal(listed.total, 1);
    assert.equal(list.body.includes(body.token), false);
    assert.deepEqual(Object.keys(listed.items[0] ?? {}), [
      'id',
      'createdAt',
      'lastUsedAt',
      'revokedAt',
    ]);

    const url = `/api/v1/account/feed-tokens/${body.id}`;
    assert.equal((await callApi(app, caller, 'DELETE', url)).statusCode, 204);
    const again = await callApi(app, caller, 'DELETE', url);
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().error.code, 'FEED_TOKEN_NOT_FOUND');
    assert.equal((await latestFeed(body.token)).statusCode, 404);
  });

  it(`refuses live address ${MAX_LIVE_FEED_TOKENS + 1}, by page and API`, async () => {
    const { browser, id } = await signedInBrowser();
    const caller = await buildCaller(database().db);
    for (let n = 0; n < MAX_LIVE_FEED_TOKENS; n += 1) {
      await createFeedToken(database().db, id);
      await createFeedToken(database().db, caller.id);
    }
    await browser.get('/account/feeds');

    const page = await browser.post('/account/feeds', {});
    const api = await callApi(
      app,
      caller,
      'POST',
      '/api/v1/account/feed-tokens',
    );

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: Your feed addresses/);
    assert.match(page.body, /govuk-error-summary/);
    assert.match(page.body, /href="#create"/);
    assert.equal(api.statusCode, 422);
    assert.equal(api.json().error.code, 'TOO_MANY_FEED_TOKENS');
  });

  it('sends someone signed out to sign in, and tells the API 401', async () => {
    const page = await app.inject({ url: '/account/feeds' });
    const api = await app.inject({ url: '/api/v1/account/feed-tokens' });

    assert.equal(page.statusCode, 303);
    assert.equal(page.headers.location, '/sign-in?returnTo=%2Faccount%2Ffeeds');
    assert.equal(api.statusCode, 401);
  });
});
