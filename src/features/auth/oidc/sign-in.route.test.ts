import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson, nextNumber } from '../../../test-support/factories.ts';
import type { Db } from '../../../database.ts';
import { savePartner } from '../../admin/partners.ts';
import { findAccountByEmail, findAccountById } from '../../people/accounts.ts';
import { createSession } from '../sessions.ts';
import { listIdentityLinks } from './links.ts';
import { reachCallback } from './http-browser.ts';
import { useOidcTestSite } from './testing.ts';
import type { OidcTestSite, TestUser } from './testing.ts';

await describeEachDatabase('OpenID Connect sign-in', (database) => {
  const site = useOidcTestSite(database);

  function newUser(overrides: Partial<TestUser> = {}): TestUser {
    const n = nextNumber();
    return site().organisation.addUser({
      sub: `subject-${n}`,
      email: `oidc.person${n}@example.gov.uk`,
      emailVerified: true,
      name: `Oidc Person ${n}`,
      ...overrides,
    });
  }

  it('offers the organisation provider first on the sign-in page', async () => {
    const page = await site().browser().get(`${site().origin}/sign-in`);

    const buttons = [
      ...page.body.matchAll(/href="([^"]+)">Sign in with ([^<]+)</g),
    ];
    assert.deepEqual(
      buttons.map(([, href, name]) => [href, name]),
      [
        ['/auth/oidc?returnTo=%2F', 'Civil Service Login'],
        ['/auth/oidc/partner?returnTo=%2F', 'Partner Login'],
        ['/auth/oidc/offline?returnTo=%2F', 'Offline Login'],
      ],
    );
  });

  it('signs someone in through the provider with PKCE, state and nonce', async () => {
    const { db, origin } = site();
    const personId = await buildPerson(db, {
      email: 'grace.hopper@example.gov.uk',
    });
    const user = newUser({ email: 'grace.hopper@example.gov.uk' });
    const browser = site().browser();

    const { start, authorizationUrl, callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc?returnTo=%2Fpeople`,
      { login: user.sub },
    );
    const params = authorizationUrl.searchParams;
    assert.equal(authorizationUrl.origin, site().organisation.issuer);
    assert.equal(params.get('response_type'), 'code');
    assert.equal(params.get('client_id'), 'civilmedia');
    assert.equal(params.get('redirect_uri'), `${origin}/auth/oidc/callback`);
    assert.equal(params.get('scope'), 'openid email profile');
    assert.equal(params.get('code_challenge_method'), 'S256');
    assert.match(params.get('code_challenge') ?? '', /^[\w-]{43}$/);
    assert.match(params.get('state') ?? '', /^[\w-]{40,}$/);
    assert.match(params.get('nonce') ?? '', /^[\w-]{40,}$/);
    const flow = start.cookies.get('cm_oidc');
    assert.ok(flow, 'the flow is kept in a cookie');
    assert.equal(flow.attributes.get('max-age'), '600');
    assert.equal(flow.attributes.get('samesite'), 'Lax');
    assert.ok(flow.attributes.has('httponly'));
    assert.ok(
      !flow.value.includes(params.get('state') ?? ''),
      'the cookie is encoded',
    );

    const callback = await browser.get(callbackUrl);

    assert.equal(callback.status, 303);
    assert.equal(callback.location, '/people');
    assert.ok(callback.cookies.get('cm_session')?.value, 'a session begins');
    assert.equal(
      callback.cookies.get('cm_oidc')?.value,
      '',
      'the flow cookie is cleared',
    );
    const people = await browser.get(`${origin}/people`);
    assert.equal(people.status, 200);
    assert.match(people.body, new RegExp(`href="/people/${personId}">`));
    const links = await listIdentityLinks(db, personId);
    assert.equal(links.length, 1);
    assert.equal(links[0]?.issuer, site().organisation.issuer);
    assert.equal(links[0]?.subject, user.sub);
    assert.equal(links[0]?.emailAtLink, 'grace.hopper@example.gov.uk');
    const audit = await db
      .selectFrom('audit_events')
      .select(['details'])
      .where('action', '=', 'sign-in')
      .where('subject_id', '=', personId)
      .execute();
    assert.deepEqual(
      audit.map((event) => JSON.parse(event.details) as unknown),
      [{ method: 'oidc:default' }],
    );
  });

  it('finds the person by their link at the next sign-in, whatever their address', async () => {
    const { db } = site();
    const user = newUser();
    await site().signIn(site().browser(), user.sub);
    const [first] = await linksOf(site(), user.sub);
    assert.ok(first);
    user.email = `changed.${user.email}`;

    const again = await site().signIn(site().browser(), user.sub);

    assert.equal(again.status, 303);
    const links = await linksOf(site(), user.sub);
    assert.equal(links.length, 1);
    assert.equal(links[0]?.person_id, first.person_id);
    assert.ok((links[0]?.last_sign_in_at ?? '') >= first.last_sign_in_at);
    const people = await db
      .selectFrom('people')
      .select('id')
      .where('email_key', '=', user.email)
      .execute();
    assert.deepEqual(people, [], 'no second person was made');
  });

  it('signs in again without a login page while the provider remembers the browser', async () => {
    const user = newUser();
    const browser = site().browser();
    await site().signIn(browser, user.sub);

    const { callbackUrl } = await reachCallback(
      browser,
      `${site().origin}/auth/oidc`,
      {},
    );
    const callback = await browser.get(callbackUrl);

    assert.equal(callback.status, 303);
    assert.ok(callback.cookies.get('cm_session')?.value);
  });

  it('matches a first sign-in to an account by verified address in any case', async () => {
    const { db } = site();
    const n = nextNumber();
    const personId = await buildPerson(db, {
      email: `ADA.Lovelace${n}@Example.gov.uk`,
    });
    const user = newUser({ email: `ada.lovelace${n}@example.gov.uk` });

    const callback = await site().signIn(site().browser(), user.sub);

    assert.equal(callback.status, 303);
    const [link] = await linksOf(site(), user.sub);
    assert.equal(link?.person_id, personId);
  });

  it('creates a person at first sign-in when no account has the address', async () => {
    const { db } = site();
    const user = newUser({ name: 'Katherine Johnson' });

    const callback = await site().signIn(site().browser(), user.sub);

    assert.equal(callback.status, 303);
    const person = await db
      .selectFrom('people')
      .select(['id', 'display_name', 'email', 'source', 'role', 'status'])
      .where('email_key', '=', user.email ?? '')
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      { ...person, id: undefined },
      {
        id: undefined,
        display_name: 'Katherine Johnson',
        email: user.email,
        source: 'oidc',
        role: 'member',
        status: 'active',
      },
    );
    const [link] = await linksOf(site(), user.sub);
    assert.equal(link?.person_id, person.id);
    const created = await db
      .selectFrom('audit_events')
      .select(['actor_person_id', 'details'])
      .where('action', '=', 'account.created')
      .where('subject_id', '=', person.id)
      .executeTakeFirstOrThrow();
    assert.equal(created.actor_person_id, person.id);
    assert.deepEqual(JSON.parse(created.details), { via: 'oidc:default' });
  });

  it('names a new person from given and family names, or from the address', async () => {
    const { db } = site();
    const named = newUser({
      name: undefined,
      givenName: 'Mary',
      familyName: 'Jackson',
    });
    const unnamed = newUser({
      name: undefined,
      email: `dorothy.vaughan${nextNumber()}@example.gov.uk`,
    });

    await site().signIn(site().browser(), named.sub);
    await site().signIn(site().browser(), unnamed.sub);

    const names = await db
      .selectFrom('people')
      .select('display_name')
      .where('email_key', 'in', [named.email ?? '', unnamed.email ?? ''])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      names.map((row) => row.display_name),
      ['Mary Jackson', unnamed.email?.split('@')[0]],
    );
  });

  it('keeps department and job title in step with the provider at each sign-in', async () => {
    const { db } = site();
    const n = nextNumber();
    const user = newUser({
      department: `Department for Transport ${n}`,
      jobTitle: 'Policy Adviser',
    });
    const profile = async () =>
      db
        .selectFrom('people as p')
        .leftJoin('departments as d', 'd.id', 'p.department_id')
        .select(['p.id', 'd.name as department', 'p.job_title'])
        .where('p.email_key', '=', user.email ?? '')
        .executeTakeFirstOrThrow();
    const changes = async (personId: number) =>
      db
        .selectFrom('directory_changes')
        .select(['details', 'actor_person_id'])
        .where('subject', '=', 'person')
        .where('subject_id', '=', personId)
        .orderBy('id')
        .execute();

    await site().signIn(site().browser(), user.sub);
    const first = await profile();
    assert.equal(first.department, `Department for Transport ${n}`);
    assert.equal(first.job_title, 'Policy Adviser');

    user.department = `  Cabinet   Office ${n} `;
    user.jobTitle = 'Head of Policy';
    await site().signIn(site().browser(), user.sub);
    const second = await profile();
    assert.equal(second.department, `Cabinet Office ${n}`);
    assert.equal(second.job_title, 'Head of Policy');
    const recorded = await changes(first.id);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]?.actor_person_id, first.id);
    const fields = JSON.parse(recorded[0]?.details ?? '{}') as Record<
      string,
      unknown
    >;
    assert.deepEqual(fields.job_title, ['Policy Adviser', 'Head of Policy']);
    assert.ok(fields.department_id);

    user.jobTitle = 'Head of\u0007Policy';
    await site().signIn(site().browser(), user.sub);
    const third = await profile();
    assert.equal(
      third.job_title,
      'Head of Policy',
      'a claim with a control character is ignored',
    );
    assert.equal(
      (await changes(first.id)).length,
      1,
      'nothing changed, nothing recorded',
    );
  });

  it('signs a partner’s staff in as guests, at the partner’s own paths', async () => {
    const { db, origin, partner } = site();
    await allowPartnerDomain(db, 'partner.example');
    const n = nextNumber();
    const user = partner.addUser({
      sub: `partner-${n}`,
      email: `nurse${n}@partner.example`,
      emailVerified: true,
      name: `Partner Nurse ${n}`,
    });
    const browser = site().browser();

    const { authorizationUrl, callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc/partner`,
      { login: user.sub },
    );
    const callback = await browser.get(callbackUrl);

    assert.equal(authorizationUrl.origin, partner.issuer);
    assert.equal(new URL(callbackUrl).pathname, '/auth/oidc/partner/callback');
    assert.equal(callback.status, 303);
    const link = await db
      .selectFrom('identity_links')
      .select(['issuer', 'person_id'])
      .where('subject', '=', user.sub)
      .executeTakeFirstOrThrow();
    assert.equal(link.issuer, partner.issuer);
    const audit = await db
      .selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'sign-in')
      .where('subject_id', '=', link.person_id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(JSON.parse(audit.details), { method: 'oidc:partner' });
    const person = await findAccountById(db, link.person_id);
    assert.equal(person?.role, 'guest');
  });

  it('refuses a partner provider an address outside the partner domains', async () => {
    const { db, origin, partner } = site();
    await allowPartnerDomain(db, 'partner.example');
    const n = nextNumber();
    const user = partner.addUser({
      sub: `outsider-${n}`,
      email: `someone${n}@elsewhere.example`,
      emailVerified: true,
      name: `Out Sider ${n}`,
    });
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc/partner`,
      {
        login: user.sub,
      },
    );

    const callback = await browser.get(callbackUrl);

    assert.equal(callback.status, 400);
    assert.match(
      callback.body,
      /Your address is not from a partner organisation/,
    );
    assert.equal(await findAccountByEmail(db, user.email ?? ''), undefined);
  });

  it('never lets a partner provider take over a member’s account', async () => {
    const { db, origin, partner } = site();
    await allowPartnerDomain(db, 'partner.example');
    const n = nextNumber();
    const email = `staff${n}@partner.example`;
    const member = await buildPerson(db, {
      displayName: `Staff Member ${n}`,
      email,
    });
    const user = partner.addUser({
      sub: `claimer-${n}`,
      email,
      emailVerified: true,
      name: `Claimer ${n}`,
    });
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc/partner`,
      {
        login: user.sub,
      },
    );

    const callback = await browser.get(callbackUrl);

    assert.equal(callback.status, 400);
    const links = await db
      .selectFrom('identity_links')
      .select('id')
      .where('person_id', '=', member)
      .execute();
    assert.equal(links.length, 0);
  });

  it('returns only to a path on this site after signing in (BUG-18)', async () => {
    const user = newUser();
    const cases: [string, string][] = [
      ['https://evil.example/', '/'],
      ['//evil.example/', '/'],
      ['/\\evil.example/', '/'],
      ['https:evil.example', '/'],
      ['%2F%2Fevil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['https://intranet.example.evil.example/', '/'],
      ['/wiki/Team/Onboarding', '/wiki/Team/Onboarding'],
    ];
    const landings: string[] = [];
    for (const [returnTo] of cases) {
      const browser = site().browser();
      const { callbackUrl } = await reachCallback(
        browser,
        `${site().origin}/auth/oidc?returnTo=${encodeURIComponent(returnTo)}`,
        { login: user.sub },
      );
      // A returnTo added to the provider's answer is not read either.
      const tampered = `${callbackUrl}&returnTo=${encodeURIComponent('https://evil.example/')}`;
      landings.push((await browser.get(tampered)).location ?? '');
    }

    assert.deepEqual(
      landings,
      cases.map(([, landing]) => landing),
    );
    const raw = site().browser();
    const { callbackUrl } = await reachCallback(
      raw,
      `${site().origin}/auth/oidc?returnTo=%2F%2Fevil.example`,
      { login: user.sub },
    );
    assert.equal((await raw.get(callbackUrl)).location, '/');
  });

  it('begins a new session, ending one planted before sign-in (session fixation)', async () => {
    const { db, origin, app } = site();
    const attacker = await buildPerson(db);
    const planted = await createSession(
      db,
      attacker,
      undefined,
      app.sessions.timeouts,
    );
    const user = newUser();
    const browser = site().browser();
    browser.setCookie(origin, 'cm_session', planted);

    const callback = await site().signIn(browser, user.sub);

    const issued = callback.cookies.get('cm_session')?.value;
    assert.ok(issued);
    assert.notEqual(issued, planted);
    const [link] = await linksOf(site(), user.sub);
    assert.match(
      (await browser.get(`${origin}/people`)).body,
      new RegExp(`href="/people/${link?.person_id}">`),
    );
    const replay = await app.inject({
      url: '/people',
      cookies: { cm_session: planted },
    });
    assert.equal(
      replay.statusCode,
      303,
      'the planted session no longer signs anyone in',
    );
  });
});

async function linksOf(site: OidcTestSite, subject: string) {
  return site.db
    .selectFrom('identity_links')
    .selectAll()
    .where('subject', '=', subject)
    .execute();
}

/** Lets guests at `domain` sign in through a partner's provider. */
async function allowPartnerDomain(db: Db, domain: string): Promise<void> {
  const existing = await db
    .selectFrom('partner_domains')
    .select('domain')
    .where('domain', '=', domain)
    .executeTakeFirst();
  if (!existing) {
    await savePartner(
      db,
      { name: `Partner at ${domain}`, domains: [domain] },
      { personId: null, label: 'test' },
    );
  }
}
