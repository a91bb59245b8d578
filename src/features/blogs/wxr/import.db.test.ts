import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { renderMarkdown } from '../../../platform/markdown.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { buildGroup } from '../../../test-support/groups.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { readFileFacts } from './file-facts.ts';
import type { FactItem } from './file-facts.ts';
import { importWxr, importWxrFile } from './import.ts';

// Each real file goes into a group's blog of its own, so its pages go to
// that group's wiki and nothing of another file is counted. What the
// database should hold is worked out from the file by ./file-facts.ts,
// a separate reading that shares no code with the importer.

const FILES = [
  'small-export.xml',
  'theme-unit-test-data.xml',
  'valid-wxr-1.0.xml',
  'wxr-utf-8-challenges.xml',
];

const ZONE = { timeZone: 'Europe/London' };

function fileText(name: string): string {
  return readFileSync(sharedDataPath('wxr', name), 'utf8');
}

function bytesOf(text: string) {
  return () =>
    (async function* () {
      yield Buffer.from(text, 'utf8');
    })();
}

async function newGroupSlug(db: Kysely<Database>): Promise<string> {
  return (await buildGroup(db, await buildPerson(db))).slug;
}

/** The WordPress id at the end of an import key. */
function wordPressId(key: string | null): number {
  return Number(key?.split(':').pop());
}

/** Our status and audience for a WordPress post, as the issue states it. */
function expectedPlace(item: FactItem): string {
  const status =
    { publish: 'published', private: 'published', future: 'scheduled' }[
      item.status
    ] ?? 'draft';
  const audience =
    item.status === 'private'
      ? 'private'
      : item.password !== ''
        ? 'members'
        : 'everyone';
  return `${status}/${audience}`;
}

function tally(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) {
    counts[value] = (counts[value] ?? 0) + 1;
  }
  return counts;
}

async function storedPosts(db: Kysely<Database>, blogSlug: string) {
  return db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select([
      'p.id',
      'p.title',
      'p.summary',
      'p.body',
      'p.status',
      'p.audience',
      'p.publish_at',
      'p.author_id',
      'p.author_name',
      'p.comment_count',
      'p.import_key',
    ])
    .where('b.slug', '=', blogSlug)
    .orderBy('p.id')
    .execute();
}

async function storedComments(db: Kysely<Database>, blogSlug: string) {
  return db
    .selectFrom('blog_comments as c')
    .innerJoin('blog_posts as p', 'p.id', 'c.post_id')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .leftJoin('blog_comments as parent', 'parent.id', 'c.parent_id')
    .select([
      'c.import_key',
      'c.status',
      'p.import_key as post_key',
      'parent.import_key as parent_key',
    ])
    .where('b.slug', '=', blogSlug)
    .execute();
}

async function storedTags(db: Kysely<Database>, blogSlug: string) {
  const rows = await db
    .selectFrom('blog_post_tags as t')
    .innerJoin('blog_posts as p', 'p.id', 't.post_id')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select(['p.import_key', 't.tag_key'])
    .where('b.slug', '=', blogSlug)
    .execute();
  const byPost: Record<number, string[]> = {};
  for (const row of rows) {
    (byPost[wordPressId(row.import_key)] ??= []).push(row.tag_key);
  }
  return Object.fromEntries(
    Object.entries(byPost).map(([id, keys]) => [id, keys.sort()]),
  );
}

async function wikiPageTitles(db: Kysely<Database>, space: string) {
  const rows = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .select('p.title')
    .where('s.key', '=', space)
    .execute();
  return rows.map((row) => row.title).sort();
}

function expectedTags(items: FactItem[]): Record<number, string[]> {
  const byPost: Record<number, string[]> = {};
  for (const item of items.filter((each) => each.type === 'post')) {
    const keys = new Set(
      item.terms
        .filter((term) =>
          ['category', 'post_tag', 'tag', ''].includes(term.domain),
        )
        .map((term) => term.name.normalize('NFKC').toLowerCase()),
    );
    if (keys.size > 0) {
      byPost[item.id] = [...keys].sort();
    }
  }
  return byPost;
}

