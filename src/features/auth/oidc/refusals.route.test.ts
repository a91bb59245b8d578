import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildTestApp } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson, nextNumber } from '../../../test-support/factories.ts';
import { SYSTEM_ACTOR } from '../../audit/audit.ts';
import { deactivateAccount } from '../lifecycle.ts';
import { reachCallback } from './http-browser.ts';
import { useOidcTestSite } from './testing.ts';
import type { Answer } from './http-browser.ts';
import type { TestUser } from './testing.ts';

// Every refusal ends on an error page with a way back to sign in, clears
// the flow cookie, and leaves no session behind: no cookie, no row.

await describeEachDatabase('OpenID Connect sign-in refusals', (database) => {
  const site = useOidcTestSite(database);

  function newUser(overrides: Partial<TestUser> = {}): TestUser {
    const n = nextNumber();
    return site().organisation.addUser({
      sub: `refused-${n}`,
      email: `refused.person${n}@example.gov.uk`,
      emailVerified: true,
      name: `Refused Person ${n}`,
      ...overrides,
    });
  }

  async function sessionCount(): Promise<number> {
    const row = await site()
      .db.selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function lastRefusal(): Promise<Record<string, unknown>> {
    const row = await site()
      .db.selectFrom('audit_events')
      .select('details')
      .where('action', '=', 'sign-in.failed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    return JSON.parse(row.details) as Record<string, unknown>;
  }

  /** Visits a callback address and checks that it refused, cleanly. */
  async function refusedAt(
    callbackUrl: string,
    expected: { status?: number; heading: string; reason?: string },
    browser = site().browser(),
  ): Promise<Answer> {
    const sessions = await sessionCount();

    const answer = await browser.get(callbackUrl);

    assert.equal(answer.status, expected.status ?? 400);
    assert.match(
      answer.body,
      new RegExp(`<h1 class="govuk-heading-l">${expected.heading}</h1>`),
    );
    assert.match(answer.body, /<a class="govuk-link" href="\/sign-in">/);
    assert.equal(answer.cookies.get('cm_session'), undefined);
    assert.equal(await sessionCount(), sessions, 'no session was begun');
    assert.doesNotMatch(answer.body, /eyJ[\w-]+\.eyJ/, 'no token is shown');
    assert.doesNotMatch(answer.body, /\.ts:\d+/, 'no stack is shown');
    if (expected.reason) {
      assert.equal((await lastRefusal()).reason, expected.reason);
    }
    return answer;
  }

  it('refuses an answer whose state is not the one this browser sent', async () => {
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${site().origin}/auth/oidc`,
      { login: newUser().sub },
    );
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'a-state-from-somewhere-else');

    const answer = await refusedAt(
      forged.href,
      {
        heading: 'Sign-in did not match this browser',
        reason: 'state-mismatch',
      },
      browser,
    );

    assert.equal(answer.cookies.get('cm_oidc')?.value, '', 'flow cleared');
    assert.deepEqual(await lastRefusal(), {
      method: 'oidc:default',
      reason: 'state-mismatch',
    });
  });

  it('refuses an answer meant for another provider', async () => {
    const { partner, origin } = site();
    const user = partner.addUser({
      sub: `partner-refused-${nextNumber()}`,
      email: 'partner.refused@partner.example',
      emailVerified: true,
    });
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc/partner`,
      { login: user.sub },
    );
    const elsewhere = new URL(callbackUrl);
    elsewhere.pathname = '/auth/oidc/callback';

    await refusedAt(
      elsewhere.href,
      {
        heading: 'Sign-in did not match this browser',
        reason: 'state-mismatch',
      },
      browser,
    );
  });

  it('refuses a code used twice, with or without the flow cookie', async () => {
    const { origin } = site();
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc`,
      { login: newUser().sub },
    );
    const flow = browser.cookie(origin, 'cm_oidc');
    assert.ok(flow);
    assert.equal((await browser.get(callbackUrl)).status, 303);

    await refusedAt(
      callbackUrl,
      { heading: 'Your sign-in has expired', reason: 'flow-expired' },
      browser,
    );
    const thief = site().browser();
    thief.setCookie(origin, 'cm_oidc', flow);
    await refusedAt(
      callbackUrl,
      {
        heading: 'This sign-in cannot be used again',
        reason: 'code-invalid',
      },
      thief,
    );
  });

  it('refuses an ID token issued with another sign-in nonce', async () => {
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${site().origin}/auth/oidc`,
      {
        login: newUser().sub,
        editAuthorizationUrl: (url) =>
          url.searchParams.set('nonce', 'a-nonce-from-another-sign-in'),
      },
    );

    await refusedAt(
      callbackUrl,
      {
        heading: 'Sign-in did not match this browser',
        reason: 'nonce-mismatch',
      },
      browser,
    );
  });

  it('refuses an expired ID token', async () => {
    const { organisation, origin } = site();
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc`,
      { login: newUser().sub },
    );
    organisation.issueExpiredIdTokens = true;
    try {
      const answer = await refusedAt(
        callbackUrl,
        {
          heading: 'Your sign-in could not be checked',
          reason: 'token-expired',
        },
        browser,
      );
      assert.match(answer.body, /had already expired/);
    } finally {
      organisation.issueExpiredIdTokens = false;
    }
  });

  it('refuses a first sign-in whose e-mail address is not verified', async () => {
    const { db, origin } = site();
    const user = newUser({ emailVerified: false });
    const owner = await buildPerson(db, { email: user.email ?? null });
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc`,
      { login: user.sub },
    );

    await refusedAt(
      callbackUrl,
      {
        heading: 'Your e-mail address is not confirmed',
        reason: 'email-unverified',
      },
      browser,
    );

    const links = await db
      .selectFrom('identity_links')
      .select('id')
      .where('person_id', '=', owner)
      .execute();
    assert.deepEqual(links, [], 'the account with that address is not taken');
  });

  it('refuses a first sign-in that gives no e-mail address', async () => {
    const { db, origin } = site();
    const user = newUser({ email: undefined });
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc`,
      { login: user.sub },
    );

    await refusedAt(
      callbackUrl,
      {
        heading: 'Your e-mail address is needed',
        reason: 'email-missing',
      },
      browser,
    );
    const people = await db
      .selectFrom('people')
      .select('id')
      .where('display_name', '=', user.name ?? '')
      .execute();
    assert.deepEqual(people, [], 'nobody was created');
  });

  it('refuses a deactivated person, whether linked or found by address', async () => {
    const { db, origin } = site();
    const linked = newUser();
    await site().signIn(site().browser(), linked.sub);
    const link = await db
      .selectFrom('identity_links')
      .select('person_id')
      .where('subject', '=', linked.sub)
      .executeTakeFirstOrThrow();
    const cause = { actor: SYSTEM_ACTOR, via: 'test' };
    await deactivateAccount(db, link.person_id, cause);
    const unlinked = newUser();
    const unlinkedId = await buildPerson(db, { email: unlinked.email ?? null });
    await deactivateAccount(db, unlinkedId, cause);

    for (const user of [linked, unlinked]) {
      const browser = site().browser();
      const { callbackUrl } = await reachCallback(
        browser,
        `${origin}/auth/oidc`,
        { login: user.sub },
      );
      const answer = await refusedAt(
        callbackUrl,
        {
          heading: 'Your account has been deactivated',
          reason: 'account-deactivated',
        },
        browser,
      );
      assert.match(answer.body, /Contact a site administrator/);
    }

    const refusals = await db
      .selectFrom('audit_events')
      .select('actor_person_id')
      .where('action', '=', 'sign-in.failed')
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    assert.deepEqual(
      refusals.map((row) => row.actor_person_id),
      [unlinkedId, link.person_id],
    );
    const newLinks = await db
      .selectFrom('identity_links')
      .select('id')
      .where('person_id', '=', unlinkedId)
      .execute();
    assert.deepEqual(newLinks, []);
  });

  it('refuses to link an account the same provider knows by another subject', async () => {
    const { origin } = site();
    const leaver = newUser();
    await site().signIn(site().browser(), leaver.sub);
    const starter = newUser({ email: leaver.email });
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc`,
      { login: starter.sub },
    );

    await refusedAt(
      callbackUrl,
      {
        heading: 'Your account could not be linked',
        reason: 'account-conflict',
      },
      browser,
    );
  });

  it('shows the provider refusal without repeating its words', async () => {
    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${site().origin}/auth/oidc`,
      { cancel: true },
    );
    assert.equal(
      new URL(callbackUrl).searchParams.get('error'),
      'access_denied',
    );

    const answer = await refusedAt(
      callbackUrl,
      { heading: 'You were not signed in', reason: 'provider-error' },
      browser,
    );

    assert.match(answer.body, /Civil Service Login did not sign you in/);
    assert.doesNotMatch(answer.body, /aborted interaction/);
  });

  it('refuses an answer when no sign-in was started in this browser', async () => {
    const { origin } = site();
    await refusedAt(`${origin}/auth/oidc/callback?code=abc&state=def`, {
      heading: 'Your sign-in has expired',
      reason: 'flow-expired',
    });

    const browser = site().browser();
    const { callbackUrl } = await reachCallback(
      browser,
      `${origin}/auth/oidc`,
      { login: newUser().sub },
    );
    const flow = browser.cookie(origin, 'cm_oidc') ?? '';
    browser.setCookie(origin, 'cm_oidc', `x${flow.slice(1)}`);
    await refusedAt(
      callbackUrl,
      { heading: 'Your sign-in has expired', reason: 'flow-expired' },
      browser,
    );
  });

  it('answers 404 for a provider that is not set up', async () => {
    const { origin } = site();
    for (const path of [
      '/auth/oidc/nowhere',
      '/auth/oidc/nowhere/callback?code=abc&state=def',
      '/auth/oidc/default',
    ]) {
      const answer = await refusedAt(`${origin}${path}`, {
        status: 404,
        heading: 'Page not found',
      });
      assert.match(answer.body, /That way of signing in is not set up/);
    }
  });

  it('answers 404 at /auth/oidc when no organisation provider is set', async () => {
    const app = await buildTestApp(database());
    try {
      for (const url of ['/auth/oidc', '/auth/oidc/callback?code=a&state=b']) {
        const answer = await app.inject(url);
        assert.equal(answer.statusCode, 404);
        assert.match(answer.body, /That way of signing in is not set up/);
      }
      const signIn = await app.inject('/sign-in');
      assert.doesNotMatch(signIn.body, /Sign in with/);
    } finally {
      await app.close();
    }
  });

  it('says so plainly when the provider cannot be reached', async () => {
    const answer = await refusedAt(`${site().origin}/auth/oidc/offline`, {
      status: 502,
      heading: 'Sign-in is not available just now',
    });

    assert.match(answer.body, /cannot reach Offline Login just now/);
    assert.match(answer.body, /use another way to sign in/);
    assert.equal(answer.cookies.get('cm_oidc'), undefined, 'no flow begun');
  });
});
