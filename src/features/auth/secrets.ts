import { createHash, randomBytes } from 'node:crypto';

/** A new unguessable secret: 256 bits, URL-safe. */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * What the database keeps of a secret. SHA-256 is enough here, unlike for
 * passwords: these secrets are random and long, so nothing can be guessed
 * from the hash.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
