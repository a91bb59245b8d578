// `npm run bench -- --only digest [--db postgres] [--scale small]`:
// the daily digest for 20,000 people (300 at --scale small) from worker
// processes to a local SMTP server; see digest.ts.
import { availableParallelism } from 'node:os';
import { createBenchDatabase } from './database.ts';
import { runDigestScenario } from './digest.ts';
import type { BenchOptions } from './options.ts';

export async function benchDigests(options: BenchOptions): Promise<void> {
  const people = Number(
    process.env.BENCH_DIGEST_PEOPLE ??
      (options.scale === 'small' ? 300 : 20_000),
  );
  // SQLite has one writer: processes would wait on each other's locks,
  // so one process runs all its workers over one connection. PostgreSQL
  // takes a process per core.
  const sqlite = options.db === 'sqlite';
  const processes = Number(
    process.env.BENCH_DIGEST_PROCESSES ??
      (sqlite ? 1 : Math.max(2, availableParallelism())),
  );
  const workersEach = Number(process.env.BENCH_DIGEST_WORKERS ?? 8);
  process.stdout.write(
    `CivilMedia bench: daily digests for ${people} people, ${options.db}, ` +
      `${processes} worker processes of ${workersEach} workers each\n`,
  );
  const database = await createBenchDatabase(options.db);
  try {
    const r = await runDigestScenario({
      databaseUrl: database.url,
      people,
      processes,
      workersEach,
      say: (line) => process.stdout.write(`  ${line}\n`),
    });
    const rate = r.firstRunSent / r.firstRunSeconds;
    process.stdout.write(
      [
        '',
        `Round one: ${r.firstRunSent} of ${r.firstRunExpected} digests sent ` +
          `in ${r.firstRunSeconds.toFixed(1)} s (${rate.toFixed(0)}/s), ` +
          `${r.firstRunSent === r.firstRunExpected ? 'exactly' : 'NOT'} ` +
          'the number expected; target under 60 s',
        `Round two: worker PID ${r.killedPid} killed (SIGKILL) with ` +
          `${r.arrivedAtKill} of ${r.people} digests in, others finished, ` +
          'then a new run after its lease ended',
        `  arrived exactly once: ${r.secondRunExactlyOnce} of ${r.people}; ` +
          `twice or more: ${r.secondRunDuplicates}; missing: ` +
          `${r.secondRunMissing}; left as sending (sent but not yet ` +
          `recorded as sent when killed): ${r.outcomeUnknown}`,
        '',
      ].join('\n'),
    );
  } finally {
    await database.drop();
  }
}
