import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../database.ts';

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

/** The tables that keep hashed bearer secrets and when each was used. */
export type SecretTable = 'api_tokens' | 'feed_tokens' | 'scim_tokens';

// Recording every use would make every request a write; an hour is close
// enough to tell a secret in use from a forgotten one.
const LAST_USED_PRECISION_MS = 3_600_000;

/** Records that the secret in `row` was used at `now`, at most hourly. */
export async function recordSecretUse(
  db: Db,
  table: SecretTable,
  row: { id: number; last_used_at: string | null },
  now: Date,
): Promise<void> {
  const lastUsed = row.last_used_at ? Date.parse(row.last_used_at) : 0;
  if (now.getTime() - lastUsed <= LAST_USED_PRECISION_MS) {
    return;
  }
  await db
    .updateTable(table)
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', row.id)
    .execute();
}
