import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildGroup } from '../../test-support/groups.ts';

await describeEachDatabase('joining a group twice', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  it('takes a second click on Join to the group’s page, a member once', async () => {
    const { db } = database();
    const owner = await buildAccount(db);
    const joiner = await buildAccount(db);
    const group = await buildGroup(db, owner.id, { slug: 'kite-flyers' });
    const browser = new TestBrowser(app);
    await browser.signIn(joiner.email);
    await browser.get('/groups/kite-flyers');

    const first = await browser.post('/groups/kite-flyers/join', {});
    const second = await browser.post('/groups/kite-flyers/join', {});

    assert.equal(first.statusCode, 303);
    assert.equal(second.statusCode, 303);
    assert.equal(second.headers.location, first.headers.location);
    const rows = await db
      .selectFrom('group_members')
      .select('role')
      .where('group_id', '=', group.id)
      .where('person_id', '=', joiner.id)
      .execute();
    assert.deepEqual(rows, [{ role: 'member' }]);
  });

  it('still refuses a join to a closed group', async () => {
    const { db } = database();
    const owner = await buildAccount(db);
    const asker = await buildAccount(db);
    await buildGroup(db, owner.id, {
      slug: 'tea-rota',
      visibility: 'closed',
    });
    const browser = new TestBrowser(app);
    await browser.signIn(asker.email);
    await browser.get('/groups/tea-rota');

    const response = await browser.post('/groups/tea-rota/join', {});

    assert.equal(response.statusCode, 403);
  });
});
