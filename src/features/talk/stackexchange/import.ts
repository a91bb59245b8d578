import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { requireFile, requireFolder } from '../../../platform/input-paths.ts';
import { ensureSiteCategory } from '../categories.ts';
import { findCategoryRow } from '../places.ts';
import { appendPost } from '../posts.ts';
import { setImportedScore } from '../reactions.ts';
import { DumpReading } from './bundles.ts';
import type { Bundle, BundlePost } from './bundles.ts';
import { readComments, readPosts } from './reader.ts';
import { emptyStackExchangeReport } from './report.ts';
import type { StackExchangeReport } from './report.ts';
import { addMissingTags, insertImportedThread } from './storage.ts';

// `civilmedia import stackexchange DIR --category SLUG`: each question of
// Posts.xml becomes a thread in a site category, made when missing. Its
// comments follow it, then each answer in time order followed by its own
// comments: the order Stack Exchange shows them in. A comment is a reply
// that quotes the post it is on (quote_of) and says so in its first
// line. Scores become the posts' imported score, never made-up people;
// comments with no votes carry none, as the site showed none. Authors
// are named former contributors: the dump has no e-mail addresses, and
// Users.xml is not read, so a user with no display name in the rows is
// "user12", as Stack Exchange names deleted users. A question's tags
// become its thread's tags, folded as Talk folds every tag.
//
// Every thread and post has an import key of the category and its dump
// id, so a second run adds nothing, and a later dump adds only what is
// new (at the end of its thread). One site's dump per category: ids of
// two sites would meet. Both files are read as streams, but the posts
// are kept (as Markdown) until the comments are read, so memory grows
// with the dump: a few MB for a site's meta, not Stack Overflow.

const THREADS_PER_TRANSACTION = 50;

/** Sources of one dump; `comments` may be missing. */
export interface DumpSources {
  posts: AsyncIterable<Uint8Array>;
  comments?: AsyncIterable<Uint8Array>;
}

/** Imports DIR/Posts.xml and DIR/Comments.xml. */
export async function importStackExchangeDirectory(
  db: Db,
  directory: string,
  options: { category: string },
): Promise<StackExchangeReport> {
  const posts = join(directory, 'Posts.xml');
  const comments = join(directory, 'Comments.xml');
  requireFolder('directory', directory);
  if (!existsSync(posts)) {
    const message = `${directory} holds no Posts.xml`;
    throw new ValidationError({ directory: message }, message);
  }
  requireFile('directory', posts);
  return importStackExchange(
    db,
    {
      posts: createReadStream(posts),
      ...(existsSync(comments) ? { comments: createReadStream(comments) } : {}),
    },
    directory,
    options,
  );
}

/** Imports a dump from byte streams; `name` is for the report. */
export async function importStackExchange(
  db: Db,
  sources: DumpSources,
  name: string,
  options: { category: string },
): Promise<StackExchangeReport> {
  const started = performance.now();
  const report = emptyStackExchangeReport(name, options.category);
  const reading = new DumpReading(report);
  for await (const event of readPosts(sources.posts)) {
    reading.postEvent(event);
  }
  if (sources.comments) {
    for await (const event of readComments(sources.comments)) {
      if (event.kind === 'comment') {
        reading.comment(event.comment);
      } else {
        reading.skip(`Comments.xml line ${event.row.line}`, event.row.reason);
      }
    }
  } else {
    reading.skip('Comments.xml', 'the directory holds no Comments.xml');
  }

  const category = await db.transaction().execute(async (trx) => {
    const found = await findCategoryRow(trx, { slug: options.category });
    if (found && found.groupId !== null) {
      const message = `${options.category} is a group's discussions, not a site category`;
      throw new ValidationError({ category: message }, message);
    }
    report.categoryCreated = !found;
    return (
      found ??
      (await ensureSiteCategory(
        trx,
        options.category,
        nameOf(options.category),
      ))
    );
  });
  const bundles = reading.bundles(`stackexchange:${category.id}`, category.id);
  for (let at = 0; at < bundles.length; at += THREADS_PER_TRANSACTION) {
    const batch = bundles.slice(at, at + THREADS_PER_TRANSACTION);
    await db.transaction().execute((trx) => writeBatch(trx, batch, report));
  }
  report.milliseconds = performance.now() - started;
  return report;
}

/** "history-meta" as a category name: "History meta". */
function nameOf(slug: string): string {
  const words = slug.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Writes a batch of threads: new ones whole, known ones what they lack. */
async function writeBatch(
  db: Db,
  batch: Bundle[],
  report: StackExchangeReport,
): Promise<void> {
  const known = await db
    .selectFrom('talk_threads')
    .select(['id', 'import_key', 'created_at', 'accepted_post_id'])
    .where(
      'import_key',
      'in',
      batch.map((bundle) => bundle.importKey),
    )
    .execute();
  const byKey = new Map(known.map((row) => [row.import_key, row]));
  for (const bundle of batch) {
    const existing = byKey.get(bundle.importKey);
    if (!existing) {
      await insertImportedThread(db, bundle);
      countAdded(report, bundle.posts, bundle.acceptedKey !== undefined);
      report.added.tags += bundle.tags.length;
      continue;
    }
    const created = Date.parse(String(existing.created_at));
    if (created !== Date.parse(bundle.source.createdAt)) {
      report.skipped.push({
        where: `question ${bundle.source.id}`,
        reason:
          'a thread of another dump holds its key in this category ' +
          '(one site per category)',
      });
      continue;
    }
    await addMissingPosts(db, existing, bundle, report);
    report.added.tags += await addMissingTags(db, existing.id, bundle.tags);
  }
}

/** Appends what a known thread lacks, in order, and sets its answer. */
async function addMissingPosts(
  db: Db,
  thread: { id: number; accepted_post_id: number | null },
  bundle: Bundle,
  report: StackExchangeReport,
): Promise<void> {
  const rows = await db
    .selectFrom('talk_posts')
    .select(['id', 'import_key'])
    .where('thread_id', '=', thread.id)
    .execute();
  const ids = new Map(rows.map((row) => [row.import_key ?? '', row.id]));
  const added: BundlePost[] = [];
  for (const post of bundle.posts) {
    if (ids.has(post.importKey)) {
      continue;
    }
    const id = await appendPost(db, thread.id, {
      body: post.body,
      authorId: null,
      authorName: post.authorName,
      createdAt: post.createdAt,
      quoteOf: post.commentOn ? (ids.get(post.commentOn) ?? null) : null,
      importKey: post.importKey,
    });
    ids.set(post.importKey, id);
    if (post.score !== null) {
      await setImportedScore(db, id, post.score, post.createdAt);
    }
    added.push(post);
  }
  const accepted = bundle.acceptedKey && ids.get(bundle.acceptedKey);
  const accepting = thread.accepted_post_id === null && Boolean(accepted);
  if (accepting) {
    await db
      .updateTable('talk_threads')
      .set({ accepted_post_id: accepted || null })
      .where('id', '=', thread.id)
      .execute();
  }
  countAdded(report, added, accepting);
}

function countAdded(
  report: StackExchangeReport,
  posts: BundlePost[],
  accepted: boolean,
): void {
  const added = report.added;
  for (const post of posts) {
    added[`${post.kind}s`] += 1;
    added.scores += post.score === null ? 0 : 1;
  }
  added.acceptedAnswers += accepted ? 1 : 0;
}
