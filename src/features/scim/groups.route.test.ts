import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { TestScimClient, scimAuthorization } from './testing.ts';
import { GROUP_SCHEMA } from './urns.ts';

const filter = (text: string) => `filter=${encodeURIComponent(text)}`;

function groupBody(overrides: Record<string, unknown> = {}) {
  return {
    schemas: [GROUP_SCHEMA],
    displayName: `Group ${nextNumber()}`,
    ...overrides,
  };
}

function memberIds(group: { members?: { value: string }[] }): string[] {
  return (group.members ?? []).map((member) => member.value);
}

await describeEachDatabase('SCIM Groups', (database) => {
  let app: FastifyInstance;
  let scim: TestScimClient;

  before(async () => {
    app = await buildTestApp(database());
    scim = new TestScimClient(app, await scimAuthorization(database().db));
  });
  after(async () => {
    await app.close();
  });

  async function createGroup(overrides: Record<string, unknown> = {}) {
    const response = await scim.post('/Groups', groupBody(overrides));
    assert.equal(response.statusCode, 201, response.body);
    return response.json() as { id: string; displayName: string };
  }

  it('creates a group with members and reads it back', async () => {
    const alice = await scim.createUser({ displayName: 'Alice Member' });
    const bob = await scim.createUser();

    const response = await scim.post(
      '/Groups',
      groupBody({
        displayName: 'Finance Staff',
        externalId: 'aad-finance',
        members: [{ value: bob }, { value: alice }, { value: alice }],
      }),
    );

    assert.equal(response.statusCode, 201);
    const group = response.json();
    assert.equal(response.headers.location, group.meta.location);
    assert.equal(group.displayName, 'Finance Staff');
    assert.equal(group.externalId, 'aad-finance');
    assert.deepEqual(memberIds(group), [alice, bob]);
    assert.equal(group.members[0].display, 'Alice Member');
    assert.match(group.members[0].$ref, new RegExp(`/scim/v2/Users/${alice}$`));
    assert.deepEqual((await scim.get(`/Groups/${group.id}`)).json(), group);

    const user = (await scim.get(`/Users/${alice}`)).json();
    assert.deepEqual(user.groups, [
      { value: group.id, $ref: group.meta.location, display: 'Finance Staff' },
    ]);
  });

  it('refuses a name another group has, in any case, with 409', async () => {
    const existing = await createGroup();

    const response = await scim.post(
      '/Groups',
      groupBody({ displayName: existing.displayName.toUpperCase() }),
    );

    assert.equal(response.statusCode, 409);
    assert.equal(response.json().scimType, 'uniqueness');
  });

  it('refuses members that are not Users with invalidValue', async () => {
    for (const members of [
      [{ value: '987654321' }],
      [{ value: 'abc' }],
      [{ value: '1', type: 'Group' }],
      'everyone',
    ]) {
      const response = await scim.post('/Groups', groupBody({ members }));
      assert.equal(response.statusCode, 400, JSON.stringify(members));
      assert.equal(response.json().scimType, 'invalidValue');
    }
    const noName = await scim.post('/Groups', { schemas: [GROUP_SCHEMA] });
    assert.equal(noName.json().scimType, 'invalidValue');
    assert.match(noName.json().detail, /displayName is required/);
  });

  it('adds and removes members with PATCH, as identity providers send it', async () => {
    const [a, b, c] = [
      await scim.createUser(),
      await scim.createUser(),
      await scim.createUser(),
    ];
    const group = await createGroup({ members: [{ value: a }] });

    const added = await scim.patch(`/Groups/${group.id}`, [
      { op: 'Add', path: 'members', value: [{ value: b }, { value: c }] },
    ]);
    assert.equal(added.statusCode, 204);
    assert.ok(added.headers.etag);
    let current = (await scim.get(`/Groups/${group.id}`)).json();
    assert.deepEqual(memberIds(current), [a, b, c]);

    await scim.patch(`/Groups/${group.id}`, [
      { op: 'remove', path: `members[value eq "${a}"]` },
    ]);
    await scim.patch(`/Groups/${group.id}`, [
      { op: 'Remove', path: 'members', value: [{ value: b }] },
    ]);
    current = (await scim.get(`/Groups/${group.id}`)).json();
    assert.deepEqual(memberIds(current), [c]);

    await scim.patch(`/Groups/${group.id}`, [
      {
        op: 'replace',
        value: { id: group.id, displayName: `${group.displayName} renamed` },
      },
      { op: 'replace', path: 'members', value: [{ value: a }] },
    ]);
    current = (await scim.get(`/Groups/${group.id}`)).json();
    assert.equal(current.displayName, `${group.displayName} renamed`);
    assert.deepEqual(memberIds(current), [a]);

    await scim.patch(`/Groups/${group.id}`, [
      { op: 'remove', path: 'members' },
    ]);
    current = (await scim.get(`/Groups/${group.id}`)).json();
    assert.equal(current.members, undefined);
  });

  it('refuses PATCH changes it cannot make', async () => {
    const group = await createGroup();
    const unknown = await scim.patch(`/Groups/${group.id}`, [
      { op: 'add', path: 'members', value: [{ value: '987654321' }] },
    ]);
    assert.equal(unknown.json().scimType, 'invalidValue');

    const noName = await scim.patch(`/Groups/${group.id}`, [
      { op: 'remove', path: 'displayName' },
    ]);
    assert.equal(noName.json().scimType, 'invalidValue');

    const oddFilter = await scim.patch(`/Groups/${group.id}`, [
      { op: 'remove', path: 'members[display eq "Alice"]' },
    ]);
    assert.equal(oddFilter.json().scimType, 'invalidFilter');
    assert.equal((await scim.get(`/Groups/${group.id}`)).statusCode, 200);
  });

  it('refuses with mutability a PATCH of read-only or immutable attributes', async () => {
    const member = await scim.createUser();
    const group = await createGroup({ members: [{ value: member }] });

    for (const path of [
      'id',
      'meta.version',
      `members[value eq "${member}"].value`,
      `members[value eq "${member}"].display`,
    ]) {
      const response = await scim.patch(`/Groups/${group.id}`, [
        { op: 'replace', path: 'displayName', value: `Other ${nextNumber()}` },
        { op: 'replace', path, value: '42' },
      ]);

      assert.equal(response.statusCode, 400, path);
      assert.equal(response.json().scimType, 'mutability', path);
    }
    const after = (await scim.get(`/Groups/${group.id}`)).json();
    assert.equal(after.displayName, group.displayName);
    assert.deepEqual(memberIds(after), [member]);
  });

  it('sends its version as the ETag of a GET, and 304 while it stands', async () => {
    const leaver = await scim.createUser();
    const group = await createGroup({ members: [{ value: leaver }] });
    const read = await scim.get(`/Groups/${group.id}`);
    const version = read.json().meta.version;
    assert.equal(read.headers.etag, version);

    const unchanged = await scim.send('GET', `/Groups/${group.id}`, undefined, {
      'if-none-match': `"other", ${version}`,
    });
    assert.equal(unchanged.statusCode, 304);
    assert.equal(unchanged.headers.etag, version);

    // A member deleted through /Users leaves the group, which it says.
    await scim.delete(`/Users/${leaver}`);
    const changed = await scim.send('GET', `/Groups/${group.id}`, undefined, {
      'if-none-match': version,
    });
    assert.equal(changed.statusCode, 200);
    assert.equal(changed.json().members, undefined);
    assert.equal(changed.headers.etag, changed.json().meta.version);
  });

  it('replaces a group with PUT, members and all', async () => {
    const [a, b] = [await scim.createUser(), await scim.createUser()];
    const group = await createGroup({
      externalId: 'old',
      members: [{ value: a }],
    });

    const response = await scim.put(`/Groups/${group.id}`, {
      schemas: [GROUP_SCHEMA],
      displayName: group.displayName,
      members: [{ value: b }],
    });

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().externalId, undefined);
    assert.deepEqual(memberIds(response.json()), [b]);
  });

  it('filters by displayName without case and pages exactly', async () => {
    const n = nextNumber();
    const made = [];
    for (let i = 0; i < 3; i += 1) {
      made.push(await createGroup({ displayName: `Paged ${n} ${i}` }));
    }
    const where = made
      .map((group) => `displayName eq "${group.displayName.toLowerCase()}"`)
      .join(' or ');

    const page = (
      await scim.get(
        `/Groups?${filter(where)}&startIndex=2&count=1&excludedAttributes=members`,
      )
    ).json();

    assert.equal(page.totalResults, 3);
    assert.equal(page.startIndex, 2);
    assert.deepEqual(
      page.Resources.map((group: { id: string }) => group.id),
      [made[1]?.id],
    );
    const byExternal = await scim.get(
      `/Groups?${filter('externalId eq "none-such"')}`,
    );
    assert.equal(byExternal.json().totalResults, 0);
    const unsupported = await scim.get(
      `/Groups?${filter('members.value eq "1"')}`,
    );
    assert.equal(unsupported.json().scimType, 'invalidFilter');
  });

  it('deletes a group but not its members', async () => {
    const member = await scim.createUser();
    const group = await createGroup({ members: [{ value: member }] });

    assert.equal((await scim.delete(`/Groups/${group.id}`)).statusCode, 204);

    assert.equal((await scim.get(`/Groups/${group.id}`)).statusCode, 404);
    assert.equal((await scim.delete(`/Groups/${group.id}`)).statusCode, 404);
    assert.equal((await scim.get(`/Users/${member}`)).statusCode, 200);
  });
});
