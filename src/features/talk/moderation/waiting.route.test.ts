import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { nextNumber } from '../../../test-support/factories.ts';
import { buildCaller, callApi } from '../../../test-support/groups.ts';
import { ensureSiteCategory } from '../categories.ts';
import { createThread } from '../threads.ts';

// What waits for a moderator, as people meet it on the pages: the link
// to the queue on Talk's front page, and the notice that tells a new
// member their post is held rather than posted.

const THREAD_HELD =
  'Your discussion is awaiting a moderator’s approval. Others will see ' +
  'it once it is approved.';
const REPLY_HELD =
  'Your reply is awaiting a moderator’s approval. Others will see it ' +
  'once it is approved.';

await describeEachDatabase('posts waiting for a moderator', (database) => {
  let app: FastifyInstance;

  /** A site category that holds new members' first posts. */
  async function approvingCategory() {
    const { db } = database();
    const slug = `held-${nextNumber()}`;
    const category = await ensureSiteCategory(db, slug, `Held ${slug}`);
    await db
      .updateTable('talk_categories')
      .set({ approve_first_posts: 1 })
      .where('id', '=', category.id)
      .execute();
    return category;
  }

  async function signedIn(name: string) {
    const account = await buildAccount(database().db, { displayName: name });
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    return { id: account.id, browser };
  }

  /** Follows a 303 and answers the page it leads to. */
  async function follow(browser: TestBrowser, location: unknown) {
    assert.equal(typeof location, 'string');
    return browser.get(String(location).split('#')[0] ?? '');
  }

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  it('links a moderator to the queue with the number waiting', async () => {
    const { db } = database();
    const category = await approvingCategory();
    const moderator = await buildCaller(db, { displayName: 'Mo Moderator' });
    const reader = await buildCaller(db, { displayName: 'Rae Reader' });
    await db
      .insertInto('talk_moderators')
      .values({
        category_id: category.id,
        person_id: moderator.id,
        added_by: null,
        created_at: '2026-03-02T09:00:00.000Z',
      })
      .execute();
    const linkOf = async (caller: typeof reader) => {
      const page = await callApi(app, caller, 'GET', '/talk');
      assert.equal(page.statusCode, 200);
      return /<a class="govuk-link" href="\/talk\/moderation">([^<]*)<\/a>/
        .exec(page.body)
        ?.at(1);
    };
    const seen = [await linkOf(moderator)];

    const shown = await createThread(db, {
      categoryId: category.id,
      title: 'A shown thread',
      body: 'Opening',
      authorId: reader.id,
      authorName: 'Rae Reader',
    });
    await createThread(db, {
      categoryId: category.id,
      title: 'A held thread',
      body: 'Opening',
      authorId: reader.id,
      authorName: 'Rae Reader',
      awaitingApproval: true,
    });
    seen.push(await linkOf(moderator));
    await db
      .insertInto('talk_flags')
      .values({
        post_id: shown.postId,
        reporter_id: reader.id,
        reason: 'spam',
        note: null,
        created_at: '2026-03-02T09:00:00.000Z',
      })
      .execute();
    seen.push(await linkOf(moderator));

    assert.deepEqual(seen, [
      'Moderation queue: nothing waiting',
      'Moderation queue: 1 item waiting',
      'Moderation queue: 2 items waiting',
    ]);
    const other = await callApi(app, reader, 'GET', '/talk');
    assert.equal(other.statusCode, 200);
    assert.equal(other.body.includes('/talk/moderation'), false);
    assert.equal(other.body.includes('Moderation queue'), false);
  });

  it('tells a new member their thread awaits approval', async () => {
    const category = await approvingCategory();
    const { browser } = await signedIn('Nell Newcomer');

    await browser.get(`/talk/categories/${category.slug}`);
    const posted = await browser.post(
      `/talk/categories/${category.slug}/threads`,
      { title: 'My first thread', body: 'Hello all' },
    );
    assert.equal(posted.statusCode, 303);
    assert.match(String(posted.headers.location), /[?&]done=thread-held$/);
    const page = await follow(browser, posted.headers.location);

    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(THREAD_HELD));
    assert.equal(
      page.body.includes('Your discussion has been started.'),
      false,
    );
  });

  it('tells a new member their reply awaits approval', async () => {
    const { db } = database();
    const category = await approvingCategory();
    const regular = await signedIn('Reg Regular');
    const { threadId } = await createThread(db, {
      categoryId: category.id,
      title: 'Open to replies',
      body: 'Opening',
      authorId: regular.id,
      authorName: 'Reg Regular',
    });
    const newcomer = await signedIn('Nat Newcomer');
    const notices = [];

    for (const { browser } of [newcomer, regular]) {
      await browser.get(`/talk/threads/${threadId}`);
      const posted = await browser.post(`/talk/threads/${threadId}/replies`, {
        body: 'A reply',
      });
      assert.equal(posted.statusCode, 303);
      const page = await follow(browser, posted.headers.location);
      assert.equal(page.statusCode, 200);
      notices.push([
        page.body.includes(REPLY_HELD),
        page.body.includes('Your reply has been posted.'),
      ]);
    }

    assert.deepEqual(notices, [
      [true, false],
      [false, true],
    ]);
  });
});
