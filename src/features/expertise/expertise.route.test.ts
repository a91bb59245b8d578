import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildCaller, callApi } from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { buildPerson } from '../../test-support/factories.ts';

// The expertise finder's page and API, and People like you on the home
// page: validation, who may use them, and a dismissal through the form.

await describeEachDatabase('the expertise finder over HTTP', (database) => {
  let app: FastifyInstance;
  let member: ApiCaller;
  let guest: ApiCaller;
  let browser: TestBrowser;
  let expertId: number;
  let memberId: number;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    const account = await buildAccount(db, {
      displayName: 'Mo Member',
      tags: { interest: ['Open data'] },
    });
    memberId = account.id;
    member = await buildCaller(db, { displayName: 'Ann Api' });
    guest = await buildCaller(db, { displayName: 'Gus Guest', role: 'guest' });
    expertId = await buildPerson(db, {
      displayName: 'Kim Kube',
      jobTitle: 'Platform engineer',
      tags: { skill: ['Kubernetes'], interest: ['open data'] },
    });
    browser = new TestBrowser(app);
    await browser.signIn(account.email);
  });
  after(async () => {
    await app.close();
  });

  it('answers the API with a page of people and their reasons', async () => {
    const response = await callApi(
      app,
      member,
      'GET',
      '/api/v1/experts?q=kubernetes&otherDepartments=false&pageSize=10',
    );

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      items: [
        {
          person: {
            id: expertId,
            name: 'Kim Kube',
            jobTitle: 'Platform engineer',
            department: null,
            links: {
              self: `/api/v1/people/${expertId}`,
              html: `/people/${expertId}`,
            },
          },
          reasons: ['Skill: Kubernetes'],
        },
      ],
      total: 1,
      page: 1,
      pageSize: 10,
    });
  });

  it('refuses an empty or overlong topic in the API with a stable code', async () => {
    for (const q of ['', '%20%20', 'k'.repeat(201)]) {
      const response = await callApi(
        app,
        member,
        'GET',
        `/api/v1/experts?q=${q}`,
      );
      assert.equal(response.statusCode, 400, q);
      const { error } = response.json<{
        error: { code: string; fields: Record<string, string> };
      }>();
      assert.equal(error.code, 'VALIDATION_FAILED');
      assert.deepEqual(Object.keys(error.fields), ['q']);
    }
    const fine = await callApi(
      app,
      member,
      'GET',
      `/api/v1/experts?q=${'k'.repeat(200)}`,
    );
    assert.equal(fine.statusCode, 200);
  });

  it('refuses guests in the API and on the page', async () => {
    const api = await callApi(
      app,
      guest,
      'GET',
      '/api/v1/experts?q=kubernetes',
    );
    const list = await callApi(app, guest, 'GET', '/api/v1/people-like-you');

    assert.equal(api.statusCode, 403);
    assert.equal(list.statusCode, 403);
    const visitor = await buildAccount(database().db, { role: 'guest' });
    const guestBrowser = new TestBrowser(app);
    await guestBrowser.signIn(visitor.email);
    const page = await guestBrowser.get('/people/experts?q=kubernetes');
    assert.equal(page.statusCode, 403);
    assert.doesNotMatch(page.body, /Kim Kube/);
  });

  it('shows an empty topic as a GOV.UK error on the page, with status 400', async () => {
    const response = await browser.get('/people/experts?q=');

    assert.equal(response.statusCode, 400);
    assert.match(response.body, /<title>Error: Who knows about…/);
    assert.match(response.body, /govuk-error-summary/);
    assert.match(response.body, /href="#q">Enter a topic, skill or subject/);
  });

  it('keeps an overlong topic in the form and says how long it may be', async () => {
    const long = 'k'.repeat(201);
    const response = await browser.get(`/people/experts?q=${long}`);

    assert.equal(response.statusCode, 400);
    assert.match(response.body, /The topic must be 200 characters or fewer/);
    assert.match(response.body, new RegExp(`value="${long}"`));
  });

  it('links to the finder from the people directory', async () => {
    const response = await browser.get('/people');

    assert.match(response.body, /href="\/people\/experts"/);
  });

  it('lists people with their reasons on the page', async () => {
    const response = await browser.get('/people/experts?q=Kubernetes');

    assert.equal(response.statusCode, 200);
    assert.match(response.body, /1 person found/);
    assert.match(response.body, /Kim Kube/);
    assert.match(response.body, /<li>Skill: Kubernetes<\/li>/);
  });

  it('suggests a person like you on the home page until dismissed', async () => {
    const before = await browser.get('/');
    assert.match(before.body, /People like you/);
    assert.match(before.body, /Also interested in Open data/);

    const dismissed = await browser.post(
      `/people-like-you/${expertId}/dismiss`,
      {},
    );
    assert.equal(dismissed.statusCode, 303);
    assert.equal(dismissed.headers.location, '/#people-like-you');

    const afterwards = await browser.get('/');
    assert.doesNotMatch(afterwards.body, /Kim Kube/);
  });

  it('dismisses through the API, and answers 404 for nobody', async () => {
    const { db } = database();
    const other = await buildCaller(db, { tags: { interest: ['open data'] } });
    const listed = await callApi(app, other, 'GET', '/api/v1/people-like-you');
    assert.deepEqual(
      listed
        .json<{ items: { person: { id: number } }[] }>()
        .items.map((item) => item.person.id),
      [expertId, memberId],
    );

    const url = `/api/v1/people-like-you/${expertId}/dismiss`;
    assert.equal((await callApi(app, other, 'POST', url)).statusCode, 204);
    assert.equal((await callApi(app, other, 'POST', url)).statusCode, 204);
    const missing = '/api/v1/people-like-you/999999/dismiss';
    assert.equal((await callApi(app, other, 'POST', missing)).statusCode, 404);
    const after = await callApi(app, other, 'GET', '/api/v1/people-like-you');
    assert.deepEqual(
      after
        .json<{ items: { person: { id: number } }[] }>()
        .items.map((item) => item.person.id),
      [memberId],
    );
  });

  it('refuses to dismiss yourself, through the API and the form', async () => {
    const { db } = database();
    const own = `/api/v1/people-like-you/${member.id}/dismiss`;
    const refused = await callApi(app, member, 'POST', own);

    assert.equal(refused.statusCode, 422);
    assert.equal(
      refused.json<{ error: { code: string } }>().error.code,
      'CANNOT_DISMISS_SELF',
    );
    const form = await browser.post(`/people-like-you/${memberId}/dismiss`, {});
    assert.equal(form.statusCode, 422);
    assert.match(form.body, /You cannot dismiss yourself/);
    const rows = await db
      .selectFrom('people_like_you_dismissals')
      .select('person_id')
      .where((eb) =>
        eb.or([
          eb('dismissed_person_id', '=', member.id),
          eb('dismissed_person_id', '=', memberId),
        ]),
      )
      .execute();
    assert.deepEqual(rows, []);
  });
});
