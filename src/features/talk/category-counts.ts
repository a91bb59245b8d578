import { sql } from 'kysely';
import type { Updateable } from 'kysely';
import type { Db } from '../../database.ts';
import type { GroupVisibility } from '../groups/tables.ts';
import type { TalkThreadsTable, ThreadPlace } from './tables.ts';

// Each category keeps in `thread_count` the number of its threads that
// every reader of it is shown (not deleted, not hidden, not awaiting
// approval), so a page of its list need not count 100,000 rows to know
// how many pages there are. Whatever writes a thread keeps it in step:
// a new thread through countNewThreads, any change of place or state
// through changeThread. The price is one more row written with each
// such change, and those changes in one category take turns on it.
//
// The same counts are added up by place in `talk_thread_totals`: 'site'
// for categories outside any group, and each group visibility for its
// groups' categories, so the total of the latest threads need not add up
// every category's counter. The price is one more row again, shared by
// every category of a place, and a group's change of visibility moving
// its threads between places (regroupThreadTotals).
//
// On PostgreSQL two changes must not wait on each other: each writes the
// category rows first, in id order, then the totals, in place order. A
// change of a thread reads its category's place after locking the
// category, and a group's change locks its categories before reading
// their counts, so a thread added while a group changes is counted in
// the place the group ends in.

/** What decides whether, and where, a thread is counted. */
const STATE = [
  'category_id',
  'deleted_at',
  'hidden',
  'awaiting_approval',
] as const;

interface ThreadState {
  category_id: number;
  deleted_at: unknown;
  hidden: number;
  awaiting_approval: number;
}

/** The category a thread in this state counts in, or null for none. */
function countedIn(state: ThreadState): number | null {
  const shown =
    state.deleted_at === null &&
    Number(state.hidden) === 0 &&
    Number(state.awaiting_approval) === 0;
  return shown ? state.category_id : null;
}

/**
 * The place of `talk_categories as c` left joined to `groups as g`: null
 * for a category whose group is gone, which no reader reads.
 */
const PLACE = sql<ThreadPlace | null>`case
  when c.group_id is null then 'site' else g.visibility end`;

/**
 * Adds to each category's counter its delta, and to the totals of their
 * places, in the order above. The caller owns the transaction.
 */
async function addToCounts(
  db: Db,
  deltas: ReadonlyMap<number, number>,
): Promise<void> {
  const categories = [...deltas].filter(([, delta]) => delta !== 0);
  if (categories.length === 0) {
    return;
  }
  categories.sort(([a], [b]) => a - b);
  for (const [categoryId, delta] of categories) {
    await db
      .updateTable('talk_categories')
      .set({ thread_count: sql`thread_count + ${delta}` })
      .where('id', '=', categoryId)
      .execute();
  }
  const places = await db
    .selectFrom('talk_categories as c')
    .leftJoin('groups as g', 'g.id', 'c.group_id')
    .select(['c.id', PLACE.as('place')])
    .where(
      'c.id',
      'in',
      categories.map(([id]) => id),
    )
    .execute();
  const byPlace = new Map<ThreadPlace, number>();
  for (const { id, place } of places) {
    if (place !== null) {
      byPlace.set(place, (byPlace.get(place) ?? 0) + (deltas.get(id) ?? 0));
    }
  }
  await addToTotals(db, byPlace);
}

async function addToTotals(
  db: Db,
  byPlace: ReadonlyMap<ThreadPlace, number>,
): Promise<void> {
  const places = [...byPlace].filter(([, delta]) => delta !== 0);
  places.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [place, delta] of places) {
    await db
      .updateTable('talk_thread_totals')
      .set({ thread_count: sql`thread_count + ${delta}` })
      .where('place', '=', place)
      .execute();
  }
}

/**
 * Counts `threads` new threads in the category, for those written shown
 * to every reader. The caller owns the transaction.
 */
export async function countNewThreads(
  db: Db,
  categoryId: number,
  threads: number,
): Promise<void> {
  await addToCounts(db, new Map([[categoryId, threads]]));
}

