import type { Actor } from '../../../access/actor.ts';
import { readableContent } from '../../../access/groups.ts';
import type { Db } from '../../../database.ts';
import type { PageRequest } from '../../../platform/pagination.ts';
import { findListedThreads } from '../threads.ts';
import type { ListedThread } from '../threads.ts';

// The threads of one tag, newest first: a page walks the tag's index
// (tag_key, thread_id) backwards, keeping only threads the reader may
// read through the group rule, so its cost follows the page, not the
// number of threads the site holds. The count uses the same conditions.

export interface TaggedFilter {
  tagKey: string;
  /** Only the threads of one category, for its list's `?tag=`. */
  categoryId?: number;
}

/** A page of the threads with the tag that `actor` may read. */
export async function listTaggedThreads(
  db: Db,
  actor: Actor,
  filter: TaggedFilter,
  page: PageRequest,
): Promise<{ items: ListedThread[]; total: number }> {
  let query = db
    .selectFrom('talk_thread_tags as tt')
    .innerJoin('talk_threads as t', 't.id', 'tt.thread_id')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .where('tt.tag_key', '=', filter.tagKey)
    .where('t.deleted_at', 'is', null)
    .where('t.hidden', '=', 0)
    .where('t.awaiting_approval', '=', 0)
    .where(readableContent(db, actor, 'c.group_id'));
  if (filter.categoryId !== undefined) {
    query = query.where('t.category_id', '=', filter.categoryId);
  }
  const [ids, count] = await Promise.all([
    query
      .select('tt.thread_id as id')
      .orderBy('tt.thread_id', 'desc')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    items: await findListedThreads(
      db,
      ids.map((row) => row.id),
    ),
    total: Number(count.total),
  };
}
