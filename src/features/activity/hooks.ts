import type { Db } from '../../database.ts';
import { notifyPeople } from '../notifications/service.ts';
import type { NewNotification } from '../notifications/service.ts';
import { mentionedPeople } from '../talk/status/mentions.ts';
import { postPath } from '../blogs/representations.ts';
import { wikiPagePath } from '../wiki/rendering.ts';
import { queueFanOut, recordActivity } from './record.ts';
import type { NewActivity } from './record.ts';
import type { WatchTargets } from './fanout.ts';

// What the content features call, one line each, in the transaction that
// writes the content: the event for streams, the notifications of the
// people it is addressed to (mentions, replies, answers, invitations,
// requests), and the job that tells its watchers. Every notification is
// checked against the read rule for its recipient (notifyPeople), so a
// mention of someone who cannot read the content tells them nothing.
//
// Content held for a moderator (a new member's thread or reply, a comment
// waiting for approval) is not news until it is approved: the approval
// calls in here then, once, as the writing would have.

interface Someone {
  id: number;
  displayName: string;
}

function notificationOf(
  event: NewActivity,
  kind: NewNotification['kind'],
  eventKey: string,
  summary = event.summary,
): NewNotification {
  return {
    kind,
    actorId: event.actorId,
    subject: event.subject,
    eventKey,
    summary,
    url: event.url,
    createdAt: event.createdAt,
  };
}

/** Tells the people `body` mentions, each only if they may read it. */
async function notifyMentioned(
  db: Db,
  body: string,
  event: NewActivity,
  eventKey: string,
  summary: string,
): Promise<void> {
  await notifyPeople(
    db,
    await mentionedPeople(db, body),
    notificationOf(event, 'mention', eventKey, summary),
  );
}

/** Records the event and queues its watchers' notifications. */
async function recordAndFanOut(
  db: Db,
  event: NewActivity,
  notification: NewNotification,
  targets: WatchTargets,
  mentions?: { people: number[]; summary: string },
): Promise<void> {
  const eventId = await recordActivity(db, event);
  await queueFanOut(db, eventId, {
    notification,
    targets,
    mentioned: mentions?.people,
    mentionSummary: mentions?.summary,
  });
}

/** A thread was started; its opening post may mention people. */
export async function threadStarted(
  db: Db,
  actor: Someone,
  category: { id: number; groupId: number | null },
  made: { threadId: number; postId: number },
  input: { title: string; body: string },
  now: string,
): Promise<void> {
  const event: NewActivity = {
    actorId: actor.id,
    verb: 'thread.started',
    subject: { type: 'talk_thread', id: made.threadId },
    groupId: category.groupId,
    summary: `${actor.displayName} started “${input.title}”`,
    url: `/talk/threads/${made.threadId}`,
    createdAt: now,
  };
  const key = `talk_post:${made.postId}`;
  await notifyMentioned(
    db,
    input.body,
    event,
    key,
    `${actor.displayName} mentioned you in “${input.title}”`,
  );
  await recordAndFanOut(db, event, notificationOf(event, 'watched', key), {
    threadId: made.threadId,
    categoryId: category.id,
    groupId: category.groupId,
    toGroup: true,
  });
}

/** A reply was posted: its thread's author and the mentioned hear. */
export async function replyPosted(
  db: Db,
  actor: Someone,
  thread: {
    id: number;
    title: string;
    authorId: number | null;
    categoryId: number;
  },
  groupId: number | null,
  post: { id: number; body: string },
  now: string,
): Promise<void> {
  const event: NewActivity = {
    actorId: actor.id,
    verb: 'reply.posted',
    subject: { type: 'talk_post', id: post.id },
    groupId,
    summary: `${actor.displayName} replied to “${thread.title}”`,
    url: `/talk/posts/${post.id}`,
    createdAt: now,
  };
  // One key for every way this post reaches a person: a mention is not
  // followed by a reply or a watch notification of the same post.
  const key = `talk_post:${post.id}`;
  await notifyMentioned(
    db,
    post.body,
    event,
    key,
    `${actor.displayName} mentioned you in “${thread.title}”`,
  );
  if (thread.authorId !== null) {
    await notifyPeople(
      db,
      [thread.authorId],
      notificationOf(event, 'reply', key),
    );
  }
  await recordAndFanOut(db, event, notificationOf(event, 'watched', key), {
    threadId: thread.id,
    categoryId: thread.categoryId,
    groupId,
  });
}

