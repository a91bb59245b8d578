import { sql } from 'kysely';
import type { Updateable } from 'kysely';
import type { Db } from '../../database.ts';
import type { TalkThreadsTable } from './tables.ts';

// Each category keeps in `thread_count` the number of its threads that
// every reader of it is shown (not deleted, not hidden, not awaiting
// approval), so a page of its list need not count 100,000 rows to know
// how many pages there are. Whatever writes a thread keeps it in step:
// a new thread through countNewThreads, any change of place or state
// through changeThread. The price is one more row written with each
// such change, and those changes in one category take turns on it.

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

async function addToCount(
  db: Db,
  categoryId: number,
  delta: number,
): Promise<void> {
  await db
    .updateTable('talk_categories')
    .set({ thread_count: sql`thread_count + ${delta}` })
    .where('id', '=', categoryId)
    .execute();
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
  if (threads !== 0) {
    await addToCount(db, categoryId, threads);
  }
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
  for (const [categoryId, delta] of [...deltas].sort(([a], [b]) => a - b)) {
    await addToCount(db, categoryId, delta);
  }
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
