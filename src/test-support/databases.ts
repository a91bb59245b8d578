import { randomBytes } from 'node:crypto';
import { after, before, describe } from 'node:test';
import pg from 'pg';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { openDatabase } from '../platform/db/database.ts';
import type { DialectName } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';

// Every repository test runs on SQLite and on PostgreSQL. PostgreSQL is
// found at TEST_POSTGRES_URL, or the local server CI provides. When it is
// not reachable its cases are skipped with the reason printed, unless
// REQUIRE_POSTGRES=1 (set by .ci/run), where that is a failure.

const POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let availability: Promise<string | undefined> | undefined;

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresSkipReason(): Promise<string | undefined> {
  availability ??= (async () => {
    const client = new pg.Client({
      connectionString: POSTGRES_URL,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await dropAbandonedSchemas(client);
      return undefined;
    } catch (error) {
      const reason = `PostgreSQL not reachable at ${redact(POSTGRES_URL)}: ${
        (error as Error).message
      }`;
      if (process.env.REQUIRE_POSTGRES === '1') {
        throw new Error(`${reason} (REQUIRE_POSTGRES=1)`);
      }
      process.stderr.write(`# skipping PostgreSQL cases: ${reason}\n`);
      return reason;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return availability;
}

/**
 * Drops the schemas of test processes that died before cleaning up (a
 * crash, a killed run), so they do not pile up on a shared server. A
 * schema's name carries the process id that made it and when.
 */
async function dropAbandonedSchemas(client: pg.Client): Promise<void> {
  const result = await client.query<{ name: string }>(
    "select nspname as name from pg_namespace where nspname ~ '^t_[0-9]+_[0-9]+_[0-9a-f]{8}$'",
  );
  for (const { name } of result.rows) {
    const [, pid, created] = name.split('_').map(Number);
    // Both the process and an hour must be gone: a process id can be reused,
    // and another machine's tests may share this server.
    const old = Date.now() / 1000 - (created ?? 0) > 3600;
    if (old && !isRunning(pid ?? 0)) {
      await client
        .query(`drop schema if exists ${name} cascade`)
        .catch(() => undefined);
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** A migrated, empty database of its own for one group of tests. */
export interface TestDatabase {
  dialect: DialectName;
  db: Kysely<Database>;
  /** For tests that open their own connection, such as the app's. */
  url: string;
  schema?: string;
  close(): Promise<void>;
}

/** Opens a fresh, migrated database of the given kind. */
export async function openTestDatabase(
  dialect: DialectName,
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const handle = openDatabase<Database>('sqlite::memory:');
    await migrateToLatest(handle.db);
    return {
      dialect,
      db: handle.db,
      url: 'sqlite::memory:',
      close: handle.close,
    };
  }
  const created = Math.floor(Date.now() / 1000);
  const schema = `t_${process.pid}_${created}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const handle = openDatabase<Database>(POSTGRES_URL, { schema, poolSize: 4 });
  const dropSchema = async () => {
    const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
    await cleanup.connect();
    await cleanup.query(`drop schema ${schema} cascade`);
    await cleanup.end();
  };
  try {
    await migrateToLatest(handle.db);
  } catch (error) {
    await handle.close();
    await dropSchema();
    throw error;
  }
  return {
    dialect,
    db: handle.db,
    url: POSTGRES_URL,
    schema,
    async close() {
      await handle.close();
      await dropSchema();
    },
  };
}

/**
 * Declares the same tests once per database. `body` receives a getter for
 * the suite's database, which is fresh for each database and shared by the
 * tests inside, so they should build their own distinct data.
 */
export async function describeEachDatabase(
  title: string,
  body: (database: () => TestDatabase) => void,
): Promise<void> {
  const postgresSkip = await postgresSkipReason();
  for (const dialect of ['sqlite', 'postgres'] as const) {
    const skip = dialect === 'postgres' ? postgresSkip : undefined;
    await describe(`${title} [${dialect}]`, { skip: skip ?? false }, () => {
      let current: TestDatabase | undefined;
      before(async () => {
        current = await openTestDatabase(dialect);
      });
      after(async () => {
        await current?.close();
      });
      body(() => {
        if (!current) {
          throw new Error('the test database is not open yet');
        }
        return current;
      });
    });
  }
}
