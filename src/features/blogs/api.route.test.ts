import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { ensureGroupBlog, ensurePersonBlog } from './blogs.ts';

await describeEachDatabase('the blog API', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let mine: string;

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    alice = await buildCaller(db, { displayName: 'Alice Example' });
    bob = await buildCaller(db, { displayName: 'Bob Example' });
    mine = (await ensurePersonBlog(db, alice.id)).slug;
  });
  after(async () => {
    await app.close();
  });

  const posts = (blog: string) => `/api/v1/blogs/${blog}/posts`;

  it('publishes a post with its authors, tags and times', async () => {
    const created = await callApi(app, alice, 'POST', posts(mine), {
      title: 'Lasers & Feelings: Übersetzung fertig!',
      body: 'The *translation* is done.',
      summary: 'Done',
      tags: ['#Translation', 'translation', 'Games'],
      status: 'published',
    });

    assert.equal(created.statusCode, 201);
    const post = created.json();
    assert.equal(post.slug, 'lasers-feelings-ubersetzung-fertig');
    assert.equal(post.title, 'Lasers & Feelings: Übersetzung fertig!');
    assert.equal(post.status, 'published');
    assert.equal(post.audience, 'everyone');
    assert.deepEqual(post.authors, [{ id: alice.id, name: 'Alice Example' }]);
    assert.deepEqual(post.tags, ['Games', 'Translation']);
    assert.equal(post.publishAt, post.createdAt);
    const read = await callApi(app, bob, 'GET', `${posts(mine)}/${post.slug}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().body, 'The *translation* is done.');
  });

  it('gives a second post called Q&A the slug q-a-2 (BUG-26)', async () => {
    const slugs = [];
    for (const title of ['Q&A', 'Q&A', '🚀', 'مرحبا بالعالم']) {
      const created = await callApi(app, alice, 'POST', posts(mine), {
        title,
        body: 'Text',
        status: 'published',
      });
      slugs.push(created.json().slug as string);
      const read = await callApi(
        app,
        bob,
        'GET',
        `${posts(mine)}/${encodeURIComponent(created.json().slug)}`,
      );
      assert.equal(read.json().title, title);
    }

    assert.deepEqual(slugs, ['q-a', 'q-a-2', 'post', 'مرحبا-بالعالم']);
  });

  it('stores 09:00 Auckland time as 20:00 UTC the day before (BUG-22)', async () => {
    const created = await callApi(app, alice, 'POST', posts(mine), {
      title: 'Quarterly update',
      body: 'Text',
      status: 'scheduled',
      publishAt: '2099-03-10T09:00:00+13:00',
    });

    assert.equal(created.statusCode, 201);
    assert.equal(created.json().publishAt, '2099-03-09T20:00:00.000Z');
    assert.equal(created.json().status, 'scheduled');
    const early = await callApi(
      app,
      bob,
      'GET',
      `${posts(mine)}/quarterly-update`,
    );
    assert.equal(early.statusCode, 404);
  });

  it('refuses a publishing time without an offset', async () => {
    const refused = await callApi(app, alice, 'POST', posts(mine), {
      title: 'Local time',
      body: 'Text',
      status: 'scheduled',
      publishAt: '2099-03-10T09:00:00',
    });

    assert.equal(refused.statusCode, 422);
    assert.equal(refused.json().error.code, 'VALIDATION_FAILED');
    assert.match(refused.json().error.fields.publishAt, /with its offset/);
  });

  it('refuses over-long values field by field, and a 2 MB body with 413 (BUG-28)', async () => {
    const long = await callApi(app, alice, 'POST', posts(mine), {
      title: 'x'.repeat(1000),
      body: 'y'.repeat(100_001),
      summary: 's'.repeat(501),
      tags: ['t'.repeat(51)],
    });
    const huge = await callApi(app, alice, 'POST', posts(mine), {
      title: 'Huge',
      body: 'z'.repeat(2_000_000),
    });

    assert.equal(long.statusCode, 422);
    assert.deepEqual(Object.keys(long.json().error.fields), [
      'title',
      'body',
      'summary',
      'tags',
    ]);
    assert.equal(huge.statusCode, 413);
  });

  it('keeps a closed group’s posts to its members (BUG-05)', async () => {
    const { db } = database();
    const finance = await buildGroup(db, alice.id, { visibility: 'closed' });
    const events = await buildGroup(db, alice.id, { visibility: 'open' });
    const financeBlog = (await ensureGroupBlog(db, finance.id)).slug;
    const eventsBlog = (await ensureGroupBlog(db, events.id)).slug;

    const wide = await callApi(app, alice, 'POST', posts(financeBlog), {
      title: 'FY26 budget',
      body: 'Numbers',
      status: 'published',
      audience: 'everyone',
    });
    const unknown = await callApi(app, alice, 'POST', posts(financeBlog), {
      title: 'FY26 budget',
      body: 'Numbers',
      audience: 'public',
    });
    await callApi(app, alice, 'POST', posts(eventsBlog), {
      title: 'Offsite agenda',
      body: 'Agenda',
      status: 'published',
    });
    const seenOpen = await callApi(app, bob, 'GET', posts(eventsBlog));
    await db
      .updateTable('groups')
      .set({ visibility: 'closed' })
      .where('id', '=', events.id)
      .execute();

    assert.equal(wide.statusCode, 422);
    assert.equal(wide.json().error.code, 'AUDIENCE_TOO_WIDE');
    assert.equal(unknown.statusCode, 422);
    assert.equal(seenOpen.json().total, 1);
    const list = await callApi(app, bob, 'GET', posts(eventsBlog));
    assert.equal(list.statusCode, 404);
    const direct = await callApi(
      app,
      bob,
      'GET',
      `${posts(eventsBlog)}/offsite-agenda`,
    );
    assert.equal(direct.statusCode, 404);
    const anon = await callApi(
      app,
      null,
      'GET',
      `${posts(eventsBlog)}/offsite-agenda`,
    );
    assert.equal(anon.statusCode, 401);
    await addGroupMember(db, events, bob.id);
    const member = await callApi(
      app,
      bob,
      'GET',
      `${posts(eventsBlog)}/offsite-agenda`,
    );
    assert.equal(member.statusCode, 200);
  });

  it('holds comments for approval when the blog asks, and counts approved ones', async () => {
    await callApi(app, alice, 'PATCH', `/api/v1/blogs/${mine}`, {
      commentPolicy: 'approve',
    });
    await callApi(app, alice, 'POST', posts(mine), {
      title: 'Comment on me',
      body: 'Text',
      status: 'published',
    });
    const url = `${posts(mine)}/comment-on-me/comments`;

    const sent = await callApi(app, bob, 'POST', url, { body: 'First!' });
    const othersSee = await callApi(app, null, 'GET', url);
    const bobSees = await callApi(app, bob, 'GET', url);
    const approved = await callApi(
      app,
      alice,
      'POST',
      `${url}/${sent.json().id}/approve`,
    );
    const reply = await callApi(app, alice, 'POST', url, {
      body: 'Thanks',
      parentId: sent.json().id,
    });
    const post = await callApi(app, bob, 'GET', `${posts(mine)}/comment-on-me`);

    assert.equal(sent.statusCode, 201);
    assert.equal(sent.json().status, 'pending');
    assert.equal(othersSee.statusCode, 401);
    assert.equal(bobSees.json().items[0].status, 'pending');
    assert.equal(approved.statusCode, 204);
    assert.equal(reply.json().status, 'pending');
    assert.equal(post.json().commentCount, 1);
  });

  it('says comments are closed when a blog has closed them', async () => {
    await callApi(app, alice, 'POST', posts(mine), {
      title: 'Closed to comments',
      body: 'Text',
      status: 'published',
    });
    await callApi(app, alice, 'PATCH', `/api/v1/blogs/${mine}`, {
      commentPolicy: 'closed',
    });

    const sent = await callApi(
      app,
      bob,
      'POST',
      `${posts(mine)}/closed-to-comments/comments`,
      { body: 'Let me in' },
    );
    await callApi(app, alice, 'PATCH', `/api/v1/blogs/${mine}`, {
      commentPolicy: 'open',
    });

    assert.equal(sent.statusCode, 403);
    assert.equal(sent.json().error.code, 'COMMENTS_CLOSED');
  });

  it("does not let a reader edit or delete someone else's post", async () => {
    const patch = await callApi(app, bob, 'PATCH', `${posts(mine)}/q-a`, {
      title: 'Mine now',
    });
    const removed = await callApi(app, bob, 'DELETE', `${posts(mine)}/q-a`);

    assert.equal(patch.statusCode, 403);
    assert.equal(patch.json().error.code, 'POST_FORBIDDEN');
    assert.equal(removed.statusCode, 403);
  });
});