await describeEachDatabase('WordPress import', (database) => {
  for (const file of FILES) {
    it(`imports ${file} with its posts, pages, comments and tags, status by status`, async () => {
      const { db } = database();
      const items = readFileFacts(fileText(file));
      const slug = await newGroupSlug(db);

      const report = await importWxrFile(db, sharedDataPath('wxr', file), {
        blog: slug,
        ...ZONE,
      });

      const posts = items.filter((item) => item.type === 'post');
      const stored = await storedPosts(db, slug);
      assert.deepEqual(
        tally(stored.map((post) => `${post.status}/${post.audience}`)),
        tally(posts.map(expectedPlace)),
      );
      assert.deepEqual(
        stored.map((post) => wordPressId(post.import_key)).sort(),
        posts.map((post) => post.id).sort(),
      );

      const pages = items.filter((item) => item.type === 'page');
      const published = pages.filter(
        (page) => page.status === 'publish' && page.password === '',
      );
      assert.equal((await wikiPageTitles(db, slug)).length, published.length);
      assert.equal(report.added.pages, published.length);
      assert.equal(
        report.skipped.filter((entry) => entry.where.startsWith('page '))
          .length,
        pages.length - published.length,
      );

      const fileComments = posts.flatMap((post) =>
        post.comments.filter((c) => ['', 'comment'].includes(c.type)),
      );
      const comments = await storedComments(db, slug);
      assert.deepEqual(
        tally(comments.map((comment) => comment.status)),
        tally(
          fileComments
            .filter((c) => c.approved === '1' || c.approved === '0')
            .map((c) => (c.approved === '1' ? 'approved' : 'pending')),
        ),
      );
      const approvedOnPosts = tally(
        comments
          .filter((comment) => comment.status === 'approved')
          .map((comment) => String(wordPressId(comment.post_key))),
      );
      for (const post of stored) {
        const id = String(wordPressId(post.import_key));
        assert.equal(post.comment_count, approvedOnPosts[id] ?? 0, id);
      }

      assert.deepEqual(await storedTags(db, slug), expectedTags(items));
      assert.equal(
        report.added.attachments,
        items.filter((item) => item.type === 'attachment').length,
      );
    });
  }

  it('keeps each nested comment under the one it answers', async () => {
    const { db } = database();
    const items = readFileFacts(fileText('theme-unit-test-data.xml'));
    const slug = await newGroupSlug(db);
    await importWxrFile(db, sharedDataPath('wxr', 'theme-unit-test-data.xml'), {
      blog: slug,
      ...ZONE,
    });

    const onPosts = items
      .filter((item) => item.type === 'post')
      .flatMap((item) => item.comments)
      .filter((c) => c.type === '' || c.type === 'comment');
    const parents = new Map(onPosts.map((c) => [c.id, c.parent]));
    const comments = await storedComments(db, slug);
    const replies = comments.filter((comment) => comment.parent_key !== null);
    assert.equal(replies.length, onPosts.filter((c) => c.parent !== 0).length);
    assert.ok(replies.length >= 9);
    for (const comment of comments) {
      const parent = comment.parent_key ? wordPressId(comment.parent_key) : 0;
      assert.equal(parent, parents.get(wordPressId(comment.import_key)));
    }
  });

  it('keeps every character of the UTF-8 challenge file', async () => {
    const { db } = database();
    const [source] = readFileFacts(fileText('wxr-utf-8-challenges.xml'));
    const slug = await newGroupSlug(db);
    await importWxrFile(db, sharedDataPath('wxr', 'wxr-utf-8-challenges.xml'), {
      blog: slug,
      ...ZONE,
    });

    const [post] = await storedPosts(db, slug);
    assert.ok(source && post);
    assert.equal(post.title, source.title);
    assert.equal(post.summary, source.excerpt);
    assert.deepEqual(
      [...visibleText(htmlText(renderForTest(post.body)))],
      [...visibleText(htmlText(source.content))],
    );
  });

  it('adds nothing when the same file is imported again', async () => {
    const { db } = database();
    const slug = await newGroupSlug(db);
    const path = sharedDataPath('wxr', 'theme-unit-test-data.xml');
    const first = await importWxrFile(db, path, { blog: slug, ...ZONE });
    const postsBefore = await storedPosts(db, slug);
    const commentsBefore = await storedComments(db, slug);

    const second = await importWxrFile(db, path, { blog: slug, ...ZONE });

    assert.deepEqual(second.added, {
      posts: 0,
      pages: 0,
      comments: 0,
      attachments: 0,
    });
    assert.deepEqual(second.alreadyThere, first.added);
    assert.deepEqual(await storedPosts(db, slug), postsBefore);
    assert.equal(
      (await storedComments(db, slug)).length,
      commentsBefore.length,
    );
  });

  it('imports the whole items of a file cut off mid-item and reports the rest', async () => {
    const { db } = database();
    const text = fileText('small-export.xml');
    const cut = text.slice(0, text.indexOf('<title>Many Categories</title>'));
    const whole = readFileFacts(cut);
    const slug = await newGroupSlug(db);

    const report = await importWxr(db, bytesOf(cut), 'cut.xml', {
      blog: slug,
      ...ZONE,
    });

    const posts = await storedPosts(db, slug);
    assert.equal(posts.length, whole.filter((i) => i.type === 'post').length);
    assert.ok(posts.length > 0);
    assert.ok(
      report.skipped.some(
        (entry) => entry.reason === 'the file ends inside this item',
      ),
    );
  });

  it('credits posts to the person with the author’s e-mail address', async () => {
    const { db } = database();
    const editor = await buildPerson(db, {
      displayName: 'Edith Editor',
      email: 'EDITOR@example.org',
    });
    const slug = await newGroupSlug(db);
    const report = await importWxrFile(
      db,
      sharedDataPath('wxr', 'small-export.xml'),
      { blog: slug, ...ZONE },
    );

    const posts = await storedPosts(db, slug);
    const credited = posts.filter((post) => post.author_id === editor);
    assert.equal(credited.length, 1);
    assert.equal(credited[0]?.author_name, 'Edith Editor');
    assert.deepEqual(report.authors.matched, ['Edith Editor']);
    assert.deepEqual(report.authors.formerContributors, ['admin', 'author']);
  });

  it('keeps a scheduled post’s date and makes a site blog from the channel', async () => {
    const { db } = database();
    const report = await importWxrFile(
      db,
      sharedDataPath('wxr', 'theme-unit-test-data.xml'),
      { blog: 'theme-tests', ...ZONE },
    );

    assert.equal(report.blogCreated, true);
    assert.equal(report.wikiSpace, 'site');
    const blog = await db
      .selectFrom('blogs')
      .select(['kind', 'title'])
      .where('slug', '=', 'theme-tests')
      .executeTakeFirstOrThrow();
    assert.deepEqual(blog, { kind: 'site', title: 'Theme Unit Test Data' });
    const scheduled = (await storedPosts(db, 'theme-tests')).filter(
      (post) => post.status === 'scheduled',
    );
    assert.deepEqual(
      scheduled.map((post) => [post.title, post.publish_at]),
      [['Scheduled', '2030-01-01T19:00:18.000Z']],
    );
  });
});

/** Markdown as readers see it, for comparing text. */
function renderForTest(markdown: string): string {
  return renderMarkdown(markdown);
}

/** The text of HTML, character references decoded as HTML does. */
function htmlText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);|&#(\d+);/gi, (_, hex?: string, dec?: string) => {
      const code = hex ? parseInt(hex, 16) : Number(dec);
      const surrogate = code >= 0xd800 && code <= 0xdfff;
      return surrogate || code === 0 ? '\uFFFD' : String.fromCodePoint(code);
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every character but the ASCII spaces and line ends HTML folds away. */
function visibleText(text: string): string {
  return text.replace(/[ \t\n\r\f]+/g, '');
}
