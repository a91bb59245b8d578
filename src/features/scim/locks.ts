import type { Kysely } from 'kysely';
import type { Database, Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import { lockRow } from '../../platform/db/locks.ts';

// A PUT, PATCH or DELETE reads a resource whole, changes it, and writes
// it back. Two of them at once would each write over the other (one
// keeping a title, the other switching a leaver back on), so each first
// locks the resource's row and reads it only then (platform/db/locks.ts).

/** Locks a person's row until the transaction ends, on PostgreSQL. */
export async function lockUser(db: Db, id: number): Promise<void> {
  await lockRow(db, 'people', id);
}

/** Locks a group's row until the transaction ends, on PostgreSQL. */
export async function lockGroup(db: Db, id: number): Promise<void> {
  await lockRow(db, 'scim_groups', id);
}

/**
 * Keeps people from being changed or deleted until the transaction ends,
 * on PostgreSQL, so a check that they are Users (a manager, a member)
 * still holds when the write that relies on it commits. Call it before
 * the check: a DELETE that got there first has then committed, and the
 * check sees it.
 */
export async function holdUsers(db: Db, ids: number[]): Promise<void> {
  if (ids.length > 0 && dialectOf(db) === 'postgres') {
    // In id order, so two requests holding overlapping people cannot
    // each wait for the other.
    await db
      .selectFrom('people')
      .select('id')
      .where('id', 'in', ids)
      .orderBy('id')
      .forShare()
      .execute();
  }
}

// deadlock_detected and serialization_failure: PostgreSQL ended the
// transaction so that another could finish, and it may simply run again.
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Runs `work` in a transaction, again (up to three times in all) when
 * PostgreSQL broke a deadlock by ending it. Locks are taken in the order
 * requests need them (a person, then every administrator to count them,
 * say), so two requests can meet head on; the one ended runs again and
 * finds the other's change made.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      const code = (error as { code?: unknown } | undefined)?.code;
      if (attempt >= ATTEMPTS || !RETRYABLE.has(String(code))) {
        throw error;
      }
    }
  }
}
