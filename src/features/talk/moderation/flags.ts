import { sql } from 'kysely';
import type { PersonActor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { AppError, NotFoundError } from '../../../platform/errors.ts';
import { FieldValidator } from '../../../platform/validation.ts';
import { recordAudit } from '../../audit/audit.ts';
import { auditActorOf } from '../../groups/groups.ts';
import { requirePostFor } from '../discussions.ts';
import { postNotFound, unshowPost } from '../posts.ts';
import type { FlagReason } from '../tables.ts';
import { assertModerates, MAX_REASON } from './actions.ts';

// Flags: a reader tells the moderators a post needs their eye, once,
// with a reason from a closed list. A moderator settles a post's open
// flags together, resolving them (perhaps hiding the post) or
// dismissing them: one decision about one post.

export const FLAG_REASONS: readonly FlagReason[] = [
  'spam',
  'offensive',
  'off-topic',
  'other',
];

export const FLAG_REASON_LABELS: Record<FlagReason, string> = {
  spam: 'It is spam or advertising',
  offensive: 'It is offensive, abusive or harassing',
  'off-topic': 'It is off-topic for this discussion',
  other: 'Something else',
};

export interface FlagInput {
  reason: FlagReason;
  note: string | null;
}

export function readFlagInput(input: Record<string, unknown>): FlagInput {
  const check = new FieldValidator(input);
  const reason = input.reason;
  if (!FLAG_REASONS.includes(reason as FlagReason)) {
    check.fail('reason', 'Choose why you are flagging this post');
  }
  const note = check.text('note', {
    label: 'What is wrong',
    max: MAX_REASON,
    multiline: true,
    required: reason === 'other',
  });
  check.done();
  return { reason: reason as FlagReason, note };
}

export function ownPost(): AppError {
  return new AppError(
    403,
    'FLAG_OWN_POST',
    'You cannot flag your own post: edit or delete it instead',
  );
}

export function alreadyFlagged(): AppError {
  return new AppError(
    409,
    'ALREADY_FLAGGED',
    'You have already flagged this post: a moderator will look at it',
  );
}

/** Whether `personId` has an open flag on the post. */
export async function hasOpenFlag(
  db: Db,
  postId: number,
  personId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('talk_flags')
    .select('id')
    .where('post_id', '=', postId)
    .where('reporter_id', '=', personId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Flags a post `actor` may read; returns the flag's id. The author may
 * not flag their own post, and nobody may flag one post twice while
 * their flag is open (the unique index settles a race).
 */
export async function flagPost(
  db: Db,
  actor: PersonActor,
  postId: number,
  input: FlagInput,
  now = new Date().toISOString(),
): Promise<number> {
  const { post } = await requirePostFor(db, actor, postId);
  if (post.shownPosition === null) {
    throw postNotFound();
  }
  if (post.authorId === actor.id) {
    throw ownPost();
  }
  if (await hasOpenFlag(db, post.id, actor.id)) {
    throw alreadyFlagged();
  }
  const row = await db
    .insertInto('talk_flags')
    .values({
      post_id: post.id,
      reporter_id: actor.id,
      reason: input.reason,
      note: input.note,
      created_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['post_id', 'reporter_id'])
        .where('status', '=', sql.lit('open'))
        .doNothing(),
    )
    .returning('id')
    .executeTakeFirst();
  if (!row) {
    throw alreadyFlagged();
  }
  await recordAudit(
    db,
    {
      action: 'talk.post.flagged',
      actor: auditActorOf(actor),
      subject: { type: 'talk-post', id: post.id },
      details: { flagId: row.id, reason: input.reason },
    },
    now,
  );
  return row.id;
}

export function flagNotFound(): NotFoundError {
  return new NotFoundError('FLAG_NOT_FOUND', 'There is no such open flag');
}

/**
 * Settles the open flags on the post flag `flagId` is about: resolved
 * (hiding the post when asked) or dismissed. Only a moderator of the
 * post's place may; to anyone else who may read the post, 403.
 */
export async function settleFlags(
  db: Db,
  actor: PersonActor,
  flagId: number,
  outcome: { status: 'resolved'; hidePost: boolean } | { status: 'dismissed' },
  now = new Date().toISOString(),
): Promise<{ postId: number; threadId: number }> {
  const flag = await db
    .selectFrom('talk_flags')
    .select(['post_id', 'reason'])
    .where('id', '=', flagId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!flag) {
    throw flagNotFound();
  }
  const { post, place } = await requirePostFor(db, actor, flag.post_id).catch(
    (error: unknown) => {
      throw error instanceof NotFoundError ? flagNotFound() : error;
    },
  );
  assertModerates(place);
  const settled = await db
    .updateTable('talk_flags')
    .set({ status: outcome.status, resolved_by: actor.id, resolved_at: now })
    .where('post_id', '=', post.id)
    .where('status', '=', 'open')
    .returning('id')
    .execute();
  const hide =
    outcome.status === 'resolved' &&
    outcome.hidePost &&
    post.shownPosition !== null;
  if (hide) {
    const reason = `Flagged: ${FLAG_REASON_LABELS[flag.reason].toLowerCase()}`;
    await unshowPost(db, post, { hiddenAt: now, reason });
  }
  await recordAudit(
    db,
    {
      action:
        outcome.status === 'resolved'
          ? 'talk.flag.resolved'
          : 'talk.flag.dismissed',
      actor: auditActorOf(actor),
      subject: { type: 'talk-post', id: post.id },
      details: { flagIds: settled.map((row) => row.id), hidden: hide },
    },
    now,
  );
  return { postId: post.id, threadId: post.threadId };
}
