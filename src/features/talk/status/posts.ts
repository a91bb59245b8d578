import type { Actor, PersonActor } from '../../../access/actor.ts';
import { isAdmin } from '../../../access/actor.ts';
import { canInGroup } from '../../../access/groups.ts';
import type { GroupThing } from '../../../access/groups.ts';
import { can } from '../../../access/policy.ts';
import type { Db } from '../../../database.ts';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../platform/errors.ts';
import { recordAudit } from '../../audit/audit.ts';
import { auditActorOf } from '../../groups/groups.ts';
import { recordMentions } from './mentions.ts';
import type { Container } from './mentions.ts';
import { tagsOf } from './text.ts';
import { indexStatusPost } from '../../search/sources.ts';
import { statusPosted } from '../../activity/hooks.ts';

// Writing status posts: posts, replies, likes and deletion. Who may do
// each follows the post's container: in a group, readers are those with
// group.read, writers (posts, replies, likes) those with
// group.contribute, and moderators those with group.manage; on a
// person's own profile, staff read and write and site administrators
// moderate. The author may always delete their own.

/** A post's row as the rules need it. */
export interface StatusRow {
  id: number;
  authorId: number;
  groupId: number | null;
  parentId: number | null;
}

/** The container of a post as the rule sees it for one actor. */
async function groupThing(
  db: Db,
  actor: Actor,
  groupId: number,
): Promise<GroupThing> {
  const personId = actor.kind === 'person' ? actor.id : -1;
  const row = await db
    .selectFrom('groups as g')
    .leftJoin('group_members as m', (join) =>
      join.onRef('m.group_id', '=', 'g.id').on('m.person_id', '=', personId),
    )
    .select(['g.id', 'g.visibility', 'm.role'])
    .where('g.id', '=', groupId)
    .executeTakeFirstOrThrow();
  return { id: row.id, visibility: row.visibility, role: row.role ?? null };
}

type StatusAction = 'read' | 'write' | 'moderate';

/** Whether `actor` may do `action` in the container of `groupId`. */
export async function canInContainer(
  db: Db,
  actor: Actor,
  groupId: number | null,
  action: StatusAction,
): Promise<boolean> {
  if (groupId === null) {
    if (action === 'moderate') {
      return isAdmin(actor);
    }
    return can(actor, { name: 'site.read' });
  }
  const group = await groupThing(db, actor, groupId);
  const groupAction =
    action === 'read'
      ? 'group.read'
      : action === 'write'
        ? 'group.contribute'
        : 'group.manage';
  return canInGroup(actor, groupAction, group);
}

function notFound(): NotFoundError {
  return new NotFoundError('STATUS_NOT_FOUND', 'There is no such status post');
}

/**
 * The post or reply `id` when `actor` may read it; "not found" otherwise,
 * so a post in a group kept from them does not exist for them.
 */
