import type { Db } from '../../database.ts';
import { hashSecret, newSecret, recordSecretUse } from './secrets.ts';

/** Personal API tokens start with this, so a leaked one is easy to spot. */
export const TOKEN_PREFIX = 'cm_pat_';

export interface ApiTokenSummary {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Creates a token acting as `personId`; the token is shown only now. */
export async function createApiToken(
  db: Db,
  personId: number,
  name: string,
  now = new Date(),
): Promise<{ id: number; token: string }> {
  const token = newSecret(TOKEN_PREFIX);
  const row = await db
    .insertInto('api_tokens')
    .values({
      person_id: personId,
      name,
      token_hash: hashSecret(token),
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token };
}

/** The person a token acts for, or null when it is unknown or revoked. */
export async function findTokenPerson(
  db: Db,
  token: string,
  now = new Date(),
): Promise<number | null> {
  if (!token.startsWith(TOKEN_PREFIX)) {
    return null;
  }
  const row = await db
    .selectFrom('api_tokens')
    .select(['id', 'person_id', 'last_used_at', 'revoked_at'])
    .where('token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) {
    return null;
  }
  await recordSecretUse(db, 'api_tokens', row, now);
  return row.person_id;
}

/** A person's tokens, newest first, without their secrets. */
export async function listApiTokens(
  db: Db,
  personId: number,
): Promise<ApiTokenSummary[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

/**
 * Revokes a token. Answers false when there is no such live token, or it
 * belongs to someone other than `personId` (when given).
 */
export async function revokeApiToken(
  db: Db,
  tokenId: number,
  personId?: number,
  now = new Date(),
): Promise<boolean> {
  let query = db
    .updateTable('api_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null);
  if (personId !== undefined) {
    query = query.where('person_id', '=', personId);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes every live token a person has; returns how many. */
export async function revokeTokensOf(
  db: Db,
  personId: number,
  now = new Date(),
): Promise<number> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
