import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ValidationError } from '../../platform/errors.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { createStatus } from '../talk/status/posts.ts';
import { follow } from './follows.ts';
import { listStream } from './streams.ts';
import { buildMember, startGroupThread } from './testing.ts';

function minute(n: number): string {
  return new Date(Date.UTC(2026, 11, 1, 9, n)).toISOString();
}

await describeEachDatabase('activity streams', (database) => {
  it('pages a person’s stream by cursor, newest first, each event once', async () => {
    const { db } = database();
    const writer = await buildMember(db, 'Wren');
    const reader = await buildMember(db, 'Reed');
    for (let n = 1; n <= 7; n += 1) {
      // Two posts share a minute: the id breaks the tie.
      await createStatus(
        db,
        writer,
        `Post ${n}`,
        null,
        minute(n === 7 ? 6 : n),
      );
    }

    const seen: string[] = [];
    const sizes: number[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await listStream(
        db,
        reader,
        { personId: writer.id },
        { before, limit: 3 },
      );
      seen.push(...page.items.map((item) => item.summary));
      sizes.push(page.items.length);
      if (!page.nextCursor) {
        break;
      }
      before = page.nextCursor;
    }

    assert.deepEqual(sizes, [3, 3, 1]);
    assert.deepEqual(seen, [
      'Wren: Post 7',
      'Wren: Post 6',
      'Wren: Post 5',
      'Wren: Post 4',
      'Wren: Post 3',
      'Wren: Post 2',
      'Wren: Post 1',
    ]);
  });

  it('refuses a cursor it did not make', async () => {
    const { db } = database();
    const reader = await buildMember(db, 'Rae');
    await assert.rejects(
      listStream(db, reader, { home: reader.id }, { before: 'bm9wZQ' }),
      ValidationError,
    );
  });

  it('gathers home from follows and own groups, never a closed group’s content', async () => {
    const { db } = database();
    const me = await buildMember(db, 'Meg');
    const friend = await buildMember(db, 'Fay');
    const stranger = await buildMember(db, 'Sid');
    const mine = await buildGroup(db, stranger.id);
    await addGroupMember(db, mine, me.id);
    const closed = await buildGroup(db, friend.id, { visibility: 'closed' });
    await follow(db, me.id, friend.id);

    await createStatus(db, friend, 'Friend on profile', null, minute(1));
    await startGroupThread(db, friend, closed, 'Closed plans', 'x', {
      now: minute(2),
    });
    await createStatus(
      db,
      stranger,
      'Stranger in my group',
      mine.id,
      minute(3),
    );
    await createStatus(db, stranger, 'Stranger on profile', null, minute(4));

    const home = await listStream(db, me, { home: me.id }, {});
    const summaries = home.items.map((item) => item.summary);

    assert.deepEqual(summaries, [
      'Sid: Stranger in my group',
      'Fay: Friend on profile',
      `Person ${stranger.id} created the group “${mine.name}”`,
    ]);
    assert.equal(home.nextCursor, null);
  });

  it('looks past more unreadable events than one look takes, and pages what is left', async () => {
    const { db } = database();
    const me = await buildMember(db, 'Ida');
    const friend = await buildMember(db, 'Bo');
    const closed = await buildGroup(db, friend.id, { visibility: 'closed' });
    await follow(db, me.id, friend.id);
    for (let n = 1; n <= 3; n += 1) {
      await createStatus(db, friend, `Open ${n}`, null, minute(n));
    }
    const hidden = await createStatus(
      db,
      friend,
      'Hidden',
      closed.id,
      minute(4),
    );
    // 450 newer events of the closed group's post, more than two looks of
    // 200: each is skipped, none is shown or paged over.
    const rows = Array.from({ length: 450 }, (_, n) => ({
      actor_id: friend.id,
      verb: 'posted',
      subject_type: 'status_post',
      subject_id: hidden,
      group_id: closed.id,
      summary: `Hidden ${n}`,
      url: '/hidden',
      event_key: `hidden:${n}`,
      created_at: new Date(Date.UTC(2026, 11, 1, 10, 0, n)).toISOString(),
    }));
    await db.insertInto('activity_events').values(rows).execute();

    const first = await listStream(db, me, { home: me.id }, { limit: 2 });
    const second = await listStream(
      db,
      me,
      { home: me.id },
      { before: first.nextCursor ?? undefined, limit: 2 },
    );

    assert.deepEqual(
      first.items.map((item) => item.summary),
      ['Bo: Open 3', 'Bo: Open 2'],
    );
    assert.deepEqual(
      second.items.map((item) => item.summary),
      ['Bo: Open 1'],
    );
    assert.equal(second.nextCursor, null);
  });
});
