import assert from 'node:assert/strict';
import { createReadStream, readFileSync } from 'node:fs';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { importStackExchange, importStackExchangeDirectory } from './import.ts';
import { readPosts } from './reader.ts';

// The real dump's numbers are those of ../shared/data/SOURCES.md (section
// forum/); what is stored is counted back from the tables, not taken
// from the importer's report.

async function* bytesOf(text: string): AsyncGenerator<Uint8Array> {
  yield Buffer.from(text, 'utf8');
}

/** What a category holds, counted from Talk's tables. */
async function storedCounts(db: Kysely<Database>, slug: string) {
  const posts = await db
    .selectFrom('talk_posts as p')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .select(['p.position', 'p.import_key'])
    .where('c.slug', '=', slug)
    .execute();
  const threads = await db
    .selectFrom('talk_threads as t')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .select(['t.locked', 't.accepted_post_id', 't.reply_count'])
    .where('c.slug', '=', slug)
    .execute();
  const keyed = (part: string) =>
    posts.filter((post) => post.import_key?.includes(part)).length;
  return {
    threads: threads.length,
    questions: posts.filter((post) => post.position === 1).length,
    answers: keyed(':post:') - posts.filter((p) => p.position === 1).length,
    comments: keyed(':comment:'),
    acceptedAnswers: threads.filter((t) => t.accepted_post_id !== null).length,
    locked: threads.filter((thread) => Number(thread.locked) === 1).length,
    replies: threads.reduce((sum, t) => sum + Number(t.reply_count), 0),
  };
}

/** Each stored question's accepted answer, as dump ids. */
async function storedAcceptedAnswers(db: Kysely<Database>, slug: string) {
  const rows = await db
    .selectFrom('talk_threads as t')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .innerJoin('talk_posts as a', 'a.id', 't.accepted_post_id')
    .select(['t.import_key as question', 'a.import_key as answer'])
    .where('c.slug', '=', slug)
    .execute();
  const id = (key: string | null) => Number(key?.split(':').at(-1));
  return new Map(rows.map((row) => [id(row.question), id(row.answer)]));
}

async function acceptedAnswersInFile(): Promise<Map<number, number>> {
  const accepted = new Map<number, number>();
  const file = createReadStream(sharedDataPath('forum', 'Posts.xml'));
  for await (const event of readPosts(file)) {
    if (event.kind === 'post' && event.post.acceptedAnswerId !== undefined) {
      accepted.set(event.post.id, event.post.acceptedAnswerId);
    }
  }
  return accepted;
}

/**
 * The questions' tags as the file holds them, read with a plain pattern
 * over its rows (one row a line), not with the importer's reader: the
 * distinct tags and the question-tag pairs.
 */
function tagsInFile(): { tags: number; pairs: number } {
  const text = readFileSync(sharedDataPath('forum', 'Posts.xml'), 'utf8');
  const tags = new Set<string>();
  let pairs = 0;
  for (const line of text.split('\n')) {
    if (!/^\s*<row [^>]*PostTypeId="1"/.test(line)) {
      continue;
    }
    const packed = /\sTags="([^"]*)"/.exec(line)?.[1] ?? '';
    const decoded = packed.replaceAll('&lt;', '<').replaceAll('&gt;', '>');
    const own = new Set([...decoded.matchAll(/<([^<>]+)>/g)].map((m) => m[1]));
    pairs += own.size;
    own.forEach((tag) => tags.add(String(tag).toLowerCase()));
  }
  return { tags: tags.size, pairs };
}

/** The thread tags stored in a category: distinct keys and pairs. */
async function storedTags(db: Kysely<Database>, slug: string) {
  const rows = await db
    .selectFrom('talk_thread_tags as tt')
    .innerJoin('talk_threads as t', 't.id', 'tt.thread_id')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .select(['tt.tag_key', 'tt.thread_id'])
    .where('c.slug', '=', slug)
    .execute();
  return {
    tags: new Set(rows.map((row) => row.tag_key)).size,
    pairs: rows.length,
  };
}

async function threadPosts(db: Kysely<Database>, slug: string) {
  return db
    .selectFrom('talk_posts as p')
    .innerJoin('talk_threads as t', 't.id', 'p.thread_id')
    .innerJoin('talk_categories as c', 'c.id', 't.category_id')
    .leftJoin('talk_posts as q', 'q.id', 'p.quote_of')
    .leftJoin('talk_reactions as r', 'r.post_id', 'p.id')
    .select([
      't.title',
      'p.position',
      'p.shown_position',
      'p.author_name',
      'p.body',
      'p.edited_at',
      'p.import_key',
      'q.import_key as quotes',
      'r.count as score',
    ])
    .where('c.slug', '=', slug)
    .orderBy('t.id')
    .orderBy('p.position')
    .execute();
}

