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
import { addGroupMember, buildGroup } from '../../../test-support/groups.ts';
import { ensureGroupCategory, ensureSiteCategory } from '../categories.ts';
import { appendPost, findPost, unshowPost } from '../posts.ts';
import { lastReadPosition, markRead } from '../reading.ts';
import { createThread } from '../threads.ts';

// Unread markers on Talk's pages, as a browser meets them: "3 new" in the
// lists, "New since your last visit" in a thread, and the POST forms
// that move a marker. A GET never moves one.

await describeEachDatabase('unread markers in Talk’s pages', (database) => {
  let app: FastifyInstance;
  let author: { id: number; browser: TestBrowser };
  let reader: { id: number; browser: TestBrowser };
  const by = () => ({ authorId: author.id, authorName: 'Ann Author' });

  async function person(role: 'member' | 'guest', name: string) {
    const { db } = database();
    const account = await buildAccount(db, { role, displayName: name });
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    return { id: account.id, browser };
  }

  /** A new site category with one thread of `replies` replies. */
  async function categoryWithThread(replies: number, isQuestion = false) {
    const { db } = database();
    const slug = `unread-${nextNumber()}`;
    const category = await ensureSiteCategory(db, slug, 'Unread tests');
    const title = `Thread ${nextNumber()}`;
    const { threadId, postId } = await createThread(db, {
      categoryId: category.id,
      title,
      body: 'Opening',
      isQuestion,
      ...by(),
    });
    const postIds = [postId];
    for (let n = 1; n <= replies; n += 1) {
      postIds.push(await appendPost(db, threadId, { body: `R${n}`, ...by() }));
    }
    return { slug, threadId, postIds, title };
  }

  async function readsOf(threadId: number) {
    return database()
      .db.selectFrom('talk_reads')
      .selectAll()
      .where('thread_id', '=', threadId)
      .orderBy('person_id')
      .execute();
  }

  before(async () => {
    app = await buildTestApp(database());
    author = await person('member', 'Ann Author');
    reader = await person('member', 'Rita Reader');
  });
  after(async () => {
    await app.close();
  });

  it('shows in a category how many posts are new, linked to the first', async () => {
    const { db } = database();
    const { slug, threadId, postIds, title } = await categoryWithThread(2);
    await markRead(db, reader.id, threadId, 3);
    for (const body of ['New 1', 'New 2', 'New 3']) {
      postIds.push(await appendPost(db, threadId, { body, ...by() }));
    }

    const page = await reader.browser.get(`/talk/categories/${slug}`);

    assert.equal(page.statusCode, 200);
    assert.ok(
      page.body.includes(
        `href="/talk/threads/${threadId}#post-${postIds[3]}">3 new` +
          `<span class="govuk-visually-hidden"> posts in ${title}</span>`,
      ),
    );
  });

  it('links a first unread post on a later page to that page', async () => {
    const { db } = database();
    const { slug, threadId, postIds } = await categoryWithThread(30);
    await markRead(db, reader.id, threadId, 26);

    const page = await reader.browser.get(`/talk/categories/${slug}`);

    const link = `/talk/threads/${threadId}?page=2#post-${postIds[26]}`;
    assert.ok(page.body.includes(`href="${link}">5 new`));
  });

  it('counts one fewer new post after an unread reply is deleted or hidden', async () => {
    const { db } = database();
    const { slug, threadId, postIds } = await categoryWithThread(4);
    await markRead(db, reader.id, threadId, 2);
    const third = await findPost(db, postIds[2] ?? 0);
    const fourth = await findPost(db, postIds[3] ?? 0);
    assert.ok(third && fourth);

    await unshowPost(db, third, { deletedAt: new Date().toISOString() });
    const afterDelete = await reader.browser.get(`/talk/categories/${slug}`);
    await unshowPost(db, fourth, { hiddenAt: new Date().toISOString() });
    const afterHide = await reader.browser.get(`/talk/categories/${slug}`);

    assert.match(afterDelete.body, />2 new</);
    assert.match(afterHide.body, />1 new</);
    assert.ok(afterHide.body.includes(`#post-${postIds[4]}">1 new`));
  });

  it('shows the same counts in Talk’s latest threads and unanswered questions', async () => {
    const { db } = database();
    const { threadId, title } = await categoryWithThread(3, true);
    await markRead(db, reader.id, threadId, 2);
    const marker = `>2 new<span class="govuk-visually-hidden"> posts in ${title}`;

    const latest = await reader.browser.get('/talk');
    const unanswered = await reader.browser.get('/talk/unanswered');

    assert.ok(latest.body.includes(marker));
    assert.ok(unanswered.body.includes(marker));
  });

  it('shows a group’s discussions with counts to a member of staff, none to a guest', async () => {
    const { db } = database();
    const group = await buildGroup(db, author.id, { visibility: 'closed' });
    const guest = await person('guest', 'Gina Guest');
    await addGroupMember(db, group, reader.id);
    await addGroupMember(db, group, guest.id);
    const category = await ensureGroupCategory(db, group);
    const { threadId } = await createThread(db, {
      categoryId: category.id,
      title: 'Group plans',
      body: 'Opening',
      ...by(),
    });
    await appendPost(db, threadId, { body: 'A reply', ...by() });

    const staffPage = await reader.browser.get(`/talk/groups/${group.slug}`);
    const guestPage = await guest.browser.get(`/talk/groups/${group.slug}`);
    const guestThread = await guest.browser.get(`/talk/threads/${threadId}`);

    assert.match(staffPage.body, />2 new</);
    assert.equal(guestPage.statusCode, 200);
    assert.ok(guestPage.body.includes('Group plans'));
    assert.doesNotMatch(guestPage.body, / new</);
    assert.doesNotMatch(guestThread.body, /data-app-talk-read|Mark as read/);
  });

  it('changes nothing in the read markers when a thread page is shown', async () => {
    const { db } = database();
    const { threadId } = await categoryWithThread(3);
    await markRead(db, reader.id, threadId, 2);
    const before = await readsOf(threadId);

    const page = await reader.browser.get(`/talk/threads/${threadId}`);

    assert.equal(page.statusCode, 200);
    assert.deepEqual(await readsOf(threadId), before);
    assert.equal(before.length, 1);
  });

  it('puts "New since your last visit" before the first unread post', async () => {
    const { db } = database();
    const { threadId, postIds } = await categoryWithThread(3);
    await markRead(db, reader.id, threadId, 2);

    const page = await reader.browser.get(`/talk/threads/${threadId}`);

    const divider = page.body.indexOf('New since your last visit');
    assert.ok(divider > page.body.indexOf(`id="post-${postIds[1]}"`));
    assert.ok(divider < page.body.indexOf(`id="post-${postIds[2]}"`));
  });

  it('shows no divider on a first visit, nor once everything is read', async () => {
    const { db } = database();
    const { threadId } = await categoryWithThread(2);
    const first = await reader.browser.get(`/talk/threads/${threadId}`);
    await markRead(db, reader.id, threadId, 3);

    const again = await reader.browser.get(`/talk/threads/${threadId}`);

    assert.doesNotMatch(first.body, /New since your last visit/);
    assert.doesNotMatch(again.body, /New since your last visit/);
    assert.doesNotMatch(again.body, />Mark as read</);
  });

  it('marks a thread page read with its form, then shows no count', async () => {
    const { db } = database();
    const { slug, threadId } = await categoryWithThread(4);
    const page = await reader.browser.get(`/talk/threads/${threadId}`);
    assert.match(page.body, /name="position" value="5"/);

    const marked = await reader.browser.post(`/talk/threads/${threadId}/read`, {
      position: '5',
      returnTo: `/talk/threads/${threadId}`,
    });
    const list = await reader.browser.get(`/talk/categories/${slug}`);

    assert.equal(marked.statusCode, 303);
    assert.equal(
      marked.headers.location,
      `/talk/threads/${threadId}?done=marked-read`,
    );
    assert.equal(await lastReadPosition(db, reader.id, threadId), 5);
    assert.doesNotMatch(list.body, / new</);
  });

  it('refuses a post number that is not a whole number', async () => {
    const { threadId } = await categoryWithThread(1);
    await reader.browser.get(`/talk/threads/${threadId}`);

    const response = await reader.browser.post(
      `/talk/threads/${threadId}/read`,
      { position: 'last' },
    );

    assert.equal(response.statusCode, 400);
    assert.deepEqual(await readsOf(threadId), []);
  });

  it('refuses to mark read without the form’s CSRF token', async () => {
    const { threadId, slug } = await categoryWithThread(2);
    await reader.browser.get(`/talk/threads/${threadId}`);

    const thread = await reader.browser.post(`/talk/threads/${threadId}/read`, {
      _csrf: '',
      position: '3',
    });
    const category = await reader.browser.post(
      `/talk/categories/${slug}/read`,
      { _csrf: 'forged' },
    );

    assert.equal(thread.statusCode, 403);
    assert.equal(category.statusCode, 403);
    assert.deepEqual(await readsOf(threadId), []);
  });

  it('marks every thread of a category read with "Mark all as read"', async () => {
    const { db } = database();
    const { slug, threadId } = await categoryWithThread(2);
    const category = await ensureSiteCategory(db, slug, 'Unread tests');
    const second = await createThread(db, {
      categoryId: category.id,
      title: 'Second',
      body: 'Opening',
      ...by(),
    });
    const page = await reader.browser.get(`/talk/categories/${slug}`);
    assert.match(page.body, /Mark all as read/);

    const marked = await reader.browser.post(
      `/talk/categories/${slug}/read`,
      {},
    );
    const list = await reader.browser.get(String(marked.headers.location));

    assert.equal(marked.statusCode, 303);
    assert.equal(
      marked.headers.location,
      `/talk/categories/${slug}?done=category-read`,
    );
    assert.deepEqual(
      [
        await lastReadPosition(db, reader.id, threadId),
        await lastReadPosition(db, reader.id, second.threadId),
      ],
      [3, 1],
    );
    assert.doesNotMatch(list.body, / new</);
    assert.match(list.body, /You have marked every discussion here as read/);
  });

  it('does not count the reader’s own reply as new', async () => {
    const { db } = database();
    const { slug, threadId } = await categoryWithThread(1);
    await markRead(db, reader.id, threadId, 2);
    await reader.browser.get(`/talk/threads/${threadId}`);

    const replied = await reader.browser.post(
      `/talk/threads/${threadId}/replies`,
      { body: 'My own reply' },
    );
    const list = await reader.browser.get(`/talk/categories/${slug}`);

    assert.equal(replied.statusCode, 303);
    assert.equal(await lastReadPosition(db, reader.id, threadId), 3);
    assert.doesNotMatch(list.body, / new</);
  });

  it('serves the marking script to anyone, as a cached asset', async () => {
    const response = await app.inject({ url: '/assets/talk-unread.js' });

    assert.equal(response.statusCode, 200);
    assert.equal(
      response.headers['content-type'],
      'text/javascript; charset=utf-8',
    );
    assert.match(response.body, /IntersectionObserver/);
  });
});
