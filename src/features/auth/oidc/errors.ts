import { ClientError, ResponseBodyError } from 'openid-client';
import { AppError } from '../../../platform/errors.ts';
import type { Account } from '../../people/accounts.ts';

/**
 * Why an OpenID Connect sign-in did not happen. Each code has its own
 * heading (see error-handling.ts) and ends on an error page with a link
 * back to sign in; none leaves a session behind.
 */
export type OidcErrorCode =
  | 'OIDC_UNKNOWN_PROVIDER'
  | 'OIDC_PROVIDER_UNAVAILABLE'
  | 'OIDC_PROVIDER_ERROR'
  | 'OIDC_FLOW_EXPIRED'
  | 'OIDC_STATE_MISMATCH'
  | 'OIDC_CODE_INVALID'
  | 'OIDC_NONCE_MISMATCH'
  | 'OIDC_TOKEN_EXPIRED'
  | 'OIDC_TOKEN_INVALID'
  | 'OIDC_EMAIL_MISSING'
  | 'OIDC_EMAIL_UNVERIFIED'
  | 'OIDC_ACCOUNT_CONFLICT'
  | 'OIDC_NOT_A_PARTNER'
  | 'OIDC_ACCOUNT_DEACTIVATED';

const STATUS: Partial<Record<OidcErrorCode, number>> = {
  OIDC_UNKNOWN_PROVIDER: 404,
  OIDC_PROVIDER_UNAVAILABLE: 502,
};

/** A refused OpenID Connect sign-in, shown to the person as a page. */
export class OidcError extends AppError {
  constructor(
    readonly oidcCode: OidcErrorCode,
    message: string,
    /** The person refused, when the refusal is about who they are. */
    readonly person?: { id: number; displayName: string },
  ) {
    super(STATUS[oidcCode] ?? 400, oidcCode, message);
    this.name = 'OidcError';
  }

  /** The audit log's short reason: OIDC_STATE_MISMATCH → state-mismatch. */
  get reason(): string {
    return this.oidcCode.slice('OIDC_'.length).toLowerCase().replace(/_/g, '-');
  }
}

const START_AGAIN = 'Start again from the sign-in page.';

