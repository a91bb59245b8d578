import * as oidc from 'openid-client';
import type { FastifyBaseLogger } from 'fastify';
import type { OidcProviderConfig } from '../../../platform/config.ts';
import { oidcErrors } from './errors.ts';

// Seconds to wait for a provider before telling the person it cannot be
// reached; the default of 30 would leave them looking at a blank page.
const PROVIDER_TIMEOUT_S = 10;

/**
 * Each provider's discovered metadata and client settings, fetched on first
 * use and kept for the life of the process. A failed discovery is not
 * kept, so the next sign-in tries again.
 */
export class OidcClients {
  private readonly cache = new Map<string, Promise<oidc.Configuration>>();

  constructor(
    private readonly allowHttpIssuer: boolean,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The client for a provider; an OidcError (502) when it cannot be reached. */
  async configurationFor(
    provider: OidcProviderConfig,
  ): Promise<oidc.Configuration> {
    let pending = this.cache.get(provider.key);
    if (!pending) {
      pending = this.discover(provider);
      this.cache.set(provider.key, pending);
    }
    try {
      return await pending;
    } catch (error) {
      if (this.cache.get(provider.key) === pending) {
        this.cache.delete(provider.key);
      }
      this.log.warn(
        {
          provider: provider.key,
          err: { message: (error as Error).message },
        },
        'oidc discovery failed',
      );
      throw oidcErrors.unavailable(provider.name);
    }
  }

  private async discover(
    provider: OidcProviderConfig,
  ): Promise<oidc.Configuration> {
    const execute = this.allowHttpIssuer ? [oidc.allowInsecureRequests] : [];
    const discovered = await oidc.discovery(
      provider.issuer,
      provider.clientId,
      undefined,
      undefined,
      { execute, timeout: PROVIDER_TIMEOUT_S },
    );
    // client_secret_basic is what OpenID Connect assumes when a provider
    // says nothing; a provider that offers only client_secret_post gets it.
    const metadata = discovered.serverMetadata();
    const methods = metadata.token_endpoint_auth_methods_supported;
    const auth =
      methods &&
      !methods.includes('client_secret_basic') &&
      methods.includes('client_secret_post')
        ? oidc.ClientSecretPost(provider.clientSecret)
        : oidc.ClientSecretBasic(provider.clientSecret);
    const configuration = new oidc.Configuration(
      metadata,
      provider.clientId,
      undefined,
      auth,
    );
    configuration.timeout = PROVIDER_TIMEOUT_S;
    for (const step of execute) {
      step(configuration);
    }
    return configuration;
  }
}
