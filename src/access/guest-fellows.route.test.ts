import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildAccount, buildTestApp } from '../test-support/app.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../test-support/groups.ts';

await describeEachDatabase('a guest and other people', (database) => {
  let app: FastifyInstance;
  let guest: { id: number };
  let fellow: { id: number };
  let stranger: { id: number };
  let formerFellow: { id: number };

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    guest = await buildAccount(db, { role: 'guest', displayName: 'Gia Guest' });
    fellow = await buildAccount(db, { displayName: 'Fenella Fellow' });
    stranger = await buildAccount(db, { displayName: 'Stellan Stranger' });
    formerFellow = await buildAccount(db, { displayName: 'Faramond Former' });
    await db
      .updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', formerFellow.id)
      .execute();
    const shared = await buildGroup(db, fellow.id, { visibility: 'secret' });
    await addGroupMember(db, shared, guest.id);
    await addGroupMember(db, shared, formerFellow.id);
    const other = await buildGroup(db, stranger.id);
    await addGroupMember(db, other, fellow.id);
  });
  after(async () => {
    await app.close();
  });

  it('may read the profile of someone who shares a group with them', async () => {
    const authorization = await bearer(database().db, guest.id);
    const page = await app.inject({
      url: `/people/${fellow.id}`,
      headers: { authorization },
    });
    const api = await app.inject({
      url: `/api/v1/people/${fellow.id}`,
      headers: { authorization },
    });

    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Fenella Fellow/);
    // The organisation's structure is not a guest's to see, not even empty.
    assert.doesNotMatch(page.body, /Reports to|No manager recorded/);
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().name, 'Fenella Fellow');
  });

  it('may not read the profile of anyone outside their groups', async () => {
    const authorization = await bearer(database().db, guest.id);
    for (const id of [stranger.id, formerFellow.id]) {
      const page = await app.inject({
        url: `/people/${id}`,
        headers: { authorization },
      });
      const api = await app.inject({
        url: `/api/v1/people/${id}`,
        headers: { authorization },
      });

      assert.equal(page.statusCode, 404, `/people/${id}`);
      assert.equal(api.statusCode, 404, `/api/v1/people/${id}`);
      assert.doesNotMatch(page.body + api.body, /Stellan|Faramond/);
    }
  });
});
