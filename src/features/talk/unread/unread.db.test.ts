import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson, nextNumber } from '../../../test-support/factories.ts';
import { ensureSiteCategory } from '../categories.ts';
import { appendPost, findPost, unshowPost } from '../posts.ts';
import { lastReadPosition, markRead } from '../reading.ts';
import { createThread } from '../threads.ts';
import {
  markCategoryRead,
  markOwnPostRead,
  unreadInThreads,
} from './unread.ts';

// Unread counts straight from the data layer, on both databases.

await describeEachDatabase('unread posts', (database) => {
  let authorId: number;
  let readerId: number;

  before(async () => {
    const { db } = database();
    authorId = await buildPerson(db, { displayName: 'Ann Author' });
    readerId = await buildPerson(db, { displayName: 'Rita Reader' });
  });

  /** A thread in a new category with `replies` replies; post ids in order. */
  async function thread(db: Db, replies: number, slug?: string) {
    const category = await ensureSiteCategory(
      db,
      slug ?? `unread-${nextNumber()}`,
      'Unread',
    );
    const by = { authorId, authorName: 'Ann Author' };
    const { threadId, postId } = await createThread(db, {
      categoryId: category.id,
      title: `Thread ${nextNumber()}`,
      body: 'Opening',
      ...by,
    });
    const postIds = [postId];
    for (let n = 1; n <= replies; n += 1) {
      postIds.push(await appendPost(db, threadId, { body: `R${n}`, ...by }));
    }
    return { threadId, postIds, categoryId: category.id };
  }

  async function unreadOf(db: Db, threadId: number) {
    return (await unreadInThreads(db, readerId, [threadId])).get(threadId);
  }

  it('counts every shown post of a thread the reader never opened', async () => {
    const { db } = database();
    const { threadId, postIds } = await thread(db, 4);

    assert.deepEqual(await unreadOf(db, threadId), {
      count: 5,
      lastReadPosition: null,
      first: { postId: postIds[0], shownPosition: 1 },
    });
  });

  it('counts the replies written after the reader’s marker', async () => {
    const { db } = database();
    const { threadId } = await thread(db, 2);
    await markRead(db, readerId, threadId, 3);
    const by = { authorId, authorName: 'Ann Author' };
    const fourth = await appendPost(db, threadId, { body: 'New 1', ...by });
    await appendPost(db, threadId, { body: 'New 2', ...by });
    await appendPost(db, threadId, { body: 'New 3', ...by });

    assert.deepEqual(await unreadOf(db, threadId), {
      count: 3,
      lastReadPosition: 3,
      first: { postId: fourth, shownPosition: 4 },
    });
  });

  it('stops counting an unread reply once it is deleted or hidden', async () => {
    const { db } = database();
    const { threadId, postIds } = await thread(db, 5);
    await markRead(db, readerId, threadId, 2);
    const [, , third, fourth] = await Promise.all(
      postIds.map((id) => findPost(db, id)),
    );
    assert.ok(third && fourth);

    await unshowPost(db, third, { deletedAt: new Date().toISOString() });
    assert.equal((await unreadOf(db, threadId))?.count, 3);
    await unshowPost(db, fourth, { hiddenAt: new Date().toISOString() });

    assert.deepEqual(await unreadOf(db, threadId), {
      count: 2,
      lastReadPosition: 2,
      first: { postId: postIds[4], shownPosition: 3 },
    });
  });

  it('keeps the count when a reply the reader has read is deleted', async () => {
    const { db } = database();
    const { threadId, postIds } = await thread(db, 4);
    await markRead(db, readerId, threadId, 3);
    const second = await findPost(db, postIds[1] ?? 0);
    assert.ok(second);

    await unshowPost(db, second, { deletedAt: new Date().toISOString() });

    assert.deepEqual(await unreadOf(db, threadId), {
      count: 2,
      lastReadPosition: 3,
      first: { postId: postIds[3], shownPosition: 3 },
    });
  });

  it('counts nothing once the reader has read to the last post', async () => {
    const { db } = database();
    const { threadId } = await thread(db, 3);

    await markRead(db, readerId, threadId, 4);

    assert.deepEqual(await unreadOf(db, threadId), {
      count: 0,
      lastReadPosition: 4,
      first: null,
    });
  });

  it('answers a whole page of threads in one call, each its own count', async () => {
    const { db } = database();
    const a = await thread(db, 1);
    const b = await thread(db, 6);
    await markRead(db, readerId, b.threadId, 5);

    const unread = await unreadInThreads(db, readerId, [
      a.threadId,
      b.threadId,
    ]);

    assert.deepEqual(
      [unread.get(a.threadId)?.count, unread.get(b.threadId)?.count],
      [2, 2],
    );
  });

  it('marks every thread of a category read, never moving a marker back', async () => {
    const { db } = database();
    const slug = `all-read-${nextNumber()}`;
    const one = await thread(db, 2, slug);
    const two = await thread(db, 3, slug);
    const elsewhere = await thread(db, 1);
    await markRead(db, readerId, two.threadId, 4);

    await markCategoryRead(db, readerId, one.categoryId);
    await markCategoryRead(db, readerId, one.categoryId);

    assert.deepEqual(
      [
        await lastReadPosition(db, readerId, one.threadId),
        await lastReadPosition(db, readerId, two.threadId),
        await lastReadPosition(db, readerId, elsewhere.threadId),
      ],
      [3, 4, null],
    );
    const unread = await unreadInThreads(db, readerId, [
      one.threadId,
      two.threadId,
    ]);
    assert.deepEqual(
      [unread.get(one.threadId)?.count, unread.get(two.threadId)?.count],
      [0, 0],
    );
  });

  it('marks a reader’s own reply, and what came before it, read', async () => {
    const { db } = database();
    const { threadId } = await thread(db, 2);
    const mine = await appendPost(db, threadId, {
      body: 'My reply',
      authorId: readerId,
      authorName: 'Rita Reader',
    });

    await markOwnPostRead(db, readerId, mine);

    assert.equal(await lastReadPosition(db, readerId, threadId), 4);
    assert.equal((await unreadOf(db, threadId))?.count, 0);
  });

  it('never moves a reader’s marker back for their own earlier post', async () => {
    const { db } = database();
    const { threadId } = await thread(db, 1);
    const mine = await appendPost(db, threadId, {
      body: 'My reply',
      authorId: readerId,
      authorName: 'Rita Reader',
    });
    await appendPost(db, threadId, {
      body: 'Later',
      authorId,
      authorName: 'Ann',
    });
    await markRead(db, readerId, threadId, 4, '2026-03-02T09:00:00.000Z');

    await markOwnPostRead(db, readerId, mine, '2026-03-02T10:00:00.000Z');

    const row = await db
      .selectFrom('talk_reads')
      .select(['last_read_position', 'read_at'])
      .where('person_id', '=', readerId)
      .where('thread_id', '=', threadId)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      [row.last_read_position, String(row.read_at)],
      [4, '2026-03-02T09:00:00.000Z'],
    );
  });
});
