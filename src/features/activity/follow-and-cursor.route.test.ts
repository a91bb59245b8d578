import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildCaller, buildGroup } from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';

// Hand-made cursors and ids past the integer range are the reader's
// mistake (400 or 404), never a 500; following is about someone else.

function cursorOf(text: string): string {
  return Buffer.from(text).toString('base64url');
}

await describeEachDatabase('following and paging by hand', (database) => {
  let app: FastifyInstance;
  let fay: ApiCaller;
  let gil: ApiCaller;

  before(async () => {
    app = await buildTestApp(database());
    const { db } = database();
    fay = await buildCaller(db, { displayName: 'Fay' });
    gil = await buildCaller(db, { displayName: 'Gil' });
    await buildGroup(db, fay.id, { slug: 'all-staff', name: 'All staff' });
  });
  after(async () => {
    await app.close();
  });

  function send(
    caller: ApiCaller,
    method: 'GET' | 'PUT' | 'DELETE',
    url: string,
  ) {
    return app.inject({
      method,
      url,
      headers: { authorization: caller.authorization },
    });
  }

  it('answers 400 with the stable code for a cursor with an impossible date or id', async () => {
    const bad = [
      '2026-13-45T99:99:99Z|5',
      '0000-00-00T00:00:00Z|5',
      '2026-02-30T10:00:00Z|5',
      '2026-12-01T10:00:00Z|2147483648',
      '2026-12-01T10:00:00Z|0',
    ];
    const results: [number, string][] = [];
    for (const text of bad) {
      for (const path of [
        '/api/v1/activity',
        '/api/v1/groups/all-staff/activity',
      ]) {
        const res = await send(fay, 'GET', `${path}?before=${cursorOf(text)}`);
        results.push([res.statusCode, res.json().error?.code]);
      }
      const page = await send(
        fay,
        'GET',
        `/groups/all-staff/activity?before=${cursorOf(text)}`,
      );
      results.push([page.statusCode, 'page']);
    }
    assert.deepEqual(
      results,
      bad.flatMap(() => [
        [400, 'VALIDATION_FAILED'],
        [400, 'VALIDATION_FAILED'],
        [400, 'page'],
      ]),
    );
    const good = await send(
      fay,
      'GET',
      `/api/v1/activity?before=${cursorOf('2026-12-01T10:00:00.000Z|7')}`,
    );
    assert.equal(good.statusCode, 200);
  });

  it('answers 404 for a person id past the integer range', async () => {
    const codes: number[] = [];
    for (const [method, url] of [
      ['GET', '/api/v1/people/2147483648'],
      ['GET', '/people/2147483648'],
      ['GET', '/people/2147483648/activity'],
      ['GET', '/api/v1/people/2147483648/activity'],
      ['PUT', '/api/v1/people/2147483648/follow'],
      ['DELETE', '/api/v1/people/2147483648/follow'],
    ] as const) {
      codes.push((await send(fay, method, url)).statusCode);
    }
    assert.deepEqual(codes, [404, 404, 404, 404, 404, 404]);
  });

  it('refuses to let someone follow themselves with CANNOT_FOLLOW_SELF', async () => {
    const res = await send(fay, 'PUT', `/api/v1/people/${fay.id}/follow`);
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().error.code, 'CANNOT_FOLLOW_SELF');
  });

  it('lets a follower unfollow a deactivated person, whose events leave home', async () => {
    const { db } = database();
    const res = await send(gil, 'PUT', `/api/v1/people/${fay.id}/follow`);
    assert.equal(res.statusCode, 200);
    const fayOnly = (items: { actor: { id: number } }[]) =>
      items.filter((item) => item.actor.id === fay.id).length;
    const home = await send(gil, 'GET', '/api/v1/activity');
    assert.equal(fayOnly(home.json().items), 1);

    await db
      .updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', fay.id)
      .execute();
    const after = await send(gil, 'GET', '/api/v1/activity');
    assert.equal(fayOnly(after.json().items), 0);

    const gone = await send(gil, 'DELETE', `/api/v1/people/${fay.id}/follow`);
    assert.equal(gone.statusCode, 200);
    assert.deepEqual(gone.json(), { personId: fay.id, following: false });
    const rows = await db
      .selectFrom('follows')
      .select('person_id')
      .where('follower_id', '=', gil.id)
      .execute();
    assert.deepEqual(rows, []);
    const again = await send(gil, 'DELETE', `/api/v1/people/${fay.id}/follow`);
    assert.equal(again.statusCode, 404);
  });

  it('sends the unfollow form back to the directory once the profile is gone', async () => {
    const { db } = database();
    const follower = await buildAccount(db, { displayName: 'Hal' });
    const followed = await buildAccount(db, { displayName: 'Ivy' });
    const browser = new TestBrowser(app);
    await browser.signIn(follower.email);
    await browser.get(`/people/${followed.id}`);
    const on = await browser.post(`/people/${followed.id}/follow`, {});
    assert.equal(on.statusCode, 303);
    const off = await browser.post(`/people/${followed.id}/unfollow`, {});
    assert.equal(off.headers.location, `/people/${followed.id}`);

    await browser.post(`/people/${followed.id}/follow`, {});
    await db
      .updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', followed.id)
      .execute();
    const gone = await browser.post(`/people/${followed.id}/unfollow`, {});
    assert.equal(gone.statusCode, 303);
    assert.equal(gone.headers.location, '/people');
  });
});
