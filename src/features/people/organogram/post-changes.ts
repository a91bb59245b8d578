import type { Selectable } from 'kysely';
import type { FieldChange } from '../history.ts';
import type { PostsTable } from '../tables.ts';
import { diffColumns } from './context.ts';
import type { ImportContext } from './context.ts';

// Writing a return's posts: each change to a post, its holders or its
// status is recorded with the fields that changed, and the post and the
// people concerned are queued for the search index.

export type PostRow = Selectable<PostsTable>;

/** What a return says about a post, as columns. */
export type PostValues = Omit<
  PostRow,
  | 'id'
  | 'department_id'
  | 'reference'
  | 'status'
  | 'ended_at'
  | 'created_at'
  | 'updated_at'
>;

/** A post of the return as found before this import, or just added. */
export interface StoredPost {
  id: number;
  before: PostRow | null;
}

// Rows per query when posts are looked up or added in bulk.
const BATCH = 200;

/**
 * The department's posts with these references, adding those it does not
 * have yet. New posts are added without their manager, who may come later
 * in the file; `savePost` sets the line once every post has an id.
 */
export async function findOrAddPosts(
  ctx: ImportContext,
  departmentId: number,
  planned: Map<string, PostValues>,
): Promise<Map<string, StoredPost>> {
  const stored = new Map<string, StoredPost>();
  const references = [...planned.keys()];
  for (let at = 0; at < references.length; at += BATCH) {
    const rows = await ctx.db
      .selectFrom('posts')
      .selectAll()
      .where('department_id', '=', departmentId)
      .where('reference', 'in', references.slice(at, at + BATCH))
      .execute();
    for (const row of rows) {
      stored.set(row.reference, { id: row.id, before: row });
    }
  }
  const missing = [...planned].filter(([reference]) => !stored.has(reference));
  for (let at = 0; at < missing.length; at += BATCH) {
    const added = await ctx.db
      .insertInto('posts')
      .values(
        missing.slice(at, at + BATCH).map(([reference, values]) => ({
          ...values,
          reports_to_post_id: null,
          department_id: departmentId,
          reference,
          created_at: ctx.now,
          updated_at: ctx.now,
        })),
      )
      .returning(['id', 'reference'])
      .execute();
    for (const row of added) {
      stored.set(row.reference, { id: row.id, before: null });
    }
  }
  return stored;
}

async function holderIds(
  ctx: ImportContext,
  postId: number,
): Promise<number[]> {
  const rows = await ctx.db
    .selectFrom('post_holders')
    .select('person_id')
    .where('post_id', '=', postId)
    .execute();
  return rows.map((row) => row.person_id).sort((a, b) => a - b);
}

async function setHolders(
  ctx: ImportContext,
  postId: number,
  before: number[],
  after: number[],
): Promise<void> {
  const gone = before.filter((id) => !after.includes(id));
  const added = after.filter((id) => !before.includes(id));
  if (gone.length > 0) {
    await ctx.db
      .deleteFrom('post_holders')
      .where('post_id', '=', postId)
      .where('person_id', 'in', gone)
      .execute();
  }
  if (added.length > 0) {
    await ctx.db
      .insertInto('post_holders')
      .values(
        added.map((personId) => ({ post_id: postId, person_id: personId })),
      )
      .execute();
  }
  for (const id of gone) {
    ctx.peopleUnlinked.add(id);
  }
  for (const id of [...before, ...after]) {
    ctx.peopleToReindex.add(id);
  }
  ctx.postsToReindex.add(postId);
}

export async function savePost(
  ctx: ImportContext,
  post: { id: number; before: PostRow | null },
  values: PostValues,
  holderSet: Set<number>,
): Promise<void> {
  const holders = [...holderSet].sort((a, b) => a - b);
  if (!post.before) {
    if (values.reports_to_post_id !== null) {
      await ctx.db
        .updateTable('posts')
        .set({ reports_to_post_id: values.reports_to_post_id })
        .where('id', '=', post.id)
        .execute();
    }
    const fields: Record<string, FieldChange> = {};
    for (const [column, value] of Object.entries(values)) {
      if (value !== null) {
        fields[column] = [null, value];
      }
    }
    if (holders.length > 0) {
      fields.holders = [[], holders];
    }
    await setHolders(ctx, post.id, [], holders);
    await ctx.record('post', post.id, 'created', fields);
    ctx.report.posts.created += 1;
    return;
  }

  const before = await holderIds(ctx, post.id);
  const diff = diffColumns(post.before, values);
  const reopened = post.before.status === 'ended';
  const update: Record<string, unknown> = {};
  for (const [column, [, value]] of Object.entries(diff)) {
    update[column] = value;
  }
  if (before.join() !== holders.join()) {
    diff.holders = [before, holders];
  }
  if (reopened) {
    diff.status = ['ended', 'active'];
    Object.assign(update, { status: 'active', ended_at: null });
  }
  if (Object.keys(diff).length === 0) {
    return;
  }
  await ctx.db
    .updateTable('posts')
    .set({ ...update, updated_at: ctx.now })
    .where('id', '=', post.id)
    .execute();
  await setHolders(ctx, post.id, before, holders);
  await ctx.record('post', post.id, reopened ? 'reopened' : 'updated', diff);
  ctx.report.posts[reopened ? 'reopened' : 'updated'] += 1;
}

/**
 * Ends the department's active posts that the return no longer lists, and
 * unlinks whoever held them. The post and its history stay.
 */
export async function endPostsNotIn(
  ctx: ImportContext,
  departmentId: number,
  keep: Set<string>,
): Promise<void> {
  for (let after = 0; ;) {
    const page = await ctx.db
      .selectFrom('posts')
      .select(['id', 'reference'])
      .where('department_id', '=', departmentId)
      .where('status', '=', 'active')
      .where('id', '>', after)
      .orderBy('id')
      .limit(500)
      .execute();
    if (page.length === 0) {
      return;
    }
    after = page[page.length - 1]?.id ?? after;
    for (const post of page.filter((row) => !keep.has(row.reference))) {
      const before = await holderIds(ctx, post.id);
      await ctx.db
        .updateTable('posts')
        .set({ status: 'ended', ended_at: ctx.now, updated_at: ctx.now })
        .where('id', '=', post.id)
        .execute();
      await setHolders(ctx, post.id, before, []);
      const fields: Record<string, FieldChange> = {
        status: ['active', 'ended'],
      };
      if (before.length > 0) {
        fields.holders = [before, []];
      }
      await ctx.record('post', post.id, 'ended', fields);
      ctx.report.posts.ended += 1;
    }
  }
}
