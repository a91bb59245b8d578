import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildGroup } from '../../test-support/groups.ts';
import { setSetting } from '../admin/settings.ts';

await describeEachDatabase('the blog pages', (database) => {
  let app: FastifyInstance;
  let alice: TestBrowser;
  let bob: TestBrowser;
  let blog = '';

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    const a = await buildAccount(db, { displayName: 'Alice Writer' });
    const b = await buildAccount(db, { displayName: 'Bob Reader' });
    alice = new TestBrowser(app);
    bob = new TestBrowser(app);
    await alice.signIn(a.email);
    await bob.signIn(b.email);
    await alice.get('/blogs');
    const started = await alice.post('/blogs/start', {});
    assert.equal(started.statusCode, 303);
    blog = String(started.headers.location).replace(/\/new$/, '');
  });
  after(async () => {
    await app.close();
  });

  async function postStored(slug: string) {
    return database()
      .db.selectFrom('blog_posts')
      .select(['status', 'publish_at', 'title', 'audience'])
      .where('slug', '=', slug)
      .executeTakeFirst();
  }

  it("starts a person's blog at a slug from their name", () => {
    assert.equal(blog, '/blogs/alice-writer');
  });

  it('publishes a post from the form and shows it to readers', async () => {
    await alice.get(`${blog}/new`);
    const saved = await alice.post(`${blog}/new`, {
      title: 'Hello & welcome',
      summary: 'A first post',
      body: 'Some **bold** words',
      tags: 'Intro, intro, News',
      audience: 'everyone',
      status: 'published',
    });

    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `${blog}/hello-welcome`);
    const page = await bob.get(`${blog}/hello-welcome`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<strong>bold<\/strong>/);
    assert.match(page.body, /href="\/blogs\/tags\/intro">Intro<\/a>/);
    const list = await bob.get('/blogs');
    assert.match(list.body, /Hello &amp; welcome/);
  });

  it('keeps what was typed and says what is wrong, GOV.UK style', async () => {
    await alice.get(`${blog}/new`);
    const refused = await alice.post(`${blog}/new`, {
      title: '',
      body: 'Kept text',
      audience: 'everyone',
      status: 'scheduled',
      publishDate: '2027-02-30',
      publishTime: '09:00',
    });

    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /<title>Error: New post/);
    assert.match(refused.body, /href="#title">Enter title|href="#title"/);
    assert.match(refused.body, /href="#publishDate"/);
    assert.match(refused.body, />Kept text<\/textarea>/);
  });

  it('shows the instant 01:30 means on the night the clocks go forward before saving', async () => {
    await alice.get(`${blog}/new`);
    const form = {
      title: 'Spring forward',
      body: 'Text',
      audience: 'everyone',
      status: 'scheduled',
      publishDate: '2099-03-29',
      publishTime: '01:30',
    };

    const first = await alice.post(`${blog}/new`, form);

    assert.equal(first.statusCode, 200);
    assert.match(
      first.body,
      /01:30 does not happen that night: the clocks go forward\. It will publish at 02:30 BST \(01:30 UTC\)/,
    );
    assert.equal(await postStored('spring-forward'), undefined);
    const confirmed = await alice.post(`${blog}/new`, {
      ...form,
      confirmedAt: '2099-03-29T01:30:00.000Z',
    });
    assert.equal(confirmed.statusCode, 303);
    assert.deepEqual(await postStored('spring-forward'), {
      status: 'scheduled',
      publish_at: '2099-03-29T01:30:00.000Z',
      title: 'Spring forward',
      audience: 'everyone',
    });
  });

  it('says 01:30 happens twice on the night the clocks go back and takes the first', async () => {
    await alice.get(`${blog}/new`);
    const form = {
      title: 'Fall back',
      body: 'Text',
      audience: 'everyone',
      status: 'scheduled',
      publishDate: '2099-10-25',
      publishTime: '01:30',
    };

    const first = await alice.post(`${blog}/new`, form);
    const confirmed = await alice.post(`${blog}/new`, {
      ...form,
      confirmedAt: '2099-10-25T00:30:00.000Z',
    });

    assert.match(
      first.body,
      /01:30 happens twice that night: the clocks go back\. It will publish at the first, 01:30 BST \(00:30 UTC\)/,
    );
    assert.equal(confirmed.statusCode, 303);
    const stored = await postStored('fall-back');
    assert.equal(stored?.publish_at, '2099-10-25T00:30:00.000Z');
    const early = await bob.get(`${blog}/fall-back`);
    assert.equal(early.statusCode, 404);
  });

  it('reads the form time on the site clock, not the browser’s (BUG-22)', async () => {
    const { db } = database();
    await setSetting(db, 'timeZone', 'Pacific/Auckland', {
      personId: null,
      label: 'test',
    });
    await alice.get(`${blog}/new`);
    const form = await alice.get(`${blog}/new`);

    const saved = await alice.post(`${blog}/new`, {
      title: 'Quarterly update',
      body: 'Text',
      audience: 'everyone',
      status: 'scheduled',
      publishDate: '2099-03-10',
      publishTime: '09:00',
    });
    await setSetting(db, 'timeZone', 'Europe/London', {
      personId: null,
      label: 'test',
    });

    assert.match(form.body, /<strong>Pacific\/Auckland<\/strong>/);
    assert.equal(saved.statusCode, 303);
    assert.equal(
      (await postStored('quarterly-update'))?.publish_at,
      '2099-03-09T20:00:00.000Z',
    );
  });

  it('does not offer everyone in a closed group, and clamps it (BUG-05)', async () => {
    const { db } = database();
    const owner = await database()
      .db.selectFrom('people')
      .select('id')
      .where('display_name', '=', 'Alice Writer')
      .executeTakeFirstOrThrow();
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    await alice.get('/blogs');
    const started = await alice.post('/blogs/start', { group: group.slug });
    const path = String(started.headers.location);
    const form = await alice.get(path);

    const saved = await alice.post(path, {
      title: 'FY26 budget',
      body: 'Numbers',
      audience: 'everyone',
      status: 'published',
    });

    assert.doesNotMatch(form.body, /value="everyone"/);
    assert.match(form.body, /value="members"/);
    assert.equal(saved.statusCode, 303);
    assert.equal((await postStored('fy26-budget'))?.audience, 'members');
    const outsider = await bob.get(String(saved.headers.location));
    assert.equal(outsider.statusCode, 404);
  });

  it('opens the drafts, settings, tag, delete and start pages to the author', async () => {
    const pages = [
      `${blog}/drafts`,
      `${blog}/settings`,
      '/blogs/tags/intro',
      `${blog}/hello-welcome/delete`,
      '/blogs/start',
    ];
    const statuses = [];
    for (const url of pages) {
      statuses.push((await alice.get(url)).statusCode);
    }
    const drafts = await alice.get(`${blog}/drafts`);
    const settings = await bob.get(`${blog}/settings`);

    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    assert.match(drafts.body, /Spring forward/);
    assert.match(drafts.body, /publishes Sunday 29 March 2099 at 02:30 BST/);
    assert.equal(settings.statusCode, 403);
  });

  it('sets who may comment, on the audit log', async () => {
    await alice.get(`${blog}/settings`);
    const saved = await alice.post(`${blog}/settings`, {
      commentPolicy: 'closed',
    });
    const page = await bob.get(`${blog}/hello-welcome`);
    await alice.post(`${blog}/settings`, { commentPolicy: 'open' });
    const audit = await database()
      .db.selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'blog.comment-policy.changed')
      .orderBy('id')
      .execute();

    assert.equal(saved.statusCode, 303);
    assert.match(page.body, /Comments are closed on this blog\./);
    assert.deepEqual(
      audit.map((row) => JSON.parse(row.details).after),
      ['closed', 'open'],
    );
  });

  it("leads from a profile's and a group's blog link to the blog, making none", async () => {
    const { db } = database();
    const bobId = (
      await db
        .selectFrom('people')
        .select('id')
        .where('display_name', '=', 'Bob Reader')
        .executeTakeFirstOrThrow()
    ).id;
    const aliceId = (
      await db
        .selectFrom('people')
        .select('id')
        .where('display_name', '=', 'Alice Writer')
        .executeTakeFirstOrThrow()
    ).id;
    const group = await buildGroup(db, bobId, { visibility: 'open' });

    const written = await bob.get(`/blogs/of/people/${aliceId}`);
    const unwritten = await bob.get(`/blogs/of/people/${bobId}`);
    const groupBlog = await alice.get(`/blogs/of/groups/${group.slug}`);
    const profile = await bob.get(`/people/${aliceId}`);

    assert.equal(written.statusCode, 303);
    assert.equal(written.headers.location, blog);
    assert.equal(unwritten.statusCode, 200);
    assert.match(unwritten.body, /Write the first post/);
    assert.equal(groupBlog.statusCode, 200);
    assert.doesNotMatch(groupBlog.body, /Write the first post/);
    assert.match(
      profile.body,
      new RegExp(`href="/blogs/of/people/${aliceId}"`),
    );
    const blogs = await db.selectFrom('blogs').select('id').execute();
    assert.equal(
      blogs.length,
      2,
      "Alice's and the closed group's: the links made none",
    );
  });

  it('keeps the old text when a post is edited, and says it was edited', async () => {
    await alice.get(`${blog}/hello-welcome/edit`);
    const saved = await alice.post(`${blog}/hello-welcome/edit`, {
      title: 'Hello and welcome',
      summary: 'A first post',
      body: 'New words',
      tags: 'Intro',
      audience: 'everyone',
      status: 'published',
    });
    const history = await bob.get(`${blog}/hello-welcome/history`);
    const page = await bob.get(`${blog}/hello-welcome`);

    assert.equal(saved.statusCode, 303);
    assert.match(history.body, /Hello &amp; welcome/);
    assert.match(history.body, /Some \*\*bold\*\* words/);
    assert.match(page.body, />edited <time/);
  });

  it('lets a reader comment and reply, and its author delete the post', async () => {
    await bob.get(`${blog}/hello-welcome`);
    const sent = await bob.post(`${blog}/hello-welcome/comments`, {
      body: 'Nice post',
    });
    const id = /comment-(\d+)/.exec(String(sent.headers.location))?.[1];
    await alice.get(`${blog}/hello-welcome`);
    await alice.post(`${blog}/hello-welcome/comments`, {
      body: 'Thank you',
      parentId: String(id),
    });
    const page = await bob.get(`${blog}/hello-welcome`);

    assert.equal(sent.statusCode, 303);
    assert.match(page.body, /Comments \(2\)/);
    assert.match(page.body, /app-blog-comment--depth-1[^]*Thank you/);
    await alice.get(`${blog}/hello-welcome/delete`);
    const deleted = await alice.post(`${blog}/hello-welcome/delete`, {});
    assert.equal(deleted.statusCode, 303);
    assert.equal((await bob.get(`${blog}/hello-welcome`)).statusCode, 404);
  });
});
