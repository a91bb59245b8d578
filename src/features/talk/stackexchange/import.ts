import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { cleanLine } from '../../../platform/text.ts';
import { ensureSiteCategory } from '../categories.ts';
import { findCategoryRow } from '../places.ts';
import { appendPost } from '../posts.ts';
import { setImportedScore } from '../reactions.ts';
import {
  commentToMarkdown,
  escapeMarkdownText,
  htmlToMarkdown,
} from './html-markdown.ts';
import { readComments, readPosts } from './reader.ts';
import type { DumpAuthor, DumpComment, DumpPost, PostEvent } from './reader.ts';
import { emptyStackExchangeReport } from './report.ts';
import type { StackExchangeReport } from './report.ts';
import { insertImportedThread } from './storage.ts';
import type { ImportedPost, ImportedThread } from './storage.ts';

// `civilmedia import stackexchange DIR --category SLUG`: each question of
// Posts.xml becomes a thread in a site category, made when missing. Its
// comments follow it, then each answer in time order followed by its own
// comments: the order Stack Exchange shows them in. A comment is a reply
// that quotes the post it is on (quote_of) and says so in its first
// line. Scores become the posts' imported score, never made-up people;
// comments with no votes carry none, as the site showed none. Authors
// are named former contributors: the dump has no e-mail addresses, and
// Users.xml is not read, so a user with no display name in the rows is
// "user12", as Stack Exchange names deleted users.
//
// Every thread and post has an import key of the category and its dump
// id, so a second run adds nothing, and a later dump adds only what is
// new (at the end of its thread). One site's dump per category: ids of
// two sites would meet. Both files are read as streams, but the posts
// are kept (as Markdown) until the comments are read, so memory grows
// with the dump: a few MB for a site's meta, not Stack Overflow.

const THREADS_PER_TRANSACTION = 50;

type PostKind = 'question' | 'answer' | 'comment';

interface BundlePost extends ImportedPost {
  kind: PostKind;
}

interface Bundle extends ImportedThread {
  posts: BundlePost[];
  source: DumpPost;
}

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
  if (!existsSync(posts)) {
    const message = `${directory} holds no Posts.xml`;
    throw new ValidationError({ directory: message }, message);
  }
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

/** Who wrote a post or comment, as a former contributor's name. */
export function authorName(author: DumpAuthor): string {
  if (author.displayName) {
    return cleanLine(author.displayName);
  }
  if (author.userId === -1) {
    return 'Community';
  }
  return author.userId === undefined ? 'unknown' : `user${author.userId}`;
}

/** What is read from the files, checked and converted, before writing. */
class DumpReading {
  private readonly questions = new Map<number, DumpPost>();
  private readonly answers = new Map<number, DumpPost>();
  private readonly comments = new Map<number, DumpComment[]>();

  constructor(private readonly report: StackExchangeReport) {}

  postEvent(event: PostEvent): void {
    if (event.kind === 'tagWiki') {
      this.report.read.tagWikiEntries += 1;
    } else if (event.kind === 'skipped') {
      const id = event.row.id === undefined ? '' : `, post ${event.row.id}`;
      this.skip(`Posts.xml line ${event.row.line}${id}`, event.row.reason);
    } else {
      const post = this.converted(event.post);
      const into = post.kind === 'question' ? this.questions : this.answers;
      this.report.read[post.kind === 'question' ? 'questions' : 'answers'] += 1;
      into.set(post.id, post);
    }
  }

  comment(comment: DumpComment): void {
    this.report.read.comments += 1;
    const list = this.comments.get(comment.postId) ?? [];
    list.push({ ...comment, text: commentToMarkdown(comment.text) });
    this.comments.set(comment.postId, list);
  }

  skip(where: string, reason: string): void {
    this.report.skipped.push({ where, reason });
  }

