import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { bearer, buildAccount, buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  buildDepartment,
  buildPerson,
  buildPost,
  buildUnit,
} from '../../test-support/factories.ts';
import { ensureDepartment } from './departments.ts';

await describeEachDatabase('the directory pages and API', (database) => {
  let app: FastifyInstance;
  let authorization: string;
  let ids: Record<string, number>;

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    const reader = await buildAccount(db, { displayName: 'Rita Reader' });
    authorization = await bearer(db, reader.id);

    const department = await buildDepartment(db, 'Ministry of Lighthouses');
    const unit = await buildUnit(db, department.id, 'Lamp Maintenance');
    const chief = await buildPerson(db, {
      displayName: 'Gwen Keeper',
      jobTitle: 'Chief Keeper',
      departmentId: department.id,
      email: 'gwen.keeper@lighthouses.example.gov.uk',
      phone: '020 7946 0123',
      location: 'Plymouth',
    });
    const engineer = await buildPerson(db, {
      displayName: "Tomás O'Reilly",
      jobTitle: 'Lamp Engineer',
      departmentId: department.id,
      unitId: unit.id,
      tags: { skill: ['Fresnel lenses'] },
    });
    const top = await buildPost(db, {
      departmentId: department.id,
      jobTitle: 'Chief Keeper',
      grade: 'SCS2',
      holderIds: [chief],
    });
    const lamp = await buildPost(db, {
      departmentId: department.id,
      jobTitle: 'Lamp Engineer',
      grade: 'G7',
      unitId: unit.id,
      reportsToPostId: top,
      holderIds: [engineer],
    });
    const vacant = await buildPost(db, {
      departmentId: department.id,
      jobTitle: 'Fog Signal Officer',
      grade: 'HEO',
      unitId: unit.id,
      reportsToPostId: lamp,
    });
    ids = {
      department: department.id,
      unit: unit.id,
      chief,
      engineer,
      top,
      lamp,
      vacant,
    };
  });
  after(async () => {
    await app.close();
  });

  const get = (url: string) => app.inject({ url, headers: { authorization } });

  it('finds a person by a skill and a vacant post by its title', async () => {
    const person = await get('/api/v1/people?q=fresnel');
    assert.deepEqual(
      person.json().items.map((item: { name: string }) => item.name),
      ["Tomás O'Reilly"],
    );

    const post = await get('/api/v1/people?q=fog%20signal');
    const [hit] = post.json().items;
    assert.equal(post.json().total, 1);
    assert.equal(hit.type, 'post');
    assert.equal(hit.id, ids.vacant);
    assert.equal(hit.holder, 'vacant');
    assert.equal(hit.reportsTo, ids.lamp);
  });

  it('lists the directory in the API shape of DESIGN.md', async () => {
    const response = await get(
      '/api/v1/people?department=ministry-of-lighthouses&pageSize=2',
    );
    const body = response.json();

    assert.deepEqual(Object.keys(body).sort(), [
      'items',
      'page',
      'pageSize',
      'total',
    ]);
    assert.equal(body.total, 3);
    assert.equal(body.pageSize, 2);
    assert.deepEqual(
      body.items.map(
        (item: { type: string; name?: string; jobTitle: string }) =>
          item.type === 'person' ? item.name : item.jobTitle,
      ),
      ['Fog Signal Officer', 'Gwen Keeper'],
    );
  });

  it('answers a bad filter or page with a field error', async () => {
    const department = await get('/api/v1/people?department=nowhere');
    assert.equal(department.statusCode, 400);
    assert.deepEqual(department.json().error.fields, {
      department: 'Choose a department from the list',
    });
    const size = await get('/api/v1/people?pageSize=500');
    assert.deepEqual(size.json().error.fields, {
      pageSize: 'Page size must be a whole number from 1 to 100',
    });
  });

  it('shows search results on the page, and 404 past the last page', async () => {
    const page = await get('/people?q=lamp');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<title>People: lamp – CivilMedia<\/title>/);
    assert.match(page.body, /2 results/);
    assert.match(page.body, /Tomás O&#39;Reilly/);

    assert.equal((await get('/people?q=lamp&page=2')).statusCode, 404);
  });

  it('shows a profile with manager, reports and contact card', async () => {
    const page = await get(`/people/${ids.engineer}`);
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      new RegExp(`href="/people/${ids.chief}">Gwen Keeper</a>`),
    );
    assert.match(page.body, /Fog Signal Officer/);

    const api = (await get(`/api/v1/people/${ids.engineer}`)).json();
    assert.equal(api.managers[0].holders[0].name, 'Gwen Keeper');
    assert.equal(api.directReports.total, 1);
    assert.equal(api.directReports.items[0].holder, 'vacant');

    const card = await get(`/people/${ids.chief}/contact.vcf`);
    assert.equal(card.headers['content-type'], 'text/vcard; charset=utf-8');
    assert.match(
      card.body,
      /^BEGIN:VCARD\r\nVERSION:4\.0\r\nFN:Gwen Keeper\r\nN:Keeper;Gwen;;;\r\n/,
    );
    assert.match(card.body, /\r\nTITLE:Chief Keeper\r\n/);
    assert.match(
      card.body,
      /\r\nEMAIL;TYPE=work:gwen\.keeper@lighthouses\.example\.gov\.uk\r\n/,
    );
    assert.match(card.body, /\r\nTEL;TYPE=work,voice:020 7946 0123\r\n/);
    assert.match(card.body, /\r\nEND:VCARD\r\n$/);
  });

  it('answers 404 for a person, post or department that does not exist', async () => {
    for (const url of [
      '/people/999999',
      '/people/abc',
      '/people/posts/999999',
      '/people/departments/nowhere',
      '/api/v1/people/999999',
    ]) {
      assert.equal((await get(url)).statusCode, 404, url);
    }
    assert.equal(
      (await get('/api/v1/people/0')).json().error.code,
      'PERSON_NOT_FOUND',
    );
  });

  it('draws the org chart of a department, unit and post', async () => {
    const department = await get('/people/departments/ministry-of-lighthouses');
    assert.match(department.body, /Chief Keeper/);
    assert.match(
      department.body,
      /<details class="app-org-chart__reports" open>/,
    );
    assert.match(department.body, /Vacant/);

    const unit = await get(
      '/people/departments/ministry-of-lighthouses/units/lamp-maintenance',
    );
    assert.match(unit.body, /Lamp Engineer/);

    const post = await get(`/people/posts/${ids.vacant}`);
    assert.match(
      post.body,
      /<h1 class="govuk-heading-l app-break-words">Fog Signal Officer<\/h1>/,
    );
    assert.match(post.body, /Reporting line/);

    const api = (
      await get('/api/v1/departments/ministry-of-lighthouses')
    ).json();
    assert.equal(api.reportingTree.depth, 3);
    assert.deepEqual(
      api.reportingTree.roots.map((root: { id: number }) => root.id),
      [ids.top],
    );
  });

  it('gives every department a slug of its own from any title (BUG-26)', async () => {
    const { db } = database();
    const titles = [
      'Lasers & Feelings: Übersetzung fertig!',
      "What's new? 50% off $10 plans",
      'Q&A',
      '🚀',
      'مرحبا بالعالم',
      'Q & A',
    ];
    const slugs = [];
    for (const title of titles) {
      const { department } = await ensureDepartment(
        db,
        title,
        new Date().toISOString(),
      );
      slugs.push(department.slug);
    }

    assert.deepEqual(slugs, [
      'lasers-feelings-ubersetzung-fertig',
      'whats-new-50-off-10-plans',
      'q-a',
      'department',
      'مرحبا-بالعالم',
      'q-a-2',
    ]);
    for (const [index, slug] of slugs.entries()) {
      const response = await get(
        `/people/departments/${encodeURIComponent(slug)}`,
      );
      assert.equal(response.statusCode, 200, slug);
      const name = titles[index]?.replace(/&/g, '&amp;').replace(/'/g, '&#39;');
      assert.ok(
        response.body.includes(
          `<h1 class="govuk-heading-l app-break-words">${name}</h1>`,
        ),
        slug,
      );
    }
  });
});