/** The columns of a thread whose change may change what is counted. */
export type ThreadChange = Pick<
  Updateable<TalkThreadsTable>,
  | 'category_id'
  | 'hidden'
  | 'hidden_reason'
  | 'deleted_at'
  | 'awaiting_approval'
  | 'last_activity_at'
>;

/**
 * Changes a thread and moves it in or out of its categories' counts.
 * The first write locks the thread's row, so the state read is the one
 * the change applies to even when two moderators act at once; category
 * rows are then written in id order, so two moves the opposite way
 * cannot wait on each other. The caller owns the transaction.
 */
export async function changeThread(
  db: Db,
  threadId: number,
  change: ThreadChange,
): Promise<void> {
  const before = await db
    .updateTable('talk_threads')
    .set({ updated_at: sql`updated_at` })
    .where('id', '=', threadId)
    .returning(STATE)
    .executeTakeFirst();
  if (!before) {
    return;
  }
  const after = await db
    .updateTable('talk_threads')
    .set(change)
    .where('id', '=', threadId)
    .returning(STATE)
    .executeTakeFirstOrThrow();
  const [from, to] = [countedIn(before), countedIn(after)];
  if (from === to) {
    return;
  }
  const deltas = new Map<number, number>();
  if (from !== null) {
    deltas.set(from, -1);
  }
  if (to !== null) {
    deltas.set(to, 1);
  }
  await addToCounts(db, deltas);
}

/**
 * Moves a group's threads in the totals to the place of `visibility`, or
 * out of every place when the group is being deleted (null). Called in
 * the transaction that changes the group, before it does.
 */
export async function regroupThreadTotals(
  db: Db,
  groupId: number,
  visibility: GroupVisibility | null,
): Promise<void> {
  // Writing the counters as they are locks them, and returns them as
  // they are once a change of a thread in them has finished.
  const counters = await db
    .updateTable('talk_categories')
    .set({ thread_count: sql`thread_count` })
    .where('group_id', '=', groupId)
    .returning('thread_count')
    .execute();
  const threads = counters.reduce((n, row) => n + Number(row.thread_count), 0);
  const group = await db
    .selectFrom('groups')
    .select('visibility')
    .where('id', '=', groupId)
    .executeTakeFirst();
  if (!group || group.visibility === visibility) {
    return;
  }
  const byPlace = new Map<ThreadPlace, number>([[group.visibility, -threads]]);
  if (visibility !== null) {
    byPlace.set(visibility, threads);
  }
  await addToTotals(db, byPlace);
}

/**
 * The counter of one category, for a test or a repair to hold against
 * a fresh count.
 */
export async function countShownThreads(
  db: Db,
  categoryId: number,
): Promise<{ counter: number; counted: number }> {
  const [row, count] = await Promise.all([
    db
      .selectFrom('talk_categories')
      .select('thread_count')
      .where('id', '=', categoryId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('talk_threads')
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .where('category_id', '=', categoryId)
      .where('deleted_at', 'is', null)
      .where('hidden', '=', 0)
      .where('awaiting_approval', '=', 0)
      .executeTakeFirstOrThrow(),
  ]);
  return { counter: Number(row.thread_count), counted: Number(count.total) };
}

/**
 * The totals by place against a fresh count of the threads, for a test
 * or a repair to hold one against the other.
 */
export async function countThreadTotals(
  db: Db,
): Promise<{ place: ThreadPlace; total: number; counted: number }[]> {
  const [totals, counted] = await Promise.all([
    db
      .selectFrom('talk_thread_totals')
      .select(['place', 'thread_count'])
      .orderBy('place')
      .execute(),
    db
      .selectFrom('talk_threads as t')
      .innerJoin('talk_categories as c', 'c.id', 't.category_id')
      .leftJoin('groups as g', 'g.id', 'c.group_id')
      .select([PLACE.as('place'), (eb) => eb.fn.countAll<number>().as('n')])
      .where('t.deleted_at', 'is', null)
      .where('t.hidden', '=', 0)
      .where('t.awaiting_approval', '=', 0)
      .groupBy(PLACE)
      .execute(),
  ]);
  return totals.map(({ place, thread_count }) => ({
    place,
    total: Number(thread_count),
    counted: Number(counted.find((row) => row.place === place)?.n ?? 0),
  }));
}
