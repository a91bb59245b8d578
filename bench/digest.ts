// The digest run: N people, each with notifications from the day, get
// their daily digest from worker processes (`civilmedia jobs run`) through
// a real SMTP server in this process. Round one is timed. In round two
// one worker is killed (SIGKILL, by its PID) when half the digests have
// arrived, the others finish, and after its lease ends a new run picks
// up what it held: every digest must arrive exactly once.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import type { Database } from '../src/database.ts';
import { deliveryMessageId } from '../src/features/email/deliveries.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { startSmtpSink } from '../src/test-support/smtp.ts';
import type { SmtpSink } from '../src/test-support/smtp.ts';

const CLI = fileURLToPath(new URL('../bin/civilmedia.js', import.meta.url));
const PUBLIC_URL = new URL('https://civilmedia.bench');
const LEASE_SECONDS = 5;
const NOTIFICATIONS_EACH = 2;

/** Round one's day, round two's, and when each digest fell due. */
const DAYS = [
  { since: '2026-12-01T08:00:00.000Z', until: '2026-12-02T08:00:00.000Z' },
  { since: '2026-12-02T08:00:00.000Z', until: '2026-12-03T08:00:00.000Z' },
] as const;

export interface DigestScenario {
  /** `sqlite:FILE` or a postgres:// URL (with search_path in options). */
  databaseUrl: string;
  people: number;
  /** Worker processes per run. */
  processes: number;
  /** Workers in each process. */
  workersEach: number;
  /** Lines of progress, when wanted. */
  say?: (line: string) => void;
}

export interface DigestResults {
  people: number;
  processes: number;
  seedSeconds: number;
  firstRunSeconds: number;
  firstRunSent: number;
  firstRunExpected: number;
  killedPid: number | undefined;
  /** Digests arrived when the worker was killed. */
  arrivedAtKill: number;
  secondRunExactlyOnce: number;
  secondRunMissing: number;
  secondRunDuplicates: number;
  /**
   * Deliveries left `sending`: the killed worker's messages that went
   * but whose `sent` it had not yet written (it records them in groups),
   * and any it was killed in the middle of ending.
   */
  outcomeUnknown: number;
}

/** Seeds, runs both rounds and counts what arrived. */
export async function runDigestScenario(
  scenario: DigestScenario,
): Promise<DigestResults> {
  const say = scenario.say ?? (() => undefined);
  const handle = openDatabase<Database>(scenario.databaseUrl);
  const sink = await startSmtpSink();
  try {
    await migrateToLatest(handle.db);
    const seedStart = performance.now();
    const ids = await seedPeople(handle.db, scenario.people);
    await seedDay(handle.db, ids, 0);
    const seedSeconds = (performance.now() - seedStart) / 1000;
    say(`seeded ${ids.length} people in ${seedSeconds.toFixed(1)} s`);

    const env = childEnv(scenario.databaseUrl, sink);
    const run = () => spawnWorker(env, scenario.workersEach);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: scenario.processes }, () => exited(run())),
    );
    const firstRunSeconds = (performance.now() - start) / 1000;
    const first = tally(sink, expectedIds(ids, 0));
    say(`round one: ${first.once} digests in ${firstRunSeconds.toFixed(1)} s`);

    await seedDay(handle.db, ids, 1);
    const expected = expectedIds(ids, 1);
    const workers = Array.from({ length: scenario.processes }, run);
    const victim = workers[0];
    const arrivedAtKill = await killAtHalf(sink, expected, victim);
    say(`killed worker ${victim?.pid} with ${arrivedAtKill} digests in`);
    await Promise.all(workers.map(exited));
    await new Promise((resolve) =>
      setTimeout(resolve, (LEASE_SECONDS + 1) * 1000),
    );
    await exited(run());
    const second = tally(sink, expected);
    const unknown = await handle.db
      .selectFrom('email_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('state', '=', 'sending')
      .executeTakeFirstOrThrow();
    return {
      people: ids.length,
      processes: scenario.processes,
      seedSeconds,
      firstRunSeconds,
      firstRunSent: first.once,
      firstRunExpected: ids.length,
      killedPid: victim?.pid,
      arrivedAtKill,
      secondRunExactlyOnce: second.once,
      secondRunMissing: second.missing,
      secondRunDuplicates: second.duplicates,
      outcomeUnknown: Number(unknown.count),
    };
  } finally {
    await sink.close();
    await handle.close();
  }
}

