import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import Fastify from 'fastify';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/logging.ts';
import { buildTestApp, TestBrowser } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildCaller, buildGroup, callApi } from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { deactivateAccount, reactivateAccount } from '../auth/lifecycle.ts';
import { personalFeeds } from './personal.ts';
import { createFeedToken, revokeFeedToken } from './tokens.ts';

// Feeds read through a personal address, /feeds/:token/…, on both
// databases: they read as the token's owner and nobody else, for that
// request only, and a token that no longer works is just a wrong address.

/** The titles of a feed's entries, in order. */
function entryTitles(xml: string): string[] {
  return [...xml.matchAll(/<entry>\s*<id>[^<]*<\/id>\s*<title>([^<]*)</g)].map(
    (match) => match[1] ?? '',
  );
}

function assertBareNotFound(response: LightMyRequestResponse, url: string) {
  assert.equal(response.statusCode, 404, url);
  assert.equal(response.body, 'Not found', url);
  assert.equal(response.headers['set-cookie'], undefined, url);
}

await describeEachDatabase('personal feed addresses', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let threadId: number;
  let categoryPath: string;

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    alice = await buildCaller(db, { displayName: 'Alice' });
    bob = await buildCaller(db, { displayName: 'Bob' });
    const board = await buildGroup(db, alice.id, {
      name: 'Board',
      visibility: 'closed',
    });
    const made = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/groups/${board.slug}/threads`,
      { title: 'Merger timeline', body: 'Target close date 2025-06-30' },
    );
    assert.equal(made.statusCode, 201, made.body);
    threadId = made.json<{ id: number }>().id;
    categoryPath = `/talk/categories/group-${board.slug}/feed.atom`;
  });
  after(async () => {
    await app.close();
  });

  async function tokenOf(personId: number): Promise<string> {
    return (await createFeedToken(database().db, personId)).token;
  }

  const feedUrls = () => [
    categoryPath,
    `/talk/threads/${threadId}/feed.atom`,
    '/talk/latest.atom',
  ];

  it("reads a closed group's Talk feeds as a member's token's owner", async () => {
    const token = await tokenOf(alice.id);

    for (const path of feedUrls()) {
      const response = await app.inject({ url: `/feeds/${token}${path}` });

      assert.equal(response.statusCode, 200, path);
      assert.equal(
        response.headers['content-type'],
        'application/atom+xml; charset=utf-8',
      );
      assert.equal(response.headers['cache-control'], 'no-store');
      assert.equal(response.headers['set-cookie'], undefined);
      assert.ok(entryTitles(response.body).includes('Merger timeline'), path);
    }
  });

  it("gives a non-member's token none of a closed group's discussions", async () => {
    const token = await tokenOf(bob.id);
    const [category, thread, latest] = feedUrls();

    for (const path of [category, thread]) {
      const url = `/feeds/${token}${path}`;
      assertBareNotFound(await app.inject({ url }), url);
    }
    const response = await app.inject({ url: `/feeds/${token}${latest}` });
    assert.equal(response.statusCode, 200);
    assert.doesNotMatch(response.body, /Merger|Target close|Board/);
  });

  it("reads as the token's owner whatever session the request carries", async () => {
    const { db } = database();
    const member = await buildCaller(db);
    const browser = new TestBrowser(app);
    const account = await db
      .selectFrom('people')
      .select('email')
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    await browser.signIn(account.email ?? '');
    const token = await tokenOf(member.id);
    const url = `/feeds/${token}${categoryPath}`;

    const response = await app.inject({
      url,
      headers: { cookie: `cm_session=${browser.cookie('cm_session')}` },
    });

    assertBareNotFound(response, url);
    const withBearer = await app.inject({
      url,
      headers: { authorization: alice.authorization },
    });
    assertBareNotFound(withBearer, url);
  });

  it('answers a revoked, an unknown and a malformed token alike: 404', async () => {
    const { db } = database();
    const made = await createFeedToken(db, alice.id);
    await revokeFeedToken(db, alice.id, made.id);
    const unknown = (await createFeedToken(db, alice.id)).token.replace(
      /^./,
      (c) => (c === 'A' ? 'B' : 'A'),
    );

    for (const token of [made.token, unknown, 'short']) {
      const url = `/feeds/${token}/talk/latest.atom`;
      assertBareNotFound(await app.inject({ url }), url);
    }
  });

  it("keeps a deactivated person's token dead after they are reactivated", async () => {
    const { db } = database();
    const returner = await buildCaller(db, { displayName: 'Rae Returner' });
    const token = await tokenOf(returner.id);
    const url = `/feeds/${token}/talk/latest.atom`;
    const cause = { actor: SYSTEM_ACTOR, via: 'test' };

    await deactivateAccount(db, returner.id, cause);
    await reactivateAccount(db, returner.id, cause);

    assertBareNotFound(await app.inject({ url }), url);
  });

  it("stops a deactivated person's token on its very next use", async () => {
    const { db } = database();
    const leaver = await buildCaller(db, { displayName: 'Lee Leaver' });
    const token = await tokenOf(leaver.id);
    const url = `/feeds/${token}/talk/latest.atom`;
    assert.equal((await app.inject({ url })).statusCode, 200);

    await deactivateAccount(db, leaver.id, {
      actor: SYSTEM_ACTOR,
      via: 'test',
    });

    assertBareNotFound(await app.inject({ url }), url);
  });

  it('changes nothing through a feed address', async () => {
    const token = await tokenOf(alice.id);

    const response = await app.inject({
      method: 'POST',
      url: `/feeds/${token}/talk/latest.atom`,
    });

    // No route takes it: someone signed out is told only to sign in.
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers.location, undefined);
  });

  it('refuses to serve a feed route that would change something', async () => {
    const bare = Fastify();

    await assert.rejects(async () => {
      await bare.register(personalFeeds, {
        db: database().db,
        feeds: async (scope) => {
          scope.post('/talk/latest.atom', async () => 'changed');
        },
      });
      await bare.ready();
    }, /A personal feed address only reads: \/feeds\/:token\/talk\/latest\.atom takes POST/);
    await bare.close().catch(() => undefined);
  });

  it('keeps the token out of the request log', async () => {
    const lines: string[] = [];
    const logged = await buildApp({
      config: loadConfig({
        NODE_ENV: 'test',
        DATABASE_URL: database().url,
        COOKIE_SECRET: 'test-secret-that-is-at-least-32-characters',
      }),
      db: database().db,
      logger: createLogger('info', { write: (line) => lines.push(line) }),
    });
    const token = await tokenOf(alice.id);

    try {
      await logged.ready();
      const ok = await logged.inject({
        url: `/feeds/${token}/talk/latest.atom?page=1`,
      });
      const missing = await logged.inject({ url: `/feeds/${token}x/nowhere` });
      assert.equal(ok.statusCode, 200);
      assert.equal(missing.statusCode, 401);
    } finally {
      await logged.close();
    }

    const log = lines.join('');
    assert.equal(log.includes(token), false);
    assert.match(
      log,
      /"url":"\/feeds\/\[redacted\]\/talk\/latest\.atom\?page=1"/,
    );
    assert.match(log, /"url":"\/feeds\/\[redacted\]\/nowhere"/);
  });
});
