import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseKind } from './options.ts';

/** A database of the benchmark's own, empty until it is seeded. */
export interface BenchDatabase {
  /** What DATABASE_URL the server is given. */
  url: string;
  /** Removes the database and everything in it. */
  drop(): Promise<void>;
}

const POSTGRES_URL =
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A new SQLite file in a temporary folder, or a new PostgreSQL database
 * beside the one BENCH_POSTGRES_URL names: a benchmark never touches data
 * that was there before it.
 */
export async function createBenchDatabase(
  kind: DatabaseKind,
): Promise<BenchDatabase> {
  if (kind === 'sqlite') {
    const folder = await mkdtemp(join(tmpdir(), 'civilmedia-bench-'));
    return {
      url: `sqlite:${join(folder, 'bench.db')}`,
      drop: () => rm(folder, { recursive: true, force: true }),
    };
  }
  const name = `civilmedia_bench_${randomBytes(4).toString('hex')}`;
  await onMaintenance(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => onMaintenance(`drop database if exists ${name} with (force)`),
  };
}

/** Whether the database a kept file names is still there. */
export async function benchDatabaseExists(url: string): Promise<boolean> {
  if (url.startsWith('sqlite:')) {
    return existsSync(url.slice('sqlite:'.length));
  }
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    // 3D000: no database of that name.
    if ((error as { code?: string }).code === '3D000') {
      return false;
    }
    throw error;
  }
}

async function onMaintenance(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
