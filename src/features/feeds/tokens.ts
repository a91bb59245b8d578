import type { Db } from '../../database.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { hashSecret, newSecret, recordSecretUse } from '../auth/secrets.ts';

// Personal feed addresses (BUG-02). A feed reader cannot sign in, so a
// reader who wants what needs signing in puts a secret in the address
// instead: /feeds/TOKEN/… reads as its owner, for feeds only. The secret
// is shown once and kept as its SHA-256; a lookup is by that hash in a
// unique index, so how long it takes tells nothing about how close a
// guess came, and 256 random bits are not worth guessing.

/** A feed address as its owner's list shows it, without its secret. */
export interface FeedTokenSummary {
  id: number;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What newSecret() makes: 32 random bytes in base64url, unpadded. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** How many live addresses one person may hold at once. */
export const MAX_LIVE_FEED_TOKENS = 20;

/** Makes a feed address for `personId`; the token is shown only now. */
export async function createFeedToken(
  db: Db,
  personId: number,
  now = new Date(),
): Promise<{ id: number; token: string; createdAt: string }> {
  const token = newSecret();
  const createdAt = now.toISOString();
  const row = await db
    .insertInto('feed_tokens')
    .values({
      person_id: personId,
      token_hash: hashSecret(token),
      created_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, token, createdAt };
}

/**
 * The person a feed token reads as, or null when it is malformed,
 * unknown or revoked. Whether that person may still read at all is the
 * caller's to check, on every use.
 */
export async function findFeedTokenPerson(
  db: Db,
  token: string,
  now = new Date(),
): Promise<number | null> {
  if (!TOKEN_SHAPE.test(token)) {
    return null;
  }
  const row = await db
    .selectFrom('feed_tokens')
    .select(['id', 'person_id', 'last_used_at', 'revoked_at'])
    .where('token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) {
    return null;
  }
  await recordSecretUse(db, 'feed_tokens', row, now);
  return row.person_id;
}

/** One page of a person's feed addresses, newest first, revoked too. */
export async function listFeedTokens(
  db: Db,
  personId: number,
  page: PageRequest,
): Promise<{ items: FeedTokenSummary[]; total: number }> {
  const rows = await db
    .selectFrom('feed_tokens')
    .select(['id', 'created_at', 'last_used_at', 'revoked_at'])
    .where('person_id', '=', personId)
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('feed_tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .where('person_id', '=', personId)
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    })),
    total: Number(total),
  };
}

/** How many addresses a person holds that still work. */
export async function countLiveFeedTokens(
  db: Db,
  personId: number,
): Promise<number> {
  const { live } = await db
    .selectFrom('feed_tokens')
    .select((eb) => eb.fn.countAll<number | string>().as('live'))
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(live);
}

/**
 * Revokes one of a person's addresses. Answers false when they have no
 * such live address, so someone else's id tells them nothing.
 */
export async function revokeFeedToken(
  db: Db,
  personId: number,
  tokenId: number,
  now = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable('feed_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', tokenId)
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Revokes every live address a person has; returns how many. */
export async function revokeFeedTokensOf(
  db: Db,
  personId: number,
  now = new Date(),
): Promise<number> {
  const result = await db
    .updateTable('feed_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('person_id', '=', personId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
