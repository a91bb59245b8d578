import { sql } from 'kysely';
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { readableBlogPosts } from '../../access/blogs.ts';
import { readableFiles } from '../../access/files.ts';
import { readableContent, visibleGroup } from '../../access/groups.ts';
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
// 100,000 replies). Each asks the group rule of its row by key (RuleForm
// 'row'): the list form built the reader's readable groups once for each
// of the dozen places a search asks it, 13 of the 17 ms a rare word took
// at org5 (10,000 groups), however few the rows checked.

type Condition = (db: Db, actor: Actor, now: string) => Expression<SqlBool>;

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
  group: (_db, actor) => visibleGroup(actor, sql.ref('d.ref_id')),
  status: (db, actor) => sql<SqlBool>`exists (select 1 from status_posts as s
    where s.id = d.ref_id and ${readableContent(db, actor, 's.group_id', 'row')}
    ${perRow(db)})`,
  thread: (db, actor) => sql<SqlBool>`exists (select 1 from talk_threads as t
    join talk_categories as c on c.id = t.category_id
    where t.id = d.ref_id and ${listedThreads(db, actor, 'row')} ${perRow(db)})`,
  reply: (db, actor) => sql<SqlBool>`exists (select 1 from talk_posts as r
    join talk_threads as t on t.id = r.thread_id
    join talk_categories as c on c.id = t.category_id
    where r.id = d.ref_id and r.shown_position is not null
      and ${listedThreads(db, actor, 'row')} ${perRow(db)})`,
  blog_post: (db, actor, now) => sql<SqlBool>`exists (select 1
    from blog_posts as p join blogs as b on b.id = p.blog_id
    where p.id = d.ref_id and ${readableBlogPosts(db, actor, now, 'row')}
    ${perRow(db)})`,
  blog_comment: (db, actor, now) => sql<SqlBool>`exists (select 1
    from blog_comments as c
    join blog_posts as p on p.id = c.post_id
    join blogs as b on b.id = p.blog_id
    where c.id = d.ref_id and ${shownComments()}
      and ${readableBlogPosts(db, actor, now, 'row')} ${perRow(db)})`,
  wiki_page: (db, actor) => sql<SqlBool>`exists (select 1
    from wiki_pages as p join wiki_spaces as s on s.id = p.space_id
    where p.id = d.ref_id and ${readablePages(db, actor, 'row')} ${perRow(db)})`,
  file: (db, actor, now) => sql<SqlBool>`exists (select 1 from files as f
    where f.id = d.ref_id and f.deleted_at is null
      and ${readableFiles(db, actor, now, 'row')} ${perRow(db)})`,
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