const POSTS = `\uFEFF<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE posts SYSTEM 'posts.dtd'>
<posts>
  <row Id="1" PostTypeId="1" AcceptedAnswerId="3" CreationDate="2012-01-01T10:00:00.000" Score="5" Title="Is &lt;b&gt; bold?" Tags="&lt;meta&gt;&lt;html&gt;" Body="&lt;p onclick=&quot;x()&quot;&gt;Why &lt;a href=&quot;javascript:alert(1)&quot;&gt;this&lt;/a&gt;?&lt;script&gt;alert(2)&lt;/script&gt;&lt;/p&gt;" OwnerUserId="12" LastEditDate="2012-01-02T00:00:00.000" ClosedDate="2012-02-01T00:00:00.000" />
  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2012-01-01T11:00:00.000" Score="0" Body="&lt;p&gt;First&lt;/p&gt;" OwnerDisplayName="Gone *User*" />
  <row Id="3" PostTypeId="2" ParentId="1" CreationDate="2012-01-01T12:00:00.000" Score="-1" Body="&lt;p&gt;Second&lt;/p&gt;" OwnerUserId="-1" />
  <row Id="4" PostTypeId="2" ParentId="99" CreationDate="2012-01-01T12:00:00.000" Score="1" Body="orphan" OwnerUserId="5" />
  <row Id="5" PostTypeId="1" AcceptedAnswerId="77" CreationDate="2011-06-01T00:00:00.000" Score="1" Title="Older" Body="" Tags="|meta|" />
  <row Id="6" PostTypeId="1" CreationDate="never" Score="1" Title="Broken" Body="x" />
  <row Id="7" PostTypeId="4" CreationDate="2012-01-01T12:00:00.000" Body="tag wiki" />
</posts>`;

const COMMENTS = `<comments>
  <row Id="10" PostId="2" Score="3" Text="On the first answer" CreationDate="2012-01-01T13:00:00.000" UserId="12" />
  <row Id="11" PostId="1" Score="0" Text="# On the question" CreationDate="2012-01-01T14:00:00.000" UserDisplayName="Old" />
  <row Id="12" PostId="4" Score="0" Text="on the orphan" CreationDate="2012-01-01T14:00:00.000" UserId="3" />
  <row Id="13" PostId="404" Score="0" Text="nowhere" CreationDate="2012-01-01T14:00:00.000" UserId="3" />
</comments>`;

