import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { PersonActor } from './access/actor.ts';
import { follow } from './features/activity/follows.ts';
import { buildMember, reply } from './features/activity/testing.ts';
import type { TestPerson } from './features/activity/testing.ts';
import { ensurePersonBlog } from './features/blogs/blogs.ts';
import { createPost } from './features/blogs/posts.ts';
import { commentOn } from './features/blogs/service.ts';
import {
  ensureGroupCategory,
  ensureSiteCategory,
} from './features/talk/categories.ts';
import { startThread } from './features/talk/discussions.ts';
import { placeOf } from './features/talk/places.ts';
import { savePage } from './features/wiki/editing.ts';
import { spaceFor } from './features/wiki/spaces.ts';
import { countQueries } from './platform/db/query-count.ts';
import type { QueryCounter } from './platform/db/query-count.ts';
import type { Database, Db } from './database.ts';
import { buildTestApp, TestBrowser } from './test-support/app.ts';
import { describeEachDatabase } from './test-support/databases.ts';
import { addGroupMember, buildGroup } from './test-support/groups.ts';

// Issue 10: the statements each main page sends to the database, counted
// on a small site, against a budget per page. Only the thread page's
// budget is a target (10, from the issue); every other budget is what the
// page sent when it was set (each one fewer since 5 December, when a
// session and its account came to be found in one statement), so a
// statement added to a page fails here and says which one it was. Each
// page is opened once before it is counted: the count is what every later
// visit costs, not a first visit's one-off reads.

const NOW = '2026-12-01T09:00:00.000Z';

/** What the pages are about, made once per database. */
interface Site {
  threadId: number;
  categorySlug: string;
  groupSlug: string;
  authorId: number;
  blogPath: string;
}

interface Budget {
  page: string;
  path: (site: Site) => string;
  /** Most statements the page may send; what it sent when set, mostly. */
  budget: number;
  /** Text the page must show, so that it is not counted empty. */
  shows: string;
}

const BUDGETS: Budget[] = [
  {
    page: 'the thread page',
    path: (site) => `/talk/threads/${site.threadId}`,
    budget: 10, // the target; sent 10 on both databases, in a group
    shows: 'How we file records',
  },
  {
    page: "Talk's latest threads",
    path: () => '/talk',
    budget: 13, // sent 13 on both databases when set
    shows: 'How we file records',
  },
  {
    page: 'all latest discussions',
    path: () => '/talk/latest',
    budget: 6, // sent 6 on both databases when set
    shows: 'How we file records',
  },
  {
    page: 'a category page',
    path: (site) => `/talk/categories/${site.categorySlug}`,
    budget: 10, // sent 10 on both databases when set
    shows: 'Retention question 3',
  },
  {
    page: 'the home stream',
    path: () => '/',
    // 7 when set; 8 since People like you reads the viewer's small groups
    // once as a list, which PostgreSQL plans far better than a subquery.
    budget: 8,
    shows: 'How we file records',
  },
  {
    page: 'a profile',
    path: (site) => `/people/${site.authorId}`,
    budget: 10, // sent 10 on both databases when set
    shows: 'Records week',
  },
  {
    page: 'a directory search',
    path: () => '/people?q=Ada',
    budget: 8, // sent 8 on both databases when set
    shows: 'Ada',
  },
  {
    page: "a group's member list",
    path: (site) => `/groups/${site.groupSlug}/members`,
    budget: 5, // sent 5 on both databases when set
    shows: 'Ben',
  },
  {
    page: 'a wiki page',
    path: () => '/wiki/site/Handbook',
    budget: 11, // sent 11 on both databases when set
    shows: 'third version',
  },
  {
    page: "a space's page tree",
    path: () => '/wiki/site',
    budget: 8, // sent 8 on both databases when set
    shows: 'Glossary',
  },
  {
    page: 'a blog post with comments',
    path: (site) => site.blogPath,
    budget: 10, // sent 10 on both databases when set
    shows: 'Comment 4',
  },
  {
    page: 'a search',
    path: () => '/search?q=records',
    budget: 12, // sent 12 on both databases when set
    shows: 'How we file records',
  },
  {
    page: 'the notifications page',
    path: () => '/notifications',
    budget: 5, // sent 5 on both databases when set
    shows: 'How we file records',
  },
];

// Long enough to tell the statements apart; the access rules some of them
// carry run to thousands of characters.
const SHOWN_LENGTH = 300;

/** One statement of a failure's list: numbered, on one line, cut short. */
function listed(sql: string, index: number): string {
  const line = sql.replace(/\s+/g, ' ');
  const shown =
    line.length > SHOWN_LENGTH ? `${line.slice(0, SHOWN_LENGTH)}…` : line;
  return `${index + 1}. ${shown}`;
}

