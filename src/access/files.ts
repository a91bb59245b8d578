import { sql } from 'kysely';
import type { Expression, SqlBool } from 'kysely';
import type { Db } from '../database.ts';
import type { AttachedKind } from '../features/files/tables.ts';
import { listedThreads } from '../features/talk/threads.ts';
import { readablePages } from '../features/wiki/listing.ts';
import type { Actor } from './actor.ts';
import { readableBlogPosts } from './blogs.ts';
import { canInGroup, readableGroup, readableGroupIds } from './groups.ts';
import type { GroupThing, RuleForm } from './groups.ts';
import { visiblePersonStatuses } from './policy.ts';

/**
 * Who may see and change files. A file has one container, and reading
 * it follows that container exactly:
 *
 * - a group's files: whoever may read the group's content; members
 *   upload; the group's owners and admins manage every file in it;
 * - a person's own files: staff who may see the person's profile read
 *   them (guests do not: they see no directory); only the person and
 *   site administrators upload or manage;
 * - a file attached to a wiki page, a Talk post or a blog post: whoever
 *   may read that item, by the item's own list rule. Whether someone may
 *   attach is decided by the item's feature (the author or an editor);
 *   administrators and, in a group, its managers manage.
 *
 * Whoever uploaded a file may rename, move, delete and restore it, and
 * upload versions, while they may still upload to its container.
 * Anything a reader may not read answers 404, never 403, so a link to a
 * secret group's file tells an outsider nothing.
 *
 * `readableFiles` is the list form and `fileRights` the single-item
 * form; both read the same rules from ./groups.ts, ./blogs.ts and the
 * features' list conditions, which are written once, there.
 */

export type FileContainer =
  | { kind: 'group'; groupId: number }
  | { kind: 'person'; personId: number }
  | { kind: 'attached'; attachedKind: AttachedKind; attachedId: number };

/** What `actor` may do with the files of one container. */
export interface FileRights {
  read: boolean;
  upload: boolean;
  /** Rename, move, delete, restore and revert anyone's file there. */
  manage: boolean;
}

const NONE: FileRights = { read: false, upload: false, manage: false };

/** The container of a `files` row. */
export function containerOf(file: {
  group_id: number | null;
  person_id: number | null;
  attached_kind: AttachedKind | null;
  attached_id: number | null;
}): FileContainer {
  if (file.attached_kind !== null && file.attached_id !== null) {
    return {
      kind: 'attached',
      attachedKind: file.attached_kind,
      attachedId: file.attached_id,
    };
  }
  if (file.group_id !== null) {
    return { kind: 'group', groupId: file.group_id };
  }
  if (file.person_id !== null) {
    return { kind: 'person', personId: file.person_id };
  }
  throw new Error('A file row names no container.');
}

/**
 * A condition over `files as f`: `actor` may read the file's container
 * at `now` (an ISO instant, for scheduled blog posts). It says nothing
 * about `f.deleted_at`: lists of live files add that themselves, and the
 * deleted-files view adds the opposite. `form` as for readableContent.
 */
export function readableFiles(
  db: Db,
  actor: Actor,
  now: string,
  form: RuleForm = 'list',
): Expression<SqlBool> {
  if (actor.kind !== 'person') {
    return sql<SqlBool>`1 = 0`;
  }
  const inGroup = sql<SqlBool>`(f.attached_kind is null
    and ${
      form === 'row'
        ? readableGroup(actor, sql.ref('f.group_id'))
        : sql<SqlBool>`f.group_id in (${readableGroupIds(db, actor)})`
    })`;
  const statuses = visiblePersonStatuses(actor);
  const personal =
    statuses.length === 0
      ? sql<SqlBool>`(f.attached_kind is null and f.person_id = ${actor.id})`
      : sql<SqlBool>`(f.attached_kind is null and f.person_id is not null
          and (f.person_id = ${actor.id} or exists (select 1 from people as fp
            where fp.id = f.person_id
              and fp.status in (${sql.join(statuses)}))))`;
  const attached = (kind: AttachedKind) =>
    sql<SqlBool>`(f.attached_kind = ${kind} and ${itemReadable(
      db,
      actor,
      now,
      kind,
      sql.ref('f.attached_id'),
      form,
    )})`;
  return sql<SqlBool>`(${inGroup} or ${personal} or ${attached('wiki_page')}
    or ${attached('talk_post')} or ${attached('blog_post')})`;
}

/**
 * Whether `actor` may read the item `id` of `kind`, by the list rule of
 * the feature that owns it: a live wiki page in a space they read, a
 * shown Talk post in a thread they may list, a blog post they may read.
 */
