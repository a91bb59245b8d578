import type { Kysely } from 'kysely';
import type { BlobTables } from './tables.ts';

/** The store's own view of any app database that holds its tables. */
export type BlobDb = Kysely<BlobTables>;

/**
 * Records stored bytes, once: a second put of the same bytes, or two at
 * the same moment, leave one row. True when this call added it.
 */
export async function insertBlobRow(
  db: BlobDb,
  row: { sha256: string; size: number; mime: string },
  storedIn: 'disk' | 'database',
): Promise<boolean> {
  const result = await db
    .insertInto('file_blobs')
    .values({
      ...row,
      stored_in: storedIn,
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}
