import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { putDocuments, removeDocuments } from './documents.ts';
import { plainText } from './plain-text.ts';
import type { SourceDocument } from './documents.ts';
import type { SearchKind } from './tables.ts';

// What each kind of thing puts in the index, read from its own tables.
// Features call the index* functions below from every write path, with
// the same connection or transaction as the write (one line each), so
// the index moves with the content. Rows are indexed whatever their
// state (hidden, draft, deleted): who may find them is decided when
// searching (./visibility.ts), so hiding, publishing or closing a group
// needs no index change and cannot leave the index wrong.

type Loader = (db: Db, ids: readonly number[]) => Promise<SourceDocument[]>;

const loadPeople: Loader = async (db, ids) => {
  const [people, tags] = await Promise.all([
    db
      .selectFrom('people')
      .select(['id', 'display_name', 'job_title', 'location', 'about_md'])
      .select(['created_at', 'updated_at'])
      // Guests are in no directory: only their fellow members see them.
      .where('role', '!=', 'guest')
      .where('id', 'in', ids)
      .execute(),
    db
      .selectFrom('person_tags')
      .select(['person_id', 'label'])
      .where('person_id', 'in', ids)
      .orderBy('id')
      .execute(),
  ]);
  return people.map((p) => ({
    kind: 'person',
    refId: p.id,
    groupId: null,
    authorId: p.id,
    title: p.display_name,
    body: [
      p.job_title ?? '',
      p.location ?? '',
      ...tags.filter((t) => t.person_id === p.id).map((t) => t.label),
      plainText(p.about_md),
    ].join(' · '),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }));
};

const loadGroups: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('groups')
    .select(['id', 'name', 'description_md', 'created_by'])
    .select(['created_at', 'updated_at'])
    .where('id', 'in', ids)
    .execute();
  return rows.map((g) => ({
    kind: 'group',
    refId: g.id,
    groupId: g.id,
    authorId: g.created_by,
    title: g.name,
    body: plainText(g.description_md),
    createdAt: g.created_at,
    updatedAt: g.updated_at,
  }));
};

const loadStatus: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('status_posts')
    .select(['id', 'author_id', 'group_id', 'body', 'created_at'])
    .where('id', 'in', ids)
    .execute();
  return rows.map((s) => ({
    kind: 'status',
    refId: s.id,
    groupId: s.group_id,
    authorId: s.author_id,
    title: '',
    body: s.body,
    createdAt: s.created_at,
    updatedAt: s.created_at,
  }));
};

const loadThreads: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('talk_threads as t')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .leftJoin('talk_posts as p', (join) =>
      join.onRef('p.thread_id', '=', 't.id').on('p.position', '=', 1),
    )
    .select(['t.id', 't.title', 't.author_id', 'c.group_id', 'p.body'])
    .select(['t.created_at', 't.last_activity_at'])
    .where('t.id', 'in', ids)
    .execute();
  return rows.map((t) => ({
    kind: 'thread',
    refId: t.id,
    groupId: t.group_id,
    authorId: t.author_id,
    title: t.title,
    body: plainText(t.body ?? ''),
    createdAt: t.created_at,
    updatedAt: t.last_activity_at,
  }));
};

const loadReplies: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('talk_posts as p')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .select(['p.id', 'p.author_id', 'p.body', 'p.created_at', 'p.edited_at'])
    .select(['t.title', 'c.group_id'])
    .where('p.id', 'in', ids)
    .where('p.position', '>', 1)
    .execute();
  return rows.map((p) => ({
    kind: 'reply',
    refId: p.id,
    groupId: p.group_id,
    authorId: p.author_id,
    // A reply is found by its words; the thread's title only names it.
    title: '',
    body: plainText(p.body),
    createdAt: p.created_at,
    updatedAt: p.edited_at ?? p.created_at,
  }));
};

