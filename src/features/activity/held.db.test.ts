import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { ensurePersonBlog } from '../blogs/blogs.ts';
import {
  changeCommentPolicy,
  commentOn,
  moderateComment,
  writePost,
} from '../blogs/service.ts';
import { ensureGroupCategory } from '../talk/categories.ts';
import { approvePost } from '../talk/moderation/actions.ts';
import { setWatchLevel } from './follows.ts';
import { fanOut } from './fanout.ts';
import type { FanOut } from './fanout.ts';
import { buildMember, reply, startGroupThread } from './testing.ts';
import type { Db } from '../../database.ts';

const AT = '2026-12-01T09:00:00.000Z';
const APPROVED = '2026-12-01T10:00:00.000Z';

async function notificationsOf(db: Db, personId: number) {
  const rows = await db
    .selectFrom('notifications')
    .select(['kind', 'summary'])
    .where('person_id', '=', personId)
    .orderBy('id')
    .execute();
  return rows.map((row) => `${row.kind}: ${row.summary}`);
}

async function runFanOuts(db: Db): Promise<number> {
  const jobs = await db
    .selectFrom('jobs')
    .select('payload')
    .where('type', '=', 'activity.fanout')
    .execute();
  let told = 0;
  for (const job of jobs) {
    told += await fanOut(db, JSON.parse(job.payload) as FanOut);
  }
  return told;
}

await describeEachDatabase('held content once approved', (database) => {
  it('tells the mentioned and watchers of a held thread and reply once, on approval', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Owen');
    const newbie = await buildMember(db, 'Nia');
    const watcher = await buildMember(db, 'Wes');
    const group = await buildGroup(db, owner.id);
    await addGroupMember(db, group, newbie.id);
    await addGroupMember(db, group, watcher.id);
    await setWatchLevel(db, watcher.id, { groupId: group.id }, 'watch');
    const category = await ensureGroupCategory(db, group, AT);
    await db
      .updateTable('talk_categories')
      .set({ approve_first_posts: 1 })
      .where('id', '=', category.id)
      .execute();

    const { threadId, postId } = await startGroupThread(
      db,
      newbie,
      group,
      'First question',
      `Hello @${owner.handle}`,
      { now: AT },
    );
    const replyId = await reply(
      db,
      newbie,
      threadId,
      `Me again, @${watcher.handle}`,
      AT,
    );
    const heldJobs = await runFanOuts(db);
    assert.deepEqual([heldJobs, await notificationsOf(db, owner.id)], [0, []]);

    await approvePost(db, owner, postId, APPROVED);
    await approvePost(db, owner, replyId, APPROVED);
    await assert.rejects(approvePost(db, owner, postId, APPROVED));
    const told = await runFanOuts(db);
    await runFanOuts(db);

    assert.equal(told, 1);
    assert.deepEqual(await notificationsOf(db, owner.id), [
      'mention: Nia mentioned you in “First question”',
    ]);
    assert.deepEqual(await notificationsOf(db, watcher.id), [
      'mention: Nia mentioned you in “First question”',
      'watched: Nia started “First question”',
    ]);
  });

  it('tells the author and the mentioned of a comment once, when it is approved', async () => {
    const { db } = database();
    const author = await buildMember(db, 'Ava');
    const commenter = await buildMember(db, 'Cy');
    const named = await buildMember(db, 'Dee');
    const blog = await ensurePersonBlog(db, author.id, AT);
    await changeCommentPolicy(db, author, blog.slug, 'approve', AT);
    const { post } = await writePost(
      db,
      author,
      blog.slug,
      {
        title: 'Roadmap',
        body: 'Plans',
        status: 'published',
        audience: 'everyone',
      },
      null,
      { clampAudience: false, now: AT, timeField: 'publishAt' },
    );
    const { comment } = await commentOn(
      db,
      commenter,
      blog.slug,
      post.slug,
      `Agreed, @${named.handle}`,
      null,
      AT,
    );
    assert.equal(comment.status, 'pending');
    assert.deepEqual(await notificationsOf(db, author.id), []);

    await moderateComment(
      db,
      author,
      blog.slug,
      post.slug,
      comment.id,
      'approve',
      APPROVED,
    );
    await moderateComment(
      db,
      author,
      blog.slug,
      post.slug,
      comment.id,
      'approve',
      APPROVED,
    );

    assert.deepEqual(await notificationsOf(db, author.id), [
      'reply: Cy commented on “Roadmap”',
    ]);
    assert.deepEqual(await notificationsOf(db, named.id), [
      'mention: Cy mentioned you in a comment on “Roadmap”',
    ]);
  });
});
