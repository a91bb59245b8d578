import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { claimJobs, enqueueJob, retryDelayMs, runJobs } from './jobs.ts';
import type { JobHandlers } from './jobs.ts';

async function jobRow(db: Kysely<Database>, key: string) {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
}

const past = (ms: number) => new Date(Date.now() - ms);

await describeEachDatabase('the job queue', (database) => {
  test('a second job with the same key is not queued', async () => {
    const { db } = database();
    const first = await enqueueJob(db, {
      type: 'test.once',
      payload: { n: 1 },
      key: 'once-1',
    });
    const second = await enqueueJob(db, {
      type: 'test.once',
      payload: { n: 2 },
      key: 'once-1',
    });
    const rows = await db
      .selectFrom('jobs')
      .select('payload')
      .where('key', '=', 'once-1')
      .execute();
    assert.deepEqual([first, second], [true, false]);
    assert.deepEqual(rows, [{ payload: '{"n":1}' }]);
  });

  test('concurrent workers never claim the same job', async () => {
    const { db } = database();
    await db.deleteFrom('jobs').execute();
    for (let n = 0; n < 60; n += 1) {
      await enqueueJob(db, { type: 'test.claim', payload: { n } });
    }
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, worker) =>
        (async () => {
          const ids: number[] = [];
          for (;;) {
            const batch = await claimJobs(db, `w${worker}`, 3, 60_000);
            if (batch.length === 0) {
              return ids;
            }
            ids.push(...batch.map((job) => job.id));
          }
        })(),
      ),
    );
    const all = claims.flat();
    assert.equal(all.length, 60);
    assert.equal(new Set(all).size, 60);
  });

  test('a failing job waits longer after each try, then fails', async () => {
    const { db } = database();
    await db.deleteFrom('jobs').execute();
    await enqueueJob(db, {
      type: 'test.fail',
      payload: {},
      key: 'fails',
      maxAttempts: 3,
    });
    const handlers: JobHandlers<Database> = {
      'test.fail': () => Promise.reject(new Error('relay refused')),
    };
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const before = Date.now();
      assert.equal(await runJobs(db, handlers, { workerId: 'w' }), 1);
      const row = await jobRow(db, 'fails');
      assert.equal(row.attempts, attempt);
      if (attempt < 3) {
        assert.equal(row.state, 'queued');
        delays.push(Date.parse(row.available_at) - before);
        // Make it due again without waiting.
        await db
          .updateTable('jobs')
          .set({ available_at: past(1000).toISOString() })
          .where('key', '=', 'fails')
          .execute();
      } else {
        assert.equal(row.state, 'failed');
        assert.equal(row.last_error, 'relay refused');
        assert.notEqual(row.finished_at, null);
      }
    }
    assert.ok(delays[0]! >= 10_000 && delays[0]! < 11_000);
    assert.ok(delays[1]! >= 20_000 && delays[1]! < 21_000);
    assert.equal(await runJobs(db, handlers, { workerId: 'w' }), 0);
  });

  test('retry delays double from ten seconds up to an hour', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 9, 20].map(retryDelayMs),
      [10_000, 20_000, 40_000, 80_000, 2_560_000, 3_600_000],
    );
  });

  test('a job whose worker died is run again when its lease ends', async () => {
    const { db } = database();
    await db.deleteFrom('jobs').execute();
    await enqueueJob(db, { type: 'test.lease', payload: {}, key: 'lease' });
    const [taken] = await claimJobs(db, 'dead-worker', 1, 60_000);
    assert.equal(taken?.attempts, 1);
    const ran: string[] = [];
    const handlers: JobHandlers<Database> = {
      'test.lease': () => {
        ran.push('ran');
        return Promise.resolve();
      },
    };
    assert.equal(await runJobs(db, handlers, { workerId: 'live' }), 0);
    await db
      .updateTable('jobs')
      .set({ available_at: past(1).toISOString() })
      .where('key', '=', 'lease')
      .execute();
    assert.equal(await runJobs(db, handlers, { workerId: 'live' }), 1);
    const row = await jobRow(db, 'lease');
    assert.deepEqual(ran, ['ran']);
    assert.deepEqual([row.state, row.attempts], ['done', 2]);
  });

  test('a job that kills its worker every time ends failed', async () => {
    const { db } = database();
    await db.deleteFrom('jobs').execute();
    await enqueueJob(db, {
      type: 'test.crash',
      payload: {},
      key: 'crash',
      maxAttempts: 1,
    });
    await claimJobs(db, 'dead-worker', 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await runJobs(db, {}, { workerId: 'live' }), 0);
    const row = await jobRow(db, 'crash');
    assert.equal(row.state, 'failed');
    assert.match(row.last_error ?? '', /worker stopped/);
  });

  test('a job of a type nobody handles is retried, then fails', async () => {
    const { db } = database();
    await db.deleteFrom('jobs').execute();
    await enqueueJob(db, {
      type: 'test.unknown',
      payload: {},
      key: 'unknown',
      maxAttempts: 1,
    });
    assert.equal(await runJobs(db, {}, { workerId: 'w' }), 1);
    const row = await jobRow(db, 'unknown');
    assert.equal(row.state, 'failed');
    assert.equal(row.last_error, 'no handler for job type test.unknown');
  });
});
