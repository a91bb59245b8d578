import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import {
  AppError,
  ForbiddenError,
  NotFoundError,
} from '../../platform/errors.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { ensureGroupCategory } from './categories.ts';
import { deletePost, reactToPost, requirePostFor } from './discussions.ts';
import { appendPost } from './posts.ts';
import { reactionsOf } from './reactions.ts';
import { lastReadPosition, markRead } from './reading.ts';
import { createThread, findThread } from './threads.ts';

// What a post's id tells someone outside the group it was written in.

async function person(db: Db, name: string): Promise<PersonActor> {
  const { id } = await buildAccount(db, { displayName: name });
  return {
    kind: 'person',
    id,
    role: 'member',
    displayName: name,
    via: 'token',
  };
}

async function notFoundCode(work: Promise<unknown>): Promise<string> {
  const error: unknown = await work.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof NotFoundError);
  return error.code;
}

await describeEachDatabase('posts in a secret group', (database) => {
  it('answers a post in a secret group as it answers a missing post', async () => {
    const { db } = database();
    const owner = await person(db, 'Sam Secret');
    const outsider = await person(db, 'Olu Outsider');
    const group = await buildGroup(db, owner.id, { visibility: 'secret' });
    const category = await ensureGroupCategory(db, group);
    const { postId } = await createThread(db, {
      categoryId: category.id,
      title: 'Hidden plans',
      body: 'Only for members',
      authorId: owner.id,
      authorName: owner.displayName,
    });

    const secret = await notFoundCode(requirePostFor(db, outsider, postId));
    const missing = await notFoundCode(
      requirePostFor(db, outsider, postId + 1000),
    );

    assert.equal(secret, 'POST_NOT_FOUND');
    assert.equal(missing, 'POST_NOT_FOUND');
  });
});

await describeEachDatabase('read markers', (database) => {
  it('caps a read marker at the last post, so later replies are unread', async () => {
    const { db } = database();
    const reader = await person(db, 'Rae Reader');
    const group = await buildGroup(db, reader.id);
    const category = await ensureGroupCategory(db, group);
    const by = { authorId: reader.id, authorName: reader.displayName };
    const { threadId } = await createThread(db, {
      categoryId: category.id,
      title: 'Plans',
      body: 'Opening',
      ...by,
    });
    await appendPost(db, threadId, { body: 'Reply 1', ...by });

    const marked = await markRead(db, reader.id, threadId, 99_999_999);
    await appendPost(db, threadId, { body: 'Reply 2', ...by });

    assert.equal(marked, 2);
    assert.equal(await lastReadPosition(db, reader.id, threadId), 2);
  });
});

await describeEachDatabase('deleting an opening post', (database) => {
  async function threadWithReply(
    db: Db,
    asker: PersonActor,
    replier: PersonActor,
  ) {
    const owner = await person(db, 'Olive Owner');
    const group = await buildGroup(db, owner.id);
    await addGroupMember(db, group, asker.id);
    if (replier.id !== asker.id) {
      await addGroupMember(db, group, replier.id);
    }
    const category = await ensureGroupCategory(db, group);
    const thread = await createThread(db, {
      categoryId: category.id,
      title: 'Question',
      body: 'Opening',
      authorId: asker.id,
      authorName: asker.displayName,
    });
    await appendPost(db, thread.threadId, {
      body: 'An answer',
      authorId: replier.id,
      authorName: replier.displayName,
    });
    return thread;
  }

  it('refuses the author deleting a thread others replied to', async () => {
    const { db } = database();
    const asker = await person(db, 'Ada Asker');
    const replier = await person(db, 'Rob Replier');
    const { threadId, postId } = await threadWithReply(db, asker, replier);

    const error: unknown = await deletePost(db, asker, postId).then(
      () => null,
      (thrown: unknown) => thrown,
    );

    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'THREAD_HAS_REPLIES');
    assert.equal(error.status, 409);
    assert.equal((await findThread(db, threadId))?.deletedAt, null);
  });

  it('lets the author delete a thread with only their own replies', async () => {
    const { db } = database();
    const asker = await person(db, 'Solo Self');
    const { threadId, postId } = await threadWithReply(db, asker, asker);

    const result = await deletePost(db, asker, postId);

    assert.deepEqual(result, { threadDeleted: true });
    assert.notEqual((await findThread(db, threadId))?.deletedAt, null);
  });
});

await describeEachDatabase('reactions', (database) => {
  it('refuses a reaction from a non-member reader of an open group', async () => {
    const { db } = database();
    const member = await person(db, 'Mo Member');
    const reader = await person(db, 'Reg Reader');
    const group = await buildGroup(db, member.id, { visibility: 'open' });
    const category = await ensureGroupCategory(db, group);
    const { postId } = await createThread(db, {
      categoryId: category.id,
      title: 'Open to read',
      body: 'Members talk here',
      authorId: member.id,
      authorName: member.displayName,
    });

    const error: unknown = await reactToPost(db, reader, postId, 'like').then(
      () => null,
      (thrown: unknown) => thrown,
    );
    await reactToPost(db, member, postId, 'thanks');

    assert.ok(error instanceof ForbiddenError);
    assert.equal(error.code, 'TALK_FORBIDDEN');
    const summary = (await reactionsOf(db, [postId], null)).get(postId);
    assert.deepEqual(summary?.counts, {
      like: 0,
      thanks: 1,
      agree: 0,
      insightful: 0,
    });
  });
});

await describeEachDatabase('deleting replies at the same time', (database) => {
  it('keeps numbers dense when one reply is deleted four times at once', async () => {
    const { db } = database();
    const author = await person(db, 'Dee Deleter');
    const group = await buildGroup(db, author.id);
    const category = await ensureGroupCategory(db, group);
    const by = { authorId: author.id, authorName: author.displayName };
    const { threadId } = await createThread(db, {
      categoryId: category.id,
      title: 'Busy',
      body: 'Opening',
      ...by,
    });
    const replyIds: number[] = [];
    for (let n = 1; n <= 4; n += 1) {
      replyIds.push(await appendPost(db, threadId, { body: `R${n}`, ...by }));
    }

    await Promise.allSettled(
      [1, 2, 3, 4].map(() =>
        db
          .transaction()
          .execute((trx) => deletePost(trx, author, replyIds[0] ?? 0)),
      ),
    );

    const rows = await db
      .selectFrom('talk_posts')
      .select('shown_position')
      .where('thread_id', '=', threadId)
      .orderBy('position')
      .execute();
    const thread = await findThread(db, threadId);
    assert.deepEqual(
      rows.map((row) => row.shown_position),
      [1, null, 2, 3, 4],
    );
    assert.equal(thread?.replyCount, 3);
  });
});
