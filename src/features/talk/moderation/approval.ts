import type { PersonActor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import type { Place } from '../places.ts';

// Approval of new members' first posts. A category may ask for it; then
// a post by someone new to discussions waits, unseen by other readers,
// until a moderator approves or rejects it.
//
// Who is new: a person none of whose discussion posts, in any category,
// has ever gone past approval; that is, who has written no post that is
// not awaiting approval (one posted where no approval was asked, or one
// a moderator approved, imported posts included). Deleting or hiding such
// a post later does not make them new again. Status posts do not count:
// they are a different place with no approval at all.

/** Whether `place` asks for approval of new members' first posts. */
export async function asksForApproval(db: Db, place: Place): Promise<boolean> {
  if (place.category.id === 0) {
    return false;
  }
  const row = await db
    .selectFrom('talk_categories')
    .select('approve_first_posts')
    .where('id', '=', place.category.id)
    .executeTakeFirst();
  return Boolean(row?.approve_first_posts);
}

/** True when `personId` has never had a discussion post go through. */
export async function isNewToDiscussions(
  db: Db,
  personId: number,
): Promise<boolean> {
  const passed = await db
    .selectFrom('talk_posts')
    .select('id')
    .where('author_id', '=', personId)
    .where('awaiting_approval', '=', 0)
    .limit(1)
    .executeTakeFirst();
  return passed === undefined;
}

/**
 * Whether what `actor` writes in `place` now must wait for approval.
 * Moderators of the place are never held.
 */
export async function mustAwaitApproval(
  db: Db,
  actor: PersonActor,
  place: Place,
): Promise<boolean> {
  if (place.mayModerate || !(await asksForApproval(db, place))) {
    return false;
  }
  return isNewToDiscussions(db, actor.id);
}