/** The refusals, worded in one place so that they read alike. */
export const oidcErrors = {
  unknownProvider: () =>
    new OidcError(
      'OIDC_UNKNOWN_PROVIDER',
      'That way of signing in is not set up on this site.',
    ),
  unavailable: (name: string) =>
    new OidcError(
      'OIDC_PROVIDER_UNAVAILABLE',
      `CivilMedia cannot reach ${name} just now. ` +
        'Try again in a few minutes, or use another way to sign in.',
    ),
  providerError: (name: string, error: string) =>
    new OidcError(
      'OIDC_PROVIDER_ERROR',
      error === 'access_denied'
        ? `${name} did not sign you in. You may have cancelled, or your ` +
            'account there may not be allowed to use CivilMedia.'
        : `${name} could not sign you in (it said: ${error}). ` +
            'Try again, or use another way to sign in.',
    ),
  flowExpired: () =>
    new OidcError(
      'OIDC_FLOW_EXPIRED',
      'Signing in took too long, was already finished, or was started ' +
        `in another browser. ${START_AGAIN}`,
    ),
  stateMismatch: () =>
    new OidcError(
      'OIDC_STATE_MISMATCH',
      'The answer from the sign-in service was not for the sign-in this ' +
        `browser started, so it was ignored. ${START_AGAIN}`,
    ),
  codeInvalid: (name: string) =>
    new OidcError(
      'OIDC_CODE_INVALID',
      `${name} no longer accepts this sign-in: it has been used already ` +
        `or has expired. ${START_AGAIN}`,
    ),
  nonceMismatch: (name: string) =>
    new OidcError(
      'OIDC_NONCE_MISMATCH',
      `The proof of identity from ${name} was issued for a different ` +
        `sign-in, so it was ignored. ${START_AGAIN}`,
    ),
  tokenExpired: (name: string) =>
    new OidcError(
      'OIDC_TOKEN_EXPIRED',
      `The proof of identity from ${name} had already expired. Try again; ` +
        'if it happens again, tell a site administrator, as the clocks of ' +
        `CivilMedia and ${name} may disagree.`,
    ),
  tokenInvalid: (name: string) =>
    new OidcError(
      'OIDC_TOKEN_INVALID',
      `The proof of identity from ${name} could not be checked, so you ` +
        'were not signed in. Try again, or tell a site administrator if it ' +
        'keeps happening.',
    ),
  emailMissing: (name: string) =>
    new OidcError(
      'OIDC_EMAIL_MISSING',
      `${name} did not give CivilMedia your e-mail address, which it ` +
        'needs the first time you sign in. Contact a site administrator.',
    ),
  emailUnverified: (name: string) =>
    new OidcError(
      'OIDC_EMAIL_UNVERIFIED',
      `${name} has not confirmed that your e-mail address is yours. ` +
        'Confirm it there, then sign in again.',
    ),
  accountConflict: (name: string, person: Account) =>
    new OidcError(
      'OIDC_ACCOUNT_CONFLICT',
      'The CivilMedia account with your e-mail address already belongs ' +
        `to a different ${name} account. Contact a site administrator.`,
      person,
    ),
  notAPartner: (name: string) =>
    new OidcError(
      'OIDC_NOT_A_PARTNER',
      `${name} is for guests from partner organisations, and your e-mail ` +
        'address is not at one of their domains. If you work for the ' +
        'organisation itself, sign in the usual way; otherwise ask the ' +
        'person who invited you to contact a site administrator.',
    ),
  deactivated: (person: Account) =>
    new OidcError(
      'OIDC_ACCOUNT_DEACTIVATED',
      'Your account has been deactivated. Contact a site administrator.',
      person,
    ),
};

/**
 * Turns what openid-client throws while finishing a sign-in into the
 * reason a person is shown. Anything not recognised is a token that could
 * not be trusted; the raw error goes to the log, never to the page.
 */
export function describeGrantFailure(error: unknown, name: string): OidcError {
  if (isUnreachable(error)) {
    return oidcErrors.unavailable(name);
  }
  if (error instanceof ResponseBodyError) {
    return error.error === 'invalid_grant'
      ? oidcErrors.codeInvalid(name)
      : oidcErrors.providerError(name, safeErrorCode(error.error));
  }
  if (error instanceof ClientError) {
    const claim = failedClaim(error);
    if (
      error.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' &&
      claim === 'nonce'
    ) {
      return oidcErrors.nonceMismatch(name);
    }
    if (error.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED' && claim === 'exp') {
      return oidcErrors.tokenExpired(name);
    }
    if (error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM') {
      return oidcErrors.unavailable(name);
    }
  }
  return oidcErrors.tokenInvalid(name);
}

/** Refused connections, timeouts and DNS failures: fetch's TypeError. */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  if (error.name === 'TimeoutError' || error.name === 'AbortError') {
    return true;
  }
  return error instanceof TypeError && error.message === 'fetch failed';
}

// The claim a failed JWT check names sits two causes down: openid-client's
// ClientError wraps oauth4webapi's error, whose cause says which claim.
function failedClaim(error: ClientError): string | undefined {
  const inner = (error.cause as { cause?: { claim?: unknown } } | undefined)
    ?.cause;
  return typeof inner?.claim === 'string' ? inner.claim : undefined;
}

/**
 * An OAuth error code is a short ASCII word (RFC 6749 §4.1.2.1). Anything
 * else is not repeated on our page, where it could pass for our own words.
 */
export function safeErrorCode(value: unknown): string {
  return typeof value === 'string' && /^[a-z0-9_]{1,64}$/.test(value)
    ? value
    : 'an unrecognised error';
}
