import { sql } from 'kysely';
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { readableBlogPosts } from '../../access/blogs.ts';
import {
  managedGroupIds,
  readableContent,
  readableGroup,
} from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { listedThreads } from '../talk/threads.ts';
import { readablePages } from '../wiki/listing.ts';

// What an activity event or a notification is about, and whether a reader
// may read it now. Nothing about access is stored with an event: every
// stream, list and count asks this condition, which is built only from
// the access module's list filters and the features' own conditions, so
// content hidden, deleted, moved or closed off after the event leaves
// every stream and notification list at once.

export type SubjectType =
  | 'status_post'
  | 'talk_thread'
  | 'talk_post'
  | 'blog_post'
  | 'blog_comment'
  | 'wiki_page'
  | 'group'
  | 'group_invitation'
  | 'group_request';

/** A subject's type and id, as columns of the row being filtered. */
export interface SubjectColumns {
  type: string;
  id: string;
}

/**
 * A condition: true when `actor` may read, at `now`, the subject named by
 * the columns `columns.type` and `columns.id` of the row being filtered.
 * A type it does not know is never readable.
 */
export function readableSubject(
  db: Db,
  actor: Actor,
  columns: SubjectColumns,
  now: string,
): Expression<SqlBool> {
  const rules = subjectRules(db, actor, sql.ref(columns.id), now);
  return sql<SqlBool>`(case ${sql.ref(columns.type)}
    when 'status_post' then ${rules.status_post()}
    when 'talk_thread' then ${rules.talk_thread()}
    when 'talk_post' then ${rules.talk_post()}
    when 'blog_post' then ${rules.blog_post()}
    when 'blog_comment' then ${rules.blog_comment()}
    when 'wiki_page' then ${rules.wiki_page()}
    when 'group' then ${rules.group()}
    when 'group_invitation' then ${rules.group_invitation()}
    when 'group_request' then ${rules.group_request()}
    else 1 = 0 end)`;
}

/**
 * The same condition for one subject given by value: only its type's
 * rule, which PostgreSQL plans in a fraction of the time it took to plan
 * every type's (0.7 to 2 ms for a reply's notification of its thread's
 * author, while the reply held its thread's row).
 */
export function readableSubjectValue(
  db: Db,
  actor: Actor,
  subject: { type: SubjectType; id: number },
  now: string,
): Expression<SqlBool> {
  const rules = subjectRules(
    db,
    actor,
    sql`cast(${subject.id} as integer)`,
    now,
  );
  return Object.hasOwn(rules, subject.type)
    ? rules[subject.type]()
    : sql<SqlBool>`1 = 0`;
}

/** Each type's rule for the subject of id `id`, built when asked for. */
function subjectRules(
  db: Db,
  actor: Actor,
  id: RawBuilder<unknown>,
  now: string,
): Record<SubjectType, () => Expression<SqlBool>> {
  // Each check is a scalar subquery, not EXISTS: PostgreSQL may plan an
  // EXISTS under CASE as a hashed subplan that builds every readable
  // item of the site once per query (264 ms for the header's 40 unread
  // at organisation scale); a scalar subquery always runs per row, by id.
  // Each asks the group rule of its row by key (RuleForm 'row'): a page
  // checks tens of rows, and building the reader's list of readable
  // groups once per subject kind cost SQLite more than the checks.
  const one = (from: RawBuilder<unknown>) =>
    sql<SqlBool>`((select 1 ${from} limit 1) is not null)`;
  // An invitation is its invitee's while it waits; a join request is for
  // whoever runs the group (the subject id is the group's).
  const me = actor.kind === 'person' ? actor.id : -1;
  return {
    status_post: () =>
      one(sql`from status_posts as s
        where s.id = ${id} and ${readableContent(db, actor, 's.group_id', 'row')}`),
    talk_thread: () =>
      one(sql`from talk_threads as t
        inner join talk_categories as c on c.id = t.category_id
        where t.id = ${id} and ${listedThreads(db, actor, 'row')}`),
    // A post without a shown position is deleted, hidden or held.
    talk_post: () =>
      one(sql`from talk_posts as tp
        inner join talk_threads as t on t.id = tp.thread_id
        inner join talk_categories as c on c.id = t.category_id
        where tp.id = ${id} and tp.shown_position is not null
          and ${listedThreads(db, actor, 'row')}`),
    blog_post: () =>
      one(sql`from blog_posts as p
        inner join blogs as b on b.id = p.blog_id
        where p.id = ${id} and ${readableBlogPosts(db, actor, now, 'row')}`),
    blog_comment: () =>
      one(sql`from blog_comments as bc
        inner join blog_posts as p on p.id = bc.post_id
        inner join blogs as b on b.id = p.blog_id
        where bc.id = ${id} and bc.deleted_at is null
          and bc.status = 'approved'
          and ${readableBlogPosts(db, actor, now, 'row')}`),
    wiki_page: () =>
      one(sql`from wiki_pages as p
        inner join wiki_spaces as s on s.id = p.space_id
        where p.id = ${id} and ${readablePages(db, actor, 'row')}`),
    group: () => readableGroup(actor, id),
    group_invitation: () =>
      one(sql`from group_invitations as gi
        where gi.id = ${id} and gi.person_id = ${me}
          and gi.expires_at > ${now}`),
    group_request: () => sql<SqlBool>`${id} in (${managedGroupIds(db, actor)})`,
  };
}

/**
 * Whether `actor` may read one subject at `now`: the same condition as
 * the lists, asked of a single row, so the two cannot disagree.
 */
export async function mayReadSubject(
  db: Db,
  actor: Actor,
  subject: { type: SubjectType; id: number },
  now: string,
): Promise<boolean> {
  const row = await db
    .selectNoFrom(sql<number>`1`.as('one'))
    .where(readableSubjectValue(db, actor, subject, now))
    .executeTakeFirst();
  return row !== undefined;
}
