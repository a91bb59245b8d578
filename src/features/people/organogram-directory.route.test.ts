import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildAccount, buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { importOrganogramFiles } from './organogram/import.ts';
import { publishedFile } from './organogram/testing.ts';

// The published Cabinet Office return of 30 September 2013, imported and
// then read back through the directory's pages and API. The expected
// values were counted from the CSV with a separate script, not with this
// code.

interface Hit {
  type: 'person' | 'post';
  name?: string;
  reference?: string;
  holder?: string;
}

function label(hit: Hit): string {
  return hit.type === 'person'
    ? `person ${hit.name}`
    : `post ${hit.reference} ${hit.holder}`;
}

await describeEachDatabase(
  'a published organogram in the directory',
  (database) => {
    let app: FastifyInstance;
    let authorization: string;

    before(async () => {
      const { db } = database();
      const [report] = await importOrganogramFiles(db, [
        publishedFile('Cabinet-Office-FINAL--30-Sept-2013-senior.csv'),
      ]);
      assert.equal(report?.rejected, undefined);
      app = await buildTestApp(database());
      const reader = await buildAccount(db);
      authorization = await bearer(db, reader.id);
    });
    after(async () => {
      await app.close();
    });

    const getJson = async (url: string) => {
      const response = await app.inject({ url, headers: { authorization } });
      assert.equal(response.statusCode, 200, url);
      return response.json();
    };

    it('finds the posts a job-title word names, people and unfilled posts alike', async () => {
      const fraud = await getJson('/api/v1/people?q=fraud');
      assert.deepEqual(fraud.items.map(label).sort(), [
        'person Zoe Lindqvist',
        'post 360 undisclosed',
      ]);

      const secretary = await getJson('/api/v1/people?q=cabinet%20secretary');
      assert.deepEqual(secretary.items.map(label).sort(), [
        'person Aisha Prentice',
        'person Deborah Llewellyn',
        'post 131 undisclosed',
      ]);
    });

    it('finds the people of a unit by its name', async () => {
      const unit = await getJson(
        '/api/v1/people?q=national%20security%20secretariat',
      );

      assert.deepEqual(unit.items.map(label).sort(), [
        'person Alasdair Zielinski',
        'person Bethan Sutherland',
        'person Idris Evans',
        'person Kiran McAllister',
        'person Kwame Bhatt',
        'person Kwame Upton',
        'person Lowri Varma',
        'person Nadia Hargreaves',
        'person Wendy Abbott',
      ]);
    });

    it('shows the same matches on the directory page', async () => {
      const response = await app.inject({
        url: '/people?q=fraud',
        headers: { authorization },
      });

      assert.match(response.body, /2 results/);
      assert.match(response.body, />Zoe Lindqvist</);
      assert.match(response.body, /Name not disclosed/);
    });

    it('gives the reporting tree its one root, post 405, six levels deep', async () => {
      const department = await getJson('/api/v1/departments/cabinet-office');

      assert.equal(department.reportingTree.depth, 6);
      assert.deepEqual(
        department.reportingTree.roots.map(
          (root: { reference: string }) => root.reference,
        ),
        ['405'],
      );
    });

    it('lists every post with who holds it, as the file has them', async () => {
      const holders: Record<string, number> = {};
      let total = 0;
      for (let page = 1; page <= 3; page += 1) {
        const list = await getJson(
          `/api/v1/departments/cabinet-office/posts?pageSize=100&page=${page}`,
        );
        total = list.total;
        for (const post of list.items as { holder: string }[]) {
          holders[post.holder] = (holders[post.holder] ?? 0) + 1;
        }
      }

      assert.equal(total, 277);
      assert.deepEqual(holders, {
        named: 77,
        undisclosed: 155,
        vacant: 11,
        eliminated: 34,
      });
    });

    it('shows a person who holds two posts with both', async () => {
      const found = await getJson('/api/v1/people?q=deborah%20kendrick');
      assert.equal(found.total, 1);
      const person = await getJson(`/api/v1/people/${found.items[0].id}`);

      assert.equal(person.posts.length, 2);
      assert.equal(person.department.name, 'Cabinet Office');
    });
  },
);
