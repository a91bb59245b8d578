import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { listDeliverableNotificationsFor } from './batch.ts';
import { listDeliverableNotifications } from './service.ts';

// The batched read gives each recipient exactly what the one-person read
// gives them: the same read rule, asked as each person.

const SINCE = '2026-12-03T00:00:00.000Z';
const UNTIL = '2026-12-04T00:00:00.000Z';

async function post(db: Db, author: number, group: number | null) {
  const row = await db
    .insertInto('status_posts')
    .values({
      author_id: author,
      group_id: group,
      parent_id: null,
      body: 'A post',
      created_at: '2026-12-03T10:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function notify(db: Db, person: number, subject: number, at: string) {
  await db
    .insertInto('notifications')
    .values({
      person_id: person,
      kind: 'reply',
      actor_id: null,
      subject_type: 'status_post',
      subject_id: subject,
      event_key: `batch-test:${subject}:${at}`,
      summary: `About ${subject}`,
      url: `/talk/status/${subject}`,
      created_at: at,
    })
    .execute();
}

await describeEachDatabase(
  'deliverable notifications in a batch',
  (database) => {
    test('each recipient in a batch gets what the one-person read gives', async () => {
      const { db } = database();
      const owner = await buildPerson(db);
      const insider = await buildPerson(db);
      const outsider = await buildPerson(db);
      const secret = await buildGroup(db, owner, {
        name: 'SECRET-MARKER group',
        visibility: 'secret',
      });
      await addGroupMember(db, secret, insider);
      const open = await post(db, owner, null);
      const hidden = await post(db, owner, secret.id);
      for (const person of [insider, outsider]) {
        await notify(db, person, open, '2026-12-03T12:00:00.000Z');
        await notify(db, person, hidden, '2026-12-03T13:00:00.000Z');
        await notify(db, person, open, '2026-12-04T01:00:00.000Z');
      }
      const ask = { since: SINCE, until: UNTIL, kinds: ['reply'] as const };
      const batch = await listDeliverableNotificationsFor(db, [
        { personId: insider, ...ask },
        { personId: outsider, ...ask },
      ]);
      for (const person of [insider, outsider]) {
        assert.deepEqual(
          batch.get(person),
          await listDeliverableNotifications(db, person, ask),
        );
      }
      assert.deepEqual(
        batch.get(insider)?.map((n) => n.summary),
        [`About ${open}`, `About ${hidden}`],
      );
      assert.deepEqual(
        batch.get(outsider)?.map((n) => n.summary),
        [`About ${open}`],
      );
    });

    test('people of every role, with their own periods, read as themselves', async () => {
      const { db } = database();
      const owner = await buildPerson(db);
      const guest = await buildPerson(db, { role: 'guest' });
      const admin = await buildPerson(db, { role: 'admin' });
      const staff = await buildPerson(db);
      const closed = await buildGroup(db, owner, { visibility: 'closed' });
      const other = await buildGroup(db, owner, { visibility: 'open' });
      await addGroupMember(db, closed, guest);
      const site = await post(db, owner, null);
      const inClosed = await post(db, owner, closed.id);
      const inOpen = await post(db, owner, other.id);
      for (const person of [guest, admin, staff]) {
        for (const subject of [site, inClosed, inOpen]) {
          await notify(db, person, subject, '2026-12-03T12:00:00.000Z');
        }
        await notify(db, person, site, '2026-12-03T20:00:00.000Z');
      }
      const asks = [
        { personId: guest, since: SINCE, until: UNTIL },
        { personId: admin, since: SINCE, until: '2026-12-03T18:00:00.000Z' },
        { personId: staff, since: '2026-12-03T13:00:00.000Z', until: UNTIL },
      ].map((ask) => ({ ...ask, kinds: ['reply'] as const }));
      const batch = await listDeliverableNotificationsFor(db, asks);
      for (const ask of asks) {
        assert.deepEqual(
          batch.get(ask.personId) ?? [],
          await listDeliverableNotifications(db, ask.personId, ask),
        );
      }
      const about = (person: number) =>
        (batch.get(person) ?? []).map((n) => n.summary);
      assert.deepEqual(about(guest), [`About ${inClosed}`]);
      assert.deepEqual(about(admin), [
        `About ${site}`,
        `About ${inClosed}`,
        `About ${inOpen}`,
      ]);
      assert.deepEqual(about(staff), [`About ${site}`]);
    });
  },
);
