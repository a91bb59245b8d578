import type { Db } from '../../database.ts';
import { statusPostIds, talkThreadIds, wikiRevisionIds } from './content.ts';
import type { Marker } from './content.ts';
import type { GroupKey, World } from './world.ts';
import { GROUP_KEYS } from './world.ts';

// Activity events and notifications about each group's content, with
// markers of their own, written straight into their tables once the
// actors exist: every person on the site is notified of everything, so
// only the read rule applied when streams and notification lists are
// read stands between a marker and an outsider. (Making notifications
// also checks the rule: that is tested in features/notifications.)

const EVENT_MARKERS: Record<GroupKey | 'site', string> = {
  open: 'OPENACTIVITY-2GX',
  closed: 'CLOSEDACTIVITY-7KE',
  secret: 'SECRETACTIVITY-4WN',
  partner: 'PARTNERACTIVITY-9DU',
  site: 'SITEACTIVITY-6PB',
};

const NOTICE_MARKERS: Record<GroupKey | 'site', string> = {
  open: 'OPENNOTICE-3QA',
  closed: 'CLOSEDNOTICE-8VT',
  secret: 'SECRETNOTICE-5HM',
  partner: 'PARTNERNOTICE-1ZR',
  site: 'SITENOTICE-4LC',
};

/** The subjects written in the group (or site-wide), by type. */
async function subjectsOf(db: Db, key: GroupKey | 'site') {
  const revision = await db
    .selectFrom('wiki_revisions')
    .select('page_id')
    .where('id', '=', wikiRevisionIds[key] ?? 0)
    .executeTakeFirst();
  return [
    { type: 'talk_thread', id: talkThreadIds[key] ?? 0 },
    { type: 'status_post', id: statusPostIds[key] ?? 0 },
    { type: 'wiki_page', id: revision?.page_id ?? 0 },
  ];
}

/** Writes the events and notifications; returns their markers. */
export async function buildActivity(db: Db, world: World): Promise<Marker[]> {
  const people = await db.selectFrom('people').select('id').execute();
  const at = '2026-12-01T10:00:00.000Z';
  const markers: Marker[] = [];
  for (const key of [...GROUP_KEYS, 'site' as const]) {
    const groupId = key === 'site' ? null : world.groups[key].id;
    for (const subject of await subjectsOf(db, key)) {
      await db
        .insertInto('activity_events')
        .values({
          actor_id: world.owner.id,
          verb: 'matrix',
          subject_type: subject.type,
          subject_id: subject.id,
          group_id: groupId,
          summary: `Owen wrote ${EVENT_MARKERS[key]}`,
          url: '/',
          event_key: `matrix:${subject.type}:${subject.id}`,
          created_at: at,
        })
        .execute();
      await db
        .insertInto('notifications')
        .values(
          people.map((person) => ({
            person_id: person.id,
            kind: 'watched',
            actor_id: world.owner.id,
            subject_type: subject.type,
            subject_id: subject.id,
            event_key: `matrix:${subject.type}:${subject.id}`,
            summary: `New ${NOTICE_MARKERS[key]}`,
            url: '/',
            created_at: at,
          })),
        )
        .execute();
    }
    for (const text of [EVENT_MARKERS[key], NOTICE_MARKERS[key]]) {
      markers.push({
        text,
        group: key,
        action: 'group.read',
        where: text === EVENT_MARKERS[key] ? 'activity' : 'notification',
      });
    }
  }
  return markers;
}
