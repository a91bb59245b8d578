import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type {
  DatabaseIntrospector,
  DatabaseMetadata,
  SchemaMetadata,
  SqliteDatabase,
  TableMetadata,
} from 'kysely';
import pg from 'pg';
import { PreparingClient } from './pg-prepared.ts';
import { BUSY_TIMEOUT_MS, ImmediateSqliteDialect } from './sqlite-driver.ts';

/** The two databases CivilMedia runs on. */
export type DialectName = 'sqlite' | 'postgres';

/** An open database: the Kysely instance, which dialect it speaks, and close. */
export interface DatabaseHandle<DB> {
  db: Kysely<DB>;
  dialect: DialectName;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL only: the schema to create and use, for isolated tests. */
  schema?: string;
  /**
   * PostgreSQL only: keep statements prepared on each connection
   * (pg-prepared.ts); true unless set false.
   */
  preparedStatements?: boolean;
  /** PostgreSQL only: connections in the pool. */
  poolSize?: number;
  /**
   * PostgreSQL only: told when an idle pooled connection fails (a server
   * restart, a failover). The pool replaces the connection by itself.
   */
  onConnectionError?: (error: Error) => void;
}

// pg hands back bigint (count(*)) as a string and timestamptz as a Date;
// SQLite gives numbers and the ISO text we stored. Parse both the same way
// so every repository sees one shape whichever database is underneath.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (value) =>
  new Date(value).toISOString(),
);

/**
 * Opens `sqlite:PATH` (WAL mode, foreign keys on) or a `postgres://` URL.
 * `sqlite::memory:` gives a private in-memory database.
 */
export function openDatabase<DB>(
  url: string,
  options: OpenOptions = {},
): DatabaseHandle<DB> {
  if (url.startsWith('sqlite:')) {
    return openSqlite<DB>(url.slice('sqlite:'.length));
  }
  return openPostgres<DB>(url, options);
}

function openSqlite<DB>(path: string): DatabaseHandle<DB> {
  const memory = path === ':memory:';
  if (!memory) {
    mkdirSync(dirname(resolve(path)), { recursive: true });
  }
  const connection = new SQLite(memory ? ':memory:' : resolve(path));
  if (!memory) {
    connection.pragma('journal_mode = WAL');
  }
  connection.pragma('foreign_keys = ON');
  connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  connection.pragma('synchronous = NORMAL');
  const db = new Kysely<DB>({
    dialect: new ImmediateSqliteDialect(
      { database: withStatementCache(connection) },
      connection,
    ),
  });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

// Statements kept ready per connection. Kysely prepares every query anew,
// and on a page that runs a dozen small queries preparing them costs about
// as much as running them.
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with prepared statements reused by
 * their SQL text (least recently used dropped first). A statement still
 * being iterated is never handed out twice.
 */
function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => connection.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) {
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = connection.prepare(text);
      cache.set(text, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) {
          cache.delete(oldest);
        }
      }
      return statement;
    },
  };
}

function openPostgres<DB>(
  url: string,
  options: OpenOptions,
): DatabaseHandle<DB> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`not a safe schema name: ${schema}`);
  }
  // JIT compiling is for long analytical queries: on the app's short ones
  // it cost a search 200 ms of compiling for 3 ms of work.
  const settings = [
    '-c jit=off',
    ...(schema ? [`-c search_path=${schema}`] : []),
  ];
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    options: settings.join(' '),
    ...(options.preparedStatements === false
      ? {}
      : { Client: PreparingClient }),
  });
  // Without a listener, an idle connection's error (the server restarting
  // or ending the connection) is an unhandled 'error' event and stops the
  // whole process.
  pool.on('error', (error) => options.onConnectionError?.(error));
  const db = new Kysely<DB>({ dialect: new ScopedPostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * PostgreSQL as Kysely sees it, except that its introspection (which the
 * migrator uses to find its own tables) looks only at our schema. Kysely's
 * own looks at every schema on the server and fails if another one is
 * dropped while it reads, as happens when other test runs or other apps
 * share the server.
 */
class ScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const result = await sql<{ name: string }>`
      select nspname as name from pg_catalog.pg_namespace`.execute(this.db);
    return result.rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const result = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, n.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
      order by c.relname`.execute(this.db);
    return result.rows.map((row) => ({
      name: row.name,
      schema: row.schema,
      isView: row.kind === 'v',
      columns: [],
    }));
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() };
  }
}

/** Answers whether the database takes a trivial query, for `/healthz`. */
export async function isReachable<DB>(db: Kysely<DB>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
