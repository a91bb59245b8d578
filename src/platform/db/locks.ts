import type { Db } from '../../database.ts';
import { dialectOf } from './dialect.ts';

// A change that reads rows and then writes what it read (a SCIM PUT, a
// group's member recount) must not run beside another such change of the
// same thing: under PostgreSQL's READ COMMITTED each would write over the
// other. Each first locks the row the change is about. SQLite transactions
// here begin IMMEDIATE and already run one at a time; there this does
// nothing.
//
// FOR NO KEY UPDATE is the lock an UPDATE of the row takes itself: it
// waits for and holds off every other writer of the row, without also
// holding up inserts that merely refer to it, such as a session or a
// group membership. FOR UPDATE would wait on the share lock each such
// insert's foreign key holds, and two of them would deadlock.

/** Tables whose rows a change locks before reading and writing. */
type Lockable = 'people' | 'groups' | 'scim_groups';

/** Locks one row of `table` until the transaction ends, on PostgreSQL. */
export async function lockRow(
  db: Db,
  table: Lockable,
  id: number,
): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await db
      .selectFrom(table)
      .select('id')
      .where('id', '=', id)
      .forNoKeyUpdate()
      .execute();
  }
}
