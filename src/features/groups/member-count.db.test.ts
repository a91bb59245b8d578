import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { buildGroup } from '../../test-support/groups.ts';
import { recountMembers } from './groups.ts';
import type { Group } from './groups.ts';
import { addMember } from './members.ts';

// The member totals are read from groups.member_count, so the count must
// stay right when people join at the same moment. On PostgreSQL the second
// joiner's transaction is held at the group's row until the first
// commits; SQLite runs one writer at a time, so there it only checks the sum.

await describeEachDatabase('the kept member count', (database) => {
  let group: Group;
  let joiners: number[] = [];

  before(async () => {
    const { db } = database();
    const owner = await buildPerson(db);
    group = await buildGroup(db, owner);
    joiners = [await buildPerson(db), await buildPerson(db)];
  });

  it('counts both of two people who join at the same moment', async () => {
    const { db, dialect } = database();
    const actor = { personId: null, label: 'test' };
    const firstMayCommit = gate();
    const firstJoined = gate();
    const first = db.transaction().execute(async (trx) => {
      await addMember(trx, actor, group, joiners[0] ?? 0, 'member');
      firstJoined.open();
      await firstMayCommit.opened;
    });
    await firstJoined.opened;
    let secondPid: number | null = null;
    const second = db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') {
        secondPid = await backendPid(trx);
      }
      await addMember(trx, actor, group, joiners[1] ?? 0, 'member');
    });
    if (dialect === 'postgres') {
      // The second is waiting on a lock the first holds before it commits.
      await waitForLockWait(db, () => secondPid);
    }
    firstMayCommit.open();
    await Promise.all([first, second]);
    const row = await db
      .selectFrom('groups')
      .select('member_count')
      .where('id', '=', group.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.member_count), 3);
  });

  it('counts two joins whose rows are both written before either counts', async () => {
    const { db, dialect } = database();
    const [first, second] = [await buildPerson(db), await buildPerson(db)];
    const firstWrote = gate();
    const secondWrote = gate();
    const join = (
      personId: number,
      wrote: { open: () => void },
      other: { opened: Promise<void> },
    ) =>
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('group_members')
          .values({
            group_id: group.id,
            person_id: personId,
            role: 'member',
            joined_at: '2026-12-05T19:00:00.000Z',
          })
          .execute();
        wrote.open();
        // SQLite runs one transaction at a time: the other cannot write
        // until this one ends, so there it is not waited for.
        if (dialect === 'postgres') {
          await other.opened;
        }
        await recountMembers(trx, group.id);
      });

    // Each membership's foreign key holds a share lock on the group's row
    // when both recounts ask for it: a lock that waits on those deadlocks.
    await Promise.all([
      join(first, firstWrote, secondWrote),
      join(second, secondWrote, firstWrote),
    ]);

    const row = await db
      .selectFrom('groups')
      .select('member_count')
      .where('id', '=', group.id)
      .executeTakeFirstOrThrow();
    assert.equal(Number(row.member_count), 5);
  });
});

/** A promise opened from outside, to order two transactions' steps. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

async function backendPid(db: Db): Promise<number> {
  const { rows } = await sql<{
    pid: number;
  }>`select pg_backend_pid() as pid`.execute(db);
  return Number(rows[0]?.pid);
}

async function waitForLockWait(db: Db, pid: () => number | null) {
  for (let tries = 0; tries < 500; tries += 1) {
    const known = pid();
    if (known !== null) {
      const { rows } = await sql<{ wait: string | null }>`
        select wait_event_type as wait from pg_stat_activity
        where pid = ${known}`.execute(db);
      if (rows[0]?.wait === 'Lock') {
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the second joiner never waited on the first');
}
