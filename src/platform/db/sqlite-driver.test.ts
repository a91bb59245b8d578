import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import type { Generated } from 'kysely';
import { ImmediateSqliteDialect } from './sqlite-driver.ts';

// Two connections to one file stand for two processes: SQLite's write
// lock is per connection, as it is per process.
interface Notes {
  notes: { id: Generated<number>; text: string };
}

let folder: string;
let file: string;

function open(busyTimeoutMs: number): {
  db: Kysely<Notes>;
  raw: SQLite.Database;
} {
  const raw = new SQLite(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma(`busy_timeout = ${busyTimeoutMs}`);
  const db = new Kysely<Notes>({
    dialect: new ImmediateSqliteDialect({ database: raw }, raw, busyTimeoutMs),
  });
  return { db, raw };
}

async function texts(db: Kysely<Notes>): Promise<string[]> {
  const rows = await db
    .selectFrom('notes')
    .select('text')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.text);
}

// Another process importing: takes the write lock for HOLD ms, lets it go
// for GAP ms, again and again until told to stop. A thread of its own, so
// that its busy holding does not stop this test's event loop.
const HOLDER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 5000');
let stop = false;
parentPort.on('message', () => { stop = true; });
const hold = () => {
  if (stop) { db.close(); parentPort.close(); return; }
  db.exec('begin immediate');
  const until = Date.now() + workerData.hold;
  while (Date.now() < until) {}
  db.exec('commit');
  parentPort.postMessage('held');
  setTimeout(hold, workerData.gap);
};
hold();
`;

describe('SQLite transactions waiting for the write lock', () => {
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'civilmedia-sqlite-driver-'));
    file = join(folder, 'locks.db');
    const { db } = open(5000);
    await sql`create table notes (id integer primary key, text text not null)`.execute(
      db,
    );
    await db.destroy();
  });

  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('serves reads on the waiting connection, then writes once the lock is free', async () => {
    const first = open(5000);
    const second = open(5000);
    try {
      await sql`delete from notes`.execute(first.db);
      let release = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let began: () => void = () => {};
      const firstBegan = new Promise<void>((resolve) => {
        began = resolve;
      });
      const firstWrite = first.db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ text: 'first' }).execute();
        began();
        await held;
      });
      await firstBegan;
      let secondDone = false;
      const secondWrite = second.db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('notes').values({ text: 'second' }).execute();
        })
        .then(() => {
          secondDone = true;
        });
      // The second connection is waiting for the lock, yet answers a read
      // (which sees nothing uncommitted), and has not written.
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.deepEqual(await texts(second.db), []);
      assert.equal(secondDone, false);
      assert.equal(second.raw.inTransaction, false);
      release();
      await firstWrite;
      await secondWrite;
      assert.deepEqual(await texts(second.db), ['first', 'second']);
      // The busy timeout is back for statements outside transactions.
      assert.equal(second.raw.pragma('busy_timeout', { simple: true }), 5000);
    } finally {
      await first.db.destroy();
      await second.db.destroy();
    }
  });

  it('lets the transactions of one process through in turn while another writes', async () => {
    const waiter = open(300);
    const holder = new Worker(HOLDER, {
      eval: true,
      workerData: {
        module: createRequire(import.meta.url).resolve('better-sqlite3'),
        file,
        hold: 40,
        gap: 2,
      },
    });
    try {
      await sql`delete from notes`.execute(waiter.db);
      await new Promise((resolve) => holder.once('message', resolve));
      // Forty writes at once need more of the holder's short gaps than
      // come in one busy timeout; each waits its turn, then has the whole
      // timeout to itself.
      const many = Array.from({ length: 40 }, (_, n) => `write ${n}`);
      const outcomes = await Promise.allSettled(
        many.map((text) =>
          waiter.db.transaction().execute(async (trx) => {
            await trx.insertInto('notes').values({ text }).execute();
          }),
        ),
      );
      assert.deepEqual(
        outcomes.map((outcome) => outcome.status),
        many.map(() => 'fulfilled'),
      );
      assert.deepEqual(await texts(waiter.db), many);
    } finally {
      holder.postMessage('stop');
      await new Promise((resolve) => holder.once('exit', resolve));
      await waiter.db.destroy();
    }
  });

  it('gives up with SQLITE_BUSY after the busy timeout, leaving no transaction open', async () => {
    const holder = new SQLite(file);
    const waiter = open(60);
    try {
      holder.exec('begin immediate');
      const started = performance.now();
      await assert.rejects(
        waiter.db.transaction().execute(async (trx) => {
          await trx.insertInto('notes').values({ text: 'never' }).execute();
        }),
        (error: unknown) => (error as { code?: string }).code === 'SQLITE_BUSY',
      );
      assert.ok(performance.now() - started >= 60);
      assert.equal(waiter.raw.inTransaction, false);
      holder.exec('rollback');
      // The same connection writes once the lock is free.
      await waiter.db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ text: 'later' }).execute();
      });
      assert.ok((await texts(waiter.db)).includes('later'));
      assert.ok(!(await texts(waiter.db)).includes('never'));
    } finally {
      if (holder.inTransaction) {
        holder.exec('rollback');
      }
      holder.close();
      await waiter.db.destroy();
    }
  });
});
