import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { ensureSiteCategory } from './categories.ts';
import { deletePost } from './discussions.ts';
import { threadPage } from './pages.ts';
import { appendPost, findPost, unshowPost } from './posts.ts';
import { createThread, findThread } from './threads.ts';

// The gaps a page marks where replies were deleted, read with the page's
// posts in one statement: across a page's edge too, where the gap lies
// between the last post of one page and the first of the next. Five
// posts a page.

const SIZE = 5;

await describeEachDatabase(
  'deleted replies between a thread’s pages',
  (database) => {
    async function threadOfTen() {
      const { db } = database();
      const { id } = await buildAccount(db, { displayName: 'Gail Gap' });
      const actor: PersonActor = {
        kind: 'person',
        id,
        role: 'member',
        displayName: 'Gail Gap',
        via: 'token',
      };
      const category = await ensureSiteCategory(
        db,
        `gaps-${nextNumber()}`,
        'G',
      );
      const by = { authorId: id, authorName: 'Gail Gap' };
      const { threadId } = await createThread(db, {
        categoryId: category.id,
        title: 'Gaps',
        body: 'Opening',
        ...by,
      });
      const replyIds: number[] = [];
      for (let n = 1; n <= 10; n += 1) {
        replyIds.push(
          await appendPost(db, threadId, { body: `Reply ${n}`, ...by }),
        );
      }
      return { actor, threadId, replyIds };
    }

    it('counts the replies deleted just before a later page’s first post', async () => {
      const { db } = database();
      const { actor, threadId, replyIds } = await threadOfTen();

      // Page 1 then ends at reply 4, and replies 5 and 6 lie between.
      await deletePost(db, actor, replyIds[4] ?? 0);
      await deletePost(db, actor, replyIds[5] ?? 0);
      const second = await threadPage(db, threadId, 2, SIZE);

      assert.deepEqual(
        second.posts.map((post) => [
          post.body,
          second.deletedBefore.get(post.id),
        ]),
        [
          ['Reply 7', 2],
          ['Reply 8', 0],
          ['Reply 9', 0],
          ['Reply 10', 0],
        ],
      );
      // The shown post before the page is reply 4, the fifth post.
      assert.equal(second.positionBefore, 5);
    });

    it('counts deleted replies only, not a hidden one between them', async () => {
      const { db } = database();
      const { actor, threadId, replyIds } = await threadOfTen();
      const hidden = await findPost(db, replyIds[1] ?? 0);
      assert.ok(hidden);

      await deletePost(db, actor, replyIds[0] ?? 0);
      await unshowPost(db, hidden, { hiddenAt: '2026-12-04T12:00:00.000Z' });
      await deletePost(db, actor, replyIds[2] ?? 0);
      const first = await threadPage(db, threadId, 1, SIZE);

      assert.deepEqual(
        first.posts.map((post) => [
          post.body,
          first.deletedBefore.get(post.id),
        ]),
        [
          ['Opening', 0],
          ['Reply 4', 2],
          ['Reply 5', 0],
          ['Reply 6', 0],
          ['Reply 7', 0],
        ],
      );
      assert.equal(first.positionBefore, 0);
    });

    it('pages by the count read with the thread, as by its own count', async () => {
      const { db } = database();
      const { actor, threadId, replyIds } = await threadOfTen();
      await deletePost(db, actor, replyIds[9] ?? 0);
      const thread = await findThread(db, threadId);
      assert.ok(thread);

      const known = await threadPage(
        db,
        threadId,
        2,
        SIZE,
        thread.shownPostCount,
      );
      const counted = await threadPage(db, threadId, 2, SIZE);

      assert.equal(thread.shownPostCount, 10);
      assert.deepEqual(known, counted);
    });
  },
);
