import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { savePartner } from '../features/admin/partners.ts';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../test-support/app.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import {
  buildDepartment,
  buildPost,
  nextNumber,
} from '../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../test-support/groups.ts';

await describeEachDatabase('guests', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  it('are not in the staff directory', async () => {
    const { db } = database();
    await buildAccount(db, { role: 'guest', displayName: 'Gwyneth Partner' });
    const member = await buildAccount(db);

    const response = await app.inject({
      url: '/api/v1/people?q=gwyneth',
      headers: { authorization: await bearer(db, member.id) },
    });

    assert.equal(response.json().total, 0);
  });

  it('cannot place themselves in the organisation', async () => {
    const { db } = database();
    const department = await buildDepartment(db, 'Office of Guest Tests');
    const guest = await buildAccount(db, {
      role: 'guest',
      displayName: 'Gil Guest',
    });

    const response = await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${guest.id}`,
      headers: { authorization: await bearer(db, guest.id) },
      payload: {
        jobTitle: 'Chief Information Security Officer',
        department: department.slug,
        about: 'Partner nurse',
      },
    });

    assert.equal(response.statusCode, 422);
    assert.deepEqual(response.json().error.fields, {
      jobTitle: 'Only an administrator can change this for a guest',
      department: 'Only an administrator can change this for a guest',
    });
    const about = await app.inject({
      method: 'PATCH',
      url: `/api/v1/people/${guest.id}`,
      headers: { authorization: await bearer(db, guest.id) },
      payload: { about: 'Partner nurse' },
    });
    assert.equal(about.statusCode, 200);
  });

  it('see their own profile without the organisation around it', async () => {
    const { db } = database();
    const department = await buildDepartment(db);
    const boss = await buildAccount(db, { displayName: 'Bea Boss' });
    const guest = await buildAccount(db, { displayName: 'Gail Demoted' });
    const top = await buildPost(db, {
      departmentId: department.id,
      holderIds: [boss.id],
    });
    await buildPost(db, {
      departmentId: department.id,
      reportsToPostId: top,
      holderIds: [guest.id],
    });
    await db
      .updateTable('people')
      .set({ role: 'guest' })
      .where('id', '=', guest.id)
      .execute();
    const authorization = await bearer(db, guest.id);

    const api = await app.inject({
      url: `/api/v1/people/${guest.id}`,
      headers: { authorization },
    });
    const page = await app.inject({
      url: `/people/${guest.id}`,
      headers: { authorization },
    });

    assert.deepEqual(api.json().managers, []);
    assert.deepEqual(api.json().posts, []);
    assert.doesNotMatch(page.body, /Bea Boss/);
  });

  it('see exactly the groups they were invited to, on every page and API list', async () => {
    const { db } = database();
    const n = nextNumber();
    const owner = await buildAccount(db, { displayName: `Olive Owner ${n}` });
    const fellow = await buildAccount(db, { displayName: `Fern Fellow ${n}` });
    const outsider = await buildAccount(db, {
      displayName: `Bertha Birchonly ${n}`,
    });
    const domain = `walk${n}.nhs.example`;
    const system = { personId: null, label: 'test' };
    await savePartner(
      db,
      { name: `Walk Trust ${n}`, domains: [domain] },
      system,
    );
    const groupA = await buildGroup(db, owner.id, {
      slug: `alder-${n}`,
      name: `Alder ${n} partnership`,
      description: `alder-marker-${n}`,
      visibility: 'secret',
    });
    const groupB = await buildGroup(db, owner.id, {
      slug: `birch-${n}`,
      name: `Birch ${n} plans`,
      description: `birch-marker-${n}`,
      visibility: 'open',
    });
    await addGroupMember(db, groupA, fellow.id);
    await addGroupMember(db, groupB, outsider.id);
    const invite = async (slug: string, email: string) => {
      const response = await app.inject({
        method: 'POST',
        url: `/api/v1/groups/${slug}/invitations`,
        headers: { authorization: await bearer(db, owner.id) },
        payload: { email, name: 'Walking Guest', guest: true },
      });
      assert.equal(response.statusCode, 201);
      return /\/invitations\/([\w-]+)$/.exec(response.json().link)?.[1] ?? '';
    };
    const tokenA = await invite(groupA.slug, `wanda${n}@${domain}`);
    // Another guest's link into B: opening it must not tell our guest of B.
    const tokenB = await invite(groupB.slug, `other${n}@${domain}`);
    const guest = new TestBrowser(app, '10.9.0.1');
    await guest.get(`/invitations/${tokenA}`);
    const joined = await guest.post(`/invitations/${tokenA}`, {
      password: 'heather kettle umbrella northward',
      confirm: 'heather kettle umbrella northward',
    });
    assert.equal(joined.statusCode, 303);
    const guestId = (
      await db
        .selectFrom('people')
        .select('id')
        .where('email_key', '=', `wanda${n}@${domain}`)
        .executeTakeFirstOrThrow()
    ).id;

    // Every value each kind of path parameter can take that names
    // something real, in A, in B, or the guest's own.
    const values: Record<string, string[]> = {
      slug: [groupA.slug, groupB.slug],
      id: [guestId, owner.id, fellow.id, outsider.id].map(String),
      personId: [guestId, owner.id, fellow.id, outsider.id].map(String),
      token: [tokenA, tokenB],
    };
    // A search finds B for staff; the query itself is echoed back, so it
    // names B only in part.
    const query = encodeURIComponent(`Birch ${n}`);
    const urls = new Set<string>([
      `/groups?q=${query}`,
      `/api/v1/groups?q=${query}`,
      '/api/v1/groups?mine=true',
    ]);
    for (const route of app.routeTable) {
      if (route.method !== 'GET') {
        continue;
      }
      let expanded = [route.url.replace(/\*$/, 'x')];
      for (const name of route.url.match(/:\w+/g) ?? []) {
        const options = values[name.slice(1)] ?? ['1'];
        expanded = expanded.flatMap((url) =>
          options.map((value) => url.replace(name, encodeURIComponent(value))),
        );
      }
      expanded.forEach((url) => urls.add(url));
    }

    const forbidden = [
      groupB.name,
      `birch-marker-${n}`,
      `Bertha Birchonly ${n}`,
    ];
    const seen: Record<string, string> = {};
    for (const url of urls) {
      const response = await guest.get(url);
      seen[url] = response.body;
      for (const text of forbidden) {
        assert.ok(!response.body.includes(text), `${url} shows ${text}`);
      }
    }
    const groups = JSON.parse(seen['/api/v1/groups'] ?? '{}');
    assert.equal(groups.total, 1);
    assert.equal(groups.items[0].slug, groupA.slug);
    for (const url of [
      '/groups',
      '/groups/mine',
      '/api/v1/groups',
      `/groups/${groupA.slug}`,
      `/api/v1/groups/${groupA.slug}`,
    ]) {
      assert.ok(seen[url]?.includes(groupA.name), `${url} lacks A`);
    }
    assert.ok(seen[`/groups/${groupA.slug}`]?.includes(`alder-marker-${n}`));
    assert.ok(
      seen[`/groups/${groupA.slug}/members`]?.includes(`Fern Fellow ${n}`),
    );
    assert.ok(
      seen[`/api/v1/groups/${groupA.slug}/members`]?.includes(
        `Fern Fellow ${n}`,
      ),
    );
  });
});
