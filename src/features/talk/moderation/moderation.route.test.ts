import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, TestBrowser } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { nextNumber } from '../../../test-support/factories.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';
import { ensureGroupCategory, ensureSiteCategory } from '../categories.ts';
import { appendPost } from '../posts.ts';
import { createThread } from '../threads.ts';

// Moderation through the API and the pages, on both databases.

await describeEachDatabase('Talk moderation', (database) => {
  let app: FastifyInstance;
  let admin: ApiCaller;
  let author: ApiCaller;
  let reader: ApiCaller;

  async function siteThread(title: string, replies = 0) {
    const { db } = database();
    const slug = `mod-${nextNumber()}`;
    const category = await ensureSiteCategory(db, slug, `Cat ${slug}`);
    const { threadId, postId } = await createThread(db, {
      categoryId: category.id,
      title,
      body: `Opening of ${title}`,
      authorId: author.id,
      authorName: 'Arthur Author',
    });
    const replyIds: number[] = [];
    for (let n = 1; n <= replies; n += 1) {
      replyIds.push(
        await appendPost(db, threadId, {
          body: `Reply ${n} of ${title}`,
          authorId: author.id,
          authorName: 'Arthur Author',
        }),
      );
    }
    return { slug, categoryId: category.id, threadId, postId, replyIds };
  }

  async function auditCount(action: string): Promise<number> {
    const row = await database()
      .db.selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', action)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    admin = await buildCaller(db, { role: 'admin', displayName: 'Ada Admin' });
    author = await buildCaller(db, { displayName: 'Arthur Author' });
    reader = await buildCaller(db, { displayName: 'Rita Reader' });
  });
  after(async () => {
    await app.close();
  });

  it('leaves no trace for outsiders of a thread moved into a secret group', async () => {
    const { db } = database();
    const member = await buildCaller(db, { displayName: 'Mia Member' });
    const secret = await buildGroup(db, admin.id, { visibility: 'secret' });
    await addGroupMember(db, secret, member.id);
    const target = await ensureGroupCategory(db, secret);
    const title = `Moved away ${nextNumber()}`;
    const { slug, threadId, replyIds } = await siteThread(title, 1);

    const moved = await callApi(
      app,
      admin,
      'POST',
      `/api/v1/talk/threads/${threadId}/move`,
      { category: target.slug },
    );
    assert.equal(moved.statusCode, 204);

    const byUrl = (caller: ApiCaller, url: string) =>
      callApi(app, caller, 'GET', url);
    for (const url of [
      `/api/v1/talk/threads/${threadId}`,
      `/api/v1/talk/threads/${threadId}/replies`,
      `/api/v1/talk/posts/${replyIds[0]}`,
      `/talk/threads/${threadId}`,
      `/talk/threads/${threadId}/feed.atom`,
      `/talk/posts/${replyIds[0]}`,
    ]) {
      const response = await byUrl(reader, url);
      assert.equal(response.statusCode, 404, url);
      assert.ok(!response.body.includes(title), url);
      const expected = url.startsWith('/talk/posts/') ? 303 : 200;
      assert.equal((await byUrl(member, url)).statusCode, expected, url);
    }
    for (const url of [
      `/api/v1/talk/categories/${slug}/threads`,
      '/api/v1/talk/latest',
      '/api/v1/talk/unanswered?without=replies',
      '/talk/latest.atom',
      `/talk/categories/${slug}`,
      '/talk',
    ]) {
      const response = await byUrl(reader, url);
      assert.equal(response.statusCode, 200, url);
      assert.ok(!response.body.includes(title), url);
    }
    const list = await byUrl(reader, `/api/v1/talk/categories/${slug}/threads`);
    assert.deepEqual(
      { items: list.json().items, total: list.json().total },
      {
        items: [],
        total: 0,
      },
    );
    const theirs = await byUrl(member, '/api/v1/talk/latest');
    assert.ok(theirs.body.includes(title));
    assert.equal(await auditCount('talk.thread.moved'), 1);
  });

  it('refuses a move by someone who moderates only the source', async () => {
    const { db } = database();
    const moderator = await buildCaller(db, { displayName: 'Mo Moderator' });
    const { slug, threadId } = await siteThread(`Stay ${nextNumber()}`);
    const other = await siteThread(`Other ${nextNumber()}`);
    const appointed = await callApi(
      app,
      admin,
      'PUT' as 'POST',
      `/api/v1/talk/categories/${slug}/moderators/${moderator.id}`,
    );
    assert.equal(appointed.statusCode, 204);

    const moved = await callApi(
      app,
      moderator,
      'POST',
      `/api/v1/talk/threads/${threadId}/move`,
      { category: other.slug },
    );

    assert.equal(moved.statusCode, 403);
    assert.equal(moved.json().error.code, 'TALK_NOT_MODERATOR');
    const row = await db
      .selectFrom('talk_threads')
      .select('category_id')
      .where('id', '=', threadId)
      .executeTakeFirstOrThrow();
    const source = await ensureSiteCategory(db, slug, 'x');
    assert.equal(row.category_id, source.id);
  });

  it('refuses a second open flag from the same reader, on the API and the form', async () => {
    const { replyIds } = await siteThread(`Flag twice ${nextNumber()}`, 1);
    const url = `/api/v1/talk/posts/${replyIds[0]}/flags`;

    const first = await callApi(app, reader, 'POST', url, { reason: 'spam' });
    const second = await callApi(app, reader, 'POST', url, { reason: 'spam' });

    assert.equal(first.statusCode, 201);
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().error.code, 'ALREADY_FLAGGED');
    const rows = await database()
      .db.selectFrom('talk_flags')
      .select('id')
      .where('post_id', '=', replyIds[0] ?? 0)
      .execute();
    assert.equal(rows.length, 1);
  });

  it('tells an author on the form that they cannot flag their own post', async () => {
    const { db } = database();
    const { replyIds } = await siteThread(`Own flag ${nextNumber()}`, 1);
    const browser = new TestBrowser(app);
    const account = await db
      .selectFrom('people')
      .select('email')
      .where('id', '=', author.id)
      .executeTakeFirstOrThrow();
    await browser.signIn(account.email ?? '');
    await browser.get(`/talk/posts/${replyIds[0]}/flag`);

    const page = await browser.post(`/talk/posts/${replyIds[0]}/flag`, {
      reason: 'spam',
      note: '',
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: Flag a post/);
    assert.match(page.body, /You cannot flag your own post/);
    const api = await callApi(
      app,
      author,
      'POST',
      `/api/v1/talk/posts/${replyIds[0]}/flags`,
      { reason: 'spam' },
    );
    assert.equal(api.statusCode, 403);
    assert.equal(api.json().error.code, 'FLAG_OWN_POST');
  });

  it('shows a moderator the queue of only the places they moderate', async () => {
    const { db } = database();
    const moderator = await buildCaller(db, { displayName: 'Queue Mod' });
    const mine = await siteThread(`Mine ${nextNumber()}`, 1);
    const theirs = await siteThread(`Theirs ${nextNumber()}`, 1);
    await callApi(
      app,
      admin,
      'PUT' as 'POST',
      `/api/v1/talk/categories/${mine.slug}/moderators/${moderator.id}`,
    );
    for (const post of [mine.replyIds[0], theirs.replyIds[0]]) {
      await callApi(app, reader, 'POST', `/api/v1/talk/posts/${post}/flags`, {
        reason: 'offensive',
      });
    }

    const queue = await callApi(
      app,
      moderator,
      'GET',
      '/api/v1/talk/moderation',
    );
    const refused = await callApi(
      app,
      reader,
      'GET',
      '/api/v1/talk/moderation',
    );

    assert.equal(queue.statusCode, 200);
    assert.deepEqual(
      queue.json().items.map((item: { post: { id: number } }) => item.post.id),
      [mine.replyIds[0]],
    );
    assert.equal(queue.json().total, 1);
    assert.equal(refused.statusCode, 403);
  });

  it('holds a new member’s reply until approved, keeping page counts exact', async () => {
    const { db } = database();
    const newcomer = await buildCaller(db, { displayName: 'Nell Newcomer' });
    const { slug, threadId } = await siteThread(`Held ${nextNumber()}`, 1);
    const switched = await callApi(
      app,
      admin,
      'PUT' as 'POST',
      `/api/v1/talk/categories/${slug}/approval`,
      { required: true },
    );
    assert.equal(switched.statusCode, 200);

    const posted = await callApi(
      app,
      newcomer,
      'POST',
      `/api/v1/talk/threads/${threadId}/replies`,
      { body: 'My first words, held' },
    );
    assert.equal(posted.statusCode, 201);
    assert.equal(posted.json().awaitingApproval, true);
    const heldId = posted.json().id as number;
    await appendPost(db, threadId, {
      body: 'A later reply by a regular',
      authorId: author.id,
      authorName: 'Arthur Author',
    });

    const before = await callApi(
      app,
      reader,
      'GET',
      `/api/v1/talk/threads/${threadId}/replies`,
    );
    assert.equal(before.json().total, 3);
    assert.equal(before.body.includes('My first words'), false);
    const hidden = await callApi(
      app,
      reader,
      'GET',
      `/api/v1/talk/posts/${heldId}`,
    );
    assert.equal(hidden.statusCode, 404);
    const own = await callApi(
      app,
      newcomer,
      'GET',
      `/talk/threads/${threadId}`,
    );
    assert.match(own.body, /Awaiting approval/);
    assert.match(own.body, /My first words, held/);

    const approved = await callApi(
      app,
      admin,
      'POST',
      `/api/v1/talk/posts/${heldId}/approve`,
    );
    assert.equal(approved.statusCode, 204);
    const after = await callApi(
      app,
      reader,
      'GET',
      `/api/v1/talk/threads/${threadId}/replies?pageSize=2`,
    );
    assert.equal(after.json().total, 4);
    assert.equal(after.json().pageCount, 2);
    const page2 = await callApi(
      app,
      reader,
      'GET',
      `/api/v1/talk/threads/${threadId}/replies?pageSize=2&page=2`,
    );
    assert.deepEqual(
      page2.json().items.map((p: { body: string }) => p.body),
      ['My first words, held', 'A later reply by a regular'],
    );
    const thread = await callApi(
      app,
      reader,
      'GET',
      `/api/v1/talk/threads/${threadId}`,
    );
    assert.equal(thread.json().replyCount, 3);
    assert.equal(await auditCount('talk.post.approved'), 1);
  });

  it('refuses every action to a non-moderator and changes nothing', async () => {
    const { db } = database();
    const { threadId, replyIds, slug } = await siteThread(
      `Guarded ${nextNumber()}`,
      1,
    );
    const replyId = replyIds[0] ?? 0;
    const flag = await callApi(
      app,
      admin,
      'POST',
      `/api/v1/talk/posts/${replyId}/flags`,
      {
        reason: 'spam',
      },
    );
    const flagId = flag.json().id as number;
    const snapshot = async () => ({
      thread: await db
        .selectFrom('talk_threads')
        .select(['category_id', 'pinned', 'locked', 'hidden'])
        .where('id', '=', threadId)
        .executeTakeFirstOrThrow(),
      post: await db
        .selectFrom('talk_posts')
        .select(['shown_position', 'hidden_at'])
        .where('id', '=', replyId)
        .executeTakeFirstOrThrow(),
      flags: await db
        .selectFrom('talk_flags')
        .select(['id', 'status'])
        .orderBy('id')
        .execute(),
      moderators: await db.selectFrom('talk_moderators').selectAll().execute(),
    });
    const before = await snapshot();
    const other = await siteThread(`Elsewhere ${nextNumber()}`);

    const requests: [string, object | undefined][] = [
      ...['pin', 'unpin', 'lock', 'unlock', 'unhide'].map(
        (a): [string, object | undefined] => [
          `/api/v1/talk/threads/${threadId}/${a}`,
          undefined,
        ],
      ),
      [`/api/v1/talk/threads/${threadId}/hide`, { reason: 'No' }],
      [`/api/v1/talk/threads/${threadId}/move`, { category: other.slug }],
      [`/api/v1/talk/posts/${replyId}/hide`, { reason: 'No' }],
      ...['unhide', 'approve', 'reject'].map(
        (a): [string, object | undefined] => [
          `/api/v1/talk/posts/${replyId}/${a}`,
          undefined,
        ],
      ),
      [`/api/v1/talk/flags/${flagId}/resolve`, { hidePost: true }],
      [`/api/v1/talk/flags/${flagId}/dismiss`, undefined],
    ];
    for (const [url, body] of requests) {
      const response = await callApi(app, reader, 'POST', url, body);
      assert.equal(response.statusCode, 403, url);
    }
    const put = await callApi(
      app,
      reader,
      'PUT' as 'POST',
      `/api/v1/talk/categories/${slug}/moderators/${reader.id}`,
    );
    assert.equal(put.statusCode, 403);
    const guest = await buildCaller(db, { role: 'guest' });
    const unseen = await callApi(
      app,
      guest,
      'POST',
      `/api/v1/talk/threads/${threadId}/pin`,
    );
    assert.equal(unseen.statusCode, 404);

    assert.deepEqual(await snapshot(), before);
  });

  it('writes one audit row for each moderator’s action', async () => {
    const { threadId, replyIds, slug } = await siteThread(
      `Audited ${nextNumber()}`,
      2,
    );
    const other = await siteThread(`Target ${nextNumber()}`);
    const [first, second] = replyIds;
    const flag = await callApi(
      app,
      reader,
      'POST',
      `/api/v1/talk/posts/${second}/flags`,
      {
        reason: 'other',
        note: 'Looks wrong',
      },
    );
    const steps: [string, string, object | undefined, string][] = [
      [
        'POST',
        `/api/v1/talk/threads/${threadId}/pin`,
        undefined,
        'talk.thread.pinned',
      ],
      [
        'POST',
        `/api/v1/talk/threads/${threadId}/unpin`,
        undefined,
        'talk.thread.unpinned',
      ],
      [
        'POST',
        `/api/v1/talk/threads/${threadId}/lock`,
        undefined,
        'talk.thread.locked',
      ],
      [
        'POST',
        `/api/v1/talk/threads/${threadId}/unlock`,
        undefined,
        'talk.thread.unlocked',
      ],
      [
        'POST',
        `/api/v1/talk/threads/${threadId}/hide`,
        { reason: 'Off' },
        'talk.thread.hidden',
      ],
      [
        'POST',
        `/api/v1/talk/threads/${threadId}/unhide`,
        undefined,
        'talk.thread.unhidden',
      ],
      [
        'POST',
        `/api/v1/talk/posts/${first}/hide`,
        { reason: 'Rude' },
        'talk.post.hidden',
      ],
      [
        'POST',
        `/api/v1/talk/posts/${first}/unhide`,
        undefined,
        'talk.post.unhidden',
      ],
      [
        'POST',
        `/api/v1/talk/flags/${flag.json().id}/dismiss`,
        undefined,
        'talk.flag.dismissed',
      ],
      [
        'PUT',
        `/api/v1/talk/categories/${slug}/moderators/${reader.id}`,
        undefined,
        'talk.moderator.added',
      ],
      [
        'DELETE',
        `/api/v1/talk/categories/${slug}/moderators/${reader.id}`,
        undefined,
        'talk.moderator.removed',
      ],
      [
        'POST',
        `/api/v1/talk/threads/${threadId}/move`,
        { category: other.slug },
        'talk.thread.moved',
      ],
    ];
    for (const [method, url, body, action] of steps) {
      const before = await auditCount(action);
      const response = await app.inject({
        method: method as 'POST',
        url,
        headers: { authorization: admin.authorization },
        ...(body ? { payload: body } : {}),
      });
      assert.ok(response.statusCode < 300, `${url} ${response.body}`);
      assert.equal(await auditCount(action), before + 1, action);
    }
  });
});
