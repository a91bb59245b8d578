// Talk at scale: page 1 and the last page of a long thread and of a big
// category, rendered in full for a signed-in member, at two sizes so that
// "stays flat" shows as a ratio. In process through inject() for render
// times, then over HTTP against the real server for requests/s. Prints
// numbers and ratios only. `node --import tsx bench/talk.ts [--db
// sqlite|postgres] [--size small|full] [--duration S]` runs it alone;
// bench/run.ts calls measureTalk().
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { buildApp } from '../src/app.ts';
import type { PersonActor } from '../src/access/actor.ts';
import type { Database } from '../src/database.ts';
import { createApiToken } from '../src/features/auth/tokens.ts';
import { ensureSiteCategory } from '../src/features/talk/categories.ts';
import { createThread } from '../src/features/talk/threads.ts';
import { loadConfig } from '../src/platform/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { dialectOf } from '../src/platform/db/dialect.ts';
import { createLogger } from '../src/platform/logging.ts';
import { buildPerson } from '../src/test-support/factories.ts';
import { createBenchDatabase } from './database.ts';
import { driveServer, percentiles } from './load.ts';
import type { Measurement } from './load.ts';
import type { DatabaseKind } from './options.ts';
import { startCivilMedia } from './server.ts';
import { explainCategoryPage } from './talk-explain.ts';
import { growCategory, growThread } from './talk-seed.ts';

/** One size the bench grows Talk to. */
export interface TalkSize {
  threads: number;
  replies: number;
}

export const TALK_SIZES = {
  small: [
    { threads: 1_000, replies: 100 },
    { threads: 10_000, replies: 1_000 },
  ],
  full: [
    { threads: 10_000, replies: 1_000 },
    { threads: 100_000, replies: 10_000 },
  ],
} as const satisfies Record<string, readonly TalkSize[]>;

export interface TalkOptions {
  sizes: readonly TalkSize[];
  /** Pages rendered in process for each timing. */
  rounds: number;
  /** Seconds of HTTP load a page; 0 leaves HTTP out. */
  duration: number;
  connections: number;
  /** Where the real server listens: a port of the bench's own range. */
  port: number;
}

export interface TalkTiming {
  size: TalkSize;
  /** "thread page 1", "category last page" … */
  name: string;
  page: number;
  inProcess: { p50: number; p95: number };
  http: Measurement | null;
}

export interface TalkResults {
  seedSeconds: number[];
  timings: TalkTiming[];
  /** The category's last-page queries and their plans, largest size. */
  plans: string[];
}

const PAGE_SIZE = 25;
const WARM_UP_SECONDS = 1;

/** Seeds, times and explains Talk's pages on a new database of `kind`. */
export async function measureTalk(
  kind: DatabaseKind,
  options: TalkOptions,
): Promise<TalkResults> {
  const database = await createBenchDatabase(kind);
  const handle = openDatabase<Database>(database.url);
  try {
    await migrateToLatest(handle.db);
    return await onDatabase(handle.db, database.url, options);
  } finally {
    await handle.close();
    await database.drop();
  }
}

async function onDatabase(
  db: Kysely<Database>,
  url: string,
  options: TalkOptions,
): Promise<TalkResults> {
  const name = 'Bench Member';
  const memberId = await buildPerson(db, { displayName: name });
  const member: PersonActor = {
    kind: 'person',
    id: memberId,
    role: 'member',
    displayName: name,
    via: 'token',
  };
  const { token } = await createApiToken(db, memberId, 'bench');
  const headers = { authorization: `Bearer ${token}` };
  const by = { authorId: memberId, authorName: name };
  const category = await ensureSiteCategory(db, 'bench-busy', 'Busy');
  const home = await ensureSiteCategory(db, 'bench-long', 'Long');
  const { threadId } = await createThread(db, {
    categoryId: home.id,
    title: 'A long thread',
    body: 'Opening post',
    ...by,
  });

  const app = await inProcessApp(db, url);
  const server =
    options.duration > 0 ? await startCivilMedia(url, options.port) : null;
  const results: TalkResults = { seedSeconds: [], timings: [], plans: [] };
  try {
    for (const size of options.sizes) {
      const started = performance.now();
      await growCategory(db, category.id, by, size.threads);
      await growThread(db, threadId, by, size.replies);
      if (dialectOf(db) === 'postgres') {
        // What autovacuum would do after a load this size: without fresh
        // statistics the planner sorts the whole category for a page.
        await sql`analyze`.execute(db);
      }
      results.seedSeconds.push((performance.now() - started) / 1000);
      const threadLast = Math.ceil((size.replies + 1) / PAGE_SIZE);
      const categoryLast = Math.ceil(size.threads / PAGE_SIZE);
      const pages = [
        ['thread page 1', `/talk/threads/${threadId}`, 1],
        ['thread last page', `/talk/threads/${threadId}`, threadLast],
        ['category page 1', `/talk/categories/${category.slug}`, 1],
        [
          'category last page',
          `/talk/categories/${category.slug}`,
          categoryLast,
        ],
      ] as const;
      for (const [title, path, page] of pages) {
        const address = page > 1 ? `${path}?page=${page}` : path;
        const inProcess = await timeInProcess(app, address, headers, options);
        const http = server
          ? await timeOverHttp(server.origin, address, headers, options)
          : null;
        results.timings.push({ size, name: title, page, inProcess, http });
      }
    }
    const largest = options.sizes.at(-1);
    if (largest) {
      const last = Math.ceil(largest.threads / PAGE_SIZE);
      results.plans = await explainCategoryPage(db, member, category.id, {
        page: last,
        pageSize: PAGE_SIZE,
        offset: (last - 1) * PAGE_SIZE,
      });
    }
  } finally {
    await app.close();
    await server?.stop();
  }
  return results;
}

