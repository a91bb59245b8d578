import type { Db } from '../../database.ts';

// Reactions to a post: a like and a few others, once each per person;
// an imported post's score (a Stack Exchange vote count, say) is a row
// with no person carrying the number.

export const REACTION_KINDS = [
  'like',
  'thanks',
  'agree',
  'insightful',
] as const;

export type ReactionKind = (typeof REACTION_KINDS)[number];

/** The kind an imported score is kept under. */
export const IMPORTED_SCORE = 'score';

export function isReactionKind(value: string): value is ReactionKind {
  return (REACTION_KINDS as readonly string[]).includes(value);
}

/** What readers see of a post's reactions. */
export interface ReactionSummary {
  counts: Record<ReactionKind, number>;
  /** The imported score, when the post came with one. */
  score: number | null;
  /** The reader's own reactions. */
  mine: ReactionKind[];
}

/** Adds `personId`'s reaction; a second time changes nothing. */
export async function react(
  db: Db,
  postId: number,
  personId: number,
  kind: ReactionKind,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .insertInto('talk_reactions')
    .values({ post_id: postId, person_id: personId, kind, created_at: now })
    .onConflict((oc) =>
      oc.columns(['post_id', 'person_id', 'kind']).doNothing(),
    )
    .execute();
}

/** Takes `personId`'s reaction back; none to take back is fine. */
export async function unreact(
  db: Db,
  postId: number,
  personId: number,
  kind: ReactionKind,
): Promise<void> {
  await db
    .deleteFrom('talk_reactions')
    .where('post_id', '=', postId)
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .execute();
}

/** Sets an imported post's score, replacing any it had. */
export async function setImportedScore(
  db: Db,
  postId: number,
  score: number,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .deleteFrom('talk_reactions')
    .where('post_id', '=', postId)
    .where('person_id', 'is', null)
    .where('kind', '=', IMPORTED_SCORE)
    .execute();
  await db
    .insertInto('talk_reactions')
    .values({
      post_id: postId,
      person_id: null,
      kind: IMPORTED_SCORE,
      count: score,
      created_at: now,
    })
    .execute();
}

/** The reactions of each post, as `readerId` sees them. */
export async function reactionsOf(
  db: Db,
  postIds: number[],
  readerId: number | null,
): Promise<Map<number, ReactionSummary>> {
  const summaries = new Map<number, ReactionSummary>();
  for (const id of postIds) {
    summaries.set(id, {
      counts: { like: 0, thanks: 0, agree: 0, insightful: 0 },
      score: null,
      mine: [],
    });
  }
  if (postIds.length === 0) {
    return summaries;
  }
  const rows = await db
    .selectFrom('talk_reactions')
    .select(['post_id', 'person_id', 'kind', 'count'])
    .where('post_id', 'in', postIds)
    .execute();
  for (const row of rows) {
    const summary = summaries.get(row.post_id);
    if (!summary) {
      continue;
    }
    if (row.kind === IMPORTED_SCORE) {
      summary.score = (summary.score ?? 0) + Number(row.count);
    } else if (isReactionKind(row.kind)) {
      summary.counts[row.kind] += Number(row.count);
      if (readerId !== null && row.person_id === readerId) {
        summary.mine.push(row.kind);
      }
    }
  }
  return summaries;
}
