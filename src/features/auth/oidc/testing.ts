import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import Provider from 'oidc-provider';
import type { AccountClaims, Adapter, AdapterPayload } from 'oidc-provider';
import type { Db } from '../../../database.ts';
import { buildTestApp } from '../../../test-support/app.ts';
import type { TestDatabase } from '../../../test-support/databases.ts';
import { HttpBrowser, reachCallback } from './http-browser.ts';
import type { Answer } from './http-browser.ts';

// Test helpers for OpenID Connect sign-in: a real provider (oidc-provider)
// on 127.0.0.1 in the test process, and the app listening beside it, for
// the browser in http-browser.ts. Nothing here is used by the application.

// The Koa context oidc-provider hands its middleware.
type KoaContext = Parameters<Parameters<Provider['use']>[0]>[0];

/** Someone the test provider can sign in. */
export interface TestUser {
  sub: string;
  email?: string;
  emailVerified?: boolean;
  name?: string;
  givenName?: string;
  familyName?: string;
  department?: string;
  jobTitle?: string;
}

export interface TestProviderOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /**
   * Put the person's claims in the ID token itself, as many providers do.
   * Otherwise they come only from UserInfo, as the specification has it
   * for the code flow.
   */
  claimsInIdToken?: boolean;
}

/**
 * An OpenID provider with one confidential client, PKCE required, and a
 * login page of its own at /interaction/:uid: a form with a `login` field
 * (a user's `sub`) and a `cancel` button. Users live in `users`, so a test
 * can change someone's claims between sign-ins.
 */
export class TestProvider {
  readonly users = new Map<string, TestUser>();
  /** While true, ID tokens are issued already two minutes expired. */
  issueExpiredIdTokens = false;

  private constructor(
    readonly issuer: string,
    private readonly server: Server,
  ) {}

  static async start(options: TestProviderOptions): Promise<TestProvider> {
    const server = createServer();
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as AddressInfo;
    const test = new TestProvider(`http://127.0.0.1:${port}`, server);
    const provider = test.createProvider(options);
    server.on('request', provider.callback());
    return test;
  }

  addUser(user: TestUser): TestUser {
    this.users.set(user.sub, user);
    return user;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private createProvider(options: TestProviderOptions): Provider {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          redirect_uris: [options.redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          id_token_signed_response_alg: 'ES256',
        },
      ],
      jwks: {
        keys: [
          {
            ...privateKey.export({ format: 'jwk' }),
            alg: 'ES256',
            use: 'sig',
            kid: 'test',
          },
        ],
      },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      pkce: { required: () => true },
      features: { devInteractions: { enabled: false } },
      conformIdTokenClaims: !options.claimsInIdToken,
      claims: {
        openid: ['sub'],
        email: ['email', 'email_verified'],
        profile: [
          'name',
          'given_name',
          'family_name',
          'department',
          'job_title',
        ],
      },
      ttl: {
        AccessToken: 600,
        AuthorizationCode: 60,
        Grant: 3600,
        IdToken: 600,
        Interaction: 600,
        Session: 3600,
      },
      adapter: MemoryStore,
      findAccount: (_ctx, sub) => {
        const user = this.users.get(sub);
        return user && { accountId: sub, claims: () => claimsOf(user) };
      },
      renderError: (ctx, out) => {
        ctx.type = 'text/plain';
        ctx.body = `${String(out.error)}: ${String(out.error_description)}`;
      },
    });
    provider.use((ctx, next) => this.interaction(provider, ctx, next));
    this.expireIdTokensOnRequest(provider);
    return provider;
  }

  private async interaction(
    provider: Provider,
    ctx: KoaContext,
    next: () => Promise<unknown>,
  ): Promise<void> {
    if (!/^\/interaction\/[\w-]+$/.test(ctx.path)) {
      await next();
      return;
    }
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      ctx.type = 'text/html';
      ctx.body =
        `<form method="post" action="/interaction/${details.uid}">` +
        '<input name="login"><button>Sign in</button>' +
        '<button name="cancel" value="yes">Cancel</button></form>';
      return;
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    if (form.get('cancel')) {
      await provider.interactionFinished(
        ctx.req,
        ctx.res,
        {
          error: 'access_denied',
          error_description: 'End-User aborted interaction',
        },
        { mergeWithLastSubmission: false },
      );
      ctx.respond = false;
      return;
    }
    const user = this.users.get(form.get('login') ?? '');
    if (!user) {
      ctx.status = 400;
      ctx.body = 'no such user';
      return;
    }
    const grant = new provider.Grant({
      accountId: user.sub,
      clientId: String(details.params.client_id),
    });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { login: { accountId: user.sub }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
    ctx.respond = false;
  }

  // oidc-provider refuses a TTL below one second, but an ID token issued
  // with an end time in the past is signed as usual: exactly what a
  // client must refuse.
  private expireIdTokensOnRequest(provider: Provider): void {
    const prototype = provider.IdToken.prototype;
    const issue = prototype.issue;
    const test = this;
    prototype.issue = function (context) {
      if (test.issueExpiredIdTokens && context.use === 'idtoken') {
        const past = Math.floor(Date.now() / 1000) - 120;
        return issue.call(this, { ...context, expiresAt: past });
      }
      return issue.call(this, context);
    };
  }
}

type StoredPayload = AdapterPayload & { grantId?: string; uid?: string };

/**
 * What oidc-provider keeps (sessions, interactions, codes, grants …) in
 * a Map, for one test process. Its own memory store works as well but
 * warns on every start that it is not for production.
 */
