import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sax from 'sax';
import type { Db } from '../../database.ts';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { setSetting } from '../admin/settings.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { deactivateAccount } from '../auth/lifecycle.ts';
import { createFeedToken, revokeFeedToken } from '../feeds/tokens.ts';
import { ensureGroupBlog } from './blogs.ts';
import type { BlogAudience, BlogPostStatus } from './tables.ts';

// The blogs' Atom feeds through inject(), on both databases: BUG-02 as
// the case states it, and a scheduled post dated by its stored instant
// (BUG-22).

const PUBLIC_URL = 'https://intranet.example.gov.uk';
const PAST = '2026-11-02T10:00:00.000Z';

interface PostSpec {
  title: string;
  body: string;
  summary?: string;
  status?: BlogPostStatus;
  audience?: BlogAudience;
  publishAt?: string | null;
  authors: { id: number; name: string }[];
  tags?: string[];
}

let slugNumber = 0;

/** Writes a post straight into the tables, as the blog service would. */
async function writePost(db: Db, blogId: number, spec: PostSpec) {
  slugNumber += 1;
  const [first] = spec.authors;
  const { id } = await db
    .insertInto('blog_posts')
    .values({
      blog_id: blogId,
      slug: `post-${slugNumber}`,
      title: spec.title,
      summary: spec.summary ?? '',
      body: spec.body,
      status: spec.status ?? 'published',
      audience: spec.audience ?? 'everyone',
      publish_at: spec.publishAt === undefined ? PAST : spec.publishAt,
      author_id: first?.id ?? null,
      author_name: first?.name ?? 'Nobody',
      created_at: PAST,
      updated_at: PAST,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [index, author] of spec.authors.entries()) {
    await db
      .insertInto('blog_post_authors')
      .values({
        post_id: id,
        position: index + 1,
        person_id: author.id,
        name: author.name,
      })
      .execute();
  }
  for (const tag of spec.tags ?? []) {
    await db
      .insertInto('blog_post_tags')
      .values({ post_id: id, tag, tag_key: tag.toLowerCase() })
      .execute();
  }
  return id;
}

/** The text of each element at `path`, read by a strict XML parser. */
function textsAt(xml: string, path: string): string[] {
  const parser = sax.parser(true);
  const texts: string[] = [];
  const open: string[] = [];
  parser.onopentag = (tag) => {
    open.push(tag.name);
    if (open.join('/') === path) {
      texts.push('');
    }
  };
  parser.onclosetag = () => {
    open.pop();
  };
  parser.ontext = (text) => {
    if (open.join('/') === path) {
      texts[texts.length - 1] += text;
    }
  };
  parser.write(xml).close();
  return texts;
}

const SALARY = /Salary bands|Band C|52k-61k|Pay for every grade/;

await describeEachDatabase('the blog Atom feeds', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller & { name: string };
  let bob: ApiCaller;
  let hrBlogSlug: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database(), { PUBLIC_URL });
    alice = {
      ...(await buildCaller(db, { displayName: 'Alice Able' })),
      name: 'Alice Able',
    };
    bob = await buildCaller(db, { displayName: 'Bob Baker' });
    const hr = await buildGroup(db, alice.id, {
      name: 'HR',
      visibility: 'closed',
    });
    const social = await buildGroup(db, alice.id, { name: 'Social' });
    await addGroupMember(db, social, bob.id);
    const hrBlog = await ensureGroupBlog(db, hr.id);
    const socialBlog = await ensureGroupBlog(db, social.id);
    hrBlogSlug = hrBlog.slug;
    await writePost(db, hrBlog.id, {
      title: 'Salary bands 2025',
      body: 'Band C: 52k-61k',
      summary: 'Pay for every grade',
      audience: 'members',
      publishAt: '2026-11-03T08:30:00.000Z',
      authors: [alice],
      tags: ['hr'],
    });
    await writePost(db, socialBlog.id, {
      title: 'Canteen menu',
      body: 'Soup on Friday',
      authors: [alice],
      tags: ['hr'],
    });
    tokens.alice = (await createFeedToken(db, alice.id)).token;
    tokens.bob = (await createFeedToken(db, bob.id)).token;
  });
  after(async () => {
    await app.close();
  });

  const feeds = () => ({
    site: '/blogs/feed.atom',
    author: `/blogs/authors/${alice.id}/feed.atom`,
    tag: '/blogs/tags/hr/feed.atom',
  });

  function asReader(who: 'anon' | 'alice' | 'bob', path: string) {
    const token = tokens[who];
    return app.inject({ url: token ? `/feeds/${token}${path}` : path });
  }

  function titlesIn(response: LightMyRequestResponse): string[] {
    return textsAt(response.body, 'feed/entry/title');
  }

  async function withPublicReading(run: () => Promise<void>): Promise<void> {
    await setSetting(database().db, 'publicReading', true, SYSTEM_ACTOR);
    try {
      await run();
    } finally {
      await setSetting(database().db, 'publicReading', false, SYSTEM_ACTOR);
    }
  }

  it('shows alice her members-only post in the site, author and tag feeds (BUG-02)', async () => {
    for (const [name, path] of Object.entries(feeds())) {
      const response = await asReader('alice', path);

      assert.equal(response.statusCode, 200, name);
      assert.deepEqual(titlesIn(response), [
        'Salary bands 2025',
        'Canteen menu',
      ]);
      assert.deepEqual(textsAt(response.body, 'feed/entry/summary'), [
        'Pay for every grade',
      ]);
      assert.match(response.body, /Band C: 52k-61k/);
    }
  });

  it('gives bob, with his feed token, not a word of it (BUG-02)', async () => {
    for (const [name, path] of Object.entries(feeds())) {
      const response = await asReader('bob', path);

      assert.equal(response.statusCode, 200, name);
      assert.deepEqual(titlesIn(response), ['Canteen menu'], name);
      assert.doesNotMatch(response.body, SALARY, name);
    }
    const hrBlog = await asReader('bob', `/blogs/${hrBlogSlug}/feed.atom`);
    assert.equal(hrBlog.statusCode, 404);
    assert.doesNotMatch(hrBlog.body, SALARY);
  });

  it('gives anon nothing, even just after alice read the same feeds (BUG-02)', async () => {
    for (const [name, path] of Object.entries(feeds())) {
      assert.equal((await asReader('alice', path)).statusCode, 200, name);
      const response = await asReader('anon', path);

      assert.equal(response.statusCode, 401, name);
      assert.equal(response.headers.location, undefined, name);
      assert.doesNotMatch(response.body, SALARY, name);
    }
  });

  it('gives anon only open posts while the site is open to public reading', async () => {
    await withPublicReading(async () => {
      for (const path of [feeds().site, feeds().tag]) {
        assert.equal((await asReader('alice', path)).statusCode, 200);
        const response = await asReader('anon', path);

        assert.equal(response.statusCode, 200, path);
        assert.equal(response.headers['cache-control'], 'no-store', path);
        assert.deepEqual(titlesIn(response), ['Canteen menu'], path);
        assert.doesNotMatch(response.body, SALARY, path);
      }
      const author = await asReader('anon', feeds().author);
      assert.equal(author.statusCode, 404);
      assert.doesNotMatch(author.body, SALARY);
    });
  });

  it('dates a scheduled post by its instant, once due (BUG-22)', async () => {
    const { db } = database();
    const comms = await buildGroup(db, alice.id, { name: 'Comms' });
    const blog = await ensureGroupBlog(db, comms.id);
    const carol = await buildCaller(db, { displayName: 'Carol Cole' });
    const due = await writePost(db, blog.id, {
      title: 'Quarterly update',
      body: 'Numbers are up',
      status: 'scheduled',
      publishAt: '2025-03-09T20:00:00.000Z',
      authors: [alice, { id: carol.id, name: 'Carol Cole' }],
      tags: ['Finance', 'hr'],
    });
    await writePost(db, blog.id, {
      title: 'Next quarter',
      body: 'Not yet',
      status: 'scheduled',
      publishAt: '2099-01-01T00:00:00.000Z',
      authors: [alice],
    });
    await writePost(db, blog.id, {
      title: 'Draft notes',
      body: 'Unfinished',
      status: 'draft',
      publishAt: null,
      authors: [alice],
    });

    const response = await asReader('alice', `/blogs/${blog.slug}/feed.atom`);

    assert.equal(response.statusCode, 200);
    assert.equal(
      response.headers['content-type'],
      'application/atom+xml; charset=utf-8',
    );
    const at = (path: string) => textsAt(response.body, `feed/entry/${path}`);
    assert.deepEqual(titlesIn(response), ['Quarterly update']);
    assert.deepEqual(at('published'), ['2025-03-09T20:00:00.000Z']);
    assert.deepEqual(at('updated'), ['2025-03-09T20:00:00.000Z']);
    assert.deepEqual(at('id'), [
      `tag:intranet.example.gov.uk,2026-11-02:blog-post/${due}`,
    ]);
    assert.deepEqual(at('author/name'), ['Alice Able', 'Carol Cole']);
    assert.match(
      response.body,
      /<category term="Finance"\/>\s*<category term="hr"\/>/,
    );
    assert.match(
      response.body,
      new RegExp(
        `<link rel="alternate" type="text/html" href="${PUBLIC_URL}/blogs/${blog.slug}/post-\\d+"/>`,
      ),
    );
    assert.deepEqual(textsAt(response.body, 'feed/title'), [blog.title]);
    assert.deepEqual(textsAt(response.body, 'feed/updated'), [
      '2025-03-09T20:00:00.000Z',
    ]);
  });

  it('answers a blog, tag or author nobody may read as missing', async () => {
    for (const path of [
      '/blogs/no-such-blog/feed.atom',
      '/blogs/authors/2147483648/feed.atom',
      '/blogs/authors/0/feed.atom',
      `/blogs/tags/${'x'.repeat(201)}/feed.atom`,
    ]) {
      const response = await asReader('bob', path);

      assert.equal(response.statusCode, 404, path);
      assert.equal(response.body, 'Not found', path);
    }
    const emptyTag = await asReader(
      'bob',
      '/blogs/tags/nothing-here/feed.atom',
    );
    assert.equal(emptyTag.statusCode, 200);
    assert.deepEqual(titlesIn(emptyTag), []);
  });

  it("answers a revoked token and a deactivated person's token 404 (BUG-02)", async () => {
    const { db } = database();
    const revoked = await createFeedToken(db, alice.id);
    await revokeFeedToken(db, alice.id, revoked.id);
    const leaver = await buildCaller(db, { displayName: 'Lee Leaver' });
    const hr = await db
      .selectFrom('blogs')
      .select('group_id')
      .where('slug', '=', hrBlogSlug)
      .executeTakeFirstOrThrow();
    await addGroupMember(db, { id: hr.group_id ?? 0 }, leaver.id);
    const leaving = await createFeedToken(db, leaver.id);
    const path = `/blogs/${hrBlogSlug}/feed.atom`;
    const before = await app.inject({ url: `/feeds/${leaving.token}${path}` });
    assert.deepEqual(titlesIn(before), ['Salary bands 2025']);

    await deactivateAccount(db, leaver.id, {
      actor: SYSTEM_ACTOR,
      via: 'test',
    });

    for (const token of [revoked.token, leaving.token]) {
      const response = await app.inject({ url: `/feeds/${token}${path}` });
      assert.equal(response.statusCode, 404);
      assert.equal(response.body, 'Not found');
    }
  });

  it('keeps no feed for another reader: every answer says no-store', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const response = await asReader(who, feeds().site);

      assert.equal(response.headers['cache-control'], 'no-store', who);
      assert.equal(response.headers['set-cookie'], undefined, who);
    }
  });
});
