import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildAccount, buildTestApp } from '../test-support/app.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { buildDepartment, buildPost } from '../test-support/factories.ts';

await describeEachDatabase('guests', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  it('are not in the staff directory', async () => {
    const { db } = database();
    await buildAccount(db, { role: 'guest', displayName: 'Gwyneth Partner' });
    const member = await buildAccount(db);

    const response = await app.inject({
      url: '/api/v1/people?q=gwyneth',
      headers: { authorization: await bearer(db, member.id) },
    });

    assert.equal(response.json().total, 0);
  });

  it('cannot place themselves in the organisation', async () => {
    const { db } = database();
    const department = await buildDepartment(db, 'Office of Guest Tests');
    const guest = await buildAccount(db, {
      role: 'guest',
      displayName: 'Gil Guest',
    });

    const response = await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${guest.id}`,
      headers: { authorization: await bearer(db, guest.id) },
      payload: {
        jobTitle: 'Chief Information Security Officer',
        department: department.slug,
        about: 'Partner nurse',
      },
    });

    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().error.fields, {
      jobTitle: 'Only an administrator can change this for a guest',
      department: 'Only an administrator can change this for a guest',
    });
    const about = await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${guest.id}`,
      headers: { authorization: await bearer(db, guest.id) },
      payload: { about: 'Partner nurse' },
    });
    assert.equal(about.statusCode, 200);
  });

  it('see their own profile without the organisation around it', async () => {
    const { db } = database();
    const department = await buildDepartment(db);
    const boss = await buildAccount(db, { displayName: 'Bea Boss' });
    const guest = await buildAccount(db, { displayName: 'Gail Demoted' });
    const top = await buildPost(db, {
      departmentId: department.id,
      holderIds: [boss.id],
    });
    await buildPost(db, {
      departmentId: department.id,
      reportsToPostId: top,
      holderIds: [guest.id],
    });
    await db
      .updateTable('people')
      .set({ role: 'guest' })
      .where('id', '=', guest.id)
      .execute();
    const authorization = await bearer(db, guest.id);

    const api = await app.inject({
      url: `/api/v1/people/${guest.id}`,
      headers: { authorization },
    });
    const page = await app.inject({
      url: `/people/${guest.id}`,
      headers: { authorization },
    });

    assert.deepEqual(api.json().managers, []);
    assert.deepEqual(api.json().posts, []);
    assert.doesNotMatch(page.body, /Bea Boss/);
  });
});
