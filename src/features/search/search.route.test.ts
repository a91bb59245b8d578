import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { setSetting } from '../admin/settings.ts';
import { SYSTEM_ACTOR } from '../audit/audit.ts';
import { ensureGroupBlog } from '../blogs/blogs.ts';
import { createPost } from '../blogs/posts.ts';
import { updateGroup } from '../groups/groups.ts';
import type { Group } from '../groups/groups.ts';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';

// BUG-05, the search side: a closed group's post is found by its
// members only, whatever audience it was given, and a post in an open
// group leaves everyone else's results the moment the group is closed.
// And the page and API answer bad filters with field errors.

await describeEachDatabase('search pages and API', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let events: Group;

  const titles = async (caller: ApiCaller | null, q: string) => {
    const url = `/api/v1/search?q=${encodeURIComponent(q)}`;
    const response = await callApi(app, caller, 'GET', url);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.totalIsLowerBound, false);
    const items = body.items as { title: string }[];
    return { total: body.total, titles: items.map((item) => item.title) };
  };

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    alice = await buildCaller(db, { displayName: 'Alice Able' });
    bob = await buildCaller(db, { displayName: 'Bob Baker' });
    const finance = await buildGroup(db, alice.id, {
      name: 'Finance',
      visibility: 'closed',
    });
    events = await buildGroup(db, alice.id, { name: 'Events' });
    for (const [group, title] of [
      [finance, 'FY26 budget'],
      [events, 'Offsite agenda'],
    ] as const) {
      const blog = await ensureGroupBlog(db, group.id);
      await createPost(db, blog, {
        title,
        body: `About the ${title}`,
        summary: '',
        tags: [],
        status: 'published',
        audience: 'everyone',
        publishAt: null,
        authors: [{ personId: alice.id, name: 'Alice Able' }],
      });
    }
    await setSetting(db, 'publicReading', true, SYSTEM_ACTOR);
  });
  after(async () => {
    await app.close();
  });

  it('finds a closed group’s post for its member only', async () => {
    const found = { total: 1, titles: ['FY26 budget'] };
    assert.deepEqual(await titles(alice, 'budget'), found);
    assert.deepEqual(await titles(bob, 'budget'), { total: 0, titles: [] });
    assert.deepEqual(await titles(null, 'budget'), { total: 0, titles: [] });
  });

  it('drops a post from search once its open group is closed', async () => {
    const { db } = database();
    const found = { total: 1, titles: ['Offsite agenda'] };
    assert.deepEqual(await titles(bob, 'agenda'), found);
    assert.deepEqual(await titles(null, 'agenda'), found);

    const actor = { personId: alice.id, label: 'Alice Able' };
    await updateGroup(db, actor, events, { visibility: 'closed' });

    assert.deepEqual(await titles(bob, 'agenda'), { total: 0, titles: [] });
    assert.deepEqual(await titles(null, 'agenda'), { total: 0, titles: [] });
    assert.deepEqual(await titles(alice, 'agenda'), found);
    await addGroupMember(db, events, bob.id);
    assert.deepEqual(await titles(bob, 'agenda'), found);
  });

  it('answers bad filters with 400 and a field for each', async () => {
    const url =
      '/api/v1/search?q=agenda&kind=poem&group=nowhere&from=2026-02-30' +
      '&to=yesterday&author=bob&pageSize=500';
    const response = await callApi(app, alice, 'GET', url);

    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, 'VALIDATION_FAILED');
    const missing = await callApi(app, alice, 'GET', '/api/v1/search?q=%20-');
    assert.deepEqual(missing.json().error.fields, {
      q: 'Enter words to search for',
    });
    const filters = await callApi(
      app,
      alice,
      'GET',
      '/api/v1/search?q=agenda&kind=poem&group=nowhere&from=2026-02-30' +
        '&to=yesterday&author=bob',
    );
    assert.deepEqual(filters.json().error.fields, {
      kind: 'Choose what to search from the list',
      group: 'There is no group with that address',
      author: 'Author must be the number of a person',
      from: 'Date from must be a real date, like 2026-03-31',
      to: 'Date to must be a real date, like 2026-03-31',
    });
  });

  it('refuses a ninth word and unreadable characters', async () => {
    const fields = async (q: string) =>
      (await callApi(app, alice, 'GET', `/api/v1/search?q=${q}`)).json().error
        .fields;
    assert.deepEqual(await fields('the+of+and+to+a+in+is+it+xyzzyqwerty'), {
      q: 'Use 8 words or fewer (a phrase in quotes is one)',
    });
    const unreadable = {
      q: 'Search words must be letters, numbers and punctuation only',
    };
    assert.deepEqual(await fields('%00history'), unreadable);
    const lone = await app.inject({
      url: '/api/v1/search',
      query: { q: '\uD800history' },
      headers: { authorization: alice.authorization },
    });
    assert.deepEqual(lone.json().error.fields, unreadable);
    const eight = await titles(alice, '"offsite agenda" a b c d e f g');
    assert.deepEqual(eight, { total: 0, titles: [] });
  });

  it('answers a page past the last with 404', async () => {
    const headers = { authorization: alice.authorization };
    const last = await app.inject({ url: '/search?q=budget', headers });
    assert.equal(last.statusCode, 200);
    const past = await app.inject({ url: '/search?q=budget&page=2', headers });
    assert.equal(past.statusCode, 404);
    assert.match(past.body, /Page not found/);
  });

  it('shows results with their kind, and errors the GOV.UK way', async () => {
    const headers = { authorization: alice.authorization };
    const page = await app.inject({ url: '/search?q=budget', headers });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /1 result\b/);
    assert.match(page.body, /Blog post/);
    assert.match(page.body, /FY26 <mark>budget<\/mark>/);

    const bad = await app.inject({
      url: '/search?q=budget&from=31/12',
      headers,
    });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /<title>Error: Search: budget/);
    assert.match(bad.body, /There is a problem/);
    assert.match(bad.body, /value="31\/12"/);
  });
});