/** An answer was accepted: its author hears. */
export async function answerAccepted(
  db: Db,
  actor: Someone,
  thread: { id: number; title: string },
  groupId: number | null,
  answer: { id: number; authorId: number | null },
  now: string,
): Promise<void> {
  const event: NewActivity = {
    actorId: actor.id,
    verb: 'answer.accepted',
    subject: { type: 'talk_post', id: answer.id },
    groupId,
    summary: `${actor.displayName} accepted an answer to “${thread.title}”`,
    url: `/talk/posts/${answer.id}`,
    createdAt: now,
  };
  await recordActivity(db, event);
  if (answer.authorId !== null) {
    await notifyPeople(
      db,
      [answer.authorId],
      notificationOf(
        event,
        'accepted_answer',
        `accepted:talk_post:${answer.id}`,
        `${actor.displayName} accepted your answer to “${thread.title}”`,
      ),
    );
  }
}

/** A status post or reply was written. */
export async function statusPosted(
  db: Db,
  actor: Someone,
  post: {
    id: number;
    groupId: number | null;
    parentId: number | null;
    body: string;
  },
  now: string,
): Promise<void> {
  const url = `/talk/status/${post.parentId ?? post.id}`;
  const excerpt =
    post.body.length > 80 ? `${post.body.slice(0, 79)}…` : post.body;
  const event: NewActivity = {
    actorId: actor.id,
    verb: 'status.posted',
    subject: { type: 'status_post', id: post.id },
    groupId: post.groupId,
    summary: `${actor.displayName}: ${excerpt}`,
    url,
    createdAt: now,
  };
  const key = `status_post:${post.id}`;
  await notifyMentioned(
    db,
    post.body,
    event,
    key,
    `${actor.displayName} mentioned you: ${excerpt}`,
  );
  if (post.parentId !== null) {
    const parent = await db
      .selectFrom('status_posts')
      .select('author_id')
      .where('id', '=', post.parentId)
      .executeTakeFirst();
    if (parent) {
      await notifyPeople(
        db,
        [parent.author_id],
        notificationOf(
          event,
          'reply',
          key,
          `${actor.displayName} replied to your post: ${excerpt}`,
        ),
      );
    }
    // Replies are conversation, not news: streams show posts only.
    return;
  }
  await recordAndFanOut(db, event, notificationOf(event, 'watched', key), {
    groupId: post.groupId,
    toGroup: true,
  });
}

/**
 * A blog post was saved. Drafts are nobody's news; a published or
 * scheduled post is an event at its publishing instant, and its watchers
 * and the people it mentions hear of it then, from the job, not before.
 * A post in a site blog is a site announcement.
 */
export async function blogPostSaved(
  db: Db,
  actor: Someone,
  blog: { id: number; slug: string; kind: string; groupId: number | null },
  post: {
    id: number;
    slug: string;
    title: string;
    body: string;
    status: string;
    publishAt: string | null;
  },
  now: string,
): Promise<void> {
  if (post.status === 'draft') {
    return;
  }
  const event: NewActivity = {
    actorId: actor.id,
    verb: 'blog_post.published',
    subject: { type: 'blog_post', id: post.id },
    groupId: blog.groupId,
    announcement: blog.kind === 'site',
    summary: `${actor.displayName} published “${post.title}”`,
    url: postPath(blog.slug, post.slug),
    createdAt: post.publishAt ?? now,
  };
  await recordAndFanOut(
    db,
    event,
    notificationOf(event, 'watched', `blog_post:${post.id}`),
    { blogId: blog.id, groupId: blog.groupId, toGroup: true },
    {
      people: await mentionedPeople(db, post.body),
      summary: `${actor.displayName} mentioned you in “${post.title}”`,
    },
  );
}

/** A comment was added: the post's authors and the one it answers hear. */
export async function blogCommentAdded(
  db: Db,
  actor: Someone,
  blog: { slug: string; groupId: number | null },
  post: { slug: string; title: string; authors: { personId: number | null }[] },
  comment: { id: number; parentId: number | null; body: string },
  now: string,
): Promise<void> {
  const event: NewActivity = {
    actorId: actor.id,
    verb: 'blog_comment.added',
    subject: { type: 'blog_comment', id: comment.id },
    groupId: blog.groupId,
    summary: `${actor.displayName} commented on “${post.title}”`,
    url: `${postPath(blog.slug, post.slug)}#comment-${comment.id}`,
    createdAt: now,
  };
  await recordActivity(db, event);
  const key = `blog_comment:${comment.id}`;
  await notifyMentioned(
    db,
    comment.body,
    event,
    key,
    `${actor.displayName} mentioned you in a comment on “${post.title}”`,
  );
  const answered =
    comment.parentId === null
      ? []
      : await db
          .selectFrom('blog_comments')
          .select('author_id')
          .where('id', '=', comment.parentId)
          .execute();
  const told = [
    ...post.authors.map((author) => author.personId),
    ...answered.map((row) => row.author_id),
  ].filter((id): id is number => id !== null);
  await notifyPeople(db, told, notificationOf(event, 'reply', key));
}

/** How a wiki page changed, for the event's words. */
export type WikiChange =
  'created' | 'changed' | 'reverted' | 'moved' | 'restored';

