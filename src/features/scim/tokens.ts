import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { recordAudit } from '../audit/audit.ts';
import type { AuditActor } from '../audit/audit.ts';
import { hashSecret, newSecret, recordSecretUse } from '../auth/secrets.ts';

/**
 * SCIM tokens start with this, so a leaked one is easy to spot and is never
 * mistaken for a personal API token (cm_pat_): neither works in the
 * other's place.
 */
export const SCIM_TOKEN_PREFIX = 'cm_scim_';

const MAX_NAME_LENGTH = 100;

/** Who issues or revokes a token, for the audit log. */
export interface ScimTokenCause {
  actor: AuditActor;
  clientAddress?: string | null;
}

export interface ScimTokenSummary {
  id: number;
  name: string;
  createdBy: { id: number; name: string } | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The identity provider a request came from, as its token names it. */
export interface ScimClient {
  tokenId: number;
  name: string;
}

/**
 * Issues a token for an identity provider; the token is shown only now.
 * Throws a ValidationError (field `name`) for an empty or over-long name.
 */
export async function createScimToken(
  db: Db,
  name: string,
  cause: ScimTokenCause,
  now = new Date(),
): Promise<{ id: number; name: string; token: string }> {
  const form = new FieldValidator({ name });
  const cleaned = form.text('name', {
    label: 'Name',
    max: MAX_NAME_LENGTH,
    required: true,
  });
  form.done();
  if (cleaned === null) {
    throw new ValidationError({ name: 'Enter a name' });
  }

  const token = newSecret(SCIM_TOKEN_PREFIX);
  const row = await db
    .insertInto('scim_tokens')
    .values({
      name: cleaned,
      token_hash: hashSecret(token),
      created_by: cause.actor.personId,
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(
    db,
    {
      action: 'scim.token.created',
      actor: cause.actor,
      subject: { type: 'scim-token', id: row.id },
      clientAddress: cause.clientAddress ?? null,
      details: { name: cleaned },
    },
    now.toISOString(),
  );
  return { id: row.id, name: cleaned, token };
}

// A site has a handful of identity providers; this bounds the list anyway.
const MAX_LISTED = 500;

/** Every SCIM token, newest first, without its secret. */
export async function listScimTokens(db: Db): Promise<ScimTokenSummary[]> {
  const rows = await db
    .selectFrom('scim_tokens as t')
    .leftJoin('people as p', 'p.id', 't.created_by')
    .select([
      't.id',
      't.name',
      't.created_at',
      't.last_used_at',
      't.revoked_at',
      'p.id as creator_id',
      'p.display_name as creator_name',
    ])
    .orderBy('t.id', 'desc')
    .limit(MAX_LISTED)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdBy:
      row.creator_id !== null && row.creator_name !== null
        ? { id: row.creator_id, name: row.creator_name }
        : null,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}

/**
 * Revokes a token at once: its next request is refused. Answers false
 * when there is no such live token.
 */
export async function revokeScimToken(
  db: Db,
  tokenId: number,
  cause: ScimTokenCause,
  now = new Date(),
): Promise<boolean> {
  const result = await db
    .updateTable('scim_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    return false;
  }
  await recordAudit(
    db,
    {
      action: 'scim.token.revoked',
      actor: cause.actor,
      subject: { type: 'scim-token', id: tokenId },
      clientAddress: cause.clientAddress ?? null,
    },
    now.toISOString(),
  );
  return true;
}

/** The client a live SCIM token belongs to, or null. */
export async function findScimClient(
  db: Db,
  token: string,
  now = new Date(),
): Promise<ScimClient | null> {
  if (!token.startsWith(SCIM_TOKEN_PREFIX)) {
    return null;
  }
  const row = await db
    .selectFrom('scim_tokens')
    .select(['id', 'name', 'last_used_at', 'revoked_at'])
    .where('token_hash', '=', hashSecret(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) {
    return null;
  }
  await recordSecretUse(db, 'scim_tokens', row, now);
  return { tokenId: row.id, name: row.name };
}
