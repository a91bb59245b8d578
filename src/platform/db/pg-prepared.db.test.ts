import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { postgresSkipReason } from '../../test-support/databases.ts';
import { PREPARED_PER_CONNECTION, PreparingClient } from './pg-prepared.ts';

// The client itself, on PostgreSQL only: SQLite keeps its statements in
// database.ts, and every repository test runs through this client too.
const skip = await postgresSkipReason();
const url =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

await describe(
  'statements kept prepared per PostgreSQL connection',
  {
    skip: skip ?? false,
  },
  () => {
    // Typed as pg's own client: the one the pool hands Kysely.
    let client: pg.Client;

    before(async () => {
      client = new PreparingClient({ connectionString: url });
      await client.connect();
    });
    after(async () => {
      await client.end();
    });

    /** The connection's prepared statements, by name, oldest first. */
    async function prepared(): Promise<{ name: string; statement: string }[]> {
      const { rows } = await client.query<{ name: string; statement: string }>(
        'select name, statement from pg_prepared_statements order by prepare_time, name',
      );
      return rows;
    }

    /** A distinct statement for each `k`, adding k to its one parameter. */
    const adding = (k: number) => `select $1::int + ${k} as n`;

    it('parses a statement once and runs it again with new values', async () => {
      const first = await client.query<{ n: number }>(adding(0), [3]);
      const second = await client.query<{ n: number }>(adding(0), [5]);

      assert.deepEqual(first.rows, [{ n: 3 }]);
      assert.deepEqual(second.rows, [{ n: 5 }]);
      assert.deepEqual(await prepared(), [
        { name: 'cm_1', statement: adding(0) },
      ]);
    });

    it('leaves lists of values, statements without values and begin unnamed', async () => {
      await client.query('begin');
      await client.query('select 1 as one');
      await client.query('commit');
      const listed = await client.query<{ n: number }>(
        'select n from generate_series(1, 5) as n where n in ($1, $2) order by n',
        [2, 4],
      );
      assert.deepEqual(listed.rows, [{ n: 2 }, { n: 4 }]);

      assert.equal((await prepared()).length, 1);
    });

    it('drops the least recently used statement at its limit, then runs it again', async () => {
      for (let k = 1; k < PREPARED_PER_CONNECTION; k += 1) {
        await client.query(adding(k), [1]);
      }
      // adding(0) is used again, so adding(1) becomes the oldest.
      await client.query(adding(0), [1]);
      const full = await prepared();
      assert.equal(full.length, PREPARED_PER_CONNECTION);

      const over = await client.query<{ n: number }>(
        adding(PREPARED_PER_CONNECTION),
        [1],
      );
      assert.deepEqual(over.rows, [{ n: PREPARED_PER_CONNECTION + 1 }]);
      const after = await prepared();
      assert.equal(after.length, PREPARED_PER_CONNECTION);
      assert.equal(
        after.some((row) => row.statement === adding(1)),
        false,
      );
      assert.equal(
        after.some((row) => row.statement === adding(0)),
        true,
      );

      const again = await client.query<{ n: number }>(adding(1), [10]);
      assert.deepEqual(again.rows, [{ n: 11 }]);
      const last = await prepared();
      assert.equal(last.length, PREPARED_PER_CONNECTION);
      assert.equal(
        last.some((row) => row.statement === adding(2)),
        false,
      );
    });

    it('stays usable when a statement is dropped inside a failed transaction', async () => {
      await client.query('begin');
      await assert.rejects(client.query('select 1 / 0'), /division by zero/);
      // Naming this one drops the oldest; both the drop and the statement
      // fail, as everything in an aborted transaction does.
      await assert.rejects(
        client.query(adding(-1), [1]),
        /current transaction is aborted/,
      );
      await client.query('rollback');

      const retried = await client.query<{ n: number }>(adding(-1), [1]);
      assert.deepEqual(retried.rows, [{ n: 0 }]);
      for (let k = 0; k <= PREPARED_PER_CONNECTION; k += 1) {
        const { rows } = await client.query<{ n: number }>(adding(k), [k]);
        assert.deepEqual(rows, [{ n: 2 * k }]);
      }
    });

    it('prepares a statement afresh once an added column changes its rows', async () => {
      await client.query('create temporary table kept_probe (a int)');
      await client.query('insert into kept_probe values (1)');
      const text = 'select * from kept_probe where a = $1';
      assert.deepEqual((await client.query(text, [1])).rows, [{ a: 1 }]);
      await client.query('alter table kept_probe add column b int');

      await assert.rejects(
        client.query(text, [1]),
        /cached plan must not change result type/,
      );
      const again = await client.query(text, [1]);

      assert.deepEqual(again.rows, [{ a: 1, b: null }]);
    });
  },
);
