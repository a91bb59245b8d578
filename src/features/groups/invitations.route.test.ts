import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  bearer,
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { savePartner } from '../admin/partners.ts';
import { setSetting } from '../admin/settings.ts';
import type { GroupRole, GroupVisibility } from './tables.ts';

const SYSTEM = { personId: null, label: 'test' };
const GUEST_PASSWORD = 'marble otter lantern quietly';

await describeEachDatabase('group invitations', (database) => {
  let app: FastifyInstance;

  before(async () => {
    app = await buildTestApp(database(), { SIGN_IN_RATE_LIMIT: '1000' });
  });
  after(async () => {
    await app.close();
  });

  /** A person with a signed-in browser and an API token. */
  async function person(
    role: 'admin' | 'member' | 'guest' = 'member',
    displayName = `Person ${nextNumber()}`,
  ) {
    const { db } = database();
    const account = await buildAccount(db, { role, displayName });
    const browser = new TestBrowser(app, `10.0.0.${nextNumber() % 250}`);
    await browser.signIn(account.email);
    const authorization = await bearer(db, account.id);
    return { ...account, displayName, browser, authorization };
  }

  async function group(ownerId: number, visibility: GroupVisibility) {
    const word = `heron${nextNumber()}`;
    return buildGroup(database().db, ownerId, {
      slug: `${word}-${visibility}`,
      name: `${word} ${visibility} group`,
      visibility,
    });
  }

  /** A partner organisation with one domain of its own. */
  async function partner(): Promise<string> {
    const domain = `trust${nextNumber()}.nhs.example`;
    const name = `Partner Trust ${domain}`;
    await savePartner(database().db, { name, domains: [domain] }, SYSTEM);
    return domain;
  }

  async function roleIn(
    groupId: number,
    personId: number,
  ): Promise<GroupRole | null> {
    const row = await database()
      .db.selectFrom('group_members')
      .select('role')
      .where('group_id', '=', groupId)
      .where('person_id', '=', personId)
      .executeTakeFirst();
    return row?.role ?? null;
  }

  async function api(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    authorization: string,
    payload?: object,
  ) {
    return app.inject({
      method,
      url,
      headers: { authorization },
      ...(payload ? { payload } : {}),
    });
  }

  /** The invitation link's token shown on a page or in JSON. */
  function tokenIn(text: string): string {
    const token = /\/invitations\/([A-Za-z0-9_-]{43})\b/.exec(text)?.[1];
    assert.ok(token, 'no invitation link in the answer');
    return token;
  }

  it('invites staff, who accept from their invitations page and join', async () => {
    const owner = await person();
    const invitee = await person();
    const open = await group(owner.id, 'open');

    await owner.browser.get(`/groups/${open.slug}/invitations`);
    const sent = await owner.browser.post(`/groups/${open.slug}/invitations`, {
      email: invitee.email.toUpperCase(),
      role: 'admin',
    });
    const listed = await owner.browser.get(sent.headers.location as string);
    const mine = await invitee.browser.get('/groups/invitations');
    const accepted = await invitee.browser.post(
      /action="(\/groups\/invitations\/\d+\/accept)"/.exec(mine.body)?.[1] ??
        '',
      {},
    );

    assert.equal(sent.statusCode, 303);
    assert.equal(
      sent.headers.location,
      `/groups/${open.slug}/invitations?done=invited`,
    );
    assert.match(listed.body, /Invitation sent\./);
    assert.ok(listed.body.includes(invitee.displayName));
    assert.match(listed.body, /As an admin\./);
    assert.ok(mine.body.includes(open.name));
    assert.ok(mine.body.includes(`${owner.displayName} invited you`));
    assert.equal(accepted.statusCode, 303);
    assert.equal(accepted.headers.location, `/groups/${open.slug}?done=joined`);
    assert.equal(await roleIn(open.id, invitee.id), 'admin');
    const left = await database()
      .db.selectFrom('group_invitations')
      .select('id')
      .where('group_id', '=', open.id)
      .execute();
    assert.deepEqual(left, []);
    const audit = await database()
      .db.selectFrom('audit_events')
      .select(['actor_person_id', 'subject_type', 'subject_id', 'details'])
      .where('action', '=', 'group.invited')
      .where('subject_id', '=', open.id)
      .executeTakeFirstOrThrow();
    assert.equal(audit.actor_person_id, owner.id);
    assert.equal(audit.subject_type, 'group');
    assert.deepEqual(JSON.parse(audit.details), {
      groupId: open.id,
      slug: open.slug,
      personId: invitee.id,
      asGuest: false,
      role: 'admin',
    });
  });

  it('lets a member of staff see, accept and decline invitations through the API', async () => {
    const owner = await person();
    const first = await person();
    const second = await person();
    const closed = await group(owner.id, 'closed');

    const byEmail = await api(
      'POST',
      `/api/v1/groups/${closed.slug}/invitations`,
      owner.authorization,
      { email: first.email },
    );
    const byId = await api(
      'POST',
      `/api/v1/groups/${closed.slug}/invitations`,
      owner.authorization,
      { personId: second.id, role: 'admin' },
    );
    const pending = await api(
      'GET',
      `/api/v1/groups/${closed.slug}/invitations`,
      owner.authorization,
    );
    const firstList = await api(
      'GET',
      '/api/v1/invitations',
      first.authorization,
    );
    const accepted = await api(
      'POST',
      `/api/v1/invitations/${byEmail.json().id}/accept`,
      first.authorization,
    );
    const declined = await api(
      'POST',
      `/api/v1/invitations/${byId.json().id}/decline`,
      second.authorization,
    );
    const secondList = await api(
      'GET',
      '/api/v1/invitations',
      second.authorization,
    );

    assert.equal(byEmail.statusCode, 201);
    assert.equal(byEmail.json().role, 'member');
    assert.equal(byEmail.json().guest, false);
    assert.equal(byEmail.json().link, undefined);
    assert.deepEqual(byEmail.json().invitedBy, {
      id: owner.id,
      name: owner.displayName,
    });
    assert.equal(byId.statusCode, 201);
    assert.deepEqual(byId.json().person, {
      id: second.id,
      name: second.displayName,
      email: second.email,
      guest: false,
    });
    assert.equal(pending.json().total, 2);
    assert.equal(firstList.json().total, 1);
    assert.deepEqual(firstList.json().items[0].group, {
      slug: closed.slug,
      name: closed.name,
      description: '',
      visibility: 'closed',
    });
    assert.equal(accepted.statusCode, 200);
    assert.deepEqual(accepted.json(), {
      group: {
        slug: closed.slug,
        name: closed.name,
        links: { self: `/api/v1/groups/${closed.slug}` },
      },
      role: 'member',
    });
    assert.equal(await roleIn(closed.id, first.id), 'member');
    assert.equal(declined.statusCode, 204);
    assert.equal(await roleIn(closed.id, second.id), null);
    assert.equal(secondList.json().total, 0);
  });

  it('refuses a second invitation, a deactivated account, and unknown addresses', async () => {
    const owner = await person();
    const member = await person();
    const guest = await person('guest');
    const gone = await person();
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, member.id);
    await database()
      .db.updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', gone.id)
      .execute();
    const url = `/api/v1/groups/${open.slug}/invitations`;

    const twice = await api('POST', url, owner.authorization, {
      email: member.email,
    });
    const deactivated = await api('POST', url, owner.authorization, {
      email: gone.email,
    });
    const asStaff = await api('POST', url, owner.authorization, {
      email: guest.email,
    });
    const unknown = await api('POST', url, owner.authorization, {
      email: `nobody${nextNumber()}@example.gov.uk`,
    });
    const owners = await api('POST', url, owner.authorization, {
      email: member.email,
      role: 'owner',
    });

    assert.equal(twice.statusCode, 409);
    assert.deepEqual(twice.json().error.fields, {
      email: `${member.displayName} is already a member of this group`,
    });
    assert.equal(deactivated.statusCode, 422);
    assert.deepEqual(deactivated.json().error.fields, {
      email: 'The account with that e-mail address is deactivated',
    });
    assert.deepEqual(asStaff.json().error.fields, {
      email: 'That address belongs to a guest. Invite them as a guest instead',
    });
    assert.deepEqual(unknown.json().error.fields, {
      email:
        'No member of staff uses that e-mail address. To invite someone ' +
        'from a partner organisation, invite them as a guest',
    });
    assert.deepEqual(owners.json().error.fields, {
      role: 'Role must be member or admin',
    });
  });

  it('withdraws an invitation, which can then be neither seen nor accepted', async () => {
    const owner = await person();
    const invitee = await person();
    const open = await group(owner.id, 'open');
    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      { email: invitee.email },
    );
    const id = sent.json().id as number;

    await owner.browser.get(`/groups/${open.slug}/invitations`);
    const revoked = await owner.browser.post(
      `/groups/${open.slug}/invitations/${id}/revoke`,
      {},
    );
    const again = await api(
      'DELETE',
      `/api/v1/groups/${open.slug}/invitations/${id}`,
      owner.authorization,
    );
    const list = await api('GET', '/api/v1/invitations', invitee.authorization);
    const accept = await api(
      'POST',
      `/api/v1/invitations/${id}/accept`,
      invitee.authorization,
    );

    assert.equal(revoked.statusCode, 303);
    assert.equal(
      revoked.headers.location,
      `/groups/${open.slug}/invitations?done=revoked`,
    );
    assert.equal(again.statusCode, 404);
    assert.equal(again.json().error.code, 'INVITATION_NOT_FOUND');
    assert.equal(list.json().total, 0);
    assert.equal(accept.statusCode, 404);
    assert.equal(await roleIn(open.id, invitee.id), null);
  });

  it('treats an expired invitation and its link as not there', async () => {
    const owner = await person();
    const staff = await person();
    const domain = await partner();
    const open = await group(owner.id, 'open');
    const url = `/api/v1/groups/${open.slug}/invitations`;
    const staffInvitation = await api('POST', url, owner.authorization, {
      email: staff.email,
    });
    const guestInvitation = await api('POST', url, owner.authorization, {
      email: `late${nextNumber()}@${domain}`,
      name: 'Lara Late',
      guest: true,
    });
    await database()
      .db.updateTable('group_invitations')
      .set({ expires_at: '2026-01-01T00:00:00.000Z' })
      .where('group_id', '=', open.id)
      .execute();

    const list = await api('GET', '/api/v1/invitations', staff.authorization);
    const accept = await api(
      'POST',
      `/api/v1/invitations/${staffInvitation.json().id}/accept`,
      staff.authorization,
    );
    const link = await app.inject({
      url: `/invitations/${tokenIn(guestInvitation.json().link)}`,
    });
    const pending = await api('GET', url, owner.authorization);

    assert.equal(list.json().total, 0);
    assert.equal(accept.statusCode, 404);
    assert.equal(link.statusCode, 404);
    assert.match(link.body, /This invitation link is not valid/);
    assert.ok(!link.body.includes(open.name));
    assert.equal(pending.json().total, 0);
  });

  it('lets a guest set a password from the link and see nothing but group A', async () => {
    const { db } = database();
    const owner = await person('member', `Olga Owner ${nextNumber()}`);
    const fellow = await person('member', `Fergus Fellow ${nextNumber()}`);
    const domain = await partner();
    const groupA = await group(owner.id, 'closed');
    const groupB = await group(owner.id, 'open');
    await addGroupMember(db, groupA, fellow.id);
    const email = `gwen${nextNumber()}@${domain}`;

    await owner.browser.get(`/groups/${groupA.slug}/invitations`);
    const created = await owner.browser.post(
      `/groups/${groupA.slug}/invitations/guests`,
      { guestName: 'Gwen Guest', guestEmail: email },
    );
    const token = tokenIn(created.body);
    const guest = new TestBrowser(app, '10.1.0.1');
    const landing = await guest.get(`/invitations/${token}`);
    const joined = await guest.post(`/invitations/${token}`, {
      password: GUEST_PASSWORD,
      confirm: GUEST_PASSWORD,
    });

    assert.equal(created.statusCode, 201);
    assert.equal(created.headers['cache-control'], 'no-store');
    assert.match(created.body, /shown only once/);
    assert.ok(created.body.includes(`http://localhost:3000/invitations/`));
    assert.equal(landing.statusCode, 200);
    assert.ok(landing.body.includes(`Join ${groupA.name}`));
    assert.ok(landing.body.includes(`${owner.displayName} has invited you`));
    assert.match(landing.body, /Set a password to accept/);
    assert.equal(joined.statusCode, 303);
    assert.equal(joined.headers.location, `/groups/${groupA.slug}?done=joined`);
    const account = await db
      .selectFrom('people')
      .select(['id', 'role', 'source', 'display_name'])
      .where('email_key', '=', email)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...account, id: 0 },
      {
        id: 0,
        role: 'guest',
        source: 'invitation',
        display_name: 'Gwen Guest',
      },
    );
    assert.equal(await roleIn(groupA.id, account.id), 'member');
    const home = await guest.get(`/groups/${groupA.slug}`);
    assert.equal(home.statusCode, 200);
    assert.ok(home.body.includes(groupA.name));

    const groupsApi = await guest.get('/api/v1/groups?pageSize=100');
    assert.equal(groupsApi.json().total, 1);
    assert.deepEqual(
      groupsApi.json().items.map((item: { slug: string }) => item.slug),
      [groupA.slug],
    );
    for (const path of [
      '/groups?pageSize=100',
      '/api/v1/groups?pageSize=100',
      '/people',
      '/api/v1/people',
      `/groups/${groupB.slug}`,
      `/groups/${groupB.slug}/members`,
      `/api/v1/groups/${groupB.slug}`,
      `/api/v1/groups/${groupB.slug}/members`,
      `/groups/${groupA.slug}/members`,
      `/api/v1/groups/${groupA.slug}/members`,
    ]) {
      const response = await guest.get(path);
      assert.ok(!response.body.includes(groupB.name), `${path} shows B`);
      assert.ok(!response.body.includes(groupB.slug), `${path} names B`);
    }
    const members = await guest.get(`/groups/${groupA.slug}/members`);
    const membersApi = await guest.get(`/api/v1/groups/${groupA.slug}/members`);
    assert.equal(members.statusCode, 200);
    assert.ok(members.body.includes(fellow.displayName));
    assert.ok(members.body.includes(owner.displayName));
    assert.deepEqual(
      membersApi
        .json()
        .items.map((item: { personId: number }) => item.personId)
        .sort((a: number, b: number) => a - b),
      [owner.id, fellow.id, account.id].sort((a, b) => a - b),
    );
  });

  it('audits a guest invitation with its group, never its token', async () => {
    const owner = await person();
    const domain = await partner();
    const open = await group(owner.id, 'open');

    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      {
        email: `ada${nextNumber()}@${domain}`,
        name: 'Ada Auditor',
        guest: true,
      },
    );
    const token = tokenIn(sent.json().link);
    const events = await database()
      .db.selectFrom('audit_events')
      .select(['action', 'subject_type', 'subject_id', 'details'])
      .where('actor_person_id', '=', owner.id)
      .orderBy('id')
      .execute();

    assert.equal(sent.statusCode, 201);
    assert.equal(sent.json().guest, true);
    assert.equal(sent.json().person.guest, true);
    const invited = events.find((event) => event.action === 'guest.invited');
    assert.ok(invited, 'no guest.invited event');
    assert.equal(invited.subject_type, 'group');
    assert.equal(invited.subject_id, open.id);
    assert.deepEqual(JSON.parse(invited.details), {
      groupId: open.id,
      slug: open.slug,
      personId: sent.json().person.id,
      asGuest: true,
      role: 'member',
      newAccount: true,
    });
    assert.ok(
      events.some((event) => event.action === 'account.created'),
      'the new guest account is not in the audit log',
    );
    for (const event of events) {
      assert.ok(!event.details.includes(token), 'token in the audit log');
    }
    const stored = await database()
      .db.selectFrom('group_invitations')
      .select('token_hash')
      .where('group_id', '=', open.id)
      .executeTakeFirstOrThrow();
    assert.match(stored.token_hash ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(stored.token_hash, token);
  });

  it('refuses a guest at a domain no partner organisation uses, naming the domain', async () => {
    const owner = await person();
    const open = await group(owner.id, 'open');
    const message =
      'No partner organisation uses example.com. Ask a site administrator to add it';

    const refused = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      { email: 'pat@Example.com', name: 'Pat Public', guest: true },
    );
    await owner.browser.get(`/groups/${open.slug}/invitations`);
    const page = await owner.browser.post(
      `/groups/${open.slug}/invitations/guests`,
      { guestName: 'Pat Public', guestEmail: 'pat@example.com' },
    );

    assert.equal(refused.statusCode, 422);
    assert.deepEqual(refused.json().error.fields, { email: message });
    assert.equal(page.statusCode, 400);
    assert.match(page.body, /<title>Error: /);
    assert.ok(page.body.includes(message));
    assert.match(page.body, /href="#guestEmail"/);
    assert.match(page.body, /value="pat@example.com"/);
    const made = await database()
      .db.selectFrom('people')
      .select('id')
      .where('email_key', '=', 'pat@example.com')
      .execute();
    assert.deepEqual(made, []);
  });

  it('invites a staff address sent as a guest as staff, with no link', async () => {
    const owner = await person();
    const staff = await person();
    const open = await group(owner.id, 'open');

    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      { email: staff.email, name: 'Ignored Name', guest: true },
    );

    assert.equal(sent.statusCode, 201);
    assert.equal(sent.json().guest, false);
    assert.equal(sent.json().link, undefined);
    assert.equal(sent.json().person.name, staff.displayName);
  });

  it('refuses an invitation from someone who does not manage the group', async () => {
    const owner = await person();
    const member = await person();
    const invitee = await person();
    const open = await group(owner.id, 'open');
    await addGroupMember(database().db, open, member.id);

    const byApi = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      member.authorization,
      { email: invitee.email },
    );
    const list = await api(
      'GET',
      `/api/v1/groups/${open.slug}/invitations`,
      member.authorization,
    );
    await member.browser.get(`/groups/${open.slug}`);
    const byPage = await member.browser.post(
      `/groups/${open.slug}/invitations`,
      { email: invitee.email },
    );
    const page = await member.browser.get(`/groups/${open.slug}/invitations`);

    assert.equal(byApi.statusCode, 403);
    assert.equal(byApi.json().error.code, 'GROUP_FORBIDDEN');
    assert.equal(list.statusCode, 403);
    assert.equal(byPage.statusCode, 403);
    assert.equal(page.statusCode, 403);
    const rows = await database()
      .db.selectFrom('group_invitations')
      .select('id')
      .where('group_id', '=', open.id)
      .execute();
    assert.deepEqual(rows, []);
  });

  it('lets an invitation link be used only once', async () => {
    const owner = await person();
    const domain = await partner();
    const open = await group(owner.id, 'open');
    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      {
        email: `once${nextNumber()}@${domain}`,
        name: 'Oona Once',
        guest: true,
      },
    );
    const token = tokenIn(sent.json().link);
    const first = new TestBrowser(app, '10.2.0.1');
    await first.get(`/invitations/${token}`);
    const used = await first.post(`/invitations/${token}`, {
      password: GUEST_PASSWORD,
      confirm: GUEST_PASSWORD,
    });

    const second = new TestBrowser(app, '10.2.0.2');
    // The sign-in page's form gives the browser a CSRF token to post with.
    await second.get('/sign-in');
    const again = await second.get(`/invitations/${token}`);
    const reuse = await second.post(`/invitations/${token}`, {
      password: 'another quite different passphrase',
      confirm: 'another quite different passphrase',
    });

    assert.equal(used.statusCode, 303);
    assert.equal(again.statusCode, 404);
    assert.match(again.body, /This invitation link is not valid/);
    assert.ok(!again.body.includes(open.name));
    assert.equal(reuse.statusCode, 404);
    assert.equal(second.cookie('cm_session'), undefined);
  });

  it('refuses to accept an invitation for someone else, by link or by id', async () => {
    const owner = await person();
    const other = await person('member', `Oscar Other ${nextNumber()}`);
    const staff = await person();
    const domain = await partner();
    const secret = await group(owner.id, 'secret');
    const url = `/api/v1/groups/${secret.slug}/invitations`;
    const guestSent = await api('POST', url, owner.authorization, {
      email: `gil${nextNumber()}@${domain}`,
      name: 'Gil Guest',
      guest: true,
    });
    const staffSent = await api('POST', url, owner.authorization, {
      email: staff.email,
    });
    const token = tokenIn(guestSent.json().link);

    const page = await other.browser.get(`/invitations/${token}`);
    const byLink = await other.browser.post(`/invitations/${token}/accept`, {});
    const byId = await api(
      'POST',
      `/api/v1/invitations/${staffSent.json().id}/accept`,
      other.authorization,
    );
    const byPage = await other.browser.post(
      `/groups/invitations/${staffSent.json().id}/accept`,
      {},
    );
    const stillValid = await app.inject({ url: `/invitations/${token}` });

    assert.equal(page.statusCode, 403);
    assert.match(page.body, /This invitation is for someone else/);
    assert.ok(!page.body.includes(secret.name), 'secret group named');
    assert.equal(byLink.statusCode, 403);
    assert.equal(byId.statusCode, 404);
    assert.equal(byPage.statusCode, 404);
    assert.equal(await roleIn(secret.id, other.id), null);
    assert.equal(stillValid.statusCode, 200);
  });

  it('names a secret group to its invitee on the invitation only', async () => {
    const owner = await person();
    const invitee = await person();
    const secret = await group(owner.id, 'secret');
    const sent = await api(
      'POST',
      `/api/v1/groups/${secret.slug}/invitations`,
      owner.authorization,
      { email: invitee.email },
    );

    const mine = await invitee.browser.get('/groups/invitations');
    const before = await invitee.browser.get(`/groups/${secret.slug}`);
    const accepted = await invitee.browser.post(
      `/groups/invitations/${sent.json().id}/accept`,
      {},
    );
    const afterwards = await invitee.browser.get(`/groups/${secret.slug}`);

    assert.ok(mine.body.includes(secret.name));
    assert.equal(before.statusCode, 404);
    assert.ok(!before.body.includes(secret.name));
    assert.equal(accepted.statusCode, 303);
    assert.equal(afterwards.statusCode, 200);
  });

  it('sends a guest who has a password to sign in, then accepts with one button', async () => {
    const owner = await person();
    const guest = await person('guest');
    const open = await group(owner.id, 'closed');
    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      { email: guest.email, name: 'Anything', guest: true },
    );
    const token = tokenIn(sent.json().link);

    const signedOut = await app.inject({ url: `/invitations/${token}` });
    const signedIn = await guest.browser.get(`/invitations/${token}`);
    const stillInvited = await roleIn(open.id, guest.id);
    const accepted = await guest.browser.post(
      `/invitations/${token}/accept`,
      {},
    );

    assert.equal(signedOut.statusCode, 200);
    assert.ok(
      signedOut.body.includes(
        `href="/sign-in?returnTo=${encodeURIComponent(`/invitations/${token}`)}"`,
      ),
    );
    assert.doesNotMatch(signedOut.body, /Set a password/);
    assert.match(signedIn.body, /Accept invitation/);
    assert.equal(stillInvited, null);
    assert.equal(accepted.statusCode, 303);
    assert.equal(await roleIn(open.id, guest.id), 'member');
  });

  it('asks a new guest to sign in instead when password sign-in is off', async () => {
    const owner = await person();
    const domain = await partner();
    const open = await group(owner.id, 'open');
    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      { email: `sso${nextNumber()}@${domain}`, name: 'Sam Sso', guest: true },
    );
    const token = tokenIn(sent.json().link);
    const browser = new TestBrowser(app, '10.3.0.1');
    // Loaded while the sign-in form is still there, for its CSRF token.
    await browser.get('/sign-in');
    await setSetting(database().db, 'localSignIn', false, SYSTEM);
    try {
      const page = await browser.get(`/invitations/${token}`);
      const post = await browser.post(`/invitations/${token}`, {
        password: GUEST_PASSWORD,
        confirm: GUEST_PASSWORD,
      });

      assert.doesNotMatch(page.body, /Set a password/);
      assert.match(page.body, /Sign in as sso\d+@/);
      assert.equal(post.statusCode, 303);
      assert.equal(post.headers.location, `/invitations/${token}`);
      const person = await database()
        .db.selectFrom('people')
        .select('password_hash')
        .where('id', '=', sent.json().person.id)
        .executeTakeFirstOrThrow();
      assert.equal(person.password_hash, null);
    } finally {
      await setSetting(database().db, 'localSignIn', true, SYSTEM);
    }
  });

  it('keeps a weak password out and the link valid', async () => {
    const owner = await person();
    const domain = await partner();
    const open = await group(owner.id, 'open');
    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      { email: `weak${nextNumber()}@${domain}`, name: 'Wes Weak', guest: true },
    );
    const token = tokenIn(sent.json().link);
    const browser = new TestBrowser(app, '10.4.0.1');
    await browser.get(`/invitations/${token}`);

    const weak = await browser.post(`/invitations/${token}`, {
      password: 'password1234',
      confirm: 'password1234',
    });
    const mismatch = await browser.post(`/invitations/${token}`, {
      password: GUEST_PASSWORD,
      confirm: `${GUEST_PASSWORD}!`,
    });

    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /<title>Error: /);
    assert.match(weak.body, /Password is too easy to guess/);
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /Enter the same password twice/);
    assert.equal(await roleIn(open.id, sent.json().person.id), null);
    assert.equal(browser.cookie('cm_session'), undefined);
  });

  it('refuses a link whose guest has been deactivated since', async () => {
    const owner = await person();
    const domain = await partner();
    const open = await group(owner.id, 'open');
    const sent = await api(
      'POST',
      `/api/v1/groups/${open.slug}/invitations`,
      owner.authorization,
      { email: `dee${nextNumber()}@${domain}`, name: 'Dee Gone', guest: true },
    );
    await database()
      .db.updateTable('people')
      .set({ status: 'deactivated' })
      .where('id', '=', sent.json().person.id)
      .execute();

    const page = await app.inject({
      url: `/invitations/${tokenIn(sent.json().link)}`,
    });

    assert.equal(page.statusCode, 404);
    assert.match(page.body, /This invitation link is not valid/);
  });

  it('replaces a guest’s link when they are invited again', async () => {
    const owner = await person();
    const domain = await partner();
    const open = await group(owner.id, 'open');
    const body = {
      email: `twice${nextNumber()}@${domain}`,
      name: 'Tam Twice',
      guest: true,
    };
    const url = `/api/v1/groups/${open.slug}/invitations`;
    const first = await api('POST', url, owner.authorization, body);
    const second = await api('POST', url, owner.authorization, body);

    const oldLink = await app.inject({
      url: `/invitations/${tokenIn(first.json().link)}`,
    });
    const newLink = await app.inject({
      url: `/invitations/${tokenIn(second.json().link)}`,
    });
    const pending = await api('GET', url, owner.authorization);

    assert.equal(second.statusCode, 201);
    assert.equal(second.json().person.id, first.json().person.id);
    assert.equal(oldLink.statusCode, 404);
    assert.equal(newLink.statusCode, 200);
    assert.equal(pending.json().total, 1);
  });
});