await describeEachDatabase('query budgets of the main pages', (database) => {
  let counter: QueryCounter<Database>;
  let app: FastifyInstance;
  let browser: TestBrowser;
  let site: Site;

  before(async () => {
    const { db } = database();
    const member = await buildMember(db, 'Mira');
    site = await seedSmallSite(db, member);
    counter = countQueries(db);
    app = await buildTestApp({ ...database(), db: counter.db });
    browser = new TestBrowser(app);
    await browser.signIn(`${member.handle}@example.gov.uk`);
  });
  after(async () => {
    await app.close();
  });

  for (const { page, path, budget, shows } of BUDGETS) {
    it(`${page} sends at most ${budget} statements`, async () => {
      const url = path(site);
      await browser.get(url);
      counter.reset();

      const response = await browser.get(url);
      const statements = counter.statements();

      assert.equal(response.statusCode, 200, `${url} answered`);
      assert.ok(response.body.includes(shows), `${url} shows "${shows}"`);
      assert.ok(
        statements.length <= budget,
        `${url} sent ${statements.length} statements, over its budget of ` +
          `${budget}:\n${statements.map(listed).join('\n')}`,
      );
    });
  }
});

/**
 * A small site around the signed-in member: a group of four with a
 * 30-post thread the member started in its category (the others' replies
 * notify them), five shorter threads in a site category, a wiki page edited twice among three
 * others, and a blog post with comments by someone the member follows.
 */
async function seedSmallSite(db: Db, member: TestPerson): Promise<Site> {
  const ada = await buildMember(db, 'Ada');
  const others = [
    ada,
    await buildMember(db, 'Ben'),
    await buildMember(db, 'Cai'),
  ];
  const group = await buildGroup(db, ada.id, { name: 'Records team' });
  for (const person of [member, ...others.slice(1)]) {
    await addGroupMember(db, group, person.id);
  }
  await follow(db, member.id, ada.id, NOW);

  const category = await ensureSiteCategory(db, 'records', 'Records', NOW);
  // The thread is in the group's own category, as most threads are: its
  // page then also finds the group and the reader's part in it.
  const groupCategory = await ensureGroupCategory(db, group, NOW);
  const { threadId } = await startThread(
    db,
    member,
    await placeOf(db, member, groupCategory),
    {
      title: 'How we file records',
      body: 'Where should closed case files go?',
      isQuestion: false,
      tags: [],
    },
    NOW,
  );
  for (let n = 1; n < 30; n += 1) {
    const author = others[n % others.length] ?? ada;
    await reply(db, author, threadId, `Reply ${n} about records`, NOW);
  }
  for (let n = 1; n <= 5; n += 1) {
    const author = others[n % others.length] ?? ada;
    const input = {
      title: `Retention question ${n}`,
      body: `How long do we keep type ${n}?`,
      isQuestion: true,
      tags: [],
    };
    await startThread(
      db,
      author,
      await placeOf(db, author, category),
      input,
      NOW,
    );
  }

  await seedWiki(db, ada);
  const blogPath = await seedBlog(db, ada, others);
  return {
    threadId,
    categorySlug: category.slug,
    groupSlug: group.slug,
    authorId: ada.id,
    blogPath,
  };
}

async function seedWiki(db: Db, author: PersonActor): Promise<void> {
  const space = await spaceFor(db, author, 'site');
  let baseRevision: number | null = null;
  for (const version of ['first', 'second', 'third']) {
    const saved = await savePage(
      db,
      author,
      space,
      {
        title: 'Handbook',
        body: `The ${version} version of the handbook.\n\n[[Handbook/Leave]]`,
        baseRevision,
      },
      NOW,
    );
    baseRevision = saved.revision.id;
  }
  for (const title of ['Handbook/Leave', 'Handbook/Travel', 'Glossary']) {
    await savePage(
      db,
      author,
      space,
      { title, body: `About ${title}.`, baseRevision: null },
      NOW,
    );
  }
}

async function seedBlog(
  db: Db,
  author: TestPerson,
  readers: readonly TestPerson[],
): Promise<string> {
  const blog = await ensurePersonBlog(db, author.id, NOW);
  const post = await createPost(
    db,
    blog,
    {
      title: 'Records week',
      summary: 'What the records team did this week.',
      body: 'We moved **two hundred** files to the new store.',
      tags: [],
      status: 'published',
      audience: 'everyone',
      publishAt: NOW,
      authors: [{ personId: author.id, name: author.displayName }],
    },
    NOW,
  );
  for (let n = 1; n <= 4; n += 1) {
    const reader = readers[n % readers.length] ?? author;
    await commentOn(
      db,
      reader,
      blog.slug,
      post.slug,
      `Comment ${n}`,
      null,
      NOW,
    );
  }
  return `/blogs/${blog.slug}/${post.slug}`;
}
