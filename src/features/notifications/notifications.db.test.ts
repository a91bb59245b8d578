import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { fanOut } from '../activity/fanout.ts';
import type { FanOut } from '../activity/fanout.ts';
import { buildMember, reply, startGroupThread } from '../activity/testing.ts';
import { setWatch } from '../talk/reading.ts';
import { updateGroup } from '../groups/groups.ts';
import {
  countUnread,
  listDeliverableNotifications,
  listNotifications,
  markAllRead,
} from './service.ts';
import { NOTIFICATION_KINDS } from './service.ts';

const PAGE = { page: 1, pageSize: 25, offset: 0 };

async function summariesOf(db: Db, person: { id: number } & object) {
  const list = await listNotifications(db, person as never, PAGE);
  return list.items.map((item) => `${item.kind}: ${item.summary}`);
}

/** Runs the fan-out jobs an event queued, as a worker would. */
async function runFanOuts(db: Db): Promise<void> {
  const jobs = await db
    .selectFrom('jobs' as never)
    .select(['id' as never, 'payload' as never])
    .where('type' as never, '=', 'activity.fanout' as never)
    .where('state' as never, '=', 'queued' as never)
    .execute();
  for (const job of jobs as { id: number; payload: string }[]) {
    await fanOut(db, JSON.parse(job.payload) as FanOut);
    await db
      .updateTable('jobs' as never)
      .set({ state: 'done' } as never)
      .where('id' as never, '=', job.id as never)
      .execute();
  }
}

await describeEachDatabase('notifications and the read rule', (database) => {
  it('tells no outsider of a private group’s mention or its comments (BUG-07)', async () => {
    const { db } = database();
    const alice = await buildMember(db, 'Alice');
    const bob = await buildMember(db, 'Bob');
    const group = await buildGroup(db, alice.id, {
      name: 'HR-Private',
      visibility: 'secret',
    });

    const { threadId } = await startGroupThread(
      db,
      alice,
      group,
      'Reviews',
      `@${bob.handle} performance review moved to Friday`,
    );
    await reply(db, alice, threadId, `Comment one for @${bob.handle}`);
    await reply(db, alice, threadId, 'Comment two');
    await runFanOuts(db);

    const rows = await db
      .selectFrom('notifications')
      .select('id')
      .where('person_id', '=', bob.id)
      .execute();
    assert.equal(rows.length, 0);
    const watches = await db
      .selectFrom('talk_watches')
      .select('id')
      .where('person_id', '=', bob.id)
      .execute();
    assert.equal(watches.length, 0);
    const follows = await db
      .selectFrom('follows')
      .select('person_id')
      .where('follower_id', '=', bob.id)
      .execute();
    assert.equal(follows.length, 0);
    const digest = await listDeliverableNotifications(db, bob.id, {
      since: '2000-01-01T00:00:00.000Z',
      until: '2100-01-01T00:00:00.000Z',
      kinds: NOTIFICATION_KINDS,
    });
    assert.deepEqual(digest, []);
  });

  it('tells a member of the group of a mention, once', async () => {
    const { db } = database();
    const alice = await buildMember(db, 'Alice');
    const carol = await buildMember(db, 'Carol');
    const group = await buildGroup(db, alice.id, { visibility: 'secret' });
    await addGroupMember(db, group, carol.id);

    await startGroupThread(
      db,
      alice,
      group,
      'Plans',
      `@${carol.handle} and again @${carol.handle}`,
    );
    await runFanOuts(db);

    assert.deepEqual(await summariesOf(db, carol), [
      'mention: Alice mentioned you in “Plans”',
    ]);
  });

  it('notifies once for a reply mentioning the thread author who watches it', async () => {
    const { db } = database();
    const alice = await buildMember(db, 'Alice');
    const dan = await buildMember(db, 'Dan');
    const group = await buildGroup(db, alice.id);
    await addGroupMember(db, group, dan.id);
    const { threadId } = await startGroupThread(db, alice, group, 'Q', 'Hi');
    await setWatch(db, alice.id, { threadId }, 'watch');

    await reply(db, dan, threadId, `Thanks @${alice.handle}`);
    await runFanOuts(db);
    await runFanOuts(db);

    assert.deepEqual(await summariesOf(db, alice), [
      'mention: Dan mentioned you in “Q”',
    ]);
  });

  it('drops a notification from list and count once its group is closed', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Olive');
    const reader = await buildMember(db, 'Rita');
    const group = await buildGroup(db, owner.id, { visibility: 'open' });
    await startGroupThread(db, owner, group, 'T', `For @${reader.handle}`);
    assert.equal(await countUnread(db, reader), 1);

    const by = { personId: owner.id, label: owner.displayName };
    await updateGroup(db, by, group, { visibility: 'closed' });

    assert.equal(await countUnread(db, reader), 0);
    assert.deepEqual(await summariesOf(db, reader), []);
  });

  it('drops a notification once its post is deleted, and counts only unread ones', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Omar');
    const reader = await buildMember(db, 'Ruth');
    const group = await buildGroup(db, owner.id);
    await addGroupMember(db, group, reader.id);
    const { threadId } = await startGroupThread(db, reader, group, 'A', 'x');
    const first = await reply(db, owner, threadId, 'One');
    await reply(db, owner, threadId, 'Two');
    assert.equal(await countUnread(db, reader), 2);

    await db
      .updateTable('talk_posts')
      .set({ shown_position: null, deleted_at: new Date().toISOString() })
      .where('id', '=', first)
      .execute();
    assert.equal(await countUnread(db, reader), 1);

    await markAllRead(db, reader, null);
    assert.equal(await countUnread(db, reader), 0);
    assert.equal((await summariesOf(db, reader)).length, 1);
  });

  it('marks read only what the reader may read, up to the newest shown', async () => {
    const { db } = database();
    const owner = await buildMember(db, 'Odo');
    const reader = await buildMember(db, 'Rex');
    const open = await buildGroup(db, owner.id);
    const closing = await buildGroup(db, owner.id);
    const at = (n: number) =>
      new Date(Date.UTC(2026, 10, 1, 9, n)).toISOString();
    await startGroupThread(db, owner, closing, 'Hidden', `@${reader.handle}`, {
      now: at(1),
    });
    for (const [n, title] of [
      [2, 'One'],
      [3, 'Two'],
      [4, 'Late'],
    ] as const) {
      await startGroupThread(db, owner, open, title, `@${reader.handle}`, {
        now: at(n),
      });
    }
    const by = { personId: owner.id, label: owner.displayName };
    await updateGroup(db, by, closing, { visibility: 'closed' });
    const rows = await db
      .selectFrom('notifications')
      .select(['id', 'summary'])
      .where('person_id', '=', reader.id)
      .orderBy('id')
      .execute();
    const shownNewest = rows[2]?.id ?? 0;

    const marked = await markAllRead(db, reader, shownNewest);

    const after = await db
      .selectFrom('notifications')
      .select(['summary', 'read_at'])
      .where('person_id', '=', reader.id)
      .orderBy('id')
      .execute();
    assert.equal(marked, 2);
    assert.deepEqual(
      after.map((row) => [row.summary, row.read_at !== null]),
      [
        ['Odo mentioned you in “Hidden”', false],
        ['Odo mentioned you in “One”', true],
        ['Odo mentioned you in “Two”', true],
        ['Odo mentioned you in “Late”', false],
      ],
    );
  });
});
