import { sql } from 'kysely';
import type { RawBuilder, SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { readableBlogPosts } from '../../access/blogs.ts';
import { readableFiles } from '../../access/files.ts';
import { readableContent, visibleGroupIds } from '../../access/groups.ts';
import { visiblePersonStatuses } from '../../access/policy.ts';
import type { Db } from '../../database.ts';
import { perRow } from '../../platform/db/dialect.ts';
import { shownComments } from '../blogs/comments.ts';
import { listedThreads } from '../talk/threads.ts';
import { readablePages } from '../wiki/listing.ts';
import type { SearchKind } from './tables.ts';

// Who may find an index row (`search_documents as d`), asked of its
// source row at the time of searching, inside the query: totals and
// pages count only what the reader may see, and a group closed a moment
// ago keeps its content out of the next search (BUG-05). Each condition
// is the one the kind's own lists use, taken from src/access or from the
// feature that owns the list; none is written again here. Each EXISTS
// ends in perRow: on PostgreSQL it is then a lookup for each match, not a
// hash of every readable row of the kind (a rare word paid for all
// 100,000 replies).

type Condition = (db: Db, actor: Actor, now: string) => RawBuilder<SqlBool>;

const CONDITIONS: Record<SearchKind, Condition> = {
  person: (db, actor) => {
    const statuses = visiblePersonStatuses(actor);
    if (statuses.length === 0) {
      return sql<SqlBool>`1 = 0`;
    }
    return sql<SqlBool>`exists (select 1 from people as pp
      where pp.id = d.ref_id
        and pp.status in (${sql.join(statuses)}) ${perRow(db)})`;
  },
  group: (db, actor) =>
    sql<SqlBool>`d.ref_id in (${visibleGroupIds(db, actor)})`,
  status: (db, actor) => sql<SqlBool>`exists (select 1 from status_posts as s
    where s.id = d.ref_id and ${readableContent(db, actor, 's.group_id')}
    ${perRow(db)})`,
  thread: (db, actor) => sql<SqlBool>`exists (select 1 from talk_threads as t
    join talk_categories as c on c.id = t.category_id
    where t.id = d.ref_id and ${listedThreads(db, actor)} ${perRow(db)})`,
  reply: (db, actor) => sql<SqlBool>`exists (select 1 from talk_posts as r
    join talk_threads as t on t.id = r.thread_id
    join talk_categories as c on c.id = t.category_id
    where r.id = d.ref_id and r.shown_position is not null
      and ${listedThreads(db, actor)} ${perRow(db)})`,
  blog_post: (db, actor, now) => sql<SqlBool>`exists (select 1
    from blog_posts as p join blogs as b on b.id = p.blog_id
    where p.id = d.ref_id and ${readableBlogPosts(db, actor, now)}
    ${perRow(db)})`,
  blog_comment: (db, actor, now) => sql<SqlBool>`exists (select 1
    from blog_comments as c
    join blog_posts as p on p.id = c.post_id
    join blogs as b on b.id = p.blog_id
    where c.id = d.ref_id and ${shownComments()}
      and ${readableBlogPosts(db, actor, now)} ${perRow(db)})`,
  wiki_page: (db, actor) => sql<SqlBool>`exists (select 1
    from wiki_pages as p join wiki_spaces as s on s.id = p.space_id
    where p.id = d.ref_id and ${readablePages(db, actor)} ${perRow(db)})`,
  file: (db, actor, now) => sql<SqlBool>`exists (select 1 from files as f
    where f.id = d.ref_id and f.deleted_at is null
      and ${readableFiles(db, actor, now)} ${perRow(db)})`,
};

/**
 * A condition over `search_documents as d`: true for the rows `actor`
 * may find at `now`, of the `kinds` asked for.
 */
export function findableDocuments(
  db: Db,
  actor: Actor,
  kinds: readonly SearchKind[],
  now: string,
): RawBuilder<SqlBool> {
  const each = kinds.map(
    (kind) =>
      sql<SqlBool>`(d.kind = ${kind} and ${CONDITIONS[kind](db, actor, now)})`,
  );
  return sql<SqlBool>`(${sql.join(each, sql` or `)})`;
}
