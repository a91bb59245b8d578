import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../database.ts';
import { EMAIL_KINDS, getEmailChoices, isEmailKind } from './preferences.ts';
import type { EmailKind } from './preferences.ts';
import { saveEmailFrequencies } from './settings.ts';

/**
 * One-click unsubscribe (RFC 8058). Each e-mail carries a link signed
 * with the app secret for its recipient and what it stops: one kind of
 * notification, a digest (`daily`, `weekly`: every kind sent that way),
 * or `all`. The signature is the credential, so the link works without
 * signing in, and a mail client can POST to it without a CSRF token.
 */

export type UnsubscribeScope = EmailKind | 'daily' | 'weekly' | 'all';

export function isUnsubscribeScope(value: string): value is UnsubscribeScope {
  return isEmailKind(value) || ['daily', 'weekly', 'all'].includes(value);
}

export function unsubscribeSignature(
  secret: string,
  personId: number,
  scope: UnsubscribeScope,
): string {
  return createHmac('sha256', secret)
    .update(`email-unsubscribe\n${personId}\n${scope}`)
    .digest('base64url');
}

/** The absolute unsubscribe address for a person and scope. */
export function unsubscribeUrl(
  publicUrl: URL,
  secret: string,
  personId: number,
  scope: UnsubscribeScope,
): string {
  const url = new URL('/email/unsubscribe', publicUrl);
  url.searchParams.set('person', String(personId));
  url.searchParams.set('scope', scope);
  url.searchParams.set('sig', unsubscribeSignature(secret, personId, scope));
  return url.href;
}

/** True when the signature is right for the person and scope. */
export function verifyUnsubscribe(
  secret: string,
  personId: number,
  scope: UnsubscribeScope,
  signature: string,
): boolean {
  const expected = Buffer.from(unsubscribeSignature(secret, personId, scope));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The kinds a scope stops, for the person's choices as they are now. */
export async function kindsStopped(
  db: Db,
  personId: number,
  scope: UnsubscribeScope,
): Promise<EmailKind[]> {
  if (scope === 'all') {
    return [...EMAIL_KINDS];
  }
  if (scope === 'daily' || scope === 'weekly') {
    const choices = await getEmailChoices(db, personId);
    return EMAIL_KINDS.filter((kind) => choices.frequencies[kind] === scope);
  }
  return [scope];
}

/** Stops the e-mail a scope names: those kinds become `never`. */
export async function unsubscribe(
  db: Db,
  personId: number,
  scope: UnsubscribeScope,
): Promise<EmailKind[]> {
  const kinds = await kindsStopped(db, personId, scope);
  await saveEmailFrequencies(
    db,
    personId,
    Object.fromEntries(kinds.map((kind) => [kind, 'never'])),
  );
  return kinds;
}
