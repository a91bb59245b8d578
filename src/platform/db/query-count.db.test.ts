import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { countQueries } from './query-count.ts';

// A table of the test's own, so the statements are short enough to
// compare whole.
type Probe = {
  count_probe: { id: number; note: string };
};

await describeEachDatabase('counting queries', (database) => {
  let db: Kysely<Database & Probe>;

  before(async () => {
    db = database().db.withTables<Probe>();
    await sql`create table count_probe (id integer primary key, note text)`.execute(
      db,
    );
  });

  /** The dialect's placeholder for the `n`th parameter. */
  const param = (n: number) =>
    database().dialect === 'postgres' ? `$${n}` : '?';
  const begin = () =>
    database().dialect === 'postgres' ? 'begin' : 'begin immediate';

  it('counts three selects and a transaction as six statements', async () => {
    const counter = countQueries(db);

    await counter.db.selectFrom('count_probe').select('note').execute();
    await sql`select 1 as one`.execute(counter.db);
    await counter.db.executeQuery(CompiledQuery.raw('select 2 as two'));
    await counter.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('count_probe')
        .values({ id: 1, note: 'in a transaction' })
        .execute();
    });

    assert.equal(counter.count(), 6);
    assert.deepEqual(counter.statements(), [
      'select "note" from "count_probe"',
      'select 1 as one',
      'select 2 as two',
      begin(),
      `insert into "count_probe" ("id", "note") values (${param(1)}, ${param(2)})`,
      'commit',
    ]);
  });

  it('counts a failed statement and the rollback after it', async () => {
    const counter = countQueries(db);

    await assert.rejects(
      counter.db.transaction().execute(async (trx) => {
        await sql`select * from no_such_table`.execute(trx);
      }),
    );

    assert.deepEqual(counter.statements(), [
      begin(),
      'select * from no_such_table',
      'rollback',
    ]);
  });

  it('leaves the original database uncounted and starts again on reset', async () => {
    const counter = countQueries(db);
    await counter.db.selectFrom('count_probe').select('id').execute();

    await db.selectFrom('count_probe').select('id').execute();
    assert.equal(counter.count(), 1);

    counter.reset();
    assert.equal(counter.count(), 0);
    assert.deepEqual(counter.statements(), []);

    await counter.db
      .selectFrom('count_probe')
      .select('id')
      .where('id', '=', 1)
      .execute();
    assert.deepEqual(counter.statements(), [
      `select "id" from "count_probe" where "id" = ${param(1)}`,
    ]);
  });

  it('writes through the counter to the same database', async () => {
    const counter = countQueries(db);
    await counter.db
      .insertInto('count_probe')
      .values({ id: 2, note: 'through the counter' })
      .execute();

    const row = await db
      .selectFrom('count_probe')
      .select('note')
      .where('id', '=', 2)
      .executeTakeFirst();
    assert.deepEqual(row, { note: 'through the counter' });
  });
});
