import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { setSetting } from '../admin/settings.ts';

const SYSTEM = { personId: null, label: 'test' };

await describeEachDatabase('the groups API', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  const caller = (role: 'admin' | 'member' | 'guest' = 'member') =>
    buildCaller(database().db, { role });
  const get = (who: ApiCaller | null, url: string) =>
    callApi(app, who, 'GET', url);

  /** Three groups, one of each kind, whose names share a rare word. */
  async function threeKinds(owner: ApiCaller) {
    const { db } = database();
    const word = `kestrel${nextNumber()}`;
    const build = (visibility: 'open' | 'closed' | 'secret') =>
      buildGroup(db, owner.id, {
        slug: `${word}-${visibility}`,
        name: `${word} ${visibility}`,
        visibility,
      });
    return {
      word,
      open: await build('open'),
      closed: await build('closed'),
      secret: await build('secret'),
    };
  }

  it('lists a group with its details and the caller’s membership', async () => {
    const { db } = database();
    const owner = await caller();
    const group = await buildGroup(db, owner.id, {
      slug: 'heron-watchers',
      name: 'Heron watchers',
      description: 'We *watch* herons.',
    });

    const response = await get(owner, '/api/v1/groups?q=heron');

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      items: [
        {
          id: group.id,
          slug: 'heron-watchers',
          name: 'Heron watchers',
          description: 'We *watch* herons.',
          descriptionHtml: '<p>We <em>watch</em> herons.</p>\n',
          visibility: 'open',
          memberCount: 1,
          membership: 'owner',
          createdAt: group.createdAt,
          updatedAt: group.updatedAt,
          links: {
            self: '/api/v1/groups/heron-watchers',
            html: '/groups/heron-watchers',
            members: '/api/v1/groups/heron-watchers/members',
          },
        },
      ],
      total: 1,
      page: 1,
      pageSize: 25,
    });
  });

  it('hides a secret group from a non-member’s list and total', async () => {
    const owner = await caller();
    const { word } = await threeKinds(owner);
    const list = async (who: ApiCaller, query = '') => {
      const response = await get(who, `/api/v1/groups?q=${word}${query}`);
      assert.equal(response.statusCode, 200);
      const body = response.json();
      return {
        total: body.total,
        items: body.items.map(
          (item: { visibility: string; membership: string | null }) =>
            `${item.visibility}:${item.membership}`,
        ),
      };
    };

    assert.deepEqual(await list(await caller()), {
      total: 2,
      items: ['closed:null', 'open:null'],
    });
    assert.deepEqual(await list(owner), {
      total: 3,
      items: ['closed:owner', 'open:owner', 'secret:owner'],
    });
    assert.deepEqual(
      await list(await caller('admin')),
      { total: 3, items: ['closed:null', 'open:null', 'secret:null'] },
      'site administrators see every group without becoming members',
    );
  });

  it('shows a guest only the groups they are a member of', async () => {
    const { db } = database();
    const owner = await caller();
    const { word, closed } = await threeKinds(owner);
    const guest = await caller('guest');
    await addGroupMember(db, closed, guest.id);

    const response = await get(guest, `/api/v1/groups?q=${word}`);

    assert.equal(response.json().total, 1);
    assert.equal(response.json().items[0].slug, closed.slug);
    assert.equal(response.json().items[0].membership, 'member');
  });

  it('lists only the caller’s own groups with mine=true', async () => {
    const { db } = database();
    const owner = await caller();
    const { word, open } = await threeKinds(owner);
    const member = await caller();
    await addGroupMember(db, open, member.id);

    const mine = await get(member, `/api/v1/groups?q=${word}&mine=true`);
    const all = await get(member, `/api/v1/groups?q=${word}&mine=false`);

    assert.deepEqual(
      mine.json().items.map((item: { slug: string }) => item.slug),
      [open.slug],
    );
    assert.equal(mine.json().total, 1);
    assert.equal(all.json().total, 2);
  });

  it('refuses unreadable list parameters with 400 and fields', async () => {
    const member = await caller();

    const mine = await get(member, '/api/v1/groups?mine=yes');
    const size = await get(member, '/api/v1/groups?pageSize=101');
    const twice = await get(member, '/api/v1/groups?q=a&q=b');

    assert.equal(mine.statusCode, 400);
    assert.deepEqual(mine.json(), {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'The list requested is not valid',
        fields: { mine: 'mine must be true or false' },
      },
    });
    assert.equal(size.statusCode, 400);
    assert.deepEqual(size.json().error.fields, {
      pageSize: 'Page size must be a whole number from 1 to 100',
    });
    assert.equal(twice.statusCode, 400);
    assert.deepEqual(twice.json().error.fields, {
      q: 'Send q once, as text',
    });
  });

  it('needs sign-in, or public reading for open groups only', async () => {
    const { db } = database();
    const owner = await caller();
    const { word } = await threeKinds(owner);

    const closedSite = await get(null, `/api/v1/groups?q=${word}`);
    await setSetting(db, 'publicReading', true, SYSTEM);
    try {
      const openSite = await get(null, `/api/v1/groups?q=${word}`);

      assert.equal(openSite.statusCode, 200);
      assert.deepEqual(
        openSite.json().items.map((item: { slug: string }) => item.slug),
        [`${word}-open`],
      );
      assert.equal(openSite.json().total, 1);
      const secret = await get(null, `/api/v1/groups/${word}-secret`);
      assert.equal(secret.statusCode, 404);
    } finally {
      await setSetting(db, 'publicReading', false, SYSTEM);
    }
    assert.equal(closedSite.statusCode, 401);
    assert.equal(closedSite.json().error.code, 'UNAUTHENTICATED');
  });

  it('answers 404 for a secret group to a non-member', async () => {
    const owner = await caller();
    const { secret } = await threeKinds(owner);
    const stranger = await caller();

    const hidden = await get(stranger, `/api/v1/groups/${secret.slug}`);
    const missing = await get(stranger, '/api/v1/groups/no-such-group');
    const own = await get(owner, `/api/v1/groups/${secret.slug}`);

    const notFound = {
      error: { code: 'GROUP_NOT_FOUND', message: 'There is no such group' },
    };
    assert.equal(hidden.statusCode, 404);
    assert.deepEqual(hidden.json(), notFound);
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), notFound);
    assert.equal(own.statusCode, 200);
    assert.equal(own.json().membership, 'owner');
    assert.equal(own.json().requested, false);
    assert.equal(own.json().invited, false);
  });

  it('creates a group owned by its creator, 201 with Location', async () => {
    const creator = await caller();

    const response = await callApi(app, creator, 'POST', '/api/v1/groups', {
      name: 'Otter survey',
      visibility: 'closed',
      description: 'Counting **otters**.',
    });

    assert.equal(response.statusCode, 201);
    assert.equal(response.headers.location, '/api/v1/groups/otter-survey');
    const body = response.json();
    assert.equal(body.slug, 'otter-survey');
    assert.equal(body.name, 'Otter survey');
    assert.equal(body.visibility, 'closed');
    assert.equal(body.description, 'Counting **otters**.');
    assert.equal(
      body.descriptionHtml,
      '<p>Counting <strong>otters</strong>.</p>\n',
    );
    assert.equal(body.memberCount, 1);
    assert.equal(body.membership, 'owner');
    const members = await get(creator, '/api/v1/groups/otter-survey/members');
    assert.deepEqual(
      members
        .json()
        .items.map((item: { personId: number; role: string }) => [
          item.personId,
          item.role,
        ]),
      [[creator.id, 'owner']],
    );
  });

  it('does not let a guest create a group', async () => {
    const guest = await caller('guest');

    const response = await callApi(app, guest, 'POST', '/api/v1/groups', {
      name: 'Guest group',
      visibility: 'open',
    });

    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'GUEST_NOT_ALLOWED');
    const search = await get(await caller('admin'), '/api/v1/groups?q=guest');
    assert.equal(search.json().total, 0);
  });

  it('refuses a long name and wrong JSON types, saving nothing', async () => {
    const creator = await caller();
    const post = (payload: object) =>
      callApi(app, creator, 'POST', '/api/v1/groups', payload);

    const long = await post({ name: 'x'.repeat(121), visibility: 'open' });
    const types = await post({ name: 5, visibility: true, description: [] });
    const array = await post(['not an object']);

    assert.equal(long.statusCode, 422);
    assert.deepEqual(long.json(), {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Some of the values are not valid',
        fields: { name: 'Name must be 120 characters or fewer' },
      },
    });
    assert.equal(types.statusCode, 422);
    assert.deepEqual(types.json().error.fields, {
      name: 'Name must be text',
      description: 'Description must be text',
      visibility: 'Visibility must be open, closed or secret',
    });
    assert.equal(array.statusCode, 400);
    assert.equal(array.json().error.message, 'Send a JSON object');
    const mine = await get(creator, '/api/v1/groups?mine=true');
    assert.equal(mine.json().total, 0);
  });

  it('gives any title a slug that finds its group (BUG-26)', async () => {
    const creator = await caller();
    const titles: [string, string][] = [
      [
        'Lasers & Feelings: Übersetzung fertig!',
        'lasers-feelings-ubersetzung-fertig',
      ],
      ["What's new? 50% off $10 plans", 'whats-new-50-off-10-plans'],
      ['Q&A', 'q-a'],
      ['🚀', 'group'],
      ['مرحبا بالعالم', 'مرحبا-بالعالم'],
      ['Q&A', 'q-a-2'],
    ];

    for (const [name, slug] of titles) {
      const created = await callApi(app, creator, 'POST', '/api/v1/groups', {
        name,
        visibility: 'open',
      });
      assert.equal(created.statusCode, 201, name);
      assert.equal(created.json().slug, slug, name);
      const path = `/api/v1/groups/${encodeURIComponent(slug)}`;
      assert.equal(created.headers.location, path);

      const found = await get(creator, path);

      assert.equal(found.statusCode, 200, path);
      assert.equal(found.json().id, created.json().id, path);
      assert.equal(found.json().name, name, 'the name is kept as typed');
    }
  });

  it('answers 409 and a suggestion when a chosen slug is taken', async () => {
    const creator = await caller();
    await buildGroup(database().db, creator.id, { slug: 'badgers' });

    const response = await callApi(app, creator, 'POST', '/api/v1/groups', {
      name: 'Badgers again',
      slug: 'badgers',
      visibility: 'open',
    });

    assert.equal(response.statusCode, 409);
    assert.deepEqual(response.json(), {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'That web address is taken',
        fields: { slug: 'A group already uses badgers. Try badgers-2' },
      },
    });
  });

  it('numbers plan-2030 as plan-2030-2, never as plan', async () => {
    const creator = await caller();
    const create = () =>
      callApi(app, creator, 'POST', '/api/v1/groups', {
        name: 'Plan 2030',
        visibility: 'open',
      });

    const first = await create();
    const second = await create();

    assert.equal(first.json().slug, 'plan-2030');
    assert.equal(second.json().slug, 'plan-2030-2');
  });

  it('lets group admins edit details, only owners visibility', async () => {
    const { db } = database();
    const owner = await caller();
    const admin = await caller();
    const group = await buildGroup(db, owner.id, { visibility: 'open' });
    await addGroupMember(db, group, admin.id, 'admin');
    const url = `/api/v1/groups/${group.slug}`;

    const renamed = await callApi(app, admin, 'PATCH', url, {
      name: 'Renamed by an admin',
      description: 'New *words*',
    });
    const sameVisibility = await callApi(app, admin, 'PATCH', url, {
      visibility: 'open',
    });
    const hidden = await callApi(app, admin, 'PATCH', url, {
      visibility: 'secret',
    });
    const closed = await callApi(app, owner, 'PATCH', url, {
      visibility: 'closed',
    });

    assert.equal(renamed.statusCode, 200);
    assert.equal(renamed.json().name, 'Renamed by an admin');
    assert.equal(renamed.json().descriptionHtml, '<p>New <em>words</em></p>\n');
    assert.equal(sameVisibility.statusCode, 200);
    assert.equal(hidden.statusCode, 403);
    assert.deepEqual(hidden.json(), {
      error: {
        code: 'GROUP_FORBIDDEN',
        message: 'Only the group’s owners can change who can see it',
      },
    });
    assert.equal(closed.statusCode, 200);
    assert.equal(closed.json().visibility, 'closed');
    assert.equal(closed.json().name, 'Renamed by an admin');
  });

  it('refuses changes from members, strangers and to the slug', async () => {
    const { db } = database();
    const owner = await caller();
    const member = await caller();
    const group = await buildGroup(db, owner.id, { visibility: 'open' });
    const secret = await buildGroup(db, owner.id, { visibility: 'secret' });
    await addGroupMember(db, group, member.id);
    const url = `/api/v1/groups/${group.slug}`;

    const byMember = await callApi(app, member, 'PATCH', url, { name: 'x' });
    const byStranger = await callApi(
      app,
      await caller(),
      'PATCH',
      `/api/v1/groups/${secret.slug}`,
      { name: 'x' },
    );
    const slug = await callApi(app, owner, 'PATCH', url, { slug: 'moved' });
    const blank = await callApi(app, owner, 'PATCH', url, { name: ' ' });

    assert.equal(byMember.statusCode, 403);
    assert.deepEqual(byMember.json().error, {
      code: 'GROUP_FORBIDDEN',
      message: 'Only the group’s owners and admins can do that',
    });
    assert.equal(byStranger.statusCode, 404);
    assert.equal(byStranger.json().error.code, 'GROUP_NOT_FOUND');
    assert.equal(slug.statusCode, 422);
    assert.deepEqual(slug.json().error.fields, {
      slug: 'A group’s web address cannot change',
    });
    assert.equal(blank.statusCode, 422);
    assert.deepEqual(blank.json().error.fields, { name: 'Enter name' });
    assert.equal((await get(owner, url)).json().name, group.name);
  });

  it('closes an open group’s members on the very next request', async () => {
    const { db } = database();
    const owner = await caller();
    const stranger = await caller();
    const group = await buildGroup(db, owner.id, { visibility: 'open' });
    const members = `/api/v1/groups/${group.slug}/members`;

    const before = await get(stranger, members);
    await callApi(app, owner, 'PATCH', `/api/v1/groups/${group.slug}`, {
      visibility: 'closed',
    });
    const after = await get(stranger, members);
    const stillVisible = await get(stranger, `/api/v1/groups/${group.slug}`);

    assert.equal(before.statusCode, 200);
    assert.equal(before.json().total, 1);
    assert.equal(after.statusCode, 403);
    assert.deepEqual(after.json(), {
      error: {
        code: 'GROUP_FORBIDDEN',
        message: 'Only members of this group can see who is in it',
      },
    });
    assert.equal(stillVisible.statusCode, 200);
    assert.equal(stillVisible.json().visibility, 'closed');
  });

  it('lets owners and site admins delete a group, not admins', async () => {
    const { db } = database();
    const owner = await caller();
    const admin = await caller();
    const first = await buildGroup(db, owner.id);
    const second = await buildGroup(db, owner.id, { visibility: 'secret' });
    await addGroupMember(db, first, admin.id, 'admin');
    const remove = (who: ApiCaller, slug: string) =>
      callApi(app, who, 'DELETE', `/api/v1/groups/${slug}`);

    const byAdmin = await remove(admin, first.slug);
    const byOwner = await remove(owner, first.slug);
    const again = await remove(owner, first.slug);
    const bySiteAdmin = await remove(await caller('admin'), second.slug);

    assert.equal(byAdmin.statusCode, 403);
    assert.equal(
      byAdmin.json().error.message,
      'Only the group’s owners can do that',
    );
    assert.equal(byOwner.statusCode, 204);
    assert.equal(byOwner.body, '');
    assert.equal(again.statusCode, 404);
    assert.equal(bySiteAdmin.statusCode, 204);
    assert.equal(
      (await get(owner, `/api/v1/groups/${second.slug}`)).statusCode,
      404,
    );
  });
});
