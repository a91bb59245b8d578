import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { setSetting } from '../admin/settings.ts';
import { fieldValue, pageFixtures } from './pages-testing.ts';

const SYSTEM = { personId: null, label: 'test' };

await describeEachDatabase('the groups pages', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database());
  });
  after(async () => {
    await app.close();
  });

  const { person, group, roleIn } = pageFixtures(() => app, database);

  it('lists open and closed groups, and no one else’s secret group', async () => {
    const owner = await person();
    const reader = await person();
    const open = await group(
      owner.id,
      'open',
      '# Birds of the Thames\n\nA second paragraph that is not shown.',
    );
    const closed = await group(owner.id, 'closed');
    const secret = await group(owner.id, 'secret');
    await addGroupMember(database().db, open, reader.id);

    const page = await reader.browser.get(`/groups?q=${open.name}`);
    const closedPage = await reader.browser.get(`/groups?q=${closed.name}`);
    const secretPage = await reader.browser.get(
      `/groups?q=${encodeURIComponent(secret.name)}`,
    );
    const all = await reader.browser.get('/groups?pageSize=100');

    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      new RegExp(`<a class="govuk-link" href="/groups/${open.slug}">`),
    );
    assert.match(page.body, /govuk-tag--green">Open</);
    assert.match(page.body, />2 members · You are a member</);
    assert.match(page.body, />Birds of the Thames</);
    assert.doesNotMatch(page.body, /second paragraph/);
    assert.match(closedPage.body, /govuk-tag--yellow">Closed</);
    assert.match(secretPage.body, />0 groups found</);
    assert.ok(!all.body.includes(secret.name), 'secret name leaked');
    assert.ok(all.body.includes(closed.name));
  });

  it('hides a secret group from a non-member, not from a member or admin', async () => {
    const owner = await person();
    const stranger = await person();
    const admin = await person('admin');
    const secret = await group(owner.id, 'secret', 'Hidden plans');

    for (const path of ['', '/members', '/edit', '/requests', '/delete']) {
      const response = await stranger.browser.get(
        `/groups/${secret.slug}${path}`,
      );
      assert.equal(response.statusCode, 404, path);
      assert.ok(!response.body.includes(secret.name), path);
    }
    const join = await stranger.browser.post(`/groups/${secret.slug}/join`, {});
    assert.equal(join.statusCode, 404);
    assert.equal(await roleIn(secret.id, stranger.id), null);
    const ownPage = await owner.browser.get(`/groups/${secret.slug}`);
    assert.equal(ownPage.statusCode, 200);
    assert.match(ownPage.body, /govuk-tag--purple">Secret</);
    assert.equal(
      (await admin.browser.get(`/groups/${secret.slug}`)).statusCode,
      200,
    );
  });

  it('shows a non-member a closed group’s description, not its members', async () => {
    const owner = await person('member', `Olwen Owner ${nextNumber()}`);
    const stranger = await person();
    const closed = await group(owner.id, 'closed', 'We *plan* the move.');

    const page = await stranger.browser.get(`/groups/${closed.slug}`);
    const members = await stranger.browser.get(
      `/groups/${closed.slug}/members`,
    );
    const ownerPage = await owner.browser.get(`/groups/${closed.slug}`);

    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<p>We <em>plan<\/em> the move.<\/p>/);
    assert.match(page.body, /1 member</);
    assert.match(page.body, /Only members can see what is in this group./);
    assert.ok(!page.body.includes(owner.displayName), 'member list leaked');
    assert.doesNotMatch(page.body, /Latest activity/);
    assert.match(page.body, />\s*Ask to join\s*</);
    assert.equal(members.statusCode, 403);
    assert.ok(ownerPage.body.includes(owner.displayName));
    assert.match(
      ownerPage.body,
      new RegExp(`<li>${owner.displayName} joined 1 December 2026</li>`),
    );
    assert.match(ownerPage.body, />\s*Manage group\s*</);
  });

  it('renders a description’s Markdown without letting its HTML through', async () => {
    const owner = await person();
    const open = await group(
      owner.id,
      'open',
      '<script>alert(1)</script> [x](javascript:alert(1)) **bold**',
    );

    const page = await owner.browser.get(`/groups/${open.slug}`);

    assert.ok(!page.body.includes('<script>alert(1)'));
    assert.ok(!page.body.includes('href="javascript:'));
    assert.match(page.body, /<strong>bold<\/strong>/);
  });

  it('sends someone signed out to sign in, unless open groups are open to the public', async () => {
    const owner = await person();
    const open = await group(owner.id, 'open');
    const closed = await group(owner.id, 'closed');

    const refused = await app.inject({ url: `/groups/${open.slug}` });
    await setSetting(database().db, 'publicReading', true, SYSTEM);
    try {
      const page = await app.inject({ url: `/groups/${open.slug}` });
      const directory = await app.inject({ url: '/groups?pageSize=100' });
      const hidden = await app.inject({ url: `/groups/${closed.slug}` });
      const create = await app.inject({ url: '/groups/new' });

      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Sign in<\/a> to join this group/);
      assert.doesNotMatch(page.body, /Join group/);
      assert.ok(directory.body.includes(open.name));
      assert.ok(!directory.body.includes(closed.name));
      assert.equal(hidden.statusCode, 404);
      assert.equal(create.statusCode, 303);
    } finally {
      await setSetting(database().db, 'publicReading', false, SYSTEM);
    }
    assert.equal(refused.statusCode, 303);
    assert.equal(
      refused.headers.location,
      `/sign-in?returnTo=${encodeURIComponent(`/groups/${open.slug}`)}`,
    );
  });

  it('shows a guest only their own groups and no way to create one', async () => {
    const owner = await person();
    const guest = await person('guest');
    const theirs = await group(owner.id, 'closed');
    const other = await group(owner.id, 'open');
    await addGroupMember(database().db, theirs, guest.id);

    const directory = await guest.browser.get('/groups?pageSize=100');
    const mine = await guest.browser.get('/groups/mine');
    const form = await guest.browser.get('/groups/new');
    const otherPage = await guest.browser.get(`/groups/${other.slug}`);

    assert.equal(directory.statusCode, 200);
    assert.ok(directory.body.includes(theirs.name));
    assert.ok(!directory.body.includes(other.name));
    assert.doesNotMatch(directory.body, /Create a group/);
    assert.ok(mine.body.includes(theirs.name));
    assert.equal(form.statusCode, 403);
    assert.equal(otherPage.statusCode, 404);
  });

  it('creates a group with its creator as owner and says so', async () => {
    const creator = await person();
    await creator.browser.get('/groups/new');
    const slug = `otters-${nextNumber()}`;

    const response = await creator.browser.post('/groups/new', {
      name: 'Otter spotters',
      slug,
      description: 'Otters *everywhere*.',
      visibility: 'closed',
    });

    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, `/groups/${slug}?done=created`);
    const page = await creator.browser.get(response.headers.location);
    assert.match(page.body, /govuk-notification-banner--success/);
    assert.match(page.body, /Your group has been created. You are its owner./);
    assert.match(page.body, /You are an owner of this group./);
    const row = await database()
      .db.selectFrom('groups')
      .select(['id', 'name', 'visibility', 'description_md'])
      .where('slug', '=', slug)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { name: row.name, visibility: row.visibility, md: row.description_md },
      {
        name: 'Otter spotters',
        visibility: 'closed',
        md: 'Otters *everywhere*.',
      },
    );
    assert.equal(await roleIn(row.id, creator.id), 'owner');
  });

  it('makes the web address from the name when it is left blank', async () => {
    const creator = await person();
    await creator.browser.get('/groups/new');
    const name = `Badger census ${nextNumber()}`;

    const response = await creator.browser.post('/groups/new', {
      name,
      slug: '',
      visibility: 'open',
    });

    const slug = name.toLowerCase().replaceAll(' ', '-');
    assert.equal(response.headers.location, `/groups/${slug}?done=created`);
  });

  it('re-renders the form with 400, a summary and the typed values', async () => {
    const creator = await person();
    const taken = await group(creator.id, 'open');
    await creator.browser.get('/groups/new');
    const long = 'x'.repeat(121);
    const cases: {
      form: Record<string, string>;
      field: string;
      message: string;
    }[] = [
      {
        form: { name: '', slug: '', description: 'Kept', visibility: 'open' },
        field: 'name',
        message: 'Enter name',
      },
      {
        form: { name: long, slug: '', description: '', visibility: 'open' },
        field: 'name',
        message: 'Name must be 120 characters or fewer',
      },
      {
        form: {
          name: 'Any name',
          slug: taken.slug,
          description: 'Kept too',
          visibility: 'open',
        },
        field: 'slug',
        message: `A group already uses ${taken.slug}. Try ${taken.slug}-2`,
      },
      {
        form: { name: 'No choice made', slug: '', description: '' },
        field: 'visibility',
        message: 'Choose who can see the group',
      },
      {
        form: { name: 'New', slug: 'new', description: '', visibility: 'open' },
        field: 'slug',
        message: 'A group already uses new. Try new-2',
      },
    ];

    for (const { form, field, message } of cases) {
      const response = await creator.browser.post('/groups/new', form);

      assert.equal(response.statusCode, 400, message);
      assert.match(response.body, /<title>Error: Create a group – CivilMedia/);
      assert.match(response.body, /govuk-error-summary/);
      assert.ok(
        response.body.includes(`<a href="#${field}">${message}</a>`),
        message,
      );
      assert.ok(
        response.body.includes(
          `<span class="govuk-visually-hidden">Error:</span> ${message}`,
        ),
        message,
      );
      assert.equal(fieldValue(response.body, 'name'), form.name, message);
      assert.equal(fieldValue(response.body, 'slug'), form.slug, message);
      assert.equal(
        fieldValue(response.body, 'description'),
        form.description,
        message,
      );
    }
    const count = await database()
      .db.selectFrom('groups')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', 'in', ['Any name', 'No choice made', long])
      .executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  it('offers the next free web address when the one made from the name is taken', async () => {
    const creator = await person();
    const name = `Q&A ${nextNumber()}`;
    await creator.browser.get('/groups/new');
    const first = await creator.browser.post('/groups/new', {
      name,
      slug: '',
      visibility: 'open',
    });
    const slug = (first.headers.location as string).split(/[/?]/)[2];

    const second = await creator.browser.post('/groups/new', {
      name,
      slug: '',
      visibility: 'open',
    });
    const accepted = await creator.browser.post('/groups/new', {
      name,
      slug: fieldValue(second.body, 'slug') ?? '',
      visibility: 'open',
    });

    assert.equal(first.statusCode, 303);
    assert.equal(second.statusCode, 400);
    assert.ok(
      second.body.includes(`A group already uses ${slug}. Try ${slug}-2`),
    );
    assert.equal(fieldValue(second.body, 'slug'), `${slug}-2`);
    assert.equal(accepted.statusCode, 303);
    assert.equal(accepted.headers.location, `/groups/${slug}-2?done=created`);
  });

  it('keeps the chosen visibility when the form comes back with an error', async () => {
    const creator = await person();
    await creator.browser.get('/groups/new');

    const response = await creator.browser.post('/groups/new', {
      name: '',
      visibility: 'secret',
    });

    assert.match(
      response.body,
      /<input class="govuk-radios__input" id="visibility-3" name="visibility" type="radio" value="secret" checked/,
    );
  });

  it('lets admins edit the details but only owners the visibility', async () => {
    const owner = await person();
    const admin = await person();
    const member = await person();
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, admin.id, 'admin');
    await addGroupMember(database().db, open, member.id, 'member');

    const adminForm = await admin.browser.get(`/groups/${open.slug}/edit`);
    const ownerForm = await owner.browser.get(`/groups/${open.slug}/edit`);
    const memberForm = await member.browser.get(`/groups/${open.slug}/edit`);
    const byAdmin = await admin.browser.post(`/groups/${open.slug}/edit`, {
      name: 'Renamed by an admin',
      description: 'New words',
      visibility: 'secret',
    });
    const blank = await admin.browser.post(`/groups/${open.slug}/edit`, {
      name: ' ',
      description: 'Kept words',
    });
    const afterAdmin = await database()
      .db.selectFrom('groups')
      .select(['name', 'visibility', 'description_md'])
      .where('id', '=', open.id)
      .executeTakeFirstOrThrow();
    const byOwner = await owner.browser.post(`/groups/${open.slug}/edit`, {
      name: 'Renamed by an admin',
      description: 'New words',
      visibility: 'closed',
    });

    assert.equal(adminForm.statusCode, 200);
    assert.doesNotMatch(adminForm.body, /name="visibility"/);
    assert.match(ownerForm.body, /name="visibility"/);
    assert.equal(memberForm.statusCode, 403);
    assert.equal(byAdmin.statusCode, 303);
    assert.equal(byAdmin.headers.location, `/groups/${open.slug}?done=saved`);
    assert.equal(blank.statusCode, 400);
    assert.ok(blank.body.includes('<a href="#name">Enter name</a>'));
    assert.equal(fieldValue(blank.body, 'description'), 'Kept words');
    assert.deepEqual(afterAdmin, {
      name: 'Renamed by an admin',
      visibility: 'open',
      description_md: 'New words',
    });
    assert.equal(byOwner.statusCode, 303);
    const after = await database()
      .db.selectFrom('groups')
      .select('visibility')
      .where('id', '=', open.id)
      .executeTakeFirstOrThrow();
    assert.equal(after.visibility, 'closed');
  });

  it('deletes a group after its owner confirms, and refuses its admins', async () => {
    const owner = await person();
    const admin = await person();
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, admin.id, 'admin');

    const adminConfirm = await admin.browser.get(`/groups/${open.slug}/delete`);
    const adminDelete = await admin.browser.post(
      `/groups/${open.slug}/delete`,
      {},
    );
    const confirm = await owner.browser.get(`/groups/${open.slug}/delete`);
    const deleted = await owner.browser.post(`/groups/${open.slug}/delete`, {});
    const directory = await owner.browser.get('/groups?done=deleted');
    const gone = await owner.browser.get(`/groups/${open.slug}`);

    assert.equal(adminConfirm.statusCode, 403);
    assert.equal(adminDelete.statusCode, 403);
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Are you sure you want to delete this group\?/);
    assert.equal(deleted.statusCode, 303);
    assert.equal(deleted.headers.location, '/groups?done=deleted');
    assert.match(directory.body, /The group has been deleted./);
    assert.equal(gone.statusCode, 404);
  });

  it('lets a site administrator delete any group', async () => {
    const owner = await person();
    const admin = await person('admin');
    const secret = await group(owner.id, 'secret');
    await admin.browser.get(`/groups/${secret.slug}/delete`);

    const deleted = await admin.browser.post(
      `/groups/${secret.slug}/delete`,
      {},
    );

    assert.equal(deleted.statusCode, 303);
    const row = await database()
      .db.selectFrom('groups')
      .select('id')
      .where('id', '=', secret.id)
      .executeTakeFirst();
    assert.equal(row, undefined);
  });

  it('pages the directory 25 at a time, marking the current page', async () => {
    const owner = await person();
    const word = `plover${nextNumber()}`;
    for (let n = 1; n <= 26; n += 1) {
      await buildGroup(database().db, owner.id, {
        slug: `${word}-${n}`,
        name: `${word} ${String(n).padStart(2, '0')}`,
      });
    }

    const first = await owner.browser.get(`/groups?q=${word}`);
    const second = await owner.browser.get(`/groups?q=${word}&page=2`);
    const beyond = await owner.browser.get(`/groups?q=${word}&page=3`);

    assert.equal((first.body.match(/app-search-result"/g) ?? []).length, 25);
    assert.match(first.body, />26 groups found</);
    assert.match(
      first.body,
      /<a class="govuk-link govuk-pagination__link" href="\/groups\?q=plover\d+" aria-label="Page 1" aria-current="page">/,
    );
    assert.ok(second.body.includes(`${word} 26`));
    assert.ok(!second.body.includes(`${word} 25`));
    assert.equal(beyond.statusCode, 404);
  });

  it('does not show a notice for an unknown key', async () => {
    const owner = await person();

    const page = await owner.browser.get('/groups?done=%3Cb%3Ehi');

    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /govuk-notification-banner/);
  });
});