function itemReadable(
  db: Db,
  actor: Actor,
  now: string,
  kind: AttachedKind,
  id: Expression<unknown>,
  form: RuleForm,
): Expression<SqlBool> {
  switch (kind) {
    case 'wiki_page':
      return sql<SqlBool>`exists (select 1 from wiki_pages as p
        join wiki_spaces as s on s.id = p.space_id
        where p.id = ${id} and ${readablePages(db, actor, form)})`;
    case 'talk_post':
      return sql<SqlBool>`exists (select 1 from talk_posts as r
        join talk_threads as t on t.id = r.thread_id
        join talk_categories as c on c.id = t.category_id
        where r.id = ${id} and r.shown_position is not null
          and ${listedThreads(db, actor, form)})`;
    case 'blog_post':
      return sql<SqlBool>`exists (select 1 from blog_posts as p
        join blogs as b on b.id = p.blog_id
        where p.id = ${id} and ${readableBlogPosts(db, actor, now, form)})`;
  }
}

/** What `actor` may do with the files of `container` at `now`. */
export async function fileRights(
  db: Db,
  actor: Actor,
  container: FileContainer,
  now: string,
): Promise<FileRights> {
  if (actor.kind !== 'person') {
    // Signed-out readers of public groups read pages, not files: a file
    // can be anything, and its link is easily passed on.
    return NONE;
  }
  const admin = actor.role === 'admin';
  switch (container.kind) {
    case 'group': {
      const group = await groupThing(db, actor, container.groupId);
      if (!group) {
        return NONE;
      }
      return {
        read: canInGroup(actor, 'group.read', group),
        upload: canInGroup(actor, 'group.contribute', group),
        manage: canInGroup(actor, 'group.manage', group),
      };
    }
    case 'person': {
      const own = container.personId === actor.id;
      const person = await db
        .selectFrom('people')
        .select('status')
        .where('id', '=', container.personId)
        .executeTakeFirst();
      if (!person) {
        return NONE;
      }
      const seen = visiblePersonStatuses(actor).includes(person.status);
      const mayChange = (own && person.status === 'active') || admin;
      return { read: own || seen, upload: mayChange, manage: mayChange };
    }
    case 'attached': {
      const read = await attachedReadable(db, actor, container, now);
      if (!read) {
        return NONE;
      }
      const groupId = await attachedGroupId(db, container);
      const group =
        groupId === null ? undefined : await groupThing(db, actor, groupId);
      const manage =
        admin ||
        (group !== undefined && canInGroup(actor, 'group.manage', group));
      // Attaching is decided by the item's feature, which knows who may
      // edit the item; here only reading it is required.
      return { read, upload: read, manage };
    }
  }
}

/**
 * Whether `actor` may read the item a file is attached to: the same
 * conditions as `readableFiles`, asked of one item.
 */
async function attachedReadable(
  db: Db,
  actor: Actor,
  container: Extract<FileContainer, { kind: 'attached' }>,
  now: string,
): Promise<boolean> {
  const id = sql`cast(${container.attachedId} as integer)`;
  const row = await db
    .selectNoFrom(sql<number>`1`.as('ok'))
    .where(itemReadable(db, actor, now, container.attachedKind, id, 'row'))
    .executeTakeFirst();
  return row !== undefined;
}

/** The group an attached item lives in, or null for site-wide items. */
async function attachedGroupId(
  db: Db,
  container: Extract<FileContainer, { kind: 'attached' }>,
): Promise<number | null> {
  const id = container.attachedId;
  switch (container.attachedKind) {
    case 'wiki_page': {
      const row = await db
        .selectFrom('wiki_pages as p')
        .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
        .select('s.group_id')
        .where('p.id', '=', id)
        .executeTakeFirst();
      return row?.group_id ?? null;
    }
    case 'talk_post': {
      const row = await db
        .selectFrom('talk_posts as r')
        .innerJoin('talk_threads as t', 't.id', 'r.thread_id')
        .innerJoin('talk_categories as c', 'c.id', 't.category_id')
        .select('c.group_id')
        .where('r.id', '=', id)
        .executeTakeFirst();
      return row?.group_id ?? null;
    }
    case 'blog_post': {
      const row = await db
        .selectFrom('blog_posts as p')
        .innerJoin('blogs as b', 'b.id', 'p.blog_id')
        .select('b.group_id')
        .where('p.id', '=', id)
        .executeTakeFirst();
      return row?.group_id ?? null;
    }
  }
}

async function groupThing(
  db: Db,
  actor: Actor,
  groupId: number,
): Promise<GroupThing | undefined> {
  const personId = actor.kind === 'person' ? actor.id : -1;
  const row = await db
    .selectFrom('groups as g')
    .leftJoin('group_members as m', (join) =>
      join.onRef('m.group_id', '=', 'g.id').on('m.person_id', '=', personId),
    )
    .select(['g.id', 'g.visibility', 'm.role'])
    .where('g.id', '=', groupId)
    .executeTakeFirst();
  return row
    ? { id: row.id, visibility: row.visibility, role: row.role ?? null }
    : undefined;
}
