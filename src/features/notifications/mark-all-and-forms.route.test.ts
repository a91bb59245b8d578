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

// "Mark all read" covers what its page showed and nothing else; the
// watch forms and the notifications pages answer bad input as other
// forms and paged pages do.

interface Person extends ApiCaller {
  email: string;
  handle: string;
}

await describeEachDatabase('marking all read and the forms', (database) => {
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

  async function mentionBob(slug: string, title: string) {
    const made = await callApi(
      app,
      alice,
      'POST',
      `/api/v1/talk/groups/${slug}/threads`,
      { title, body: `For @${bob.handle}` },
    );
    assert.equal(made.statusCode, 201, made.body);
  }

  before(async () => {
    app = await buildTestApp(database());
    alice = await person('Alice');
    bob = await person('Bob');
    const { db } = database();
    await buildGroup(db, alice.id, { slug: 'mark-open', name: 'Mark open' });
    await buildGroup(db, alice.id, { slug: 'mark-shut', name: 'Mark shut' });
  });
  after(async () => {
    await app.close();
  });

  it('marks only what the page showed and the reader may read, and counts only that', async () => {
    const { db } = database();
    await mentionBob('mark-shut', 'Shut away');
    await mentionBob('mark-open', 'First');
    await mentionBob('mark-open', 'Second');
    await db
      .updateTable('groups')
      .set({ visibility: 'closed' })
      .where('slug', '=', 'mark-shut')
      .execute();
    const browser = new TestBrowser(app);
    await browser.signIn(bob.email);
    const page = await browser.get('/notifications');
    const upTo = /name="upTo" value="(\d+)"/.exec(page.body)?.[1] ?? '';
    assert.notEqual(upTo, '');
    await mentionBob('mark-open', 'Arrived later');

    const marked = await browser.post('/notifications/read', { upTo });

    assert.equal(marked.statusCode, 303);
    const list = await callApi(app, bob, 'GET', '/api/v1/notifications');
    assert.deepEqual(
      (list.json().items as { summary: string; read: boolean }[]).map(
        (item) => [item.summary, item.read],
      ),
      [
        ['Alice mentioned you in “Arrived later”', false],
        ['Alice mentioned you in “Second”', true],
        ['Alice mentioned you in “First”', true],
      ],
    );
    const all = await callApi(app, bob, 'POST', '/api/v1/notifications/read');
    assert.deepEqual(all.json(), { marked: 1 });
    const again = await callApi(app, bob, 'POST', '/api/v1/notifications/read');
    assert.deepEqual(again.json(), { marked: 0 });
    const bad = await callApi(app, bob, 'POST', '/api/v1/notifications/read', {
      upTo: 'lots',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'VALIDATION_FAILED');
  });

  it('answers 404 for a notifications page past the last', async () => {
    const browser = new TestBrowser(app);
    await browser.signIn(bob.email);
    const first = await browser.get('/notifications?page=1');
    const beyond = await browser.get('/notifications?page=999');
    assert.deepEqual([first.statusCode, beyond.statusCode], [200, 404]);
  });

  it('shows a watch form back with its error and 400 for a level it does not offer', async () => {
    const browser = new TestBrowser(app);
    await browser.signIn(bob.email);
    await browser.get('/groups/mark-open/activity');
    const answer = await browser.post('/groups/mark-open/watch', {
      level: 'bogus',
    });
    assert.equal(answer.statusCode, 400);
    assert.match(answer.body, /<title>Error: /);
    assert.match(answer.body, /govuk-error-summary/);
    assert.match(answer.body, /href="#level">Choose watch, mute or none/);
  });
});