const WIKI_WORDS: Record<WikiChange, string> = {
  created: 'created the page',
  changed: 'changed the page',
  reverted: 'reverted the page',
  moved: 'moved the page to',
  restored: 'restored the page',
};

/**
 * A wiki page was made, or changed by an edit, a revert, a move or a
 * restore: its watchers hear (a new page, its group too). Every one of
 * these is a new revision, whose id keys the event.
 */
export async function wikiPageSaved(
  db: Db,
  actor: Someone,
  space: { id: number; key: string; groupId: number | null },
  page: { id: number; title: string },
  revision: { id: number },
  how: WikiChange,
  now: string,
): Promise<void> {
  const created = how === 'created';
  const event: NewActivity = {
    actorId: actor.id,
    verb: created ? 'wiki_page.created' : 'wiki_page.changed',
    subject: { type: 'wiki_page', id: page.id },
    groupId: space.groupId,
    summary: `${actor.displayName} ${WIKI_WORDS[how]} “${page.title}”`,
    url: wikiPagePath(space.key, page.title),
    createdAt: now,
    eventKey: `wiki_revision:${revision.id}`,
  };
  await recordAndFanOut(
    db,
    event,
    notificationOf(event, 'page_changed', `wiki_revision:${revision.id}`),
    {
      page: { id: page.id, spaceId: space.id },
      groupId: space.groupId,
      toGroup: created,
    },
  );
}

/** A group was made. */
export async function groupCreated(
  db: Db,
  creator: Someone,
  group: { id: number; slug: string; name: string },
  now: string,
): Promise<void> {
  await recordActivity(db, {
    actorId: creator.id,
    verb: 'group.created',
    subject: { type: 'group', id: group.id },
    groupId: group.id,
    summary: `${creator.displayName} created the group “${group.name}”`,
    url: `/groups/${encodeURIComponent(group.slug)}`,
    createdAt: now,
  });
}

/** Someone became a member of a group. */
export async function groupJoined(
  db: Db,
  personId: number,
  group: { id: number; slug: string; name: string },
  now: string,
): Promise<void> {
  const person = await db
    .selectFrom('people')
    .select('display_name')
    .where('id', '=', personId)
    .executeTakeFirstOrThrow();
  await recordActivity(db, {
    actorId: personId,
    verb: 'group.joined',
    subject: { type: 'group', id: group.id },
    groupId: group.id,
    summary: `${person.display_name} joined “${group.name}”`,
    url: `/groups/${encodeURIComponent(group.slug)}`,
    createdAt: now,
    eventKey: `group.joined:${group.id}:${personId}:${now}`,
  });
}

/** Someone was invited to a group: they hear. */
export async function invitationSent(
  db: Db,
  inviter: Someone,
  invitation: { id: number; person_id: number; created_at: string },
  group: { name: string },
): Promise<void> {
  await notifyPeople(db, [invitation.person_id], {
    kind: 'invitation',
    actorId: inviter.id,
    subject: { type: 'group_invitation', id: invitation.id },
    eventKey: `invitation:${invitation.id}:${invitation.created_at}`,
    summary: `${inviter.displayName} invited you to join “${group.name}”`,
    url: '/groups/invitations',
    createdAt: invitation.created_at,
  });
}

/** Whoever runs a group, its owners and admins, as ids of people. */
function managersOf(db: Db, groupId: number) {
  return db
    .selectFrom('group_members')
    .select('person_id')
    .where('group_id', '=', groupId)
    .where('role', 'in', ['owner', 'admin']);
}

/**
 * A request to join has been answered or withdrawn: the notices of it
 * still unread for whoever runs the group are marked read, so nobody is
 * left counting a request that no longer waits. (Only the group's present
 * managers are looked at; anyone else can no longer read the notice.)
 */
export async function joinRequestSettled(
  db: Db,
  personId: number,
  groupId: number,
  now: string,
): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('person_id', 'in', managersOf(db, groupId))
    .where('subject_type', '=', 'group_request')
    .where('subject_id', '=', groupId)
    .where('actor_id', '=', personId)
    .where('read_at', 'is', null)
    .execute();
}

/** Someone asked to join a closed group: whoever runs it hears. */
export async function joinRequested(
  db: Db,
  personId: number,
  group: { id: number; slug: string; name: string },
  now: string,
): Promise<void> {
  const [person, managers] = await Promise.all([
    db
      .selectFrom('people')
      .select('display_name')
      .where('id', '=', personId)
      .executeTakeFirstOrThrow(),
    managersOf(db, group.id).execute(),
  ]);
  await notifyPeople(
    db,
    managers.map((row) => row.person_id),
    {
      kind: 'request',
      actorId: personId,
      subject: { type: 'group_request', id: group.id },
      eventKey: `request:${group.id}:${personId}:${now}`,
      summary: `${person.display_name} asked to join “${group.name}”`,
      url: `/groups/${encodeURIComponent(group.slug)}/requests`,
      createdAt: now,
    },
  );
}