class MemoryStore implements Adapter {
  private static readonly entries = new Map<
    string,
    { payload: StoredPayload; expiresAt: number }
  >();

  constructor(private readonly model: string) {}

  upsert(id: string, payload: StoredPayload, expiresIn: number) {
    const expiresAt = Date.now() + expiresIn * 1000;
    MemoryStore.entries.set(this.key(id), { payload, expiresAt });
    if (payload.uid) {
      MemoryStore.entries.set(this.key(`uid:${payload.uid}`), {
        payload: { ...payload, jti: id },
        expiresAt,
      });
    }
    return Promise.resolve();
  }

  find(id: string) {
    const entry = MemoryStore.entries.get(this.key(id));
    const live = entry && entry.expiresAt > Date.now();
    return Promise.resolve(live ? entry.payload : undefined);
  }

  async findByUid(uid: string) {
    const indexed = await this.find(`uid:${uid}`);
    return indexed?.jti ? this.find(indexed.jti) : undefined;
  }

  findByUserCode() {
    return Promise.resolve(undefined);
  }

  async consume(id: string) {
    const payload = await this.find(id);
    if (payload) {
      payload.consumed = Math.floor(Date.now() / 1000);
    }
  }

  destroy(id: string) {
    MemoryStore.entries.delete(this.key(id));
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string) {
    for (const [key, entry] of MemoryStore.entries) {
      if (entry.payload.grantId === grantId) {
        MemoryStore.entries.delete(key);
      }
    }
    return Promise.resolve();
  }

  private key(id: string): string {
    return `${this.model}:${id}`;
  }
}

function claimsOf(user: TestUser): AccountClaims {
  return {
    sub: user.sub,
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    given_name: user.givenName,
    family_name: user.familyName,
    department: user.department,
    job_title: user.jobTitle,
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A loopback address where nothing listens, for an unreachable provider. */
export async function unusedAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

const PUBLIC_ORIGIN = 'http://intranet.civilmedia.test';

/** The app listening on 127.0.0.1, signing in with two test providers. */
export interface OidcTestSite {
  app: FastifyInstance;
  db: Db;
  /** The organisation's provider: OIDC_ISSUER, claims only in UserInfo. */
  organisation: TestProvider;
  /** A partner's provider, `partner`, with claims in the ID token. */
  partner: TestProvider;
  /** PUBLIC_URL: an origin the browser's alias maps to the app's port. */
  origin: string;
  /** A new browser with no cookies. */
  browser(): HttpBrowser;
  /** Signs in from start to finish and returns the app's last answer. */
  signIn(
    browser: HttpBrowser,
    login: string,
    options?: { start?: string },
  ): Promise<Answer>;
}

/**
 * Starts both providers and the app (with PUBLIC_URL, department and job
 * title claims, and a third provider, `offline`, that cannot be reached)
 * before the suite's tests, and stops them after.
 */
export function useOidcTestSite(
  database: () => TestDatabase,
): () => OidcTestSite {
  let site: OidcTestSite | undefined;

  before(async () => {
    const organisation = await TestProvider.start({
      clientId: 'civilmedia',
      clientSecret: 'organisation-client-secret',
      redirectUri: `${PUBLIC_ORIGIN}/auth/oidc/callback`,
    });
    const partner = await TestProvider.start({
      clientId: 'civilmedia-at-partner',
      clientSecret: 'partner-client-secret',
      redirectUri: `${PUBLIC_ORIGIN}/auth/oidc/partner/callback`,
      claimsInIdToken: true,
    });
    const app = await buildTestApp(database(), {
      PUBLIC_URL: PUBLIC_ORIGIN,
      OIDC_ALLOW_HTTP_ISSUER: 'true',
      OIDC_ISSUER: organisation.issuer,
      OIDC_CLIENT_ID: 'civilmedia',
      OIDC_CLIENT_SECRET: 'organisation-client-secret',
      OIDC_NAME: 'Civil Service Login',
      OIDC_DEPARTMENT_CLAIM: 'department',
      OIDC_JOB_TITLE_CLAIM: 'job_title',
      OIDC_PROVIDERS: 'partner,offline',
      OIDC_PARTNER_ISSUER: partner.issuer,
      OIDC_PARTNER_CLIENT_ID: 'civilmedia-at-partner',
      OIDC_PARTNER_CLIENT_SECRET: 'partner-client-secret',
      OIDC_PARTNER_NAME: 'Partner Login',
      OIDC_OFFLINE_ISSUER: await unusedAddress(),
      OIDC_OFFLINE_CLIENT_ID: 'civilmedia',
      OIDC_OFFLINE_CLIENT_SECRET: 'offline-client-secret',
      OIDC_OFFLINE_NAME: 'Offline Login',
    });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const browser = () => new HttpBrowser({ [PUBLIC_ORIGIN]: address });
    site = {
      app,
      db: database().db,
      organisation,
      partner,
      origin: PUBLIC_ORIGIN,
      browser,
      async signIn(browser, login, options = {}) {
        const { callbackUrl } = await reachCallback(
          browser,
          PUBLIC_ORIGIN + (options.start ?? '/auth/oidc'),
          { login },
        );
        return browser.get(callbackUrl);
      },
    };
  });

  after(async () => {
    await site?.app.close();
    await site?.organisation.close();
    await site?.partner.close();
  });

  return () => {
    if (!site) {
      throw new Error('the OpenID Connect test site has not started yet');
    }
    return site;
  };
}
