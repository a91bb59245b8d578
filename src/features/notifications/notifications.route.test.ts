import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildGroup, callApi } from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';

// Notifications through the pages and the API: the header's count,
// marking read, and BUG-07 as its recipient would meet it.

interface Person extends ApiCaller {
  email: string;
  handle: string;
}

await describeEachDatabase(
  'notifications in the page and the API',
  (database) => {
    let app: FastifyInstance;
    let alice: Person;
    let bob: Person;

    async function person(name: string): Promise<Person> {
      const { db } = database();
      const handle = `${name.toLowerCase()}${Math.floor(Math.random() * 1e6)}`;
      const { id, email } = await buildAccount(db, {
        displayName: name,
        email: `${handle}@example.gov.uk`,
      });
      return { id, email, handle, authorization: await bearer(db, id) };
    }

    async function startThread(slug: string, title: string, body: string) {
      const made = await callApi(
        app,
        alice,
        'POST',
        `/api/v1/talk/groups/${slug}/threads`,
        { title, body },
      );
      assert.equal(made.statusCode, 201, made.body);
      return (made.json() as { id: number }).id;
    }

    before(async () => {
      app = await buildTestApp(database());
      alice = await person('Alice');
      bob = await person('Bob');
    });
    after(async () => {
      await app.close();
    });

    it('neither offers, notifies nor subscribes a mentioned outsider (BUG-07)', async () => {
      const { db } = database();
      await buildGroup(db, alice.id, {
        name: 'HR-Private',
        slug: 'hr-private',
        visibility: 'secret',
      });
      const candidates = await callApi(
        app,
        alice,
        'GET',
        `/api/v1/talk/mention-candidates?group=hr-private&q=${bob.handle}`,
      );
      assert.deepEqual(candidates.json().items, []);

      const threadId = await startThread(
        'hr-private',
        'Reviews',
        `@${bob.handle} performance review moved to Friday`,
      );
      for (const body of ['First comment', `Second, @${bob.handle}`]) {
        const replied = await callApi(
          app,
          alice,
          'POST',
          `/api/v1/talk/threads/${threadId}/replies`,
          { body },
        );
        assert.equal(replied.statusCode, 201, replied.body);
      }

      const list = await callApi(app, bob, 'GET', '/api/v1/notifications');
      assert.deepEqual(
        { items: list.json().items, total: list.json().total },
        { items: [], total: 0 },
      );
      const watches = await db
        .selectFrom('talk_watches')
        .select('id')
        .where('person_id', '=', bob.id)
        .execute();
      assert.deepEqual(watches, []);
      const page = await app.inject({
        url: `/talk/threads/${threadId}`,
        headers: { authorization: alice.authorization },
      });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`@${bob.handle} performance review`));
    });

    it('counts unread notifications in the header and marks them read by a form', async () => {
      const { db } = database();
      await buildGroup(db, alice.id, { slug: 'open-plans' });
      await startThread('open-plans', 'Plans', `Over to you @${bob.handle}`);
      await startThread('open-plans', 'More', `And @${bob.handle} again`);

      const browser = new TestBrowser(app);
      await browser.signIn(bob.email);
      const home = await browser.get('/');
      assert.match(
        home.body,
        /Notifications <span class="app-header__count">2/,
      );

      const list = await callApi(app, bob, 'GET', '/api/v1/notifications');
      assert.equal(list.json().total, 2);
      const [newest] = list.json().items as { id: number; summary: string }[];
      assert.equal(newest?.summary, 'Alice mentioned you in “More”');
      const page = await browser.get('/notifications');
      assert.match(page.body, /Alice mentioned you in “Plans”/);
      const marked = await browser.post(
        `/notifications/${newest?.id ?? 0}/read`,
        {},
      );
      assert.equal(marked.statusCode, 303);
      const after = await browser.get('/');
      assert.match(
        after.body,
        /Notifications <span class="app-header__count">1/,
      );

      const all = await callApi(app, bob, 'POST', '/api/v1/notifications/read');
      assert.deepEqual(all.json(), { marked: 1 });
      const none = await browser.get('/');
      assert.doesNotMatch(none.body, /app-header__count/);
    });

    it('answers 404 for a notification of someone else', async () => {
      const { db } = database();
      const row = await db
        .selectFrom('notifications')
        .select('id')
        .where('person_id', '=', bob.id)
        .executeTakeFirstOrThrow();
      const answer = await callApi(
        app,
        alice,
        'POST',
        `/api/v1/notifications/${row.id}/read`,
      );
      assert.equal(answer.statusCode, 404);
      assert.equal(answer.json().error.code, 'NOTIFICATION_NOT_FOUND');
    });
  },
);
