import type { Db } from '../../database.ts';

// Failed sign-ins are counted in the database, so every app process sees
// the same counts. A window starts at the first failure and lasts
// WINDOW_MS; past the limit, sign-in is refused until the window ends.
// Counts are kept per e-mail address whether or not an account has it, so
// a refusal says nothing about who has an account.

const WINDOW_MS = 15 * 60_000;

/**
 * Failures allowed in a window, per e-mail address and per client address.
 * The address limit is high because a whole office may sign in from one
 * address; it slows a guesser working through many accounts.
 */
export const FAILURE_LIMITS = { account: 5, address: 300 } as const;

export function accountKey(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

export function addressKey(ip: string): string {
  return `address:${ip}`;
}

/** When sign-in may be tried again, or null if it may be tried now. */
export async function lockedUntil(
  db: Db,
  keys: { key: string; limit: number }[],
  now = new Date(),
): Promise<Date | null> {
  const rows = await db
    .selectFrom('sign_in_failures')
    .selectAll()
    .where(
      'key',
      'in',
      keys.map((entry) => entry.key),
    )
    .execute();
  let until: Date | null = null;
  for (const row of rows) {
    const limit = keys.find((entry) => entry.key === row.key)?.limit ?? 0;
    const ends = new Date(Date.parse(row.window_started_at) + WINDOW_MS);
    if (row.failures >= limit && ends > now && (!until || ends > until)) {
      until = ends;
    }
  }
  return until;
}

/** Counts one failed sign-in against each key. */
export async function recordFailure(
  db: Db,
  keys: string[],
  now = new Date(),
): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS).toISOString();
  for (const key of keys) {
    await db
      .insertInto('sign_in_failures')
      .values({ key, failures: 1, window_started_at: now.toISOString() })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          // A window that has ended starts again at this failure.
          failures: eb
            .case()
            .when('sign_in_failures.window_started_at', '<', windowStart)
            .then(1)
            .else(eb('sign_in_failures.failures', '+', 1))
            .end(),
          window_started_at: eb
            .case()
            .when('sign_in_failures.window_started_at', '<', windowStart)
            .then(now.toISOString())
            .else(eb.ref('sign_in_failures.window_started_at'))
            .end(),
        })),
      )
      .execute();
  }
}

/** Forgets an account's failures after it signs in successfully. */
export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
}
