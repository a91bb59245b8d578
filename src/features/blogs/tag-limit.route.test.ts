import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, TestBrowser } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildCaller, callApi } from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { ensurePersonBlog } from './blogs.ts';

// A post imported from WordPress may carry dozens of tags. Ten is the
// most a post may be given, but only tags being added are held to it: the
// post keeps what it has through an edit of anything else.

const MANY = Array.from({ length: 27 }, (_, n) => `topic ${n + 1}`);

await describeEachDatabase('the tag limit on blog posts', (database) => {
  let app: FastifyInstance;
  let writer: ApiCaller;
  let browser: TestBrowser;
  let blog = '';
  let api = '';

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    writer = await buildCaller(db, {
      email: 'tagger@example.gov.uk',
      displayName: 'Tess Tagger',
    });
    browser = new TestBrowser(app);
    await browser.signIn('tagger@example.gov.uk');
    const slug = (await ensurePersonBlog(db, writer.id)).slug;
    blog = `/blogs/${slug}`;
    api = `/api/v1/blogs/${slug}/posts`;
  });
  after(async () => {
    await app.close();
  });

  /** A post as an import leaves it: 27 tags, beyond what a form gives. */
  async function importedPost(slug: string): Promise<void> {
    const created = await callApi(app, writer, 'POST', api, {
      title: slug,
      body: 'Text',
      status: 'published',
    });
    assert.equal(created.statusCode, 201);
    const { db } = database();
    const post = await db
      .selectFrom('blog_posts')
      .select('id')
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('blog_post_tags')
      .values(MANY.map((tag) => ({ post_id: post.id, tag, tag_key: tag })))
      .execute();
  }

  async function tagCount(slug: string): Promise<number> {
    const read = await callApi(app, writer, 'GET', `${api}/${slug}`);
    return (read.json().tags as string[]).length;
  }

  it('keeps 27 imported tags when the form changes only the title', async () => {
    await importedPost('form-kept');
    const form = await browser.get(`${blog}/form-kept/edit`);
    assert.equal(form.statusCode, 200);

    const saved = await browser.post(`${blog}/form-kept/edit`, {
      title: 'A new title',
      body: 'Text',
      tags: MANY.join(', '),
      audience: 'everyone',
      status: 'published',
    });

    assert.equal(saved.statusCode, 303);
    assert.equal(await tagCount('form-kept'), 27);
  });

  it('refuses a 28th tag on the form, keeping what was typed', async () => {
    await importedPost('form-more');
    await browser.get(`${blog}/form-more/edit`);

    const refused = await browser.post(`${blog}/form-more/edit`, {
      title: 'form-more',
      body: 'Text',
      tags: [...MANY, 'one more'].join(', '),
      audience: 'everyone',
      status: 'published',
    });

    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /<title>Error: /);
    assert.match(refused.body, /href="#tags">Give a post 10 tags or fewer</);
    assert.match(refused.body, /one more/);
    assert.equal(await tagCount('form-more'), 27);
  });

  it('refuses 11 tags on a new post from the form', async () => {
    await browser.get(`${blog}/new`);

    const refused = await browser.post(`${blog}/new`, {
      title: 'Eleven',
      body: 'Text',
      tags: MANY.slice(0, 11).join(', '),
      audience: 'everyone',
      status: 'published',
    });

    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /href="#tags">Give a post 10 tags or fewer</);
  });

  it('lets the API change the title, or drop a tag, of a post with 27', async () => {
    await importedPost('api-kept');

    const renamed = await callApi(app, writer, 'PATCH', `${api}/api-kept`, {
      title: 'Renamed',
    });
    const dropped = await callApi(app, writer, 'PATCH', `${api}/api-kept`, {
      tags: MANY.slice(1),
    });

    assert.equal(renamed.statusCode, 200);
    assert.equal(dropped.statusCode, 200);
    assert.equal(await tagCount('api-kept'), 26);
  });

  it('refuses through the API a tag added to a post with 27', async () => {
    await importedPost('api-more');

    const refused = await callApi(app, writer, 'PATCH', `${api}/api-more`, {
      tags: [...MANY, 'one more'],
    });

    assert.equal(refused.statusCode, 422);
    assert.equal(
      refused.json().error.fields.tags,
      'Give a post 10 tags or fewer',
    );
    assert.equal(refused.json().error.message, 'Give a post 10 tags or fewer');
    assert.equal(await tagCount('api-more'), 27);
  });
});
