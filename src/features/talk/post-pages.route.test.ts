import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { ensureSiteCategory } from './categories.ts';
import { appendPost } from './posts.ts';
import { setImportedScore } from './reactions.ts';
import { createThread } from './threads.ts';

// What a reader does to a thread and its posts from the pages, driven
// as a browser would: watch or mute it, edit or delete their own post,
// read a post's history, react.

await describeEachDatabase('the Talk post pages', (database) => {
  let app: FastifyInstance;
  let author: { id: number; browser: TestBrowser };
  let other: { id: number; browser: TestBrowser };
  let admin: { id: number; browser: TestBrowser };
  let siteSlug: string;

  async function person(role: 'admin' | 'member', name: string) {
    const account = await buildAccount(database().db, {
      role,
      displayName: name,
    });
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    return { id: account.id, browser };
  }

  /** A thread by `author`, with replies by `other`; returns the ids. */
  async function thread(replies = 0, title = `Thread ${nextNumber()}`) {
    const { db } = database();
    const category = await ensureSiteCategory(db, siteSlug, 'General');
    const made = await createThread(db, {
      categoryId: category.id,
      title,
      body: 'The opening post',
      authorId: author.id,
      authorName: 'Alex Author',
    });
    const replyIds: number[] = [];
    for (let n = 1; n <= replies; n += 1) {
      replyIds.push(
        await appendPost(db, made.threadId, {
          body: `Reply number ${n}`,
          authorId: other.id,
          authorName: 'Olly Other',
        }),
      );
    }
    return { ...made, replyIds };
  }

  before(async () => {
    app = await buildTestApp(database());
    author = await person('member', 'Alex Author');
    other = await person('member', 'Olly Other');
    admin = await person('admin', 'Ada Admin');
    siteSlug = `general-${nextNumber()}`;
  });
  after(async () => {
    await app.close();
  });

  it('offers Watch and Mute on a thread before the reader sets a level', async () => {
    const { threadId } = await thread();

    const page = await other.browser.get(`/talk/threads/${threadId}`);

    assert.ok(page.body.includes(`action="/talk/threads/${threadId}/watch"`));
    assert.match(page.body, /value="watch" type="submit">Watch</);
    assert.match(page.body, /value="mute" type="submit">Mute</);
    const watched = await other.browser.post(
      `/talk/threads/${threadId}/watch`,
      { level: 'watch' },
    );
    const after = await other.browser.get(String(watched.headers.location));
    assert.match(after.body, /govuk-notification-banner--success/);
    assert.match(after.body, /value="none" type="submit">Stop watching</);
  });

  it('links Edit and Delete only on the posts the reader may change', async () => {
    const { threadId, postId, replyIds } = await thread(1);
    const replyId = replyIds[0] ?? 0;

    const mine = await other.browser.get(`/talk/threads/${threadId}`);
    const moderator = await admin.browser.get(`/talk/threads/${threadId}`);

    assert.ok(mine.body.includes(`href="/talk/posts/${replyId}/edit"`));
    assert.ok(mine.body.includes(`href="/talk/posts/${replyId}/delete"`));
    assert.ok(!mine.body.includes(`href="/talk/posts/${postId}/edit"`));
    assert.ok(!mine.body.includes(`href="/talk/posts/${postId}/delete"`));
    assert.ok(moderator.body.includes(`href="/talk/posts/${postId}/edit"`));
    assert.ok(moderator.body.includes(`href="/talk/posts/${postId}/delete"`));
  });

  it('edits the opening post and the thread title through the form, keeping history', async () => {
    const { threadId, postId } = await thread(0, 'Old title');
    const form = await author.browser.get(`/talk/posts/${postId}/edit`);
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes('value="Old title"'));
    assert.ok(form.body.includes('>The opening post</textarea>'));

    const saved = await author.browser.post(`/talk/posts/${postId}/edit`, {
      title: 'New title',
      body: 'The changed opening post',
    });

    assert.equal(saved.statusCode, 303);
    assert.equal(
      saved.headers.location,
      `/talk/threads/${threadId}?done=post-edited#post-${postId}`,
    );
    const page = await author.browser.get(`/talk/threads/${threadId}`);
    assert.match(
      page.body,
      /<h1 class="govuk-heading-l app-break-words">New title<\/h1>/,
    );
    assert.match(page.body, /The changed opening post/);
    assert.ok(page.body.includes(`href="/talk/posts/${postId}/history"`));
    const history = await other.browser.get(`/talk/posts/${postId}/history`);
    assert.equal(history.statusCode, 200);
    assert.match(history.body, /1 earlier version, newest first/);
    assert.match(history.body, /<p>The opening post<\/p>/);
    assert.match(
      history.body,
      /by <a class="govuk-link" href="\/people\/\d+">Alex Author<\/a>/,
    );
  });

  it('refuses an empty edit the GOV.UK way with the values kept and nothing saved', async () => {
    const { postId } = await thread(0, 'Keep this title');
    await author.browser.get(`/talk/posts/${postId}/edit`);

    const page = await author.browser.post(`/talk/posts/${postId}/edit`, {
      title: 'A half-made title',
      body: '   ',
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: Edit the opening post/);
    assert.match(page.body, /There is a problem/);
    assert.match(page.body, /href="#body"/);
    assert.ok(page.body.includes('value="A half-made title"'));
    const row = await database()
      .db.selectFrom('talk_threads as t')
      .innerJoin('talk_posts as p', 'p.thread_id', 't.id')
      .select(['t.title', 'p.body', 'p.edited_at'])
      .where('p.id', '=', postId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, {
      title: 'Keep this title',
      body: 'The opening post',
      edited_at: null,
    });
  });

  it('forbids editing someone else’s post', async () => {
    const { postId } = await thread(0);

    const form = await other.browser.get(`/talk/posts/${postId}/edit`);
    const sent = await other.browser.post(`/talk/posts/${postId}/edit`, {
      body: 'Not mine',
    });

    assert.equal(form.statusCode, 403);
    assert.equal(sent.statusCode, 403);
  });

  it('asks before deleting a reply, then leaves a deleted note in its place', async () => {
    const { threadId, replyIds } = await thread(2);
    const replyId = replyIds[0] ?? 0;

    const confirm = await other.browser.get(`/talk/posts/${replyId}/delete`);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Delete this post\?/);
    assert.match(confirm.body, /Reply number 1/);
    const deleted = await other.browser.post(
      `/talk/posts/${replyId}/delete`,
      {},
    );

    assert.equal(deleted.statusCode, 303);
    assert.equal(
      deleted.headers.location,
      `/talk/threads/${threadId}?done=post-deleted`,
    );
    const page = await other.browser.get(String(deleted.headers.location));
    assert.match(page.body, /The post has been deleted\./);
    assert.match(page.body, /1 reply deleted here\./);
    assert.doesNotMatch(page.body, /Reply number 1/);
    assert.match(page.body, /Reply number 2/);
  });

  it('keeps an author from deleting an opening post others replied to', async () => {
    const { threadId, postId } = await thread(1);
    await author.browser.get(`/talk/threads/${threadId}`);

    const refused = await author.browser.post(
      `/talk/posts/${postId}/delete`,
      {},
    );

    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /only a moderator can delete it/);
    const page = await author.browser.get(`/talk/threads/${threadId}`);
    assert.equal(page.statusCode, 200);
  });

  it('deletes a thread with its opening post and lands on its category', async () => {
    const { threadId, postId } = await thread(0);
    await author.browser.get(`/talk/posts/${postId}/delete`);

    const deleted = await author.browser.post(
      `/talk/posts/${postId}/delete`,
      {},
    );

    assert.equal(
      deleted.headers.location,
      `/talk/categories/${siteSlug}?done=thread-deleted`,
    );
    const gone = await author.browser.get(`/talk/threads/${threadId}`);
    assert.equal(gone.statusCode, 404);
  });

  it('tells the author of a held thread it has 0 replies, not -1', async () => {
    const { db } = database();
    const slug = `held-${nextNumber()}`;
    const category = await ensureSiteCategory(db, slug, 'Held here');
    await db
      .updateTable('talk_categories')
      .set({ approve_first_posts: 1 })
      .where('id', '=', category.id)
      .execute();
    const newcomer = await person('member', 'Nell Newcomer');
    await newcomer.browser.get(`/talk/categories/${slug}`);
    const posted = await newcomer.browser.post(
      `/talk/categories/${slug}/threads`,
      { title: 'Waiting thread', body: 'Hello all' },
    );

    const page = await newcomer.browser.get(String(posted.headers.location));

    assert.equal(page.statusCode, 200);
    assert.match(page.body, /\b0 replies\b/);
    assert.doesNotMatch(page.body, /-1 replies/);
  });

  it('refuses a reaction of an unknown kind with a 400 that says why', async () => {
    const { threadId, postId } = await thread();
    await other.browser.get(`/talk/threads/${threadId}`);

    const page = await other.browser.post(`/talk/posts/${postId}/reactions`, {
      kind: 'love',
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /React with like, thanks, agree or insightful/);
    const rows = await database()
      .db.selectFrom('talk_reactions')
      .select('kind')
      .where('post_id', '=', postId)
      .execute();
    assert.deepEqual(rows, []);
  });

  it('spaces the edited marker and the score apart', async () => {
    const { db } = database();
    const { threadId, postId } = await thread();
    await db
      .updateTable('talk_posts')
      .set({ edited_at: '2026-01-02T10:00:00.000Z' })
      .where('id', '=', postId)
      .execute();
    await setImportedScore(db, postId, 38);

    const page = await author.browser.get(`/talk/threads/${threadId}`);

    assert.match(page.body, /see the earlier versions<\/span><\/a> · score 38/);
    assert.doesNotMatch(page.body, /<\/a>· score/);
  });
});
