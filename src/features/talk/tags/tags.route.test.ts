import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, TestBrowser } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { nextNumber } from '../../../test-support/factories.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';

// Thread tags through the forms and the API, on both databases: set when
// a thread starts, changed with its opening post, refused whole when one
// is wrong, and listed on a tag's page only where the reader may read.

await describeEachDatabase('thread tags', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let admin: ApiCaller;
  let slug: string;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    alice = await buildCaller(db, { displayName: 'Alice Asker' });
    bob = await buildCaller(db, { displayName: 'Bob Bystander' });
    admin = await buildCaller(db, { displayName: 'Ada', role: 'admin' });
    slug = `tagged-${nextNumber()}`;
    const made = await callApi(app, admin, 'POST', '/api/v1/talk/categories', {
      slug,
      name: 'Tagged',
    });
    assert.equal(made.statusCode, 201, made.body);
  });
  after(async () => {
    await app.close();
  });

  async function browserFor(caller: ApiCaller): Promise<TestBrowser> {
    const { email } = await database()
      .db.selectFrom('people')
      .select('email')
      .where('id', '=', caller.id)
      .executeTakeFirstOrThrow();
    const browser = new TestBrowser(app);
    await browser.signIn(String(email));
    return browser;
  }

  async function storedTags(threadId: number): Promise<string[]> {
    const rows = await database()
      .db.selectFrom('talk_thread_tags')
      .select('tag')
      .where('thread_id', '=', threadId)
      .orderBy('tag_key')
      .execute();
    return rows.map((row) => row.tag);
  }

  async function threadCount(): Promise<number> {
    const row = await database()
      .db.selectFrom('talk_threads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  it('keeps tags given through the API and changes them with the opening post', async () => {
    const made = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/categories/${slug}/threads`,
      {
        title: 'Which cluster?',
        body: 'Asking',
        question: true,
        tags: ['Kubernetes', '#networking', 'kubernetes'],
      },
    );
    assert.equal(made.statusCode, 201, made.body);
    const thread = made.json<{ id: number; tags: string[] }>();
    assert.deepEqual(thread.tags, ['Kubernetes', 'networking']);
    const opening = made.json<{ opening: { id: number } }>().opening.id;

    const changed = await callApi(
      app,
      alice,
      'PATCH',
      `/api/v1/talk/posts/${opening}`,
      { tags: ['open-data', 'c++'] },
    );
    assert.equal(changed.statusCode, 200, changed.body);
    const read = await callApi(
      app,
      bob,
      'GET',
      `/api/v1/talk/threads/${thread.id}`,
    );
    assert.deepEqual(read.json().tags, ['c++', 'open-data']);
    const listed = await callApi(
      app,
      bob,
      'GET',
      `/api/v1/talk/categories/${slug}/threads?tag=OPEN-DATA`,
    );
    assert.deepEqual(
      listed
        .json()
        .items.map((item: { id: number; tags: string[] }) => [
          item.id,
          item.tags,
        ]),
      [[thread.id, ['c++', 'open-data']]],
    );
  });

  it('filters a group’s threads in the API by ?tag= as a category’s are', async () => {
    const group = await buildGroup(database().db, alice.id);
    const start = (title: string, tags: string[]) =>
      callApi(app, alice, 'POST', `/api/v1/talk/groups/${group.slug}/threads`, {
        title,
        body: 'Text',
        tags,
      });
    const made = [
      await start('Tagged first', ['Open-Data']),
      await start('Untagged', []),
      await start('Tagged second', ['open-data', 'maps']),
    ].map((response) => {
      assert.equal(response.statusCode, 201, response.body);
      return response.json<{ id: number }>().id;
    });
    const listed = async (query: string) => {
      const response = await callApi(
        app,
        alice,
        'GET',
        `/api/v1/talk/groups/${group.slug}/threads${query}`,
      );
      assert.equal(response.statusCode, 200, response.body);
      const page = response.json<{ items: { id: number }[]; total: number }>();
      return [page.total, page.items.map((item) => item.id)];
    };

    assert.deepEqual(await listed('?tag=OPEN-DATA'), [2, [made[2], made[0]]]);
    assert.deepEqual(await listed('?tag=maps'), [1, [made[2]]]);
    assert.deepEqual(await listed('?tag=nothing-here'), [0, []]);
    assert.deepEqual(await listed(''), [3, [made[2], made[1], made[0]]]);
  });

  it('refuses tags on a reply and tags from anyone but the author', async () => {
    const made = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/categories/${slug}/threads`,
      { title: 'Mine', body: 'Text', tags: ['mine'] },
    );
    const thread = made.json<{ id: number; opening: { id: number } }>();
    const reply = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/threads/${thread.id}/replies`,
      { body: 'A reply' },
    );
    const replyId = reply.json<{ id: number }>().id;

    const onReply = await callApi(
      app,
      alice,
      'PATCH',
      `/api/v1/talk/posts/${replyId}`,
      { tags: ['x'] },
    );
    const byBob = await callApi(
      app,
      bob,
      'PATCH',
      `/api/v1/talk/posts/${thread.opening.id}`,
      { tags: ['bobs'] },
    );

    assert.equal(onReply.statusCode, 422);
    assert.deepEqual(onReply.json().error.fields, {
      tags: 'Only the opening post of a thread has tags',
    });
    assert.equal(byBob.statusCode, 403);
    assert.deepEqual(await storedTags(thread.id), ['mine']);
  });

  it('refuses a wrong list of tags in the API whole, saving nothing', async () => {
    const before = await threadCount();
    const cases: [unknown, string][] = [
      ['one,two', 'Tags must be a list of words'],
      [['a', 2], 'Each tag must be text'],
      [['ok', '  '], 'A tag cannot be empty'],
      [
        ['open data'],
        'The tag “open data” must only include letters, numbers, hyphens, ' +
          'underscores, full stops, plus signs and hash signs, and start ' +
          'with a letter or number',
      ],
      [['x'.repeat(36)], 'Each tag must be 35 characters or fewer'],
      [['a', 'b', 'c', 'd', 'e', 'f'], 'Enter 5 tags or fewer'],
    ];
    for (const [tags, message] of cases) {
      const response = await callApi(
        app,
        alice,
        'POST',
        `/api/v1/talk/categories/${slug}/threads`,
        { title: 'Refused', body: 'Text', tags },
      );
      assert.equal(response.statusCode, 422, JSON.stringify(tags));
      assert.equal(response.json().error.code, 'VALIDATION_FAILED');
      assert.deepEqual(response.json().error.fields, { tags: message });
    }
    assert.equal(await threadCount(), before);

    const made = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/categories/${slug}/threads`,
      { title: 'Kept', body: 'Text', tags: ['kept'] },
    );
    const thread = made.json<{ id: number; opening: { id: number } }>();
    const edit = await callApi(
      app,
      alice,
      'PATCH',
      `/api/v1/talk/posts/${thread.opening.id}`,
      { body: 'New text', tags: ['fine', 'not fine'] },
    );
    assert.equal(edit.statusCode, 422);
    assert.deepEqual(await storedTags(thread.id), ['kept']);
    const post = await callApi(
      app,
      alice,
      'GET',
      `/api/v1/talk/posts/${thread.opening.id}`,
    );
    assert.equal(post.json().body, 'Text');
  });

  it('starts a thread with tags through the form and changes them on their page', async () => {
    const browser = await browserFor(alice);
    await browser.get(`/talk/categories/${slug}`);

    const started = await browser.post(`/talk/categories/${slug}/threads`, {
      title: 'Form tags',
      body: 'Text',
      tags: 'Procurement, open-data  #GDPR',
    });

    assert.equal(started.statusCode, 303);
    const threadId = Number(
      /threads\/(\d+)/.exec(String(started.headers.location))?.[1],
    );
    assert.deepEqual(await storedTags(threadId), [
      'GDPR',
      'open-data',
      'Procurement',
    ]);
    const page = await browser.get(`/talk/threads/${threadId}`);
    assert.ok(page.body.includes('href="/talk/tags/gdpr">#GDPR</a>'));
    assert.ok(page.body.includes('href="/talk/tags/procurement"'));
    assert.ok(page.body.includes(`href="/talk/threads/${threadId}/tags"`));
    const list = await browser.get(`/talk/categories/${slug}`);
    assert.ok(list.body.includes('href="/talk/tags/open-data">#open-data</a>'));

    const form = await browser.get(`/talk/threads/${threadId}/tags`);
    assert.equal(form.statusCode, 200);
    assert.ok(form.body.includes('value="GDPR, open-data, Procurement"'));
    const changed = await browser.post(`/talk/threads/${threadId}/tags`, {
      tags: 'budgets',
    });
    assert.equal(changed.statusCode, 303);
    assert.equal(
      changed.headers.location,
      `/talk/threads/${threadId}?done=tags-changed`,
    );
    assert.deepEqual(await storedTags(threadId), ['budgets']);

    const bobs = await browserFor(bob);
    const notHis = await bobs.get(`/talk/threads/${threadId}/tags`);
    assert.equal(notHis.statusCode, 403);
    const seen = await bobs.get(`/talk/threads/${threadId}`);
    assert.ok(!seen.body.includes(`/talk/threads/${threadId}/tags"`));
  });

  it('shows a wrong tag in the form the GOV.UK way, keeping what was typed', async () => {
    const browser = await browserFor(alice);
    await browser.get(`/talk/categories/${slug}`);
    const before = await threadCount();

    const page = await browser.post(`/talk/categories/${slug}/threads`, {
      title: 'Six tags',
      body: 'Text',
      tags: 'a b c d e f',
    });

    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: Tagged/);
    assert.match(page.body, /href="#tags">Enter 5 tags or fewer</);
    assert.ok(page.body.includes('value="a b c d e f"'));
    assert.ok(page.body.includes('value="Six tags"'));
    assert.equal(await threadCount(), before);
  });

  it('lists on a tag’s page and API only the threads the reader may read', async () => {
    const { db } = database();
    const tag = `secrets${nextNumber()}`;
    const closed = await buildGroup(db, alice.id, { visibility: 'closed' });
    const member = await buildCaller(db, { displayName: 'Mo Member' });
    await addGroupMember(db, closed, member.id);
    const open = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/categories/${slug}/threads`,
      { title: 'Open thread', body: 'Text', tags: [tag] },
    );
    const hidden = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/groups/${closed.slug}/threads`,
      { title: 'Closed CLOSEDTAGGED', body: 'Text', tags: [tag] },
    );
    assert.equal(hidden.statusCode, 201, hidden.body);
    const openId = open.json<{ id: number }>().id;
    const hiddenId = hidden.json<{ id: number }>().id;

    const ids = async (caller: ApiCaller) => {
      const response = await callApi(
        app,
        caller,
        'GET',
        `/api/v1/talk/tags/${tag}/threads`,
      );
      assert.equal(response.statusCode, 200);
      const json = response.json<{ items: { id: number }[]; total: number }>();
      return { ids: json.items.map((item) => item.id), total: json.total };
    };
    assert.deepEqual(await ids(bob), { ids: [openId], total: 1 });
    assert.deepEqual(await ids(member), {
      ids: [hiddenId, openId],
      total: 2,
    });

    const bobs = await browserFor(bob);
    const page = await bobs.get(`/talk/tags/${tag.toUpperCase()}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /1 thread</);
    assert.ok(page.body.includes(`href="/talk/threads/${openId}"`));
    assert.ok(!page.body.includes('CLOSEDTAGGED'));
    const members = await browserFor(member);
    const theirs = await members.get(`/talk/tags/${tag}`);
    assert.ok(theirs.body.includes('CLOSEDTAGGED'));
  });
});
