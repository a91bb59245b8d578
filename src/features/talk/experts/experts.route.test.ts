import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';

// "People who may know" as the API answers it and as a question's page
// shows it: for staff only, since it names people as the directory does.

await describeEachDatabase('people who may know, over HTTP', (database) => {
  let app: FastifyInstance;
  let asker: ApiCaller;
  let guest: ApiCaller;
  let expertId: number;
  let questionId: number;
  let discussionId: number;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    asker = await buildCaller(db, { displayName: 'Ann Asker' });
    guest = await buildCaller(db, { displayName: 'Gus Guest', role: 'guest' });
    expertId = (
      await buildCaller(db, {
        displayName: 'Pat Procurer',
        tags: { skill: ['Procurement'] },
      })
    ).id;
    const group = await buildGroup(db, asker.id, { visibility: 'closed' });
    await addGroupMember(db, group, guest.id);
    const start = (question: boolean) =>
      callApi(app, asker, 'POST', `/api/v1/talk/groups/${group.slug}/threads`, {
        title: 'Who knows about framework agreements?',
        body: 'Text',
        question,
        tags: ['procurement'],
      });
    questionId = (await start(true)).json<{ id: number }>().id;
    discussionId = (await start(false)).json<{ id: number }>().id;
  });
  after(async () => {
    await app.close();
  });

  const path = (id: number) => `/api/v1/talk/threads/${id}/people-who-may-know`;

  it('answers staff with the people and their reasons', async () => {
    const response = await callApi(app, asker, 'GET', path(questionId));

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      items: [
        {
          person: {
            id: expertId,
            name: 'Pat Procurer',
            jobTitle: null,
            department: null,
            links: {
              self: `/api/v1/people/${expertId}`,
              html: `/people/${expertId}`,
            },
          },
          reasons: ['Skill: Procurement'],
        },
      ],
      total: 1,
    });
  });

  it('refuses a guest, and a thread that is not a question', async () => {
    const byGuest = await callApi(app, guest, 'GET', path(questionId));
    const notQuestion = await callApi(app, asker, 'GET', path(discussionId));

    assert.equal(byGuest.statusCode, 403);
    assert.equal(byGuest.json().error.code, 'GUEST_NOT_ALLOWED');
    assert.equal(notQuestion.statusCode, 409);
    assert.equal(notQuestion.json().error.code, 'NOT_A_QUESTION');
  });

  it('shows the panel on the question’s page to staff and not to a guest', async () => {
    const page = (caller: ApiCaller) =>
      app.inject({
        url: `/talk/threads/${questionId}`,
        headers: { authorization: caller.authorization },
      });

    const staffPage = await page(asker);
    const guestPage = await page(guest);

    assert.equal(staffPage.statusCode, 200);
    assert.match(staffPage.body, /People who may know/);
    assert.ok(staffPage.body.includes(`href="/people/${expertId}"`));
    assert.match(staffPage.body, /<li[^>]*>Skill: Procurement<\/li>/);
    assert.equal(guestPage.statusCode, 200);
    assert.doesNotMatch(guestPage.body, /People who may know|Pat Procurer/);
  });
});
