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
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';

// BUG-04: a profile's activity lists what its reader may read, nothing
// else, in the page, the activity tab and the API.

await describeEachDatabase('a profile’s activity', (database) => {
  let app: FastifyInstance;
  let bob: ApiCaller;
  let carol: ApiCaller;
  let alice: ApiCaller;
  let carolEmail: string;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    bob = await buildCaller(db, { displayName: 'Bob' });
    alice = await buildCaller(db, { displayName: 'Alice' });
    const account = await buildAccount(db, { displayName: 'Carol' });
    carolEmail = account.email;
    carol = { id: account.id, authorization: await bearer(db, account.id) };
    const legal = await buildGroup(db, bob.id, {
      name: 'Legal',
      slug: 'legal',
      visibility: 'closed',
    });
    await addGroupMember(db, legal, alice.id);
    const lunch = await buildGroup(db, bob.id, { slug: 'canteen' });
    for (const [slug, title] of [
      ['legal', 'Settlement draft v2: offer 1.2M'],
      ['canteen', 'Lunch menu'],
    ]) {
      const made = await callApi(
        app,
        bob,
        'POST',
        `/api/v1/talk/groups/${slug}/threads`,
        { title, body: 'Details inside' },
      );
      assert.equal(made.statusCode, 201, made.body);
    }
    assert.ok(lunch.id > 0);
  });
  after(async () => {
    await app.close();
  });

  function threadTitles(items: { summary: string; verb: string }[]) {
    return items
      .filter((item) => item.verb === 'thread.started')
      .map((item) => item.summary);
  }

  it('lists only what an outsider may read on a profile’s activity (BUG-04)', async () => {
    const api = await callApi(
      app,
      carol,
      'GET',
      `/api/v1/people/${bob.id}/activity`,
    );
    assert.equal(api.statusCode, 200);
    assert.deepEqual(threadTitles(api.json().items), [
      'Bob started “Lunch menu”',
    ]);

    // Following Bob brings his activity home, as far as Carol may read it.
    const followed = await app.inject({
      method: 'PUT',
      url: `/api/v1/people/${bob.id}/follow`,
      headers: { authorization: carol.authorization },
    });
    assert.deepEqual(followed.json(), { personId: bob.id, following: true });
    const browser = new TestBrowser(app);
    await browser.signIn(carolEmail);
    for (const url of [
      `/people/${bob.id}`,
      `/people/${bob.id}/activity`,
      `/api/v1/people/${bob.id}`,
      `/api/v1/people/${bob.id}/activity`,
      '/',
    ]) {
      const response = await browser.get(url);
      assert.equal(response.statusCode, 200, url);
      assert.doesNotMatch(response.body, /Settlement/, url);
    }
    for (const url of [`/people/${bob.id}/activity`, '/']) {
      assert.match((await browser.get(url)).body, /Lunch menu/, url);
    }
  });

  it('lists both threads for a member of the private group', async () => {
    const api = await callApi(
      app,
      alice,
      'GET',
      `/api/v1/people/${bob.id}/activity`,
    );
    assert.deepEqual(threadTitles(api.json().items), [
      'Bob started “Lunch menu”',
      'Bob started “Settlement draft v2: offer 1.2M”',
    ]);
  });
});
