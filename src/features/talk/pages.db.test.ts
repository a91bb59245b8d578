import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { ensureSiteCategory } from './categories.ts';
import { deletePost } from './discussions.ts';
import { pageOfPost, threadPage } from './pages.ts';
import { appendPost, findPost } from './posts.ts';
import { createThread } from './threads.ts';

// BUG-29 (/work/shared/cases/peer-failures.md) on the service, with five
// posts a page: the opening post is post 1, pages are full but the last,
// there is no empty last page, counts come from the posts themselves.

const SIZE = 5;

async function author(db: Db): Promise<PersonActor> {
  const { id } = await buildAccount(db, { displayName: 'Ann Author' });
  return {
    kind: 'person',
    id,
    role: 'member',
    displayName: 'Ann',
    via: 'token',
  };
}

async function threadWithReplies(
  db: Db,
  actor: PersonActor,
  replies: number,
): Promise<{ threadId: number; replyIds: number[] }> {
  const category = await ensureSiteCategory(db, `pages-${nextNumber()}`, 'P');
  const by = { authorId: actor.id, authorName: actor.displayName };
  const { threadId } = await createThread(db, {
    categoryId: category.id,
    title: 'Thread',
    body: 'Opening',
    ...by,
  });
  const replyIds: number[] = [];
  for (let n = 1; n <= replies; n += 1) {
    replyIds.push(
      await appendPost(db, threadId, { body: `Reply ${n}`, ...by }),
    );
  }
  return { threadId, replyIds };
}

async function pageSizes(db: Db, threadId: number): Promise<number[]> {
  const first = await threadPage(db, threadId, 1, SIZE);
  const sizes = [first.posts.length];
  for (let page = 2; page <= first.pageCount; page += 1) {
    sizes.push((await threadPage(db, threadId, page, SIZE)).posts.length);
  }
  return sizes;
}

await describeEachDatabase('thread pages (BUG-29)', (database) => {
  it('splits 11 posts into pages of 5, 5 and 1 starting with the opening post', async () => {
    const { db } = database();
    const { threadId } = await threadWithReplies(db, await author(db), 10);

    const first = await threadPage(db, threadId, 1, SIZE);

    assert.equal(first.pageCount, 3);
    assert.equal(first.total, 11);
    assert.deepEqual(
      first.posts.map((post) => post.body),
      ['Opening', 'Reply 1', 'Reply 2', 'Reply 3', 'Reply 4'],
    );
    assert.deepEqual(await pageSizes(db, threadId), [5, 5, 1]);
    assert.deepEqual(
      (await threadPage(db, threadId, 3, SIZE)).posts.map((p) => p.body),
      ['Reply 10'],
    );
    await assert.rejects(threadPage(db, threadId, 4, SIZE), {
      code: 'PAGE_NOT_FOUND',
    });
  });

  it('has no empty last page when 10 posts fill two pages exactly', async () => {
    const { db } = database();
    const { threadId } = await threadWithReplies(db, await author(db), 9);

    assert.deepEqual(await pageSizes(db, threadId), [5, 5]);
    assert.equal((await threadPage(db, threadId, 1, SIZE)).pageCount, 2);
    await assert.rejects(threadPage(db, threadId, 3, SIZE), {
      code: 'PAGE_NOT_FOUND',
    });
  });

  it('counts an imported thread from its posts, not its stored counter', async () => {
    const { db } = database();
    const { threadId } = await threadWithReplies(db, await author(db), 9);
    await db
      .updateTable('talk_threads')
      .set({ reply_count: 12 })
      .where('id', '=', threadId)
      .execute();

    const first = await threadPage(db, threadId, 1, SIZE);

    assert.equal(first.total, 10);
    assert.equal(first.pageCount, 2);
    assert.deepEqual(await pageSizes(db, threadId), [5, 5]);
  });

  it('closes the gap a deleted reply leaves: 11 posts less one is 5, 5', async () => {
    const { db } = database();
    const actor = await author(db);
    const { threadId, replyIds } = await threadWithReplies(db, actor, 10);

    await deletePost(db, actor, replyIds[2] ?? 0);

    assert.deepEqual(await pageSizes(db, threadId), [5, 5]);
    const second = await threadPage(db, threadId, 2, SIZE);
    assert.deepEqual(
      second.posts.map((post) => post.body),
      ['Reply 6', 'Reply 7', 'Reply 8', 'Reply 9', 'Reply 10'],
    );
    const first = await threadPage(db, threadId, 1, SIZE);
    assert.deepEqual(
      first.posts.map((post) => first.deletedBefore.get(post.id)),
      [0, 0, 0, 1, 0],
    );
    await assert.rejects(threadPage(db, threadId, 3, SIZE), {
      code: 'PAGE_NOT_FOUND',
    });
  });

  it('skips a hidden reply without a hole and keeps the others full', async () => {
    const { db } = database();
    const actor = await author(db);
    const { threadId, replyIds } = await threadWithReplies(db, actor, 10);
    const { unshowPost } = await import('./posts.ts');
    const hidden = await findPost(db, replyIds[0] ?? 0);
    assert.ok(hidden);

    await unshowPost(db, hidden, { hiddenAt: '2026-12-04T12:00:00.000Z' });

    assert.deepEqual(await pageSizes(db, threadId), [5, 5]);
    const first = await threadPage(db, threadId, 1, SIZE);
    assert.deepEqual(
      first.posts.map((post) => first.deletedBefore.get(post.id)),
      [0, 0, 0, 0, 0],
    );
  });

  it('finds the page holding a reply, and the last post on the last page', async () => {
    const { db } = database();
    const actor = await author(db);
    const { replyIds } = await threadWithReplies(db, actor, 10);
    const page = async (id: number | undefined) => {
      const post = await findPost(db, id ?? 0);
      assert.ok(post);
      return pageOfPost(db, post, SIZE);
    };

    assert.equal(await page(replyIds[3]), 1);
    assert.equal(await page(replyIds[4]), 2);
    assert.equal(await page(replyIds[9]), 3);
    await deletePost(db, actor, replyIds[0] ?? 0);
    assert.equal(await page(replyIds[4]), 1);
    assert.equal(await page(replyIds[9]), 2);
    // A deleted reply's link lands where it was.
    assert.equal(await page(replyIds[0]), 1);
  });
});
