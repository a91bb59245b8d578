import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson, nextNumber } from '../../test-support/factories.ts';
import { TestScimClient, scimAuthorization } from './testing.ts';
import { LIST_SCHEMA } from './urns.ts';

const filter = (text: string) => `filter=${encodeURIComponent(text)}`;

await describeEachDatabase('SCIM User lists', (database) => {
  let app: FastifyInstance;
  let scim: TestScimClient;

  before(async () => {
    app = await buildTestApp(database());
    scim = new TestScimClient(app, await scimAuthorization(database().db));
  });
  after(async () => {
    await app.close();
  });

  it('filters by userName without case, externalId and e-mail, with exact totals', async () => {
    const n = nextNumber();
    const a = await scim.createUser({
      userName: `Filter.A${n}`,
      externalId: `ext-a-${n}`,
    });
    const b = await scim.createUser({
      userName: `filter.b${n}`,
      emails: [{ value: `Filter.B${n}@Example.gov.uk`, type: 'work' }],
    });

    const byName = await scim.get(
      `/Users?${filter(`userName eq "FILTER.a${n}"`)}`,
    );
    assert.equal(byName.statusCode, 200);
    assert.deepEqual(byName.json().schemas, [LIST_SCHEMA]);
    assert.equal(byName.json().totalResults, 1);
    assert.equal(byName.json().Resources[0].id, a);

    const byExternal = await scim.get(
      `/Users?${filter(`externalId eq "ext-a-${n}"`)}`,
    );
    assert.equal(byExternal.json().totalResults, 1);
    const wrongCase = await scim.get(
      `/Users?${filter(`externalId eq "EXT-A-${n}"`)}`,
    );
    assert.equal(wrongCase.json().totalResults, 0, 'externalId is caseExact');

    const byEmail = await scim.get(
      `/Users?${filter(`emails.value eq "filter.b${n}@example.GOV.uk"`)}`,
    );
    assert.equal(byEmail.json().Resources[0].id, b);

    const either = await scim.get(
      `/Users?${filter(
        `(userName eq "filter.a${n}" or ` +
          `emails[value eq "filter.b${n}@example.gov.uk"]) and userName pr`,
      )}`,
    );
    assert.deepEqual(
      either.json().Resources.map((user: { id: string }) => user.id),
      [a, b],
    );

    const none = await scim.get(
      `/Users?${filter('userName eq "nobody-at-all"')}`,
    );
    assert.deepEqual(none.json(), {
      schemas: [LIST_SCHEMA],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('finds an account the site had before SCIM by its e-mail as userName', async () => {
    const email = `existing${nextNumber()}@example.gov.uk`;
    const id = await buildPerson(database().db, { email });

    const found = await scim.get(`/Users?${filter(`userName eq "${email}"`)}`);

    assert.equal(found.json().totalResults, 1);
    assert.equal(found.json().Resources[0].id, String(id));
    assert.equal(found.json().Resources[0].userName, email);
  });

  it('pages with startIndex and count, counting exactly', async () => {
    const n = nextNumber();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push(await scim.createUser({ externalId: `page-${n}-${i}` }));
    }
    const where = ids
      .map((_, i) => `externalId eq "page-${n}-${i}"`)
      .join(' or ');
    const page = async (query: string) =>
      (await scim.get(`/Users?${filter(where)}&${query}`)).json();

    const first = await page('startIndex=1&count=2');
    assert.equal(first.totalResults, 5);
    assert.equal(first.itemsPerPage, 2);
    assert.deepEqual(
      first.Resources.map((u: { id: string }) => u.id),
      ids.slice(0, 2),
    );
    const last = await page('startIndex=5&count=2');
    assert.deepEqual(
      last.Resources.map((u: { id: string }) => u.id),
      ids.slice(4),
    );
    const past = await page('startIndex=9&count=2');
    assert.equal(past.totalResults, 5);
    assert.equal(past.itemsPerPage, 0);
    const zero = await page('count=0');
    assert.equal(zero.totalResults, 5);
    assert.deepEqual(zero.Resources, []);
    const belowOne = await page('startIndex=-3&count=1');
    assert.equal(belowOne.startIndex, 1);
    assert.equal(belowOne.Resources[0].id, ids[0]);
    const capped = await scim.get('/Users?count=100000');
    assert.ok(capped.json().itemsPerPage <= 100);

    const badCount = await scim.get('/Users?count=ten');
    assert.equal(badCount.statusCode, 400);
    assert.equal(badCount.json().scimType, 'invalidValue');
  });

  it('refuses filters it cannot run with invalidFilter', async () => {
    for (const text of [
      'userName co "a"',
      'title eq "x"',
      'not (userName eq "a")',
      'userName eq "unclosed',
      'userName eq 5',
      'urn:example:other:attr eq "x"',
    ]) {
      const response = await scim.get(`/Users?${filter(text)}`);
      assert.equal(response.statusCode, 400, text);
      assert.equal(response.json().scimType, 'invalidFilter', text);
    }
  });

  it('returns only the attributes asked for, or all but those excluded', async () => {
    const id = await scim.createUser({ title: 'Trimmed' });

    const only = (
      await scim.get(`/Users/${id}?attributes=userName,name.givenName`)
    ).json();
    assert.deepEqual(Object.keys(only).sort(), [
      'id',
      'name',
      'schemas',
      'userName',
    ]);
    assert.deepEqual(Object.keys(only.name), ['givenName']);

    const without = (
      await scim.get(`/Users/${id}?excludedAttributes=title,emails`)
    ).json();
    assert.equal(without.title, undefined);
    assert.equal(without.emails, undefined);
    assert.ok(without.userName);
  });
});
