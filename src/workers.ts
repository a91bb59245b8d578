import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from './database.ts';
import { queueDueDigests } from './features/email/digests.ts';
import { queueDigestScheduler } from './features/email/handlers.ts';
import { queueSearchIndexMerge } from './features/search/merge.ts';
import { buildJobHandlers } from './job-handlers.ts';
import type { Config } from './platform/config.ts';
import { runJobWorker, runJobs } from './platform/jobs.ts';
import { createMailer } from './platform/mail.ts';
import { stopOnSignal } from './platform/stopping.ts';

// Job workers as the app runs them: in the `serve` process (JOB_WORKERS,
// 1 by default), in the jobs process `serve` forks beside several web
// processes (src/web-processes.ts), and once through `civilmedia jobs run`.

function workerName(index: number): string {
  return `${hostname()}:${process.pid}:${index}`;
}

/**
 * One SMTP connection for each worker, at least 4: a worker sends one
 * message at a time, so more would sit idle, and fewer left workers
 * queueing for a connection (8 workers on 4 waited about 30 ms a message).
 */
function mailerFor(config: Config, logger: Logger, workers: number) {
  if (!config.smtpUrl) {
    logger.warn('no SMTP_URL: e-mail will be recorded as not sent');
  }
  return createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    maxConnections: Math.max(4, workers),
    log: logger,
  });
}

/**
 * Starts `config.jobWorkers` polling workers in this process and queues
 * the digest scheduler's next run and the search index's nightly merge
 * (SQLite only). The returned function stops them and
 * waits for the jobs in hand to finish.
 */
export async function startJobWorkers(
  config: Config,
  db: Kysely<Database>,
  logger: Logger,
): Promise<() => Promise<void>> {
  if (config.jobWorkers === 0) {
    return () => Promise.resolve();
  }
  const log = logger;
  const mailer = mailerFor(config, log, config.jobWorkers);
  const handlers = buildJobHandlers({ config, mailer, log });
  await queueDigestScheduler(db);
  await queueSearchIndexMerge(db);
  const controller = new AbortController();
  const running = Array.from({ length: config.jobWorkers }, (_, index) =>
    runJobWorker(db, handlers, {
      workerId: workerName(index),
      leaseMs: config.jobLeaseMs,
      signal: controller.signal,
      log,
    }),
  );
  log.info({ workers: config.jobWorkers }, 'job workers started');
  return async () => {
    controller.abort();
    await Promise.all(running);
    mailer.close();
  };
}

/**
 * The jobs process `serve` forks beside its web processes: runs the job
 * workers until SIGINT or SIGTERM, then lets the jobs in hand finish,
 * closes the database and exits.
 */
export async function runJobsProcess(
  config: Config,
  db: Kysely<Database>,
  logger: Logger,
  closeDatabase: () => Promise<void>,
): Promise<void> {
  const stopWorkers = await startJobWorkers(config, db, logger);
  stopOnSignal(logger, 'stopping the job workers', [
    stopWorkers,
    closeDatabase,
  ]);
}

/**
 * `civilmedia jobs run`: queues the digests now due, then runs every due
 * job with `workers` workers side by side until none is left. Returns
 * how many jobs ran.
 */
export async function drainJobs(
  config: Config,
  db: Kysely<Database>,
  logger: Logger,
  workers: number,
): Promise<number> {
  const log = logger;
  const mailer = mailerFor(config, log, workers);
  const handlers = buildJobHandlers({ config, mailer, log });
  try {
    await queueDueDigests(db);
    await queueDigestScheduler(db);
    await queueSearchIndexMerge(db);
    const counts = await Promise.all(
      Array.from({ length: workers }, (_, index) =>
        runJobs(db, handlers, {
          workerId: workerName(index),
          leaseMs: config.jobLeaseMs,
          log,
        }),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  } finally {
    mailer.close();
  }
}