export async function requireReadableRow(
  db: Db,
  actor: Actor,
  id: number,
): Promise<StatusRow> {
  const row = await db
    .selectFrom('status_posts')
    .select(['id', 'author_id', 'group_id', 'parent_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || !(await canInContainer(db, actor, row.group_id, 'read'))) {
    throw notFound();
  }
  return {
    id: row.id,
    authorId: row.author_id,
    groupId: row.group_id,
    parentId: row.parent_id,
  };
}

async function containerOf(db: Db, groupId: number | null): Promise<Container> {
  if (groupId === null) {
    return { group: null };
  }
  const group = await db
    .selectFrom('groups')
    .select(['id', 'visibility'])
    .where('id', '=', groupId)
    .executeTakeFirstOrThrow();
  return { group };
}

/** Writes a post or reply with its tags and the mentions it may record. */
async function insertStatus(
  db: Db,
  author: PersonActor,
  values: { groupId: number | null; parentId: number | null; body: string },
  now: string,
): Promise<number> {
  const { id } = await db
    .insertInto('status_posts')
    .values({
      author_id: author.id,
      group_id: values.groupId,
      parent_id: values.parentId,
      body: values.body,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const tags = tagsOf(values.body);
  if (tags.length > 0) {
    await db
      .insertInto('status_post_tags')
      .values(tags.map(({ key, tag }) => ({ post_id: id, tag_key: key, tag })))
      .execute();
  }
  await recordMentions(
    db,
    id,
    values.body,
    await containerOf(db, values.groupId),
  );
  await indexStatusPost(db, id);
  await statusPosted(db, author, { id, ...values }, now);
  return id;
}

/**
 * Posts `body` (already checked by readStatusBody) in the group
 * `groupId`, or on the author's own profile when it is null. Only staff
 * have a profile others read, so a guest posts in their groups only.
 */
export async function createStatus(
  db: Db,
  author: PersonActor,
  body: string,
  groupId: number | null,
  now = new Date().toISOString(),
): Promise<number> {
  if (!(await canInContainer(db, author, groupId, 'write'))) {
    throw new ForbiddenError(
      'STATUS_FORBIDDEN',
      groupId === null
        ? 'Guests post in their groups, not on a profile'
        : 'Only members of this group can post in it',
    );
  }
  return insertStatus(db, author, { groupId, parentId: null, body }, now);
}

/** Replies to the post `postId`; replies are flat, one level only. */
export async function replyToStatus(
  db: Db,
  author: PersonActor,
  postId: number,
  body: string,
  now = new Date().toISOString(),
): Promise<number> {
  const post = await requireReadableRow(db, author, postId);
  if (post.parentId !== null) {
    throw new ValidationError({
      id: 'Reply to the status post itself: replies are not threaded',
    });
  }
  if (!(await canInContainer(db, author, post.groupId, 'write'))) {
    throw new ForbiddenError(
      'STATUS_FORBIDDEN',
      'Only members of this group can reply here',
    );
  }
  return insertStatus(
    db,
    author,
    { groupId: post.groupId, parentId: post.id, body },
    now,
  );
}

/**
 * Deletes a post with its replies, or one reply: by its author, or by a
 * moderator of its container, whose deletion goes in the audit log.
 */
export async function deleteStatus(
  db: Db,
  actor: PersonActor,
  id: number,
): Promise<void> {
  const post = await requireReadableRow(db, actor, id);
  const own = post.authorId === actor.id;
  if (!own && !(await canInContainer(db, actor, post.groupId, 'moderate'))) {
    throw new ForbiddenError(
      'STATUS_FORBIDDEN',
      'Only its author or a moderator can delete a post',
    );
  }
  // The replies go by cascade; the index is told of each of them.
  const replies = await db
    .selectFrom('status_posts')
    .select('id')
    .where('parent_id', '=', id)
    .execute();
  await db.deleteFrom('status_posts').where('id', '=', id).execute();
  await indexStatusPost(db, id, ...replies.map((reply) => reply.id));
  if (!own) {
    await recordAudit(db, {
      action: 'talk.status.deleted',
      actor: auditActorOf(actor),
      subject: { type: 'status-post', id },
      details: { authorId: post.authorId, groupId: post.groupId },
    });
  }
}

/**
 * Likes (or with `liked` false, stops liking) a post or reply; doing it
 * twice changes nothing. Returns the number of likes after it.
 */
export async function setLike(
  db: Db,
  actor: PersonActor,
  id: number,
  liked: boolean,
  now = new Date().toISOString(),
): Promise<number> {
  const post = await requireReadableRow(db, actor, id);
  if (!(await canInContainer(db, actor, post.groupId, 'write'))) {
    throw new ForbiddenError(
      'STATUS_FORBIDDEN',
      'Only members of this group can like its posts',
    );
  }
  if (liked) {
    await db
      .insertInto('status_post_likes')
      .values({ post_id: id, person_id: actor.id, created_at: now })
      .onConflict((conflict) =>
        conflict.columns(['post_id', 'person_id']).doNothing(),
      )
      .execute();
  } else {
    await db
      .deleteFrom('status_post_likes')
      .where('post_id', '=', id)
      .where('person_id', '=', actor.id)
      .execute();
  }
  const { count } = await db
    .selectFrom('status_post_likes')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('post_id', '=', id)
    .executeTakeFirstOrThrow();
  return Number(count);
}
