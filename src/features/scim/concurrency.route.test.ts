import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { TestScimClient, scimAuthorization } from './testing.ts';
import { ENTERPRISE_SCHEMA, GROUP_SCHEMA } from './urns.ts';

await describeEachDatabase('SCIM changes that arrive at once', (database) => {
  let app: FastifyInstance;
  let scim: TestScimClient;

  before(async () => {
    app = await buildTestApp(database());
    scim = new TestScimClient(app, await scimAuthorization(database().db));
  });
  after(async () => {
    await app.close();
  });

  async function lifecycleEvents(personId: string): Promise<string[]> {
    const rows = await database()
      .db.selectFrom('audit_events')
      .select('action')
      .where('subject_type', '=', 'person')
      .where('subject_id', '=', Number(personId))
      .where('action', 'in', ['account.deactivated', 'account.reactivated'])
      .execute();
    return rows.map((row) => row.action);
  }

  it('keeps every change of concurrent PATCHes, deactivating once', async () => {
    const id = await scim.createUser({ title: 'Analyst' });
    const changes = [
      { op: 'replace', path: 'active', value: false },
      { op: 'replace', path: 'title', value: 'Leaver' },
      { op: 'replace', path: 'externalId', value: 'hr-leaver' },
      {
        op: 'replace',
        path: 'phoneNumbers',
        value: [{ value: '020 7946 0999', type: 'work' }],
      },
      {
        op: 'replace',
        path: `${ENTERPRISE_SCHEMA}:employeeNumber`,
        value: 'E-999',
      },
      {
        op: 'replace',
        path: 'addresses',
        value: [{ type: 'work', locality: 'York' }],
      },
    ];

    const responses = await Promise.all(
      changes.map((change) => scim.patch(`/Users/${id}`, [change])),
    );

    for (const response of responses) {
      assert.equal(response.statusCode, 200, response.body);
    }
    const user = (await scim.get(`/Users/${id}`)).json();
    assert.equal(user.active, false);
    assert.equal(user.title, 'Leaver');
    assert.equal(user.externalId, 'hr-leaver');
    assert.equal(user.phoneNumbers[0].value, '020 7946 0999');
    assert.equal(user[ENTERPRISE_SCHEMA].employeeNumber, 'E-999');
    assert.equal(user.addresses[0].locality, 'York');
    assert.deepEqual(await lifecycleEvents(id), ['account.deactivated']);
  });

  it('never switches back on someone a concurrent PUT or DELETE took off', async () => {
    const id = await scim.createUser();
    const user = (await scim.get(`/Users/${id}`)).json();

    const [put, patch, remove] = await Promise.all([
      scim.put(`/Users/${id}`, { ...user, active: false }),
      scim.patch(`/Users/${id}`, [
        { op: 'replace', path: 'title', value: 'Leaver' },
      ]),
      scim.delete(`/Users/${id}`),
    ]);

    assert.equal(remove?.statusCode, 204, remove?.body);
    // Whichever ran after the DELETE found nobody there.
    assert.ok([200, 404].includes(put?.statusCode ?? 0), put?.body);
    assert.ok([200, 404].includes(patch?.statusCode ?? 0), patch?.body);
    const person = await database()
      .db.selectFrom('people')
      .select('status')
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow();
    assert.equal(person.status, 'deactivated');
    assert.deepEqual(await lifecycleEvents(id), ['account.deactivated']);
  });

  it('keeps every change of concurrent PATCHes to one Group', async () => {
    const members = [];
    for (let i = 0; i < 3; i += 1) {
      members.push(await scim.createUser());
    }
    const created = await scim.post('/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: `Racing ${nextNumber()}`,
    });
    const groupId = created.json().id as string;
    const name = `Renamed ${nextNumber()}`;

    const responses = await Promise.all([
      scim.patch(`/Groups/${groupId}`, [
        { op: 'replace', path: 'displayName', value: name },
      ]),
      scim.patch(`/Groups/${groupId}`, [
        { op: 'replace', path: 'externalId', value: 'racing' },
      ]),
      ...members.map((value) =>
        scim.patch(`/Groups/${groupId}`, [
          { op: 'add', path: 'members', value: [{ value }] },
        ]),
      ),
    ]);

    for (const response of responses) {
      assert.equal(response.statusCode, 204, response.body);
    }
    const group = (await scim.get(`/Groups/${groupId}`)).json();
    assert.equal(group.displayName, name);
    assert.equal(group.externalId, 'racing');
    assert.deepEqual(
      group.members.map((member: { value: string }) => member.value).sort(),
      [...members].sort(),
    );
  });
});
