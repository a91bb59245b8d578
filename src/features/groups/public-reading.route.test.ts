import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildAccount, buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { setSetting } from '../admin/settings.ts';

await describeEachDatabase('an open group read in public', (database) => {
  let app: FastifyInstance;
  let slug: string;

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    const owner = await buildAccount(db, { displayName: 'Perpetua Owner' });
    const member = await buildAccount(db, { displayName: 'Ptolemy Member' });
    const group = await buildGroup(db, owner.id, {
      name: 'Harbour Walks',
      description: 'Routes along the quay, every Thursday.',
    });
    await addGroupMember(db, group, member.id);
    slug = group.slug;
    await setSetting(db, 'publicReading', true, {
      personId: owner.id,
      label: 'test',
    });
  });
  after(async () => {
    await app.close();
  });

  it('shows a signed-out reader the description but not who the members are', async () => {
    const response = await app.inject({ url: `/groups/${slug}` });

    assert.equal(response.statusCode, 200);
    assert.match(response.body, /Routes along the quay/);
    assert.match(response.body, /to see who is in this group/);
    assert.doesNotMatch(response.body, /Perpetua|Ptolemy/);
  });

  it('keeps the member list from a signed-out reader, page and API', async () => {
    const page = await app.inject({ url: `/groups/${slug}/members` });
    const api = await app.inject({ url: `/api/v1/groups/${slug}/members` });

    assert.equal(page.statusCode, 403);
    assert.equal(api.statusCode, 403);
    assert.equal(api.json().error.code, 'GROUP_FORBIDDEN');
    assert.doesNotMatch(page.body + api.body, /Perpetua|Ptolemy/);
  });
});
