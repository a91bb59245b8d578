import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildAccount, buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';

await describeEachDatabase('the groups on a profile', (database) => {
  let app: FastifyInstance;
  let owner: { id: number };
  let insider: { id: number };
  let outsider: { id: number };

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    owner = await buildAccount(db, { displayName: 'Orla Owner' });
    insider = await buildAccount(db);
    outsider = await buildAccount(db);
    await buildGroup(db, owner.id, { name: 'Quilting Circle' });
    await buildGroup(db, owner.id, {
      name: 'Tea Rota',
      visibility: 'closed',
    });
    const secret = await buildGroup(db, owner.id, {
      name: 'Hushed Merger Talks',
      visibility: 'secret',
    });
    await addGroupMember(db, secret, insider.id);
  });
  after(async () => {
    await app.close();
  });

  async function profileAs(readerId: number): Promise<string> {
    const response = await app.inject({
      url: `/people/${owner.id}`,
      headers: { authorization: await bearer(database().db, readerId) },
    });
    assert.equal(response.statusCode, 200);
    return response.body;
  }

  it('names open and closed groups but not a secret one to a non-member', async () => {
    const body = await profileAs(outsider.id);

    assert.match(body, /Quilting Circle/);
    assert.match(body, /<h2 class="govuk-heading-m">Reports to<\/h2>/);
    assert.match(body, /Tea Rota/);
    assert.doesNotMatch(body, /Hushed Merger/);
  });

  it('names the secret group to a fellow member of it', async () => {
    const body = await profileAs(insider.id);

    assert.match(body, /Hushed Merger Talks/);
  });
});