const loadBlogPosts: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select(['p.id', 'p.title', 'p.summary', 'p.body', 'p.author_id'])
    .select(['b.group_id', 'p.created_at', 'p.publish_at', 'p.updated_at'])
    .where('p.id', 'in', ids)
    .execute();
  return rows.map((p) => ({
    kind: 'blog_post',
    refId: p.id,
    groupId: p.group_id,
    authorId: p.author_id,
    title: p.title,
    body: plainText(`${p.summary}\n\n${p.body}`),
    createdAt: p.publish_at ?? p.created_at,
    updatedAt: p.updated_at,
  }));
};

const loadBlogComments: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('blog_comments as c')
    .innerJoin('blog_posts as p', 'p.id', 'c.post_id')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select(['c.id', 'c.author_id', 'c.body', 'c.created_at', 'c.edited_at'])
    .select(['b.group_id'])
    .where('c.id', 'in', ids)
    .execute();
  return rows.map((c) => ({
    kind: 'blog_comment',
    refId: c.id,
    groupId: c.group_id,
    authorId: c.author_id,
    title: '',
    body: plainText(c.body),
    createdAt: c.created_at,
    updatedAt: c.edited_at ?? c.created_at,
  }));
};

const loadWikiPages: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .leftJoin('wiki_revisions as r', 'r.id', 'p.current_revision_id')
    .select(['p.id', 'p.title', 'r.body', 'r.author_id', 's.group_id'])
    .select(['p.created_at', 'p.updated_at'])
    .where('p.id', 'in', ids)
    // A redirect ("Moved to [[Egret]]") is no page of its own: a page
    // that becomes one leaves the index, and its target is found instead.
    .where('p.redirect_to_key', 'is', null)
    .execute();
  return rows.map((p) => ({
    kind: 'wiki_page',
    refId: p.id,
    groupId: p.group_id,
    authorId: p.author_id,
    title: p.title,
    body: plainText(p.body ?? ''),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }));
};

// A file is found by its title, name, description and the words of its
// current version, once the `files.process` job has read them
// (features/files/process); a new version is indexed again by that job.
// The index keeps a body's first 16,000 words (./documents.ts), about
// what this many characters of prose hold, so a batch of long texts is
// not read whole only to be cut.
const FILE_TEXT_READ = 100_000;

const loadFiles: Loader = async (db, ids) => {
  const rows = await db
    .selectFrom('files as f')
    .leftJoin('file_texts as t', 't.version_id', 'f.current_version_id')
    .select(['f.id', 'f.title', 'f.name', 'f.description', 'f.group_id'])
    .select(['f.created_by', 'f.created_at', 'f.updated_at'])
    .select(sql<string | null>`substr(t.text, 1, ${FILE_TEXT_READ})`.as('text'))
    .where('f.id', 'in', ids)
    .execute();
  return rows.map((f) => ({
    kind: 'file',
    refId: f.id,
    groupId: f.group_id,
    authorId: f.created_by,
    title: f.title || f.name,
    body: [f.name, f.description, f.text ?? ''].filter(Boolean).join('\n\n'),
    createdAt: f.created_at,
    updatedAt: f.updated_at,
  }));
};

/** Each kind's loader and the table its ids are from. */
export const SOURCES: Record<SearchKind, { table: SourceTable; load: Loader }> =
  {
    person: { table: 'people', load: loadPeople },
    group: { table: 'groups', load: loadGroups },
    status: { table: 'status_posts', load: loadStatus },
    thread: { table: 'talk_threads', load: loadThreads },
    reply: { table: 'talk_posts', load: loadReplies },
    blog_post: { table: 'blog_posts', load: loadBlogPosts },
    blog_comment: { table: 'blog_comments', load: loadBlogComments },
    wiki_page: { table: 'wiki_pages', load: loadWikiPages },
    file: { table: 'files', load: loadFiles },
  };

type SourceTable =
  | 'people'
  | 'groups'
  | 'status_posts'
  | 'talk_threads'
  | 'talk_posts'
  | 'blog_posts'
  | 'blog_comments'
  | 'wiki_pages'
  | 'files';

/**
 * Brings the index rows of things of one kind up to date with their
 * source rows: rewritten where found, removed where gone.
 */