async function seedPeople(db: Kysely<Database>, count: number) {
  const now = DAYS[0].since;
  const ids: number[] = [];
  for (let at = 0; at < count; at += 500) {
    const rows = Array.from({ length: Math.min(500, count - at) }, (_, i) => {
      const n = at + i + 1;
      return {
        display_name: `Digest Reader ${n}`,
        sort_name: `digest reader ${n}`,
        email: `reader${n}@bench.example.gov.uk`,
        email_key: `reader${n}@bench.example.gov.uk`,
        source: 'bench',
        created_at: now,
        updated_at: now,
      };
    });
    const inserted = await db
      .insertInto('people')
      .values(rows)
      .returning('id')
      .execute();
    ids.push(...inserted.map((row) => row.id));
  }
  return ids;
}

/** Everyone's notifications for a day, and their digest due at its end. */
async function seedDay(db: Kysely<Database>, ids: number[], day: 0 | 1) {
  const { since, until } = DAYS[day];
  const author = ids[0] ?? 0;
  const post = await db
    .insertInto('status_posts')
    .values({
      author_id: author,
      group_id: null,
      parent_id: null,
      body: `News of day ${day + 1}`,
      created_at: since,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const at = new Date(Date.parse(since) + 3_600_000).toISOString();
  await db.transaction().execute(async (trx) => {
    for (let start = 0; start < ids.length; start += 250) {
      const rows = ids.slice(start, start + 250).flatMap((person) =>
        Array.from({ length: NOTIFICATIONS_EACH }, (_, n) => ({
          person_id: person,
          kind: 'reply',
          actor_id: author,
          subject_type: 'status_post',
          subject_id: post.id,
          event_key: `bench:${day}:${n}`,
          summary: `Reply ${n + 1} of day ${day + 1}`,
          url: `/talk/status/${post.id}`,
          created_at: at,
        })),
      );
      await trx.insertInto('notifications').values(rows).execute();
    }
    await trx.deleteFrom('email_schedules').execute();
    for (let start = 0; start < ids.length; start += 250) {
      const rows = ids.slice(start, start + 250).flatMap((person) => [
        { person_id: person, frequency: 'daily' as const, last_at: since },
        {
          person_id: person,
          frequency: 'weekly' as const,
          last_at: since,
          next_at: '2099-01-05T08:00:00.000Z',
        },
      ]);
      await trx
        .insertInto('email_schedules')
        .values(rows.map((row) => ({ next_at: until, ...row })))
        .execute();
    }
  });
}

function expectedIds(ids: number[], day: 0 | 1): Set<string> {
  const key = `digest:daily:${DAYS[day].until}`;
  return new Set(
    ids.map((personId) =>
      deliveryMessageId({ personId, key }, PUBLIC_URL.hostname),
    ),
  );
}

const MESSAGE_ID = /^Message-ID:\s*(<[^>]+>)/im;

function tally(sink: SmtpSink, expected: Set<string>) {
  const counts = new Map<string, number>();
  for (const raw of sink.raw) {
    const id = MESSAGE_ID.exec(raw)?.[1];
    if (id && expected.has(id)) {
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
  }
  const values = [...counts.values()];
  return {
    once: values.filter((count) => count === 1).length,
    duplicates: values.filter((count) => count > 1).length,
    missing: expected.size - counts.size,
  };
}

function childEnv(databaseUrl: string, sink: SmtpSink): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    SMTP_URL: sink.url.href,
    PUBLIC_URL: PUBLIC_URL.href,
    COOKIE_SECRET: 'a bench secret of at least thirty-two characters',
    LOG_LEVEL: 'error',
    JOB_LEASE_SECONDS: String(LEASE_SECONDS),
  };
}

function spawnWorker(env: NodeJS.ProcessEnv, workers: number): ChildProcess {
  const args = [CLI, 'jobs', 'run', '--workers', String(workers)];
  return spawn(process.execPath, args, {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function exited(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
  });
}

/** Kills `victim` by its PID once half the expected digests arrived. */
async function killAtHalf(
  sink: SmtpSink,
  expected: Set<string>,
  victim: ChildProcess | undefined,
): Promise<number> {
  const half = Math.floor(expected.size / 2);
  let read = 0;
  let arrived = 0;
  for (;;) {
    for (; read < sink.raw.length; read += 1) {
      const id = MESSAGE_ID.exec(sink.raw[read] ?? '')?.[1];
      arrived += id && expected.has(id) ? 1 : 0;
    }
    if (arrived >= half || !victim || victim.exitCode !== null) {
      if (victim?.pid !== undefined && victim.exitCode === null) {
        process.kill(victim.pid, 'SIGKILL');
      }
      return arrived;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
