import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { visiblePersonStatuses } from '../../access/policy.ts';
import type { Db } from '../../database.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { readableSubject } from './subjects.ts';

// The activity streams: a home page's (the people you follow, your
// groups, site announcements and yourself), a group's and a person's.
// Each carries the read rule inside its query (./subjects.ts), so what a
// reader may not read is never fetched, counted or paged over (BUG-04).
// Newest first by (created_at, id), paged by an opaque cursor; an event
// dated in the future (a scheduled post) waits until its time.

/** One event as a stream shows it. */
export interface ActivityItem {
  id: number;
  verb: string;
  actor: { id: number; name: string };
  summary: string;
  url: string;
  group: { slug: string; name: string } | null;
  createdAt: string;
}

export interface StreamPage {
  items: ActivityItem[];
  /** Pass as `before` for the next, older page; null at the end. */
  nextCursor: string | null;
}

/** Whose stream. */
export type StreamScope =
  { home: number } | { groupId: number } | { personId: number };

export const STREAM_PAGE_SIZE = 20;

// How many events of the stream's scope one query looks at, newest
// first, before asking the read rule of them. Asked of the whole scope,
// SQLite checked every event of every group the reader is in before
// sorting: 1 to 7 s at 2 million events, now under 50 ms. When too few
// are readable, the next ones are looked at. PostgreSQL still plans the
// rule's EXISTS subqueries as hashed subplans that build every readable
// post and comment of the site whatever the candidates (0.6 s at org
// scale, from EXPLAIN ANALYZE); asking the rule of few rows cheaply there
// is not done yet.
const CANDIDATES = 200;

// The first look is twice a page: most of a home is the reader's own
// groups, which they may read, and asking the rule of an event costs
// about 17 µs on SQLite at org scale (0.7 ms for 42), so a first look of
// 200 spent most of the home page's stream on events never shown.
function firstLook(limit: number): number {
  return Math.min(CANDIDATES, 2 * (limit + 1));
}

/** The events `actor` may read in a stream, older than `before`. */
export async function listStream(
  db: Db,
  actor: Actor,
  scope: StreamScope,
  page: { before?: unknown; limit?: number },
  now = new Date().toISOString(),
): Promise<StreamPage> {
  const limit = page.limit ?? STREAM_PAGE_SIZE;
  const rows: Candidate[] = [];
  let cursor = decodeCursor(page.before);
  for (let look = firstLook(limit); ; look = CANDIDATES) {
    const candidates = await candidatesOf(db, actor, scope, cursor, {
      now,
      look,
    });
    const last = candidates.at(-1);
    rows.push(...candidates.filter((row) => Number(row.readable) === 1));
    if (rows.length > limit || !last || candidates.length < look) {
      break;
    }
    cursor = { createdAt: last.created_at, id: last.id };
  }
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    items: shown.map((row) => ({
      id: row.id,
      verb: row.verb,
      actor: { id: row.actor_id, name: row.display_name },
      summary: row.summary,
      url: row.url,
      group:
        row.group_slug !== null && row.group_name !== null
          ? { slug: row.group_slug, name: row.group_name }
          : null,
      createdAt: row.created_at,
    })),
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ createdAt: last.created_at, id: last.id })
        : null,
  };
}

type Candidate = Awaited<ReturnType<typeof candidatesOf>>[number];

/**
 * The next `look` events of the scope older than `cursor`, newest first,
 * each with whether `actor` may read it.
 */
function candidatesOf(
  db: Db,
  actor: Actor,
  scope: StreamScope,
  cursor: { createdAt: string; id: number } | null,
  { now, look }: { now: string; look: number },
) {
  let scoped = db
    .selectFrom('activity_events as e')
    .select([
      'e.id',
      'e.verb',
      'e.actor_id',
      'e.summary',
      'e.url',
      'e.group_id',
      'e.subject_type',
      'e.subject_id',
      'e.created_at',
    ])
    .where('e.created_at', '<=', now);
  if ('groupId' in scope) {
    scoped = scoped.where('e.group_id', '=', scope.groupId);
  } else if ('personId' in scope) {
    scoped = scoped.where('e.actor_id', '=', scope.personId);
  } else {
    scoped = scoped.where(homeOf(scope.home, visiblePersonStatuses(actor)));
  }
  if (cursor) {
    scoped = scoped.where(
      sql<SqlBool>`(e.created_at < ${cursor.createdAt}
        or (e.created_at = ${cursor.createdAt} and e.id < ${cursor.id}))`,
    );
  }
  const newest = scoped
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(look);
  const readable = readableSubject(
    db,
    actor,
    { type: 'e.subject_type', id: 'e.subject_id' },
    now,
  );
  // The actor's name by a lookup for each event, not a join: joined,
  // SQLite read all of `people` and looked each up among the look's events
  // (3 ms at 21,000 people) rather than the look's few actors by key.
  return db
    .selectFrom(newest.as('e'))
    .leftJoin('groups as g', 'g.id', 'e.group_id')
    .select([
      'e.id',
      'e.verb',
      'e.actor_id',
      sql<string>`(select a.display_name from people as a
        where a.id = e.actor_id)`.as('display_name'),
      'e.summary',
      'e.url',
      'g.slug as group_slug',
      'g.name as group_name',
      'e.created_at',
      sql<number>`case when ${readable} then 1 else 0 end`.as('readable'),
    ])
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .execute();
}

/**
 * What a home page gathers: the reader's own events, those of the people
 * they follow and of the groups they belong to, and site announcements.
 * Reading is still decided by the rule for each event's subject; a
 * followed person whose profile the reader may no longer see (someone
 * deactivated) brings nothing in by being followed.
 */
//
// The unary plus on each column keeps SQLite from gathering every event
// of each branch through its own index and sorting them all (most of the
// site for someone in the group of all staff): it walks the time index
// newest first instead and stops at the look's size, as PostgreSQL does. The
// walk is long for someone whose home holds little, such as a guest.
function homeOf(personId: number, statuses: readonly string[]) {
  const followed =
    statuses.length === 0
      ? sql<SqlBool>`1 = 0`
      : sql<SqlBool>`+e.actor_id in (select f.person_id from follows as f
      inner join people as fp on fp.id = f.person_id
      where f.follower_id = ${personId}
        and fp.status in (${sql.join(statuses)}))`;
  return sql<SqlBool>`(+e.actor_id = ${personId}
    or +e.announcement = 1
    or ${followed}
    or +e.group_id in (select m.group_id from group_members as m
      where m.person_id = ${personId}))`;
}
