import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import type { Db } from '../../database.ts';

// What the content features call, in the transaction of the change, when
// content that events and notifications were made about changes place or
// name: a thread moved to another category, a thread, blog post or wiki
// page renamed. Events and notifications keep copies of the group and the
// title as they were (a stream is read far more often than it is
// written), so the copies change here, with the content, and a stream
// never names a group the content has left or a title its author removed.

/** Events and notifications about a thread or any post in it. */
function threadSubjects(threadId: number): Expression<SqlBool> {
  return sql<SqlBool>`((subject_type = 'talk_thread' and subject_id = ${threadId})
    or (subject_type = 'talk_post' and subject_id in
      (select id from talk_posts where thread_id = ${threadId})))`;
}

/** Events and notifications about a blog post or any comment on it. */
function blogPostSubjects(postId: number): Expression<SqlBool> {
  return sql<SqlBool>`((subject_type = 'blog_post' and subject_id = ${postId})
    or (subject_type = 'blog_comment' and subject_id in
      (select id from blog_comments where post_id = ${postId})))`;
}

function pageSubjects(pageId: number): Expression<SqlBool> {
  return sql<SqlBool>`(subject_type = 'wiki_page' and subject_id = ${pageId})`;
}

/**
 * A thread moved to a category of the group `groupId` (null: a site
 * category): its events, and its posts', now belong to that group, so
 * group streams, home streams and labels follow it.
 */
export async function threadMoved(
  db: Db,
  threadId: number,
  groupId: number | null,
): Promise<void> {
  await db
    .updateTable('activity_events')
    .set({ group_id: groupId })
    .where(threadSubjects(threadId))
    .execute();
}

/** Replaces the quoted old title with the new in every copy. */
async function retitle(
  db: Db,
  subjects: Expression<SqlBool>,
  from: string,
  to: string,
  url?: { from: string; to: string },
): Promise<void> {
  if (from === to && url === undefined) {
    return;
  }
  const quotedFrom = `“${from}”`;
  const quotedTo = `“${to}”`;
  for (const table of ['activity_events', 'notifications'] as const) {
    await db
      .updateTable(table)
      .set((eb) => ({
        summary: sql<string>`replace(${eb.ref('summary')}, ${quotedFrom}, ${quotedTo})`,
        ...(url
          ? {
              url: sql<string>`case when ${eb.ref('url')} = ${url.from}
                then ${url.to} else ${eb.ref('url')} end`,
            }
          : {}),
      }))
      .where(subjects)
      .execute();
  }
}

/** A thread's title changed. */
export async function threadRetitled(
  db: Db,
  threadId: number,
  from: string,
  to: string,
): Promise<void> {
  await retitle(db, threadSubjects(threadId), from, to);
}

/** A blog post's title changed; its address (the slug) stays. */
export async function blogPostRetitled(
  db: Db,
  postId: number,
  from: string,
  to: string,
): Promise<void> {
  await retitle(db, blogPostSubjects(postId), from, to);
}

/** A wiki page was moved to a new title, and so a new address. */
export async function wikiPageRetitled(
  db: Db,
  pageId: number,
  from: { title: string; url: string },
  to: { title: string; url: string },
): Promise<void> {
  await retitle(db, pageSubjects(pageId), from.title, to.title, {
    from: from.url,
    to: to.url,
  });
}
