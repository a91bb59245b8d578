import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Migrator, sql } from 'kysely';
import type {
  Kysely,
  Migration,
  MigrationProvider,
  MigrationResult,
} from 'kysely';
import { dialectOf } from './dialect.ts';

const MIGRATIONS_FOLDER = fileURLToPath(
  new URL('../../migrations/', import.meta.url),
);

/** Migration files are named by date and time, so their order is their age. */
const MIGRATION_FILE = /^\d{4}-\d{2}-\d{2}T\d{4}_[a-z0-9_]+\.ts$/;

class FolderMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(MIGRATIONS_FOLDER)).filter((name) =>
      MIGRATION_FILE.test(name),
    );
    const migrations: Record<string, Migration> = {};
    for (const file of files.sort()) {
      const url = pathToFileURL(join(MIGRATIONS_FOLDER, file)).href;
      migrations[file.replace(/\.ts$/, '')] = (await import(url)) as Migration;
    }
    return migrations;
  }
}

/**
 * Kysely looks for its bookkeeping tables in every schema it can see, so on
 * a PostgreSQL server with several schemas (tests give each file its own)
 * it must be told which one is ours: the first on the search path.
 */
async function migrator<DB>(db: Kysely<DB>): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (dialectOf(db) === 'postgres') {
    const result = await sql<{ schema: string }>`
      select current_schema() as schema`.execute(db);
    migrationTableSchema = result.rows[0]?.schema;
  }
  return new Migrator({
    db,
    provider: new FolderMigrationProvider(),
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
}

/**
 * Applies every migration not yet applied, in order, and returns the names
 * applied. Throws the first migration's error; Kysely runs them all in one
 * transaction on PostgreSQL and stops at the failing one on SQLite.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await (await migrator(db)).migrateToLatest();
  if (error) {
    throw error instanceof Error ? error : new Error(String(error));
  }
  return applied(results);
}

/** Reverts the most recent migration, for development. */
export async function migrateDown<DB>(db: Kysely<DB>): Promise<string[]> {
  const { error, results } = await (await migrator(db)).migrateDown();
  if (error) {
    throw error instanceof Error ? error : new Error(String(error));
  }
  return applied(results);
}

function applied(results: MigrationResult[] | undefined): string[] {
  return (results ?? [])
    .filter((result) => result.status === 'Success')
    .map((result) => result.migrationName);
}
