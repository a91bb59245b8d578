import { sql } from 'kysely';
import type { Actor, PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import type { PersonRole } from '../people/tables.ts';
import { readableSubject, readableSubjectValue } from '../activity/subjects.ts';
import type { SubjectType } from '../activity/subjects.ts';
import { queueNotificationEmails } from '../email/immediate.ts';

// Notifications in the page: made for people who may read what they are
// about (BUG-07), once per event and person, and read back through the
// same read rule, so one whose content became hidden from its recipient
// leaves their list, their count and their e-mail at once.

export type NotificationKind =
  | 'mention'
  | 'reply'
  | 'watched'
  | 'invitation'
  | 'request'
  | 'accepted_answer'
  | 'page_changed';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'mention',
  'reply',
  'watched',
  'invitation',
  'request',
  'accepted_answer',
  'page_changed',
];

/** What happened, for everyone it notifies. */
export interface NewNotification {
  kind: NotificationKind;
  actorId: number | null;
  subject: { type: SubjectType; id: number };
  /** Names the event: one person is never notified twice of it. */
  eventKey: string;
  summary: string;
  url: string;
  createdAt: string;
  /** When to ask the read rule; its creation time when left out. */
  checkedAt?: string;
}

/** A notification as lists, the API and e-mail show it. */
export interface DeliverableNotification {
  id: number;
  personId: number;
  kind: NotificationKind;
  summary: string;
  url: string;
  actorName: string | null;
  createdAt: string;
  readAt: string | null;
}

interface Recipient {
  id: number;
  role: PersonRole;
  display_name: string;
}

// How many recipients one access query checks at once. Each role among
// them is one query whose plan does not grow with the batch (see
// eachPerson), so a 21,000-person fan-out is about 40 queries, not the
// 840 a union of 25 people's own queries took.
const CHECK_BATCH = 500;

/** A recipient as the read rule asks about them. */
export function actorOf(person: Recipient): PersonActor {
  return {
    kind: 'person',
    id: person.id,
    role: person.role,
    displayName: person.display_name,
    via: 'session',
  };
}

/**
 * The reader as the read rule sees each row of `people as recipient`: a
 * person of `role` whose id is the row's own. The rule only ever places
 * the id into SQL (as notifications/batch.ts relies on too), so one query
 * asks the same question as each person in turn. The alias is one the
 * rule's own subqueries do not use (they use `p` for pages and posts).
 */
function eachPerson(role: PersonRole): PersonActor {
  return {
    kind: 'person',
    role,
    displayName: '',
    via: 'session',
    id: sql.ref('recipient.id') as unknown as number,
  };
}

/**
 * The ids among `people` who are active and may read `subject` at `now`,
 * each judged through the read rule as themselves: one query per role in
 * a batch. Between batches the event loop gets a turn, because on SQLite
 * every query runs synchronously and a fan-out in the server's own job
 * worker would otherwise answer no request until it ended.
 */