export async function indexThings(
  db: Db,
  kind: SearchKind,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) {
    return;
  }
  const documents = await SOURCES[kind].load(db, ids);
  await putDocuments(db, documents);
  const found = new Set(documents.map((doc) => doc.refId));
  await removeDocuments(
    db,
    kind,
    ids.filter((id) => !found.has(id)),
  );
}

/** After a person's profile, tags, role or status change. */
export async function indexPeople(
  db: Db,
  personIds: readonly number[],
): Promise<void> {
  await indexThings(db, 'person', personIds);
}

/** After a group is made, changed or deleted. */
export async function indexGroup(db: Db, groupId: number): Promise<void> {
  await indexThings(db, 'group', [groupId]);
}

/**
 * After status posts or replies are written or deleted: a deleted post
 * takes its replies with it, so its caller passes their ids too.
 */
export async function indexStatusPost(
  db: Db,
  ...ids: readonly number[]
): Promise<void> {
  await indexThings(db, 'status', ids);
}

/**
 * After a thread is made, renamed, moved, imported or deleted: the
 * thread and every reply, whose group comes from the thread's place.
 */
export async function indexTalkThread(db: Db, threadId: number): Promise<void> {
  await indexThings(db, 'thread', [threadId]);
  const replies = await db
    .selectFrom('talk_posts')
    .select('id')
    .where('thread_id', '=', threadId)
    .where('position', '>', 1)
    .execute();
  await indexThings(
    db,
    'reply',
    replies.map((row) => row.id),
  );
}

/**
 * After a reply is added at the end of its thread, shown: the reply, and
 * the thread's last activity (indexThreadActivity).
 */
export async function indexNewReply(
  db: Db,
  threadId: number,
  postId: number,
  lastActivityAt: string,
): Promise<void> {
  await indexThreadActivity(db, threadId, lastActivityAt);
  await indexThings(db, 'reply', [postId]);
}

/**
 * After a thread's last activity moved and nothing else of it changed (a
 * reply added or approved): its new time, which ranks it. Indexing the
 * thread whole cost a PostgreSQL reply three statements while it held
 * the thread's row. `lastActivityAt` is as read back from the thread's
 * row, in the form the thread's loader gives.
 */
export async function indexThreadActivity(
  db: Db,
  threadId: number,
  lastActivityAt: string,
): Promise<void> {
  await db
    .updateTable('search_documents')
    .set({ updated_at: lastActivityAt })
    .where('kind', '=', 'thread')
    .where('ref_id', '=', threadId)
    .execute();
}

/** After one Talk post is written or edited: its thread's or its own. */
export async function indexTalkPost(db: Db, postId: number): Promise<void> {
  const post = await db
    .selectFrom('talk_posts')
    .select(['thread_id', 'position'])
    .where('id', '=', postId)
    .executeTakeFirst();
  if (!post) {
    await removeDocuments(db, 'reply', [postId]);
  } else {
    // A reply moves its thread's last activity, which ranks the thread.
    await indexThings(db, 'thread', [post.thread_id]);
    if (post.position > 1) {
      await indexThings(db, 'reply', [postId]);
    }
  }
}

/** After a blog post is written, edited, imported or deleted. */
export async function indexBlogPost(db: Db, postId: number): Promise<void> {
  await indexThings(db, 'blog_post', [postId]);
}

/** After a blog comment is written, edited or deleted. */
export async function indexBlogComment(db: Db, id: number): Promise<void> {
  await indexThings(db, 'blog_comment', [id]);
}

/** After a wiki page is created, edited, renamed, moved or deleted. */
export async function indexWikiPage(db: Db, pageId: number): Promise<void> {
  await indexThings(db, 'wiki_page', [pageId]);
}

/**
 * After files are uploaded, renamed, described, moved, deleted or
 * restored, or get a new version: deleted ones stay indexed, found by
 * no one (./visibility.ts), so restoring needs nothing more.
 */
export async function indexFiles(
  db: Db,
  fileIds: readonly number[],
): Promise<void> {
  await indexThings(db, 'file', fileIds);
}

/** After files are removed for good (their rows are gone). */
export async function removeFiles(
  db: Db,
  fileIds: readonly number[],
): Promise<void> {
  await removeDocuments(db, 'file', fileIds);
}
