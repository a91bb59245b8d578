import { cleanLine } from '../../../platform/text.ts';
import {
  commentToMarkdown,
  escapeMarkdownText,
  htmlToMarkdown,
} from './html-markdown.ts';
import type { DumpAuthor, DumpComment, DumpPost, PostEvent } from './reader.ts';
import type { StackExchangeReport } from './report.ts';
import type { ImportedPost, ImportedThread } from './storage.ts';
import { tagKey } from '../status/text.ts';
import type { ThreadTag } from '../tags/tags.ts';

// What the importer reads from a dump, checked, converted to Markdown
// and put in thread order before anything is written: the question, its
// comments, then each answer in time order followed by its comments.

export type PostKind = 'question' | 'answer' | 'comment';

export interface BundlePost extends ImportedPost {
  kind: PostKind;
}

export interface Bundle extends ImportedThread {
  posts: BundlePost[];
  source: DumpPost;
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
export class DumpReading {
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
      report.tags[tag] = (report.tags[tag] ?? 0) + 1;
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
      tags: importedTags(question.tags),
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

/**
 * A question's tags as Talk keeps them: folded as every tag is, one of
 * each key. They are stored as the site had them, even where Talk's own
 * form would refuse one: the dump is the record of what was there.
 */
function importedTags(tags: string[]): ThreadTag[] {
  const byKey = new Map<string, string>();
  for (const tag of tags) {
    const key = tagKey(tag);
    if (key !== '' && !byKey.has(key)) {
      byKey.set(key, tag);
    }
  }
  return [...byKey].map(([key, tag]) => ({ key, tag }));
}

function byTime(
  a: { createdAt: string; id: number },
  b: { createdAt: string; id: number },
): number {
  return a.createdAt.localeCompare(b.createdAt) || a.id - b.id;
}
