import type { ImportRun } from './import.ts';
import { writePage, refusedPage } from './pages.ts';
import {
  audienceOf,
  bodyOf,
  orderComments,
  placeComment,
  placePost,
  postInstant,
  slugOf,
  summaryOf,
  tagsOf,
} from './posts.ts';
import { instantOf } from './dates.ts';
import type { WxrItem } from './reader.ts';
import { countIn } from './report.ts';
import type { WxrReport } from './report.ts';
import {
  findImportedPost,
  insertImportedComments,
  insertImportedPost,
} from './storage.ts';
import type { ImportedComment } from './storage.ts';

// One item of the export, written: a post with its tags and comments in
// one transaction, or a page through the wiki's own import.

function describe(item: WxrItem): string {
  return `${item.type} ${item.id ?? '?'} “${item.title || '(no title)'}”`;
}

/** A post, unless an earlier run brought it; then only new comments. */
export async function importPost(run: ImportRun, item: WxrItem) {
  const { report } = run;
  const where = describe(item);
  const placement = placePost(item.status);
  if ('refused' in placement) {
    report.skipped.push({ where, reason: placement.refused });
    return;
  }
  if (item.id === undefined) {
    report.skipped.push({ where, reason: 'it has no post id' });
    return;
  }
  const instant = postInstant(item, run.zone);
  if (instant === undefined && placement.status !== 'draft') {
    report.skipped.push({
      where,
      reason: `its date “${item.dateGmt || item.date}” cannot be read`,
    });
    return;
  }
  const importKey = run.keyOf('post', { ...item, id: item.id });
  const comments = await commentsOf(run, item, importKey);
  await run.db.transaction().execute(async (trx) => {
    let postId = await findImportedPost(trx, importKey);
    if (postId !== undefined) {
      report.alreadyThere.posts += 1;
    } else {
      const converted = bodyOf(item);
      for (const [name, n] of Object.entries(converted.shortcodesKept)) {
        report.shortcodesKept[name] = (report.shortcodesKept[name] ?? 0) + n;
      }
      const title = item.title || '(no title)';
      if (item.title === '') {
        report.notes.push({ where, note: 'it has no title: “(no title)”' });
      }
      const audience = audienceOf(item, placement.private);
      const author = await run.authors.ofPost(trx, item.creator);
      if (audience === 'private' && author.personId === null) {
        report.warnings.push({
          where,
          warning:
            `private, and its author “${author.name}” is no person here, ` +
            'so only the blog’s managers can read it',
        });
      }
      postId = await insertImportedPost(trx, run.blog.id, {
        importKey,
        slug: slugOf(item),
        title,
        summary: summaryOf(item),
        body: converted.markdown,
        status: placement.status,
        audience,
        publishAt: placement.status === 'draft' ? null : (instant ?? null),
        createdAt: instant ?? new Date().toISOString(),
        author,
        tags: tagsOf(item.terms),
      });
      report.added.posts += 1;
      report.postStatuses[placement.status] += 1;
      report.postAudiences[audience] += 1;
    }
    const added = await insertImportedComments(trx, postId, comments);
    countComments(report, comments.length, added);
  });
}

function countComments(
  report: WxrReport,
  offered: number,
  added: ImportedComment[],
): void {
  report.added.comments += added.length;
  report.alreadyThere.comments += offered - added.length;
  for (const comment of added) {
    report.commentStatuses[comment.status] += 1;
  }
}

/** The item's comments to import, parents first; the rest counted. */
async function commentsOf(
  run: ImportRun,
  item: WxrItem,
  postKey: string,
): Promise<ImportedComment[]> {
  const { report } = run;
  const kept: (WxrItem['comments'][number] & {
    status: 'approved' | 'pending';
    createdAt: string;
  })[] = [];
  for (const comment of item.comments) {
    const placement = placeComment(comment);
    if ('leftOut' in placement) {
      countIn(report.commentsLeftOut, placement.leftOut);
      continue;
    }
    const where = `comment ${comment.id ?? '?'} on ${describe(item)}`;
    const createdAt = instantOf(comment.dateGmt, comment.date, run.zone);
    if (comment.id === undefined || createdAt === undefined) {
      report.skipped.push({
        where,
        reason:
          comment.id === undefined
            ? 'it has no comment id'
            : `its date “${comment.dateGmt || comment.date}” cannot be read`,
      });
      continue;
    }
    kept.push({ ...comment, status: placement.status, createdAt });
  }
  const ordered = orderComments(kept, item.comments);
  const keyOf = (comment: { id?: number; dateGmt: string; date: string }) =>
    run.commentKeyOf(postKey, { ...comment, id: comment.id ?? 0 });
  const byId = new Map(kept.map((comment) => [comment.id, comment]));
  const imported: ImportedComment[] = [];
  for (const { comment, parentId } of ordered) {
    const parent = parentId === undefined ? undefined : byId.get(parentId);
    imported.push({
      importKey: keyOf(comment),
      ...(parent ? { parentKey: keyOf(parent) } : {}),
      author: await run.authors.ofComment(run.db, comment),
      body: bodyOf({ ...item, content: comment.content }).markdown,
      status: comment.status,
      createdAt: comment.createdAt,
    });
  }
  return imported;
}

/** A page into the wiki, under the title settled for it. */
export async function importPage(run: ImportRun, item: WxrItem) {
  const { report } = run;
  const where = describe(item);
  for (const comment of item.comments) {
    const placement = placeComment(comment);
    countIn(
      report.commentsLeftOut,
      'leftOut' in placement
        ? placement.leftOut
        : 'on a page (wiki pages have no comments)',
    );
  }
  const refused = refusedPage(item);
  const title = item.id === undefined ? undefined : run.pageTitles.get(item.id);
  const createdAt = instantOf(item.dateGmt, item.date, run.zone);
  if (refused || title === undefined || createdAt === undefined) {
    report.skipped.push({
      where,
      reason:
        refused ??
        (title === undefined
          ? 'it has no page id'
          : `its date “${item.dateGmt || item.date}” cannot be read`),
    });
    return;
  }
  if (item.title !== title.split('/').pop()) {
    report.notes.push({ where, note: `in the wiki as “${title}”` });
  }
  const converted = bodyOf(item);
  const author = await run.authors.ofPost(run.db, item.creator);
  const created = await run.db.transaction().execute((trx) =>
    writePage(trx, run.space, {
      title,
      body: converted.markdown,
      author,
      createdAt,
      importKey: run.keyOf('page', { ...item, id: item.id ?? 0 }),
    }),
  );
  report[created ? 'added' : 'alreadyThere'].pages += 1;
}
