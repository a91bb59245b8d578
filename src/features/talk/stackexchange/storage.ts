import type { Db } from '../../../database.ts';
import { countNewThreads } from '../category-counts.ts';
import { IMPORTED_SCORE } from '../reactions.ts';
import { setThreadTags } from '../tags/tags.ts';
import type { ThreadTag } from '../tags/tags.ts';
import { indexTalkThread } from '../../search/sources.ts';

// Import-only writing of a whole thread through Talk's tables, in a few
// multi-row statements instead of Talk's appendPost (four statements a
// post). Only a new thread is written this way: nobody can have posted
// in it, so its posts are numbered 1…n at once. Replies added to a thread
// that already exists go through appendPost. See the migration
// 2026-12-04T1400_talk.ts for what the two numbers of a post mean.

/** Rows per insert, well under either database's limit of parameters. */
const ROWS_PER_INSERT = 200;

/** One post of an imported thread, in thread order. */
export interface ImportedPost {
  importKey: string;
  body: string;
  authorName: string;
  createdAt: string;
  editedAt: string | null;
  /** The score kept as a reaction; null for none. */
  score: number | null;
  /** The import key of the post this one comments on, earlier in the list. */
  commentOn?: string;
}

export interface ImportedThread {
  categoryId: number;
  title: string;
  importKey: string;
  locked: boolean;
  tags: ThreadTag[];
  /** The question first, then the replies in the order they are shown. */
  posts: ImportedPost[];
  /** The import key of the accepted answer. */
  acceptedKey?: string;
}

/**
 * Writes a new thread with all its posts and scores; returns the ids of
 * the posts by import key. The caller owns the transaction.
 */
export async function insertImportedThread(
  db: Db,
  thread: ImportedThread,
): Promise<{ threadId: number; postIds: Map<string, number> }> {
  const first = thread.posts[0];
  if (!first) {
    throw new Error(`imported thread ${thread.importKey} has no posts`);
  }
  const latest = thread.posts.reduce(
    (max, post) => (post.createdAt > max ? post.createdAt : max),
    first.createdAt,
  );
  const replies = thread.posts.length - 1;
  const { id: threadId } = await db
    .insertInto('talk_threads')
    .values({
      category_id: thread.categoryId,
      title: thread.title,
      author_id: null,
      author_name: first.authorName,
      created_at: first.createdAt,
      updated_at: first.editedAt ?? first.createdAt,
      last_reply_at: replies > 0 ? latest : null,
      last_activity_at: latest,
      reply_count: replies,
      is_question: 1,
      locked: thread.locked ? 1 : 0,
      import_key: thread.importKey,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await countNewThreads(db, thread.categoryId, 1);

  // Posts that comment on others go in second, once the ids they refer
  // to are known; their numbers are given, so the order of inserts does
  // not matter.
  const numbered = thread.posts.map((post, index) => ({
    post,
    position: index + 1,
  }));
  const postIds = new Map<string, number>();
  for (const commenting of [false, true]) {
    const rows = numbered
      .filter(({ post }) => (post.commentOn !== undefined) === commenting)
      .map(({ post, position }) => ({
        thread_id: threadId,
        position,
        shown_position: position,
        author_id: null,
        author_name: post.authorName,
        body: post.body,
        created_at: post.createdAt,
        edited_at: post.editedAt,
        quote_of:
          post.commentOn === undefined
            ? null
            : (postIds.get(post.commentOn) ?? null),
        import_key: post.importKey,
      }));
    for (const chunk of chunks(rows)) {
      const made = await db
        .insertInto('talk_posts')
        .values(chunk)
        .returning(['id', 'import_key'])
        .execute();
      for (const row of made) {
        postIds.set(row.import_key ?? '', row.id);
      }
    }
  }

  const accepted =
    thread.acceptedKey === undefined
      ? undefined
      : postIds.get(thread.acceptedKey);
  if (accepted !== undefined) {
    await db
      .updateTable('talk_threads')
      .set({ accepted_post_id: accepted })
      .where('id', '=', threadId)
      .execute();
  }
  const scores = thread.posts.flatMap((post) => {
    const postId = postIds.get(post.importKey);
    return post.score === null || postId === undefined
      ? []
      : [
          {
            post_id: postId,
            person_id: null,
            kind: IMPORTED_SCORE,
            count: post.score,
            created_at: post.createdAt,
          },
        ];
  });
  for (const chunk of chunks(scores)) {
    await db.insertInto('talk_reactions').values(chunk).execute();
  }
  await setThreadTags(db, threadId, thread.tags);
  await indexTalkThread(db, threadId);
  return { threadId, postIds };
}

/**
 * Adds the tags a thread already imported lacks, keeping those it has:
 * a thread imported before tags were stored gains them, and a second run
 * adds none. Returns how many it added.
 */
export async function addMissingTags(
  db: Db,
  threadId: number,
  tags: readonly ThreadTag[],
): Promise<number> {
  if (tags.length === 0) {
    return 0;
  }
  const had = await db
    .selectFrom('talk_thread_tags')
    .select('tag_key')
    .where('thread_id', '=', threadId)
    .execute();
  const keys = new Set(had.map((row) => row.tag_key));
  const missing = tags.filter(({ key }) => !keys.has(key));
  if (missing.length > 0) {
    await db
      .insertInto('talk_thread_tags')
      .values(
        missing.map(({ tag, key }) => ({
          thread_id: threadId,
          tag,
          tag_key: key,
        })),
      )
      .execute();
  }
  return missing.length;
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    out.push(rows.slice(at, at + ROWS_PER_INSERT));
  }
  return out;
}
