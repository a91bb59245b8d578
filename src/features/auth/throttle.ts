import { sql } from 'kysely';
import type { Db } from '../../database.ts';

// Failed sign-ins are counted in the database, so every app process sees
// the same counts. A window starts at the first attempt and lasts
// WINDOW_MS. Each attempt is counted before the password is checked, so
// many attempts at once cannot all slip under the limit; a success takes
// its count back.
//
// Three counts, so that nobody can lock someone else out cheaply:
// - an account from one client address: a few guesses, then that address
//   waits (someone typing their password wrong locks only themselves);
// - an account from anywhere: many more, against guessing from many
//   addresses, which is also what it takes to lock an account out;
// - a client address over all accounts: high, because a whole office may
//   sign in from one address.

const WINDOW_MS = 15 * 60_000;

export const FAILURE_LIMITS = {
  accountAtAddress: 5,
  account: 50,
  address: 300,
} as const;

/** The counts a sign-in attempt for `email` from `ip` goes against. */
export function attemptKeys(
  email: string,
  ip: string,
): { key: string; limit: number }[] {
  const account = email.trim().toLowerCase();
  return [
    {
      key: `account-at:${account}|${ip}`,
      limit: FAILURE_LIMITS.accountAtAddress,
    },
    { key: `account:${account}`, limit: FAILURE_LIMITS.account },
    { key: `address:${ip}`, limit: FAILURE_LIMITS.address },
  ];
}

/**
 * Counts an attempt against each key and answers whether it may go ahead:
 * false once any count is past its limit in the current window.
 */
export async function beginAttempt(
  db: Db,
  keys: { key: string; limit: number }[],
  now = new Date(),
): Promise<boolean> {
  const windowStart = new Date(now.getTime() - WINDOW_MS).toISOString();
  let allowed = true;
  for (const { key, limit } of keys) {
    const row = await db
      .insertInto('sign_in_failures')
      .values({ key, failures: 1, window_started_at: now.toISOString() })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet((eb) => ({
          // A window that has ended starts again with this attempt.
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
      .returning('failures')
      .executeTakeFirstOrThrow();
    if (row.failures > limit) {
      allowed = false;
    }
  }
  return allowed;
}

/** Takes back a successful attempt's counts; the first key is forgotten. */
export async function attemptSucceeded(
  db: Db,
  keys: { key: string }[],
): Promise<void> {
  const [own, ...shared] = keys;
  if (own) {
    await db
      .deleteFrom('sign_in_failures')
      .where('key', '=', own.key)
      .execute();
  }
  for (const { key } of shared) {
    await db
      .updateTable('sign_in_failures')
      .set((eb) => ({ failures: eb('failures', '-', 1) }))
      .where('key', '=', key)
      .where('failures', '>', 0)
      .execute();
  }
}

/** Lifts every lockout of an account, from any address. */
export async function clearAccountLockouts(
  db: Db,
  email: string,
): Promise<number> {
  const account = email.trim().toLowerCase();
  const pattern = `account-at:${account.replace(/[\\%_]/g, (c) => `\\${c}`)}|%`;
  const result = await db
    .deleteFrom('sign_in_failures')
    .where((eb) =>
      eb.or([
        eb('key', '=', `account:${account}`),
        sql<boolean>`key like ${pattern} escape '\\'`,
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
