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
import { createThread } from './threads.ts';

// What a reader does to a thread and its posts from the pages, driven
// as a browser would: watch or mute it, edit or delete their own post,
// read a post's history, react.

await describeEachDatabase('the Talk post pages', (database) => {
  let app: FastifyInstance;
  let author: { id: number; browser: TestBrowser };
  let other: { id: number; browser: TestBrowser };
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
});
