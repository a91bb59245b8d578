import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import type { Database } from '../../../database.ts';
import type { Config, OidcProviderConfig } from '../../../platform/config.ts';
import { safeReturnPath } from '../../../platform/redirects.ts';
import { recordAudit } from '../../audit/audit.ts';
import { needsUserInfo, readIdentity } from './claims.ts';
import type { Identity } from './claims.ts';
import { OidcClients } from './clients.ts';
import {
  OidcError,
  describeGrantFailure,
  oidcErrors,
  safeErrorCode,
} from './errors.ts';
import { FlowCookie } from './flow-cookie.ts';
import type { OidcFlow } from './flow-cookie.ts';
import { resolvePerson } from './identities.ts';

export interface OidcOptions {
  config: Config;
  db: Kysely<Database>;
}

/**
 * Sign-in with OpenID Connect providers: the authorization code flow with
 * PKCE, state and nonce (openid-client does the checking). Each provider
 * starts at its `startPath` and comes back to its `callbackPath`; both are
 * public GET routes that change nothing but cookies until an identity has
 * been proved. Register after the auth plugin, which provides sessions.
 */
export const oidcSignIn: FastifyPluginAsync<OidcOptions> = async (
  app,
  { config, db },
) => {
  const clients = new OidcClients(config.oidcAllowHttpIssuer, app.log);
  const flows = new FlowCookie(config.publicUrl.protocol === 'https:');
  const route = { config: { access: 'public' } } as const;

  for (const provider of config.oidcProviders) {
    app.get(provider.startPath, route, (request, reply) =>
      start(provider, request, reply),
    );
    app.get(provider.callbackPath, route, (request, reply) =>
      callback(provider, request, reply),
    );
  }
  // Every other key, and the first provider's paths when OIDC_ISSUER is
  // not set, answer 404 with a word about signing in. Static paths above
  // take precedence over these.
  const unknown = async () => {
    throw oidcErrors.unknownProvider();
  };
  const served = new Set(
    config.oidcProviders.flatMap((p) => [p.startPath, p.callbackPath]),
  );
  for (const path of [
    '/auth/oidc',
    '/auth/oidc/callback',
    '/auth/oidc/:provider',
    '/auth/oidc/:provider/callback',
  ]) {
    if (!served.has(path)) {
      app.get(path, route, unknown);
    }
  }

  /** Sends the browser to the provider, remembering the flow in a cookie. */
  async function start(
    provider: OidcProviderConfig,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const query = request.query as Record<string, unknown>;
    const configuration = await clients.configurationFor(provider);
    const flow: OidcFlow = {
      provider: provider.key,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      returnTo: safeReturnPath(query.returnTo),
      startedAt: Date.now(),
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: redirectUri(provider),
      scope: provider.scopes.join(' '),
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
    });
    flows.write(reply, flow);
    return reply.header('cache-control', 'no-store').redirect(url.href, 303);
  }

  /**
   * Finishes a flow: whatever happens, the flow cookie goes. Every refusal
   * is audited and thrown as an OidcError, which the error handler shows.
   */
  async function callback(
    provider: OidcProviderConfig,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const flow = flows.read(request);
    flows.clear(reply);
    reply.header('cache-control', 'no-store');
    try {
      const identity = await proveIdentity(provider, flow, request);
      const method = `oidc:${provider.key}` as const;
      const now = new Date().toISOString();
      const resolved = await db.transaction().execute(async (trx) => {
        const found = await resolvePerson(trx, identity, provider, now);
        if (found.via === 'created') {
          await recordAudit(trx, {
            action: 'account.created',
            actor: {
              personId: found.account.id,
              label: found.account.displayName,
            },
            subject: { type: 'person', id: found.account.id },
            clientAddress: request.ip,
            details: { via: method },
          });
        }
        return found;
      });
      if (identity.ignored.length > 0) {
        request.log.warn(
          { provider: provider.key, claims: identity.ignored },
          'oidc claims ignored',
        );
      }
      await app.sessions.begin(request, reply, resolved.account, method);
      return reply.redirect(flow?.returnTo ?? '/', 303);
    } catch (error) {
      if (error instanceof OidcError) {
        await recordRefusal(provider, request, error);
      }
      throw error;
    }
  }

  /**
   * Checks the provider's answer against the flow this browser started and
   * redeems the code: state, PKCE, and the ID token's signature, issuer,
   * audience, expiry and nonce. Returns the claims as an Identity.
   */
  async function proveIdentity(
    provider: OidcProviderConfig,
    flow: OidcFlow | undefined,
    request: FastifyRequest,
  ): Promise<Identity> {
    const query = request.query as Record<string, unknown>;
    if (!flow) {
      throw oidcErrors.flowExpired();
    }
    if (flow.provider !== provider.key || query.state !== flow.state) {
      throw oidcErrors.stateMismatch();
    }
    if (query.error !== undefined) {
      // error_description is the provider's (or anyone's) free text: it is
      // logged, never shown, so it cannot speak on our page.
      request.log.info(
        {
          provider: provider.key,
          error: safeErrorCode(query.error),
          description: String(query.error_description ?? '').slice(0, 200),
        },
        'oidc provider refused',
      );
      throw oidcErrors.providerError(provider.name, safeErrorCode(query.error));
    }

    const configuration = await clients.configurationFor(provider);
    // The address the provider sent the browser to, as it knows it: what
    // openid-client sends back as redirect_uri when redeeming the code.
    const queryStart = request.url.indexOf('?');
    const search = queryStart < 0 ? '' : request.url.slice(queryStart);
    const currentUrl = new URL(redirectUri(provider) + search);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        pkceCodeVerifier: flow.codeVerifier,
        idTokenExpected: true,
      });
    } catch (error) {
      throw grantFailure(provider, request, error);
    }
    const idClaims = tokens.claims();
    if (!idClaims) {
      throw oidcErrors.tokenInvalid(provider.name);
    }
    let claims: Record<string, unknown> = idClaims;
    if (
      configuration.serverMetadata().userinfo_endpoint &&
      needsUserInfo(claims, provider)
    ) {
      try {
        const userInfo = await oidc.fetchUserInfo(
          configuration,
          tokens.access_token,
          idClaims.sub,
        );
        // The ID token's own claims (iss, sub, aud …) are the ones checked,
        // so they win over anything UserInfo repeats.
        claims = { ...userInfo, ...idClaims };
      } catch (error) {
        throw grantFailure(provider, request, error);
      }
    }
    return readIdentity(claims, provider);
  }

  function grantFailure(
    provider: OidcProviderConfig,
    request: FastifyRequest,
    error: unknown,
  ): OidcError {
    const described = describeGrantFailure(error, provider.name);
    // Only the library's code and message: its causes can hold the token.
    request.log.warn(
      {
        provider: provider.key,
        reason: described.reason,
        err: {
          code: (error as { code?: unknown }).code,
          message: (error as Error).message,
        },
      },
      'oidc sign-in not completed',
    );
    return described;
  }

  async function recordRefusal(
    provider: OidcProviderConfig,
    request: FastifyRequest,
    error: OidcError,
  ) {
    const person = error.person;
    await recordAudit(db, {
      action: 'sign-in.failed',
      actor: person
        ? { personId: person.id, label: person.displayName }
        : { personId: null, label: 'unknown account' },
      subject: person ? { type: 'person', id: person.id } : undefined,
      clientAddress: request.ip,
      details: { method: `oidc:${provider.key}`, reason: error.reason },
    });
    request.log.info(
      { provider: provider.key, reason: error.reason, personId: person?.id },
      'oidc sign-in refused',
    );
  }

  /** PUBLIC_URL and the provider's callback path, as registered there. */
  function redirectUri(provider: OidcProviderConfig): string {
    return config.publicUrl.href.replace(/\/$/, '') + provider.callbackPath;
  }
};
