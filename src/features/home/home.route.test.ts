import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';

await describeEachDatabase('the home page', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  it('leads a guest in a group to their groups, not to say they have none', async () => {
    const { db } = database();
    const owner = await buildAccount(db);
    const guest = await buildAccount(db, { role: 'guest' });
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    await addGroupMember(db, group, guest.id, 'member');
    const browser = new TestBrowser(app);
    await browser.signIn(guest.email);

    const home = await browser.get('/');

    assert.equal(home.statusCode, 200);
    assert.doesNotMatch(home.body, /not been invited to any groups/);
    assert.match(home.body, /<a class="govuk-link" href="\/groups\/mine">/);
    assert.match(
      home.body,
      /<a class="govuk-link" href="\/groups\/invitations">/,
    );
  });
});
