import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
} from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';
import type { Group } from '../../groups/groups.ts';

await describeEachDatabase('the status posts API', (database) => {
  let app: FastifyInstance;
  let alice: ApiCaller;
  let bob: ApiCaller;
  let carol: ApiCaller;
  let gina: ApiCaller;
  let legal: Group;
  let garden: Group;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    const caller = (name: string, role: 'member' | 'guest' = 'member') =>
      buildCaller(db, {
        displayName: name,
        email: `${name.toLowerCase()}@example.gov.uk`,
        role,
      });
    alice = await caller('Alice');
    bob = await caller('Bob');
    carol = await caller('Carol');
    gina = await caller('Gina', 'guest');
    await buildGroup(db, alice.id, {
      slug: 'hr-private',
      name: 'HR-Private',
      visibility: 'secret',
    });
    legal = await buildGroup(db, alice.id, {
      slug: 'legal',
      name: 'Legal',
      visibility: 'closed',
    });
    await addGroupMember(db, legal, bob.id);
    garden = await buildGroup(db, carol.id, { slug: 'garden', name: 'Garden' });
    for (const member of [alice, bob, gina]) {
      await addGroupMember(db, garden, member.id);
    }
  });
  after(async () => {
    await app.close();
  });

  function call(
    caller: ApiCaller | null,
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
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

  async function post(
    caller: ApiCaller,
    body: string,
    group?: string,
  ): Promise<number> {
    const response = await call(caller, 'POST', '/api/v1/talk/status', {
      body,
      group,
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json().id;
  }

  function bodiesOf(response: LightMyRequestResponse) {
    const json = response.json();
    return {
      bodies: json.items.map((item: { body: string }) => item.body),
      total: json.total,
    };
  }

  it('takes a post of 500 characters and refuses 501 with a field error', async () => {
    const fits = await call(alice, 'POST', '/api/v1/talk/status', {
      body: ` ${'名'.repeat(500)} `,
    });
    const over = await call(alice, 'POST', '/api/v1/talk/status', {
      body: 'x'.repeat(501),
    });
    const reply = await call(
      alice,
      'POST',
      `/api/v1/talk/status/${fits.json().id}/replies`,
      { body: 'y'.repeat(501) },
    );

    assert.equal(fits.statusCode, 201);
    assert.equal(fits.json().body, '名'.repeat(500));
    assert.equal(fits.json().group, null);
    assert.equal(over.statusCode, 422);
    assert.deepEqual(over.json().error.fields, {
      body: 'The post must be 500 characters or fewer',
    });
    assert.equal(reply.statusCode, 422);
  });

  it('keeps @bob plain text in HR-Private and does not offer him', async () => {
    const id = await post(
      alice,
      '@bob performance review moved to Friday',
      'hr-private',
    );
    for (const body of ['@bob first comment', '@bob second comment']) {
      const reply = await call(
        alice,
        'POST',
        `/api/v1/talk/status/${id}/replies`,
        { body },
      );
      assert.equal(reply.statusCode, 201);
    }

    const shown = await call(alice, 'GET', `/api/v1/talk/status/${id}`);
    assert.equal(shown.json().html, '@bob performance review moved to Friday');
    assert.deepEqual(
      shown.json().replies.items.map((r: { html: string }) => r.html),
      ['@bob first comment', '@bob second comment'],
    );
    const candidates = await call(
      alice,
      'GET',
      '/api/v1/talk/mention-candidates?group=hr-private&q=b',
    );
    assert.deepEqual(candidates.json(), {
      items: [],
      total: 0,
      page: 1,
      pageSize: 25,
    });
    const asBob = await call(bob, 'GET', `/api/v1/talk/status/${id}`);
    assert.equal(asBob.statusCode, 404);
    assert.doesNotMatch(asBob.body, /performance/);
    const bobsCandidates = await call(
      bob,
      'GET',
      '/api/v1/talk/mention-candidates?group=hr-private',
    );
    assert.equal(bobsCandidates.statusCode, 404);
  });

  it('links a mention of someone who may read the post to their profile', async () => {
    const id = await post(alice, 'Thanks @carol for the seeds', 'garden');
    const shown = await call(carol, 'GET', `/api/v1/talk/status/${id}`);

    assert.equal(
      shown.json().html,
      `Thanks <a class="app-status-mention" href="/people/${carol.id}">` +
        '@carol</a> for the seeds',
    );
  });

  it('shows a non-member only the open group post on a profile, and counts 1', async () => {
    await post(bob, 'Settlement draft v2: offer 1.2M', 'legal');
    await post(bob, 'Lunch menu', 'garden');

    const asCarol = await call(carol, 'GET', `/api/v1/people/${bob.id}/status`);
    const asAlice = await call(alice, 'GET', `/api/v1/people/${bob.id}/status`);

    assert.deepEqual(bodiesOf(asCarol), { bodies: ['Lunch menu'], total: 1 });
    assert.doesNotMatch(asCarol.body, /Settlement/);
    assert.deepEqual(bodiesOf(asAlice), {
      bodies: ['Lunch menu', 'Settlement draft v2: offer 1.2M'],
      total: 2,
    });
  });

  it('keeps a group stream from those who may not read the group', async () => {
    const member = await call(bob, 'GET', '/api/v1/groups/legal/status');
    const staff = await call(carol, 'GET', '/api/v1/groups/legal/status');
    const guest = await call(gina, 'GET', '/api/v1/groups/legal/status');
    const secret = await call(carol, 'GET', '/api/v1/groups/hr-private/status');

    assert.deepEqual(bodiesOf(member), {
      bodies: ['Settlement draft v2: offer 1.2M'],
      total: 1,
    });
    assert.equal(staff.statusCode, 403);
    assert.equal(guest.statusCode, 404);
    assert.equal(secret.statusCode, 404);
    for (const response of [staff, guest, secret]) {
      assert.doesNotMatch(response.body, /Settlement|performance/);
    }
  });

  it('shows a guest the posts of their own groups and nothing else', async () => {
    const stream = await call(gina, 'GET', '/api/v1/talk/status');
    const profile = await call(gina, 'GET', `/api/v1/people/${bob.id}/status`);
    const own = await call(gina, 'POST', '/api/v1/talk/status', {
      body: 'On my profile',
    });
    const candidates = await call(
      gina,
      'GET',
      '/api/v1/talk/mention-candidates',
    );

    assert.deepEqual(bodiesOf(stream), {
      bodies: ['Lunch menu', 'Thanks @carol for the seeds'],
      total: 2,
    });
    assert.deepEqual(bodiesOf(profile), { bodies: ['Lunch menu'], total: 1 });
    assert.equal(own.statusCode, 403);
    assert.equal(candidates.statusCode, 403);
    const stranger = await buildCaller(database().db, { displayName: 'Stan' });
    for (const id of [String(stranger.id), 'abc']) {
      const response = await call(gina, 'GET', `/api/v1/people/${id}/status`);
      assert.equal(response.statusCode, 404, id);
      assert.equal(response.json().error.code, 'PERSON_NOT_FOUND');
    }
  });

  it('turns a signed-out reader away from every list', async () => {
    for (const url of [
      '/api/v1/talk/status',
      `/api/v1/people/${bob.id}/status`,
      '/api/v1/groups/garden/status',
      '/api/v1/talk/tags/brexit',
    ]) {
      const response = await call(null, 'GET', url);
      assert.equal(response.statusCode, 401, url);
    }
  });

  it('lists a tag in any script and case, newest first, page by page', async () => {
    await post(alice, 'Talks on #Brexit', 'garden');
    await post(carol, 'More on #brexit');
    await post(alice, 'Minutes #BREXIT', 'legal');
    await post(carol, 'Новости #Брекзит');

    const carols = await call(carol, 'GET', '/api/v1/talk/tags/Brexit');
    const bobs = await call(
      bob,
      'GET',
      '/api/v1/talk/tags/%23brexit?pageSize=2&page=2',
    );
    const cyrillic = await call(
      carol,
      'GET',
      `/api/v1/talk/tags/${encodeURIComponent('БРЕКЗИТ')}`,
    );
    const guests = await call(gina, 'GET', '/api/v1/talk/tags/brexit');

    assert.equal(carols.json().tag, 'brexit');
    assert.deepEqual(bodiesOf(carols), {
      bodies: ['More on #brexit', 'Talks on #Brexit'],
      total: 2,
    });
    assert.deepEqual(bodiesOf(bobs), {
      bodies: ['Talks on #Brexit'],
      total: 3,
    });
    assert.deepEqual(bodiesOf(cyrillic), {
      bodies: ['Новости #Брекзит'],
      total: 1,
    });
    assert.deepEqual(bodiesOf(guests), {
      bodies: ['Talks on #Brexit'],
      total: 1,
    });
  });

  it('counts one like per person, and an unlike once', async () => {
    const id = await post(carol, 'Like me', 'garden');
    const like = `/api/v1/talk/status/${id}/like`;

    const first = await call(gina, 'PUT', like);
    const again = await call(gina, 'PUT', like);
    const outsider = await call(
      await buildCaller(database().db, { displayName: 'Nia' }),
      'PUT',
      like,
    );
    const unlike = await call(gina, 'DELETE', like);
    const unlikeAgain = await call(gina, 'DELETE', like);

    assert.deepEqual(first.json(), { liked: true, likeCount: 1 });
    assert.deepEqual(again.json(), { liked: true, likeCount: 1 });
    assert.equal(outsider.statusCode, 403);
    assert.deepEqual(unlike.json(), { liked: false, likeCount: 0 });
    assert.deepEqual(unlikeAgain.json(), { liked: false, likeCount: 0 });
  });

  it('deletes a post with its replies, by its author or a moderator only', async () => {
    const id = await post(gina, 'Short-lived #ephemeral', 'garden');
    const reply = await call(
      alice,
      'POST',
      `/api/v1/talk/status/${id}/replies`,
      {
        body: 'Reply #ephemeral',
      },
    );
    const replyId = reply.json().id;

    const byMember = await call(alice, 'DELETE', `/api/v1/talk/status/${id}`);
    const byOwner = await call(carol, 'DELETE', `/api/v1/talk/status/${id}`);

    assert.equal(byMember.statusCode, 403);
    assert.equal(byOwner.statusCode, 204);
    for (const url of [
      `/api/v1/talk/status/${id}`,
      `/api/v1/talk/status/${replyId}`,
      `/api/v1/talk/status/${id}/replies`,
    ]) {
      assert.equal((await call(carol, 'GET', url)).statusCode, 404, url);
    }
    const tag = await call(carol, 'GET', '/api/v1/talk/tags/ephemeral');
    assert.deepEqual(bodiesOf(tag), { bodies: [], total: 0 });
    const stream = await call(carol, 'GET', '/api/v1/talk/status?pageSize=100');
    assert.doesNotMatch(stream.body, /Short-lived/);
  });

  it('answers 404 for a status id that cannot exist', async () => {
    for (const id of ['0', 'abc', '99999999999', '2147483647']) {
      const response = await call(alice, 'GET', `/api/v1/talk/status/${id}`);
      assert.equal(response.statusCode, 404, id);
      assert.equal(response.json().error.code, 'STATUS_NOT_FOUND');
    }
  });
});