async function readersOf(
  db: Db,
  people: readonly number[],
  subject: NewNotification['subject'],
  now: string,
): Promise<number[]> {
  const readers: number[] = [];
  for (let at = 0; at < people.length; at += CHECK_BATCH) {
    const batch = people.slice(at, at + CHECK_BATCH);
    const roles = await db
      .selectFrom('people')
      .select('role')
      .distinct()
      .where('id', 'in', batch)
      .where('status', '=', 'active')
      .execute();
    for (const { role } of roles) {
      const rows = await db
        .selectFrom('people as recipient')
        .select('recipient.id')
        .where('recipient.id', 'in', batch)
        .where('recipient.status', '=', 'active')
        .where('recipient.role', '=', role)
        .where(readableSubjectValue(db, eachPerson(role), subject, now))
        .orderBy('recipient.id')
        .execute();
      readers.push(...rows.map((row) => row.id));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return readers;
}

// How many notifications one insert writes.
const INSERT_BATCH = 500;

/**
 * Notifies each of `recipients` who may read the subject (never its
 * actor), at most once per event, in batches; returns how many were
 * notified. The caller owns the transaction.
 */
export async function notifyPeople(
  db: Db,
  recipients: Iterable<number>,
  notification: NewNotification,
): Promise<number> {
  const wanted = [...new Set(recipients)].filter(
    (id) => id !== notification.actorId,
  );
  let count = 0;
  for (let at = 0; at < wanted.length; at += INSERT_BATCH) {
    const batch = wanted.slice(at, at + INSERT_BATCH);
    count += await notifyBatch(db, batch, notification);
  }
  return count;
}

async function notifyBatch(
  db: Db,
  people: number[],
  notification: NewNotification,
): Promise<number> {
  const readers = await readersOf(
    db,
    people,
    notification.subject,
    notification.checkedAt ?? notification.createdAt,
  );
  if (readers.length === 0) {
    return 0;
  }
  const inserted = await db
    .insertInto('notifications')
    .values(
      readers.map((personId) => ({
        person_id: personId,
        kind: notification.kind,
        actor_id: notification.actorId,
        subject_type: notification.subject.type,
        subject_id: notification.subject.id,
        event_key: notification.eventKey,
        summary: notification.summary,
        url: notification.url,
        created_at: notification.createdAt,
      })),
    )
    .onConflict((oc) => oc.columns(['person_id', 'event_key']).doNothing())
    .returning(['id', 'person_id'])
    .execute();
  if (inserted.length > 0) {
    await queueNotificationEmails(
      db,
      inserted.map((row) => ({
        id: row.id,
        personId: row.person_id,
        kind: notification.kind,
      })),
    );
  }
  return inserted.length;
}

/** The notifications of `actor` that they may still read at `now`. */
export function readableNotifications(db: Db, actor: PersonActor, now: string) {
  return db
    .selectFrom('notifications as n')
    .where('n.person_id', '=', actor.id)
    .where('n.created_at', '<=', now)
    .where(
      readableSubject(
        db,
        actor,
        { type: 'n.subject_type', id: 'n.subject_id' },
        now,
      ),
    );
}

/** Selects what a notification shows, with its actor's name. */
export function withActors(query: ReturnType<typeof readableNotifications>) {
  return query
    .leftJoin('people as a', 'a.id', 'n.actor_id')
    .select([
      'n.id',
      'n.person_id',
      'n.kind',
      'n.summary',
      'n.url',
      'n.created_at',
      'n.read_at',
      'a.display_name as actor_name',
    ]);
}

type Row = Awaited<
  ReturnType<ReturnType<typeof withActors>['executeTakeFirstOrThrow']>
>;

/** A selected row as the notification callers are given. */
export function toNotification(row: Row): DeliverableNotification {
  return {
    id: row.id,
    personId: row.person_id,
    kind: row.kind as NotificationKind,
    summary: row.summary,
    url: row.url,
    actorName: row.actor_name,
    createdAt: row.created_at,
    readAt: row.read_at,
  };
}

/** A page of `actor`'s notifications, newest first, and how many. */
export async function listNotifications(
  db: Db,
  actor: PersonActor,
  page: PageRequest,
  now = new Date().toISOString(),
): Promise<{ items: DeliverableNotification[]; total: number }> {
  const query = readableNotifications(db, actor, now);
  const [rows, count] = await Promise.all([
    withActors(query)
      .orderBy('n.id', 'desc')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toNotification), total: Number(count.total) };
}

/** The header shows "99+" past this; counting further costs for nothing. */
export const UNREAD_COUNT_LIMIT = 99;

/**
 * How many unread notifications `actor` may read, up to one past
 * UNREAD_COUNT_LIMIT: one query over the unread index.
 */
export async function countUnread(
  db: Db,
  actor: Actor,
  now = new Date().toISOString(),
): Promise<number> {
  if (actor.kind !== 'person') {
    return 0;
  }
  const unread = readableNotifications(db, actor, now)
    .where('n.read_at', 'is', null)
    .select('n.id')
    .limit(UNREAD_COUNT_LIMIT + 1);
  const row = await db
    .selectFrom(unread.as('u'))
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return Number(row.total);
}

/** Marks one of `personId`'s notifications read; a stranger's is 404. */
export async function markRead(
  db: Db,
  actor: PersonActor,
  id: number,
  now = new Date().toISOString(),
): Promise<void> {
  const found = await readableNotifications(db, actor, now)
    .where('n.id', '=', id)
    .select('n.id')
    .executeTakeFirst();
  if (!found) {
    throw new NotFoundError(
      'NOTIFICATION_NOT_FOUND',
      'There is no such notification',
    );
  }
  await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('id', '=', id)
    .where('read_at', 'is', null)
    .execute();
}

/**
 * Marks read the unread notifications `actor` may read now, up to the id
 * `upTo` (the newest their page showed, so what arrived since stays
 * unread); returns how many. Ones they can no longer read stay as they
 * are and are not counted: a count of them would tell that they exist.
 */
export async function markAllRead(
  db: Db,
  actor: PersonActor,
  upTo: number | null,
  now = new Date().toISOString(),
): Promise<number> {
  let marked = readableNotifications(db, actor, now)
    .where('n.read_at', 'is', null)
    .select('n.id');
  if (upTo !== null) {
    marked = marked.where('n.id', '<=', upTo);
  }
  const result = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('id', 'in', marked)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The id of the newest notification `actor` may read, or null. */
export async function newestNotificationId(
  db: Db,
  actor: PersonActor,
  now = new Date().toISOString(),
): Promise<number | null> {
  const row = await readableNotifications(db, actor, now)
    .select('n.id')
    .orderBy('n.id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * The notifications of `personId` made in (`since`, `until`] of the given
 * kinds that they may read at `until`, oldest first: what an e-mail may
 * carry. A deactivated person has none.
 */
export async function listDeliverableNotifications(
  db: Db,
  personId: number,
  options: {
    since: string;
    until: string;
    kinds: readonly NotificationKind[];
  },
): Promise<DeliverableNotification[]> {
  if (options.kinds.length === 0) {
    return [];
  }
  const person = await db
    .selectFrom('people')
    .select(['id', 'role', 'display_name'])
    .where('id', '=', personId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!person) {
    return [];
  }
  const rows = await withActors(
    readableNotifications(db, actorOf(person), options.until),
  )
    .where('n.created_at', '>', options.since)
    .where('n.kind', 'in', [...options.kinds])
    .orderBy('n.id', 'asc')
    .execute();
  return rows.map(toNotification);
}