await describeEachDatabase('importing a Stack Exchange dump', (database) => {
  it('imports the real dump as the files count it; twice adds nothing', async () => {
    const { db } = database();
    const directory = sharedDataPath('forum');
    const report = await importStackExchangeDirectory(db, directory, {
      category: 'history-meta',
    });
    assert.deepEqual(report.skipped, []);
    assert.equal(report.categoryCreated, true);
    assert.deepEqual(report.read, {
      questions: 556,
      answers: 1095,
      comments: 3454,
      acceptedAnswers: 181,
      tagWikiEntries: 6,
    });
    assert.deepEqual(
      { ...report.added, scores: undefined },
      {
        questions: 556,
        answers: 1095,
        comments: 3454,
        acceptedAnswers: 181,
        scores: undefined,
        tags: 981,
      },
    );
    const fileTags = tagsInFile();
    assert.deepEqual(fileTags, { tags: 65, pairs: 981 });
    assert.deepEqual(await storedTags(db, 'history-meta'), fileTags);
    assert.equal(Object.keys(report.tags).length, 65);
    assert.equal(report.closedQuestions, 8);
    assert.deepEqual(await storedCounts(db, 'history-meta'), {
      threads: 556,
      questions: 556,
      answers: 1095,
      comments: 3454,
      acceptedAnswers: 181,
      locked: 8,
      replies: 1095 + 3454,
    });
    assert.deepEqual(
      await storedAcceptedAnswers(db, 'history-meta'),
      await acceptedAnswersInFile(),
    );

    const again = await importStackExchangeDirectory(db, directory, {
      category: 'history-meta',
    });
    assert.equal(again.categoryCreated, false);
    assert.deepEqual(again.added, {
      questions: 0,
      answers: 0,
      comments: 0,
      acceptedAnswers: 0,
      scores: 0,
      tags: 0,
    });
    assert.deepEqual(again.skipped, []);
    assert.equal((await storedCounts(db, 'history-meta')).comments, 3454);
    assert.deepEqual(await storedTags(db, 'history-meta'), fileTags);
  });

  it('keeps comments after their post and skips damaged rows', async () => {
    const { db } = database();
    const report = await importStackExchange(
      db,
      { posts: bytesOf(POSTS), comments: bytesOf(COMMENTS) },
      'peer dump',
      { category: 'peer-meta' },
    );
    assert.deepEqual(
      report.skipped.map((item) => `${item.where}: ${item.reason}`),
      [
        'Posts.xml line 9, post 6: the post has no readable CreationDate',
        'answer 4: its question 99 is not among the questions read',
        'comment 12: its answer was skipped',
        'comment 13: post 404 is not in Posts.xml',
        'question 5: its accepted answer 77 is not among its answers; ' +
          'imported without one',
      ],
    );
    assert.deepEqual(report.tags, { meta: 2, html: 1 });
    assert.equal(report.added.tags, 3);
    assert.deepEqual(report.keptAsText, { script: 1 });
    assert.equal(report.refusedLinks, 1);

    const rows = await threadPosts(db, 'peer-meta');
    assert.deepEqual(
      rows.map((row) => [
        row.title,
        row.position,
        row.author_name,
        row.import_key?.replace(/^stackexchange:\d+:/, ''),
        row.quotes?.replace(/^stackexchange:\d+:/, '') ?? null,
        row.score === null ? null : Number(row.score),
      ]),
      [
        ['Older', 1, 'unknown', 'post:5', null, 1],
        ['Is <b> bold?', 1, 'user12', 'post:1', null, 5],
        ['Is <b> bold?', 2, 'Old', 'comment:11', 'post:1', null],
        ['Is <b> bold?', 3, 'Gone *User*', 'post:2', null, 0],
        ['Is <b> bold?', 4, 'user12', 'comment:10', 'post:2', 3],
        ['Is <b> bold?', 5, 'Community', 'post:3', null, -1],
      ],
    );
    assert.equal(rows[1]?.body, 'Why this?alert(2)');
    assert.equal(rows[1]?.edited_at !== null, true);
    assert.equal(
      rows[2]?.body,
      '*Comment on the question*\n\n\\# On the question',
    );
    assert.equal(
      rows[4]?.body,
      '*Comment on the answer by Gone \\*User\\**\n\nOn the first answer',
    );
    const counts = await storedCounts(db, 'peer-meta');
    assert.equal(counts.locked, 1);
    assert.equal(counts.acceptedAnswers, 1);
  });

  it('adds only what a later dump has new, at the end of its thread', async () => {
    const { db } = database();
    const first = `<posts>
      <row Id="1" PostTypeId="1" CreationDate="2012-01-01T10:00:00" Score="1" Title="Q" Body="q" OwnerUserId="1" />
      <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2012-01-02T10:00:00" Score="1" Body="a" OwnerUserId="2" />
    </posts>`;
    const later = first
      .replace(
        '</posts>',
        '<row Id="3" PostTypeId="2" ParentId="1" CreationDate="2012-01-03T10:00:00" Score="4" Body="b" OwnerUserId="3" /></posts>',
      )
      .replace(
        'Id="1" PostTypeId="1"',
        'Id="1" PostTypeId="1" AcceptedAnswerId="3"',
      );
    await importStackExchange(db, { posts: bytesOf(first) }, 'first', {
      category: 'later-dumps',
    });
    const report = await importStackExchange(
      db,
      { posts: bytesOf(later) },
      'later',
      { category: 'later-dumps' },
    );
    assert.deepEqual(report.added, {
      questions: 0,
      answers: 1,
      comments: 0,
      acceptedAnswers: 1,
      scores: 1,
      tags: 0,
    });
    const rows = await threadPosts(db, 'later-dumps');
    assert.deepEqual(
      rows.map((row) => [row.position, row.shown_position, row.author_name]),
      [
        [1, 1, 'user1'],
        [2, 2, 'user2'],
        [3, 3, 'user3'],
      ],
    );
    assert.deepEqual(await storedCounts(db, 'later-dumps'), {
      threads: 1,
      questions: 1,
      answers: 2,
      comments: 0,
      acceptedAnswers: 1,
      locked: 0,
      replies: 2,
    });
  });

  it('refuses a file that is not a dump file, writing nothing', async () => {
    const { db } = database();
    const wordpress = readFileSync(
      sharedDataPath('wxr', 'small-export.xml'),
      'utf8',
    );
    const cases = [
      {
        posts: wordpress,
        comments: COMMENTS,
        refusal:
          'Posts.xml is not a Stack Exchange dump file: it starts with <rss>, not <posts>',
      },
      {
        posts: 'Id,PostTypeId\n1,1\n',
        comments: COMMENTS,
        refusal:
          'Posts.xml is not a Stack Exchange dump file: it does not begin with an XML element',
      },
      {
        posts: '',
        comments: COMMENTS,
        refusal:
          'Posts.xml is not a Stack Exchange dump file: it holds no XML element',
      },
      {
        posts: POSTS,
        comments: POSTS,
        refusal:
          'Comments.xml is not a Stack Exchange dump file: it starts with <posts>, not <comments>',
      },
    ];
    for (const { posts, comments, refusal } of cases) {
      await assert.rejects(
        importStackExchange(
          db,
          { posts: bytesOf(posts), comments: bytesOf(comments) },
          'not a dump',
          { category: 'not-a-dump' },
        ),
        { message: refusal },
      );
    }
    const made = await db
      .selectFrom('talk_categories')
      .select('slug')
      .where('slug', '=', 'not-a-dump')
      .execute();
    assert.deepEqual(made, []);
  });
});
