import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson, nextNumber } from '../../test-support/factories.ts';
import { TestScimClient, scimAuthorization, userBody } from './testing.ts';
import { ENTERPRISE_SCHEMA, USER_SCHEMA } from './urns.ts';

await describeEachDatabase('SCIM Users', (database) => {
  let app: FastifyInstance;
  let scim: TestScimClient;

  before(async () => {
    app = await buildTestApp(database());
    scim = new TestScimClient(app, await scimAuthorization(database().db));
  });
  after(async () => {
    await app.close();
  });

  it('creates a User with the enterprise extension and reads it back', async () => {
    const manager = await scim.createUser();
    const created = await scim.post('/Users', {
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      externalId: 'hr-1001',
      userName: 'Barbara.Jensen@example.gov.uk',
      name: { givenName: 'Barbara', familyName: 'Jensen' },
      title: 'Policy Adviser',
      emails: [
        { value: 'home@example.com', type: 'home' },
        { value: 'barbara.jensen@example.gov.uk', type: 'work' },
      ],
      phoneNumbers: [{ value: '020 7946 0001', type: 'work' }],
      addresses: [{ type: 'work', locality: 'Leeds' }],
      [ENTERPRISE_SCHEMA]: {
        employeeNumber: 'E-1001',
        department: 'Department for Provisioning',
        manager: { value: manager },
      },
    });

    assert.equal(created.statusCode, 201);
    assert.match(
      String(created.headers['content-type']),
      /^application\/scim\+json/,
    );
    const user = created.json();
    assert.equal(created.headers.location, user.meta.location);
    assert.equal(created.headers.etag, user.meta.version);
    assert.match(
      user.meta.location,
      /^http:\/\/localhost:3000\/scim\/v2\/Users\/\d+$/,
    );
    assert.equal(user.meta.resourceType, 'User');
    assert.equal(user.userName, 'Barbara.Jensen@example.gov.uk');
    assert.equal(user.displayName, 'Barbara Jensen');
    assert.deepEqual(user.name, {
      formatted: 'Barbara Jensen',
      givenName: 'Barbara',
      familyName: 'Jensen',
    });
    assert.deepEqual(user.emails, [
      { value: 'barbara.jensen@example.gov.uk', type: 'work', primary: true },
    ]);
    assert.equal(user.title, 'Policy Adviser');
    assert.deepEqual(user.addresses, [{ type: 'work', locality: 'Leeds' }]);
    assert.equal(user.active, true);
    assert.equal(
      user[ENTERPRISE_SCHEMA].department,
      'Department for Provisioning',
    );
    assert.equal(user[ENTERPRISE_SCHEMA].employeeNumber, 'E-1001');
    assert.equal(user[ENTERPRISE_SCHEMA].manager.value, manager);

    const read = await scim.get(`/Users/${user.id}`);
    assert.equal(read.statusCode, 200);
    assert.deepEqual(read.json(), user);

    const person = await database()
      .db.selectFrom('people')
      .selectAll()
      .where('id', '=', Number(user.id))
      .executeTakeFirstOrThrow();
    assert.equal(person.source, 'scim');
    assert.equal(person.password_hash, null);
    assert.equal(person.external_id, 'hr-1001');
    assert.equal(person.location, 'Leeds');
  });

  it('ignores attributes and schemas it does not know, and read-only ones', async () => {
    const created = await scim.post(
      '/Users',
      userBody({
        id: '999999',
        meta: { created: '1999-01-01T00:00:00Z' },
        nickName: 'Babs',
        shoeSize: 9,
        'urn:example:params:scim:schemas:extension:custom:2.0:User': {
          costCentre: 'X1',
        },
      }),
    );

    assert.equal(created.statusCode, 201);
    const user = created.json();
    assert.notEqual(user.id, '999999');
    assert.notEqual(user.meta.created, '1999-01-01T00:00:00Z');
    assert.equal(user.nickName, undefined);
    assert.equal(user.shoeSize, undefined);
  });

  it('accepts application/json as well as application/scim+json', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: {
        authorization: await scimAuthorization(database().db),
        'content-type': 'application/json',
      },
      payload: userBody(),
    });
    assert.equal(response.statusCode, 201);
  });

  it('refuses a userName taken in another case with 409 uniqueness', async () => {
    const n = nextNumber();
    await scim.createUser({ userName: `Sam.Smith${n}@example.gov.uk` });

    const response = await scim.post(
      '/Users',
      userBody({ userName: `sam.SMITH${n}@EXAMPLE.gov.uk` }),
    );

    assert.equal(response.statusCode, 409);
    assert.deepEqual(response.json(), {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '409',
      scimType: 'uniqueness',
      detail: `The userName sam.SMITH${n}@EXAMPLE.gov.uk is already taken`,
    });
  });

  it('refuses an e-mail address someone else has with 409 uniqueness', async () => {
    const email = `clash${nextNumber()}@example.gov.uk`;
    await buildPerson(database().db, { email });

    const response = await scim.post(
      '/Users',
      userBody({ emails: [{ value: email.toUpperCase(), type: 'work' }] }),
    );

    assert.equal(response.statusCode, 409);
    assert.equal(response.json().scimType, 'uniqueness');
  });

  it('refuses over-limit values naming each, storing nothing (BUG-28)', async () => {
    const before = await countPeople();
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { userName: 'a'.repeat(200) },
        /userName must be 128 characters or fewer/,
      ],
      [{ userName: '  ab  ' }, /userName must be 3 characters or more/],
      [{ userName: '\u200B\u200B\u200B' }, /userName is required/],
      [{ displayName: '名'.repeat(10_000) }, /displayName must be 128/],
      [{ title: 'x'.repeat(1_000) }, /title must be 255 characters or fewer/],
      [
        { displayName: 'Ada\u202Eecalevol' },
        /displayName must not contain control/,
      ],
      [{ emails: [{ value: 'not an address' }] }, /emails/],
      [
        { [ENTERPRISE_SCHEMA]: { employeeNumber: '9'.repeat(65) } },
        /employeeNumber/,
      ],
      [{ active: 'perhaps' }, /active must be true or false/],
      [{ name: 'Ada' }, /name must be an object/],
    ];

    for (const [overrides, detail] of cases) {
      const response = await scim.post('/Users', userBody(overrides));
      assert.equal(
        response.statusCode,
        400,
        JSON.stringify(overrides).slice(0, 60),
      );
      assert.equal(response.json().scimType, 'invalidValue');
      assert.equal(response.json().status, '400');
      assert.match(response.json().detail, detail);
    }
    assert.equal(await countPeople(), before);
  });

  it('refuses a manager who is not a User with invalidValue', async () => {
    const response = await scim.post(
      '/Users',
      userBody({ [ENTERPRISE_SCHEMA]: { manager: { value: '987654321' } } }),
    );

    assert.equal(response.statusCode, 400);
    assert.equal(response.json().scimType, 'invalidValue');
    assert.match(
      response.json().detail,
      /manager: there is no User with the id 987654321/,
    );
  });

  it('refuses bodies it cannot read with invalidSyntax', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/scim/v2/Users',
      headers: {
        authorization: await scimAuthorization(database().db),
        'content-type': 'application/scim+json',
      },
      payload: '{"schemas": [',
    });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().scimType, 'invalidSyntax');

    const noSchemas = await scim.post('/Users', { userName: 'no.schemas' });
    assert.equal(noSchemas.statusCode, 400);
    assert.equal(noSchemas.json().scimType, 'invalidSyntax');

    const notObject = await scim.post('/Users', ['a list']);
    assert.equal(notObject.json().scimType, 'invalidSyntax');
  });

  it('answers 404 for a User that does not exist, whatever the method', async () => {
    for (const response of [
      await scim.get('/Users/987654321'),
      await scim.get('/Users/not-a-number'),
      await scim.put('/Users/987654321', userBody()),
      await scim.patch('/Users/987654321', [
        { op: 'replace', path: 'title', value: 'x' },
      ]),
      await scim.delete('/Users/987654321'),
    ]) {
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().status, '404');
      assert.equal(response.json().scimType, undefined);
    }
  });

  it('replaces a User with PUT, clearing what the body leaves out', async () => {
    const id = await scim.createUser({
      title: 'Analyst',
      phoneNumbers: [{ value: '020 7946 0002', type: 'work' }],
      [ENTERPRISE_SCHEMA]: {
        employeeNumber: 'E-7',
        department: 'Cabinet Office',
      },
    });
    const before = (await scim.get(`/Users/${id}`)).json();

    const response = await scim.put(`/Users/${id}`, {
      schemas: [USER_SCHEMA],
      userName: before.userName,
      displayName: 'Renamed Person',
      emails: before.emails,
    });

    assert.equal(response.statusCode, 200);
    const user = response.json();
    assert.equal(user.displayName, 'Renamed Person');
    assert.equal(user.title, undefined);
    assert.equal(user.phoneNumbers, undefined);
    assert.equal(user[ENTERPRISE_SCHEMA], undefined);
    assert.equal(user.active, true, 'a PUT without active leaves it as it was');
    assert.notEqual(user.meta.version, before.meta.version);
  });

  it('refuses a change made against an old version with 412', async () => {
    const id = await scim.createUser();
    const version = (await scim.get(`/Users/${id}`)).json().meta.version;
    await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: 'title', value: 'One' },
    ]);

    const stale = await scim.send(
      'PATCH',
      `/Users/${id}`,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'replace', path: 'title', value: 'Two' }],
      },
      { 'if-match': version },
    );

    assert.equal(stale.statusCode, 412);
    assert.equal((await scim.get(`/Users/${id}`)).json().title, 'One');
  });

  it('patches with the quirks identity providers send', async () => {
    const manager = await scim.createUser();
    const id = await scim.createUser({
      displayName: 'Quirky Person',
      emails: [{ value: `quirky${nextNumber()}@example.gov.uk`, type: 'work' }],
    });

    const response = await scim.patch(`/Users/${id}`, [
      { op: 'Replace', path: 'title', value: 'Head of Quirks' },
      {
        op: 'Add',
        path: 'emails[type eq "work"].value',
        value: 'Quirks.New@example.gov.uk',
      },
      {
        op: 'replace',
        path: `${ENTERPRISE_SCHEMA}:department`,
        value: 'HM Quirks',
      },
      { op: 'replace', path: `${ENTERPRISE_SCHEMA}:manager`, value: manager },
      {
        op: 'replace',
        value: { displayName: 'Q. Person', 'name.givenName': 'Q' },
      },
      { op: 'remove', path: 'phoneNumbers' },
    ]);

    assert.equal(response.statusCode, 200);
    const user = response.json();
    assert.equal(user.title, 'Head of Quirks');
    assert.equal(user.emails[0].value, 'Quirks.New@example.gov.uk');
    assert.equal(user[ENTERPRISE_SCHEMA].department, 'HM Quirks');
    assert.equal(user[ENTERPRISE_SCHEMA].manager.value, manager);
    assert.equal(user.displayName, 'Q. Person');
    assert.equal(user.name.givenName, 'Q');
  });

  it('renames someone whose provider sends only the parts of the name', async () => {
    const id = await scim.createUser({
      name: { givenName: 'Robert', familyName: 'Tables' },
    });

    const response = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: 'name.givenName', value: 'Bobby' },
    ]);

    assert.equal(response.json().displayName, 'Bobby Tables');
  });

  it('refuses PATCH bodies and values it cannot use', async () => {
    const id = await scim.createUser();
    const noOps = await scim.send('PATCH', `/Users/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    });
    assert.equal(noOps.json().scimType, 'invalidSyntax');

    const badPath = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: 'emails[type eq', value: 'x' },
    ]);
    assert.equal(badPath.json().scimType, 'invalidPath');

    const noTarget = await scim.patch(`/Users/${id}`, [{ op: 'remove' }]);
    assert.equal(noTarget.json().scimType, 'noTarget');

    const tooLong = await scim.patch(`/Users/${id}`, [
      { op: 'replace', path: 'displayName', value: 'x'.repeat(129) },
    ]);
    assert.equal(tooLong.statusCode, 400);
    assert.equal(tooLong.json().scimType, 'invalidValue');
    assert.match(tooLong.json().detail, /displayName/);
    assert.notEqual(
      (await scim.get(`/Users/${id}`)).json().displayName,
      'x'.repeat(129),
    );
  });

  it('sends its version as the ETag of a GET, and 304 while it stands', async () => {
    const id = await scim.createUser();
    const read = await scim.get(`/Users/${id}?attributes=userName`);
    const version = (await scim.get(`/Users/${id}`)).json().meta.version;
    assert.equal(read.headers.etag, version);

    const unchanged = await scim.send('GET', `/Users/${id}`, undefined, {
      'if-none-match': version,
    });
    assert.equal(unchanged.statusCode, 304);
    assert.equal(unchanged.headers.etag, version);
    assert.equal(unchanged.body, '');

    // Joining a group changes what the User says, though not their row.
    await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `Joined ${nextNumber()}`,
      members: [{ value: id }],
    });
    const changed = await scim.send('GET', `/Users/${id}`, undefined, {
      'if-none-match': version,
    });
    assert.equal(changed.statusCode, 200);
    assert.notEqual(changed.headers.etag, version);
    assert.equal(changed.headers.etag, changed.json().meta.version);
  });

  it('refuses two e-mails or phone numbers both marked primary', async () => {
    const n = nextNumber();
    const twoEmails = [
      { value: `one${n}@example.gov.uk`, primary: true },
      { value: `two${n}@example.gov.uk`, primary: 'true' },
    ];
    const twoPhones = [
      { value: '020 7946 0003', primary: true },
      { value: '020 7946 0004', primary: true },
    ];
    const id = await scim.createUser();
    const before = (await scim.get(`/Users/${id}`)).json();

    const responses = [
      await scim.post('/Users', userBody({ emails: twoEmails })),
      await scim.post('/Users', userBody({ phoneNumbers: twoPhones })),
      await scim.put(`/Users/${id}`, { ...before, emails: twoEmails }),
      await scim.patch(`/Users/${id}`, [
        { op: 'replace', path: 'phoneNumbers', value: twoPhones },
      ]),
    ];

    const details = responses.map((response) => {
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().scimType, 'invalidValue');
      return response.json().detail as string;
    });
    assert.deepEqual(details, [
      'emails: only one e-mail may be primary',
      'phoneNumbers: only one phone number may be primary',
      'emails: only one e-mail may be primary',
      'phoneNumbers: only one phone number may be primary',
    ]);
    assert.deepEqual((await scim.get(`/Users/${id}`)).json(), before);
  });

  it('moves primary to an e-mail a PATCH adds as primary', async () => {
    const id = await scim.createUser();
    const address = `moved${nextNumber()}@example.gov.uk`;

    const response = await scim.patch(`/Users/${id}`, [
      { op: 'add', path: 'emails', value: [{ value: address, primary: true }] },
    ]);

    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().emails[0].value, address);
  });

  it('refuses with mutability a PATCH whose path is read-only, changing nothing', async () => {
    const id = await scim.createUser({ title: 'Analyst' });
    const before = (await scim.get(`/Users/${id}`)).json();

    for (const path of [
      'id',
      'meta',
      'meta.lastModified',
      'groups',
      `${ENTERPRISE_SCHEMA}:manager.displayName`,
    ]) {
      const response = await scim.patch(`/Users/${id}`, [
        { op: 'replace', path: 'title', value: 'Changed' },
        { op: 'replace', path, value: '42' },
      ]);

      assert.equal(response.statusCode, 400, path);
      assert.equal(response.json().scimType, 'mutability', path);
      assert.match(response.json().detail, /cannot be changed: it is readOnly/);
    }
    assert.deepEqual((await scim.get(`/Users/${id}`)).json(), before);
  });

  it('ignores read-only attributes in a PATCH value without a path, as in a PUT', async () => {
    const id = await scim.createUser();

    const response = await scim.patch(`/Users/${id}`, [
      { op: 'replace', value: { id: '42', title: 'Changed' } },
    ]);

    assert.equal(response.statusCode, 200);
    assert.equal(response.json().id, id);
    assert.equal(response.json().title, 'Changed');
  });

  async function countPeople(): Promise<number> {
    const row = await database()
      .db.selectFrom('people')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
});
