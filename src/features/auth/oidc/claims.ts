import type { OidcProviderConfig } from '../../../platform/config.ts';
import { characterCount, cleanLine } from '../../../platform/text.ts';
import { FieldValidator } from '../../../platform/validation.ts';
import { PROFILE_LIMITS } from '../../people/profiles.ts';

/**
 * Profile fields a provider keeps up to date. Absent means "leave it as it
 * is"; null means the provider says it is empty.
 */
export interface ProfileClaims {
  department?: string | null;
  jobTitle?: string | null;
}

/** What a sign-in learns about someone, checked as a profile form is. */
export interface Identity {
  issuer: string;
  subject: string;
  /** A well-formed address, or null; whether it is verified is apart. */
  email: string | null;
  emailVerified: boolean;
  /** The best name the claims give, for a person created at sign-in. */
  displayName: string | null;
  profile: ProfileClaims;
  /** Claims that were sent but broke the profile rules, so were ignored. */
  ignored: string[];
}

/**
 * Reads the claims of a validated ID token (and UserInfo, where fetched).
 * Values go through the same rules as the profile form: trimmed, no
 * control characters, within PROFILE_LIMITS. A claim that breaks them is
 * ignored rather than refusing the sign-in, and named in `ignored`.
 */
export function readIdentity(
  claims: Record<string, unknown>,
  provider: OidcProviderConfig,
): Identity {
  const ignored: string[] = [];
  const form = new FieldValidator(claims);
  const text = (claim: string, max: number) => {
    const value = form.text(claim, { label: claim, max });
    if (form.errors[claim]) {
      ignored.push(claim);
      return null;
    }
    return value;
  };

  const email = form.email('email', { label: 'email' });
  if (form.errors.email) {
    ignored.push('email');
  }
  const local = email?.split('@')[0];
  const given = text('given_name', PROFILE_LIMITS.displayName);
  const family = text('family_name', PROFILE_LIMITS.displayName);
  const joined = [given, family].filter(Boolean).join(' ');
  const displayName =
    text('name', PROFILE_LIMITS.displayName) ??
    (joined && characterCount(joined) <= PROFILE_LIMITS.displayName
      ? joined
      : null) ??
    (local ? cleanLine(local) : null);

  const profile: ProfileClaims = {};
  const { department, jobTitle } = provider.claims;
  // A department's name is held to the same limit as a unit's.
  if (department && department in claims) {
    const value = text(department, PROFILE_LIMITS.unit);
    if (!ignored.includes(department)) {
      profile.department = value;
    }
  }
  if (jobTitle && jobTitle in claims) {
    const value = text(jobTitle, PROFILE_LIMITS.jobTitle);
    if (!ignored.includes(jobTitle)) {
      profile.jobTitle = value;
    }
  }

  return {
    issuer: String(claims.iss),
    subject: String(claims.sub),
    email,
    // Some providers send the boolean as text; nothing else counts as yes.
    emailVerified:
      claims.email_verified === true || claims.email_verified === 'true',
    displayName: displayName || null,
    profile,
    ignored,
  };
}

/**
 * True when the ID token lacks a claim the sign-in would use, so the
 * provider's UserInfo endpoint should be asked as well. Many providers put
 * only `sub` in an ID token issued by the code flow.
 */
export function needsUserInfo(
  claims: Record<string, unknown>,
  provider: OidcProviderConfig,
): boolean {
  const wanted = [
    'email',
    'email_verified',
    'name',
    provider.claims.department,
    provider.claims.jobTitle,
  ];
  return wanted.some((claim) => claim !== undefined && !(claim in claims));
}
