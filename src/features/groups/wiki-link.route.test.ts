import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildAccount, buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';

await describeEachDatabase('a group’s way to its wiki', (database) => {
  let app: FastifyInstance;
  let member: { id: number };
  let outsider: { id: number };

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    const owner = await buildAccount(db);
    member = await buildAccount(db);
    outsider = await buildAccount(db);
    const group = await buildGroup(db, owner.id, {
      slug: 'lock-keepers',
      name: 'Lock Keepers',
      visibility: 'closed',
    });
    await addGroupMember(db, group, member.id);
  });
  after(async () => {
    await app.close();
  });

  async function homeAs(personId: number): Promise<string> {
    const response = await app.inject({
      url: '/groups/lock-keepers',
      headers: { authorization: await bearer(database().db, personId) },
    });
    assert.equal(response.statusCode, 200);
    return response.body;
  }

  it('links a member from the group’s page to its wiki', async () => {
    assert.match(
      await homeAs(member.id),
      /<a class="govuk-link" href="\/wiki\/lock-keepers">Lock Keepers wiki<\/a>/,
    );
  });

  it('offers no wiki link to someone outside a closed group', async () => {
    assert.doesNotMatch(await homeAs(outsider.id), /\/wiki\/lock-keepers/);
  });
});
