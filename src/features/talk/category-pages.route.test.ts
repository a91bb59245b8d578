import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { createSiteCategory } from './categories.ts';

// A category's page beyond its threads, driven as a browser would:
// watching and muting it, its subcategories, and the site admin's
// forms to make and change categories.

await describeEachDatabase('the Talk category pages', (database) => {
  let app: FastifyInstance;
  let staff: { id: number; browser: TestBrowser };
  let admin: { id: number; browser: TestBrowser };

  async function person(role: 'admin' | 'member', name: string) {
    const account = await buildAccount(database().db, {
      role,
      displayName: name,
    });
    const browser = new TestBrowser(app);
    await browser.signIn(account.email);
    return { id: account.id, browser };
  }

  async function siteCategory(name: string, parent?: string) {
    const slug = `cat-${nextNumber()}`;
    const input = parent ? { slug, name, parent } : { slug, name };
    await createSiteCategory(database().db, null, input);
    return slug;
  }

  before(async () => {
    app = await buildTestApp(database());
    staff = await person('member', 'Sam Staff');
    admin = await person('admin', 'Ada Admin');
  });
  after(async () => {
    await app.close();
  });

  it('offers Watch and Mute on a category page before any level is set', async () => {
    const slug = await siteCategory('Watched things');

    const page = await staff.browser.get(`/talk/categories/${slug}`);

    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`action="/talk/categories/${slug}/watch"`));
    assert.match(page.body, /value="watch" type="submit">Watch</);
    assert.match(page.body, /value="mute" type="submit">Mute</);
  });

  it('watches a category through its form, says so, then stops watching', async () => {
    const slug = await siteCategory('Procurement');
    await staff.browser.get(`/talk/categories/${slug}`);

    const watched = await staff.browser.post(`/talk/categories/${slug}/watch`, {
      level: 'watch',
    });

    assert.equal(watched.statusCode, 303);
    assert.equal(
      watched.headers.location,
      `/talk/categories/${slug}?done=category-watching`,
    );
    const page = await staff.browser.get(String(watched.headers.location));
    assert.match(page.body, /govuk-notification-banner--success/);
    assert.equal(
      page.body.split('You are watching this category.').length - 1,
      2,
    );
    assert.match(page.body, /Stop watching/);
    const stopped = await staff.browser.post(`/talk/categories/${slug}/watch`, {
      level: 'none',
    });
    assert.equal(
      stopped.headers.location,
      `/talk/categories/${slug}?done=category-unwatched`,
    );
    const row = await database()
      .db.selectFrom('talk_watches')
      .select('level')
      .where('person_id', '=', staff.id)
      .execute();
    assert.deepEqual(row, []);
  });

  it('mutes a category and then offers Unmute', async () => {
    const slug = await siteCategory('Noisy');
    await staff.browser.get(`/talk/categories/${slug}`);

    await staff.browser.post(`/talk/categories/${slug}/watch`, {
      level: 'mute',
    });

    const page = await staff.browser.get(`/talk/categories/${slug}`);
    assert.match(page.body, /You have muted this category\./);
    assert.match(page.body, /value="none" type="submit">Unmute</);
  });

  it('offers no watch form to a reader who is not signed in', async () => {
    const slug = await siteCategory('Anyone');

    const page = await new TestBrowser(app).get(`/talk/categories/${slug}`);

    assert.ok(!page.body.includes(`/talk/categories/${slug}/watch`));
  });

  it('lists a parent category’s children on its page', async () => {
    const parent = await siteCategory('Finance');
    const child = await siteCategory('Budgets', parent);

    const page = await staff.browser.get(`/talk/categories/${parent}`);

    assert.match(page.body, /<h2 class="govuk-heading-m">Subcategories<\/h2>/);
    assert.ok(
      page.body.includes(`href="/talk/categories/${child}">Budgets</a>`),
    );
  });

  it('puts the parent in a child category’s breadcrumbs', async () => {
    const parent = await siteCategory('Estates');
    const child = await siteCategory('Leases', parent);

    const page = await staff.browser.get(`/talk/categories/${child}`);

    const start = page.body.indexOf('class="govuk-breadcrumbs');
    const crumbs = page.body.slice(start, page.body.indexOf('</nav>', start));
    assert.match(crumbs, /href="\/talk">Talk</);
    assert.match(
      crumbs,
      new RegExp(`href="/talk/categories/${parent}">Estates<`),
    );
    assert.doesNotMatch(page.body, /Subcategories/);
  });

  it('makes a subcategory through the admin form and audits it', async () => {
    const parent = await siteCategory('Digital');
    const slug = `child-${nextNumber()}`;
    const form = await admin.browser.get('/talk/categories/new');
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes(`value="${parent}"`));

    const made = await admin.browser.post('/talk/categories/new', {
      slug,
      name: 'Accessibility',
      description: 'Making services work for everyone',
      parent,
    });

    assert.equal(made.statusCode, 303);
    assert.equal(
      made.headers.location,
      `/talk/categories/${slug}?done=category-made`,
    );
    const row = await database()
      .db.selectFrom('talk_categories as c')
      .innerJoin('talk_categories as p', 'p.id', 'c.parent_id')
      .select(['c.id', 'c.name', 'c.description', 'p.slug as parent'])
      .where('c.slug', '=', slug)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...row, id: 0 },
      {
        id: 0,
        name: 'Accessibility',
        description: 'Making services work for everyone',
        parent,
      },
    );
    const audit = await database()
      .db.selectFrom('audit_events')
      .select(['action', 'actor_person_id'])
      .where('subject_type', '=', 'talk-category')
      .where('subject_id', '=', row.id)
      .execute();
    assert.deepEqual(audit, [
      { action: 'talk.category.created', actor_person_id: admin.id },
    ]);
  });

  it('refuses a category under a subcategory, with the values kept', async () => {
    const parent = await siteCategory('Top');
    const child = await siteCategory('Middle', parent);
    await admin.browser.get('/talk/categories/new');

    const page = await admin.browser.post('/talk/categories/new', {
      slug: '',
      name: 'Too deep',
      description: '',
      parent: child,
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: Make a category/);
    assert.match(page.body, /Choose a top-level site category as the parent/);
    assert.ok(page.body.includes('value="Too deep"'));
    const rows = await database()
      .db.selectFrom('talk_categories')
      .select('id')
      .where('name', '=', 'Too deep')
      .execute();
    assert.deepEqual(rows, []);
  });

  it('says on the field when a web address is taken or reserved', async () => {
    const taken = await siteCategory('Taken');
    await admin.browser.get('/talk/categories/new');

    const again = await admin.browser.post('/talk/categories/new', {
      slug: taken,
      name: 'Again',
      description: '',
      parent: '',
    });
    const reserved = await admin.browser.post('/talk/categories/new', {
      slug: 'new',
      name: 'New',
      description: '',
      parent: '',
    });

    assert.equal(again.statusCode, 400);
    assert.match(again.body, /A category already uses that web address/);
    assert.equal(reserved.statusCode, 400);
    assert.match(reserved.body, /new is taken by a page/);
  });

  it('changes a category’s name and description and audits the change', async () => {
    const slug = await siteCategory('Old name');
    const form = await admin.browser.get(`/talk/categories/${slug}/edit`);
    assert.ok(form.body.includes('value="Old name"'));

    const saved = await admin.browser.post(`/talk/categories/${slug}/edit`, {
      name: 'New name',
      description: 'Now described',
    });

    assert.equal(
      saved.headers.location,
      `/talk/categories/${slug}?done=category-changed`,
    );
    const page = await staff.browser.get(`/talk/categories/${slug}`);
    assert.match(page.body, /New name/);
    assert.match(page.body, /Now described/);
    const audit = await database()
      .db.selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'talk.category.changed')
      .where('actor_person_id', '=', admin.id)
      .execute();
    assert.equal(audit.length, 1);
  });

  it('refuses an empty name on the edit form and changes nothing', async () => {
    const slug = await siteCategory('Keep me');
    await admin.browser.get(`/talk/categories/${slug}/edit`);

    const page = await admin.browser.post(`/talk/categories/${slug}/edit`, {
      name: ' ',
      description: 'Half a change',
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /href="#name">Enter name</);
    assert.ok(page.body.includes('>Half a change</textarea>'));
    const row = await database()
      .db.selectFrom('talk_categories')
      .select(['name', 'description'])
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    assert.deepEqual(row, { name: 'Keep me', description: '' });
  });

  it('keeps the category forms from staff who are not administrators', async () => {
    const slug = await siteCategory('Guarded');

    const make = await staff.browser.get('/talk/categories/new');
    const edit = await staff.browser.get(`/talk/categories/${slug}/edit`);
    const page = await staff.browser.get(`/talk/categories/${slug}`);

    assert.equal(make.statusCode, 403);
    assert.equal(edit.statusCode, 403);
    assert.ok(!page.body.includes(`/talk/categories/${slug}/edit`));
  });
});