  /** The threads to write, oldest question first. */
  bundles(keyPrefix: string, categoryId: number): Bundle[] {
    const answersOf = new Map<number, DumpPost[]>();
    for (const answer of this.answers.values()) {
      const parent = answer.parentId ?? 0;
      if (!this.questions.has(parent)) {
        this.skip(
          `answer ${answer.id}`,
          `its question ${parent} is not among the questions read`,
        );
        this.dropComments(answer.id, 'its answer was skipped');
        continue;
      }
      answersOf.set(parent, [...(answersOf.get(parent) ?? []), answer]);
    }
    for (const [postId] of this.comments) {
      if (!this.questions.has(postId) && !this.answers.has(postId)) {
        this.dropComments(postId, `post ${postId} is not in Posts.xml`);
      }
    }
    const questions = [...this.questions.values()].sort(byTime);
    return questions.map((question) =>
      this.bundle(
        question,
        answersOf.get(question.id) ?? [],
        keyPrefix,
        categoryId,
      ),
    );
  }

  private bundle(
    question: DumpPost,
    answers: DumpPost[],
    keyPrefix: string,
    categoryId: number,
  ): Bundle {
    const report = this.report;
    const posts: BundlePost[] = [];
    const add = (post: DumpPost) => {
      const key = `${keyPrefix}:post:${post.id}`;
      const author = authorName(post.owner);
      posts.push({
        kind: post.kind,
        importKey: key,
        body: post.body || '(no text)',
        authorName: author,
        createdAt: post.createdAt,
        editedAt: post.lastEditedAt ?? null,
        score: post.score,
      });
      const on =
        post.kind === 'question'
          ? 'the question'
          : `the answer by ${escapeMarkdownText(author)}`;
      for (const comment of [...(this.comments.get(post.id) ?? [])].sort(
        byTime,
      )) {
        posts.push({
          kind: 'comment',
          importKey: `${keyPrefix}:comment:${comment.id}`,
          body: `*Comment on ${on}*\n\n${comment.text}`,
          authorName: authorName(comment.author),
          createdAt: comment.createdAt,
          editedAt: null,
          score: comment.score === 0 ? null : comment.score,
          commentOn: key,
        });
      }
    };
    add(question);
    for (const answer of [...answers].sort(byTime)) {
      add(answer);
    }
    for (const tag of question.tags) {
      report.tagsNotStored[tag] = (report.tagsNotStored[tag] ?? 0) + 1;
    }
    report.closedQuestions += question.closedAt ? 1 : 0;
    let acceptedKey: string | undefined;
    if (question.acceptedAnswerId !== undefined) {
      report.read.acceptedAnswers += 1;
      if (answers.some((answer) => answer.id === question.acceptedAnswerId)) {
        acceptedKey = `${keyPrefix}:post:${question.acceptedAnswerId}`;
      } else {
        this.skip(
          `question ${question.id}`,
          `its accepted answer ${question.acceptedAnswerId} is not among ` +
            'its answers; imported without one',
        );
      }
    }
    return {
      source: question,
      categoryId,
      title: cleanLine(question.title ?? ''),
      importKey: `${keyPrefix}:question:${question.id}`,
      locked: question.closedAt !== undefined,
      posts,
      ...(acceptedKey !== undefined ? { acceptedKey } : {}),
    };
  }

  private converted(post: DumpPost): DumpPost {
    const converted = htmlToMarkdown(post.body);
    for (const [name, count] of Object.entries(converted.keptAsText)) {
      this.report.keptAsText[name] =
        (this.report.keptAsText[name] ?? 0) + count;
    }
    this.report.refusedLinks += converted.refusedLinks;
    return { ...post, body: converted.markdown };
  }

  private dropComments(postId: number, reason: string): void {
    for (const comment of this.comments.get(postId) ?? []) {
      this.skip(`comment ${comment.id}`, reason);
    }
    this.comments.delete(postId);
  }
}

function byTime(
  a: { createdAt: string; id: number },
  b: { createdAt: string; id: number },
): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id - b.id;
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
