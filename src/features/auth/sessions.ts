import type { Db } from '../../database.ts';
import { accountQuery, toAccount } from '../people/accounts.ts';
import type { Account } from '../people/accounts.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** How long sessions last; both come from configuration. */
export interface SessionTimeouts {
  idleMs: number;
  absoluteMs: number;
}

// Writing last_seen_at on every request would make every page view a write.
// It is written at most once a minute, or four times per idle timeout when
// that is shorter, so a session in use never idles out.
const TOUCH_INTERVAL_MS = 60_000;

/** Starts a session for a person and returns the cookie value. */
export async function createSession(
  db: Db,
  personId: number,
  userAgent: string | undefined,
  timeouts: SessionTimeouts,
  now = new Date(),
): Promise<string> {
  const secret = newSecret();
  await db
    .insertInto('sessions')
    .values({
      id_hash: hashSecret(secret),
      person_id: personId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + timeouts.absoluteMs).toISOString(),
      user_agent: userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return secret;
}

/**
 * The account a session cookie belongs to, or null when the session does
 * not exist, has been idle too long or has reached its absolute end.
 * Whether the account is active is the caller's to judge. One statement
 * finds both, since every signed-in request asks.
 */
export async function findSessionAccount(
  db: Db,
  secret: string,
  timeouts: SessionTimeouts,
  now = new Date(),
): Promise<Account | null> {
  const idHash = hashSecret(secret);
  const session = await accountQuery(db)
    .innerJoin('sessions', 'sessions.person_id', 'people.id')
    .select(['sessions.last_seen_at', 'sessions.expires_at'])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!session) {
    return null;
  }
  const lastSeen = Date.parse(session.last_seen_at);
  const idle = now.getTime() - lastSeen > timeouts.idleMs;
  if (idle || Date.parse(session.expires_at) <= now.getTime()) {
    await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  const interval = Math.min(TOUCH_INTERVAL_MS, timeouts.idleMs / 4);
  if (now.getTime() - lastSeen > interval) {
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now.toISOString() })
      .where('id_hash', '=', idHash)
      .execute();
  }
  return toAccount(session);
}

/** Ends one session. */
export async function deleteSession(db: Db, secret: string): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('id_hash', '=', hashSecret(secret))
    .execute();
}

/** Ends every session a person has, on every device. */
export async function deleteSessionsOf(
  db: Db,
  personId: number,
): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where('person_id', '=', personId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