async function inProcessApp(
  db: Kysely<Database>,
  url: string,
): Promise<FastifyInstance> {
  const app = await buildApp({
    config: loadConfig({
      NODE_ENV: 'production',
      DATABASE_URL: url,
      COOKIE_SECRET: 'bench-secret-that-is-at-least-32-characters',
    }),
    db,
    logger: createLogger('silent'),
  });
  await app.ready();
  return app;
}

async function timeInProcess(
  app: FastifyInstance,
  url: string,
  headers: Record<string, string>,
  options: TalkOptions,
): Promise<{ p50: number; p95: number }> {
  const samples: number[] = [];
  for (let round = -5; round < options.rounds; round += 1) {
    const start = performance.now();
    const response = await app.inject({ url, headers });
    const took = performance.now() - start;
    if (response.statusCode !== 200) {
      throw new Error(`${url} answered ${response.statusCode}`);
    }
    if (round >= 0) {
      samples.push(took);
    }
  }
  const { p50, p95 } = percentiles(samples);
  return { p50, p95 };
}

async function timeOverHttp(
  origin: string,
  path: string,
  headers: Record<string, string>,
  options: TalkOptions,
): Promise<Measurement> {
  const load = (duration: number) =>
    driveServer({
      origin,
      paths: [path],
      headers,
      connections: options.connections,
      duration,
    });
  await load(WARM_UP_SECONDS);
  return load(options.duration);
}

/** The timings as a table, with each page's growth as a ratio. */
export function formatTalk(results: TalkResults): string {
  const [small, large] = [
    results.timings[0]?.size,
    results.timings.at(-1)?.size,
  ];
  const lines = [
    `talk pages, signed-in member${' '.repeat(32)}in process p50/p95 ms` +
      `   HTTP req/s  p50/p95 ms`,
  ];
  for (const t of results.timings) {
    const label = `${t.name} (${t.page})`;
    const http = t.http
      ? `${t.http.perSecond.toFixed(0).padStart(10)}  ` +
        `${t.http.p50.toFixed(2)}/${t.http.p95.toFixed(2)}`
      : '';
    lines.push(
      `${sizeName(t.size).padEnd(33)}${label.padEnd(26)}` +
        `${t.inProcess.p50.toFixed(2).padStart(7)}/` +
        `${t.inProcess.p95.toFixed(2).padEnd(8)}${http}`,
    );
  }
  if (small && large && small !== large) {
    lines.push('', `growth from ${sizeName(small)} to ${sizeName(large)}:`);
    const names = [...new Set(results.timings.map((t) => t.name))];
    for (const name of names) {
      const [first, last] = [
        results.timings.find((t) => t.name === name && t.size === small),
        results.timings.find((t) => t.name === name && t.size === large),
      ];
      if (first && last) {
        lines.push(
          `  ${name.padEnd(20)} p50 × ${ratio(last.inProcess.p50, first.inProcess.p50)}` +
            (first.http && last.http
              ? `, req/s × ${ratio(last.http.perSecond, first.http.perSecond)}`
              : ''),
        );
      }
    }
  }
  for (const t of results.timings.filter((x) => x.page > 1)) {
    const front = results.timings.find(
      (x) =>
        x.size === t.size &&
        x.page === 1 &&
        x.name.startsWith(t.name.split(' ')[0] ?? ''),
    );
    if (front) {
      lines.push(
        `  ${sizeName(t.size)}: ${t.name} / page 1, p50 × ` +
          ratio(t.inProcess.p50, front.inProcess.p50),
      );
    }
  }
  lines.push('', ...results.plans);
  return lines.join('\n');
}

function sizeName(size: TalkSize): string {
  return (
    `${size.threads.toLocaleString('en-GB')} threads, ` +
    `${size.replies.toLocaleString('en-GB')} replies`
  );
}

function ratio(a: number, b: number): string {
  return b > 0 ? (a / b).toFixed(2) : '–';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string', default: 'sqlite' },
      size: { type: 'string', default: 'full' },
      duration: { type: 'string', default: '5' },
      connections: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '100' },
      port: { type: 'string', default: '3301' },
    },
  });
  const kind = values.db === 'postgres' ? 'postgres' : 'sqlite';
  const sizes = values.size === 'small' ? TALK_SIZES.small : TALK_SIZES.full;
  const results = await measureTalk(kind, {
    sizes,
    rounds: Number(values.rounds),
    duration: Number(values.duration),
    connections: Number(values.connections),
    port: Number(values.port),
  });
  process.stdout.write(
    `Talk bench on ${kind}; seeded in ` +
      `${results.seedSeconds.map((s) => s.toFixed(1)).join(' + ')} s\n` +
      `${formatTalk(results)}\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main();
}
