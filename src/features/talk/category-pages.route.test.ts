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
});
