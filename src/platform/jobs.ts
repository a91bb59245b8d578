import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { dialectOf } from './db/dialect.ts';

/**
 * A job queue in the database, shared by every app process. A job is a
 * type and a JSON payload; a handler per type does the work. Several
 * workers never run the same job at once: PostgreSQL claims rows with
 * `FOR UPDATE SKIP LOCKED`, and SQLite, which has one writer, claims them
 * in a single UPDATE … RETURNING. A claim is a lease: a job whose worker
 * died is claimed again when the lease ends, so handlers must be safe to
 * run twice (the e-mail handlers are, through their delivery records).
 */

/** The row shape of `jobs`. Times are ISO strings in UTC. */
export interface JobsTable {
  id: Generated<number>;
  type: string;
  /** The payload as JSON text. */
  payload: string;
  /** An idempotency key: a second job with the same key is never queued. */
  key: string | null;
  state: Generated<JobState>;
  attempts: Generated<number>;
  max_attempts: number;
  /** Claimable from: the run time when queued, the lease end when running. */
  available_at: string;
  locked_by: string | null;
  last_error: string | null;
  created_at: string;
  finished_at: string | null;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed';

/** The tables this module reads and writes. */
export interface JobTables {
  jobs: JobsTable;
}

type JobDb = Kysely<JobTables> | Transaction<JobTables>;

/** Runs one job's payload; throwing makes the job retry later. */
export type JobHandler<DB> = (
  db: Kysely<DB>,
  payload: unknown,
) => Promise<void>;

/** Handlers by job type, as src/job-handlers.ts composes them. */
export type JobHandlers<DB> = Record<string, JobHandler<DB>>;

/** The queue's own view of any app database that holds its table. */
function asJobDb<DB>(db: Kysely<DB> | Transaction<DB>): JobDb {
  return db as unknown as JobDb;
}

export interface NewJob {
  type: string;
  payload: unknown;
  /** When it may first run; now when left out. */
  runAt?: Date;
  /** Queue it only if no job ever had this key. */
  key?: string;
  maxAttempts?: number;
}

const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * Queues a job in the caller's transaction, so it exists exactly when the
 * change that asked for it does. True when queued, false when a job with
 * the same key already exists.
 */
export async function enqueueJob<DB>(
  db: Kysely<DB> | Transaction<DB>,
  job: NewJob,
): Promise<boolean> {
  const jobs = asJobDb(db);
  const now = new Date().toISOString();
  const result = await jobs
    .insertInto('jobs')
    .values({
      type: job.type,
      payload: JSON.stringify(job.payload ?? null),
      key: job.key ?? null,
      max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      available_at: (job.runAt ?? new Date()).toISOString(),
      created_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return result !== undefined;
}

/**
 * Queues many jobs in one statement a hundred at a time; those whose key
 * exists already are left out.
 */
export async function enqueueJobs<DB>(
  db: Kysely<DB> | Transaction<DB>,
  list: NewJob[],
): Promise<void> {
  const jobs = asJobDb(db);
  const now = new Date().toISOString();
  for (let at = 0; at < list.length; at += 100) {
    const values = list.slice(at, at + 100).map((job) => ({
      type: job.type,
      payload: JSON.stringify(job.payload ?? null),
      key: job.key ?? null,
      max_attempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      available_at: (job.runAt ?? new Date()).toISOString(),
      created_at: now,
    }));
    await jobs
      .insertInto('jobs')
      .values(values)
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }
}

/** A job as a worker holds it. */
export interface ClaimedJob {
  id: number;
  type: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
}

/**
 * Claims up to `limit` jobs that are due, or whose lease has ended, for
 * `workerId` until `leaseMs` from now. No two callers get the same job.
 */
export async function claimJobs<DB>(
  db: Kysely<DB>,
  workerId: string,
  limit: number,
  leaseMs: number,
  now = new Date(),
): Promise<ClaimedJob[]> {
  const jobs = asJobDb(db);
  const at = now.toISOString();
  const leaseEnd = new Date(now.getTime() + leaseMs).toISOString();
  const lock =
    dialectOf(jobs) === 'postgres' ? sql`for update skip locked` : sql``;
  const result = await sql<{
    id: number;
    type: string;
    payload: string;
    attempts: number;
    max_attempts: number;
  }>`
    update jobs
    set state = 'running', attempts = attempts + 1,
      locked_by = ${workerId}, available_at = ${leaseEnd}
    where id in (
      select id from jobs
      where state in ('queued', 'running') and available_at <= ${at}
      order by available_at, id
      limit ${limit}
      ${lock}
    )
    returning id, type, payload, attempts, max_attempts`.execute(jobs);
  return result.rows
    .map((row) => ({
      id: row.id,
      type: row.type,
      payload: JSON.parse(row.payload) as unknown,
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
    }))
    .sort((a, b) => a.id - b.id);
}

/** Seconds to wait before retry `attempt` + 1: 10 s doubling, at most 1 h. */
export function retryDelayMs(attempt: number): number {
  const base = 10_000;
  const cap = 3_600_000;
  return Math.min(cap, base * 2 ** Math.max(0, attempt - 1));
}

/** Records jobs that succeeded, those this worker still holds. */
async function finishJobs(db: JobDb, ids: number[], workerId: string) {
  if (ids.length === 0) {
    return;
  }
  await db
    .updateTable('jobs')
    .set({
      state: 'done',
      locked_by: null,
      finished_at: new Date().toISOString(),
    })
    .where('id', 'in', ids)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId)
    .execute();
}

/** Records a failed job, if this worker still holds it. */
async function finishJob(
  db: JobDb,
  job: ClaimedJob,
  workerId: string,
  error: Error,
): Promise<void> {
  const now = new Date();
  const update = db
    .updateTable('jobs')
    .where('id', '=', job.id)
    .where('state', '=', 'running')
    .where('locked_by', '=', workerId);
  const message = error.message;
  const last = job.attempts >= job.maxAttempts;
  const retryAt = new Date(now.getTime() + retryDelayMs(job.attempts));
  await update
    .set({
      state: last ? 'failed' : 'queued',
      locked_by: null,
      last_error: message.slice(0, 2000),
      available_at: retryAt.toISOString(),
      finished_at: last ? now.toISOString() : null,
    })
    .execute();
}

/**
 * Marks jobs failed whose lease ended on their last attempt: their worker
 * died each time, so claiming them again would go on for ever.
 */
async function failAbandonedJobs(db: JobDb, now: Date) {
  const at = now.toISOString();
  await db
    .updateTable('jobs')
    .set({
      state: 'failed',
      locked_by: null,
      last_error: 'the worker stopped before finishing, on every attempt',
      finished_at: at,
    })
    .where('state', '=', 'running')
    .where('available_at', '<=', at)
    .whereRef('attempts', '>=', 'max_attempts')
    .execute();
}

/** Done jobs are kept this long, then deleted by deleteDoneJobs. */
export const DONE_JOB_DAYS = 30;
const DELETE_BATCH = 1000;

/**
 * Deletes jobs done more than `days` ago, a thousand a statement, and
 * returns how many. A done job's key stops the same job being queued
 * again, so a key is kept while it could recur: every key names a time
 * slot, a digest period or a notification, none of which is queued again
 * a month on. Failed jobs are kept, for someone to read their errors. A
 * done job's `available_at` is its last lease's end, within the lease of
 * when it finished, so the scan uses the (state, available_at) index.
 */
export async function deleteDoneJobs<DB>(
  db: Kysely<DB>,
  now = new Date(),
  days = DONE_JOB_DAYS,
): Promise<number> {
  const jobs = asJobDb(db);
  const before = new Date(now.getTime() - days * 86_400_000).toISOString();
  let deleted = 0;
  for (;;) {
    const ids = await jobs
      .selectFrom('jobs')
      .select('id')
      .where('state', '=', 'done')
      .where('available_at', '<', before)
      .limit(DELETE_BATCH)
      .execute();
    if (ids.length === 0) {
      return deleted;
    }
    const result = await jobs
      .deleteFrom('jobs')
      .where(
        'id',
        'in',
        ids.map((row) => row.id),
      )
      .where('state', '=', 'done')
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
    if (ids.length < DELETE_BATCH) {
      return deleted;
    }
  }
}

export interface RunJobsOptions {
  workerId: string;
  /** Jobs claimed at a time, and run side by side. */
  limit?: number;
  /** How long a claim lasts before another worker may take the job. */
  leaseMs?: number;
  signal?: AbortSignal;
  log?: Logger;
}

/**
 * Claims and runs due jobs until none are left (or `signal` aborts);
 * returns how many ran. `civilmedia jobs run` is one call of this.
 */
export async function runJobs<DB>(
  db: Kysely<DB>,
  handlers: JobHandlers<DB>,
  options: RunJobsOptions,
): Promise<number> {
  const jobs = asJobDb(db);
  const limit = options.limit ?? 4;
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  let ran = 0;
  await failAbandonedJobs(jobs, new Date());
  while (!options.signal?.aborted) {
    const claimed = await claimJobs(db, options.workerId, limit, leaseMs);
    if (claimed.length === 0) {
      break;
    }
    const done: number[] = [];
    await Promise.all(
      claimed.map(async (job) => {
        const error = await runOne(db, handlers, job, options.log);
        if (error === undefined) {
          done.push(job.id);
        } else {
          await finishJob(jobs, job, options.workerId, error);
        }
      }),
    );
    await finishJobs(jobs, done, options.workerId);
    ran += claimed.length;
  }
  return ran;
}

async function runOne<DB>(
  db: Kysely<DB>,
  handlers: JobHandlers<DB>,
  job: ClaimedJob,
  log: Logger | undefined,
): Promise<Error | undefined> {
  const handler = handlers[job.type];
  if (!handler) {
    return new Error(`no handler for job type ${job.type}`);
  }
  try {
    await handler(db, job.payload);
    return undefined;
  } catch (error) {
    log?.warn(
      { err: error, jobId: job.id, type: job.type, attempt: job.attempts },
      'job failed',
    );
    return error instanceof Error
      ? error
      : new Error(`thrown: ${String(error)}`);
  }
}

/**
 * A worker for a long-running process: runs jobs, then waits `pollMs`
 * before looking again, until `signal` aborts. A failure to reach the
 * database is logged and tried again after the same wait.
 */
export async function runJobWorker<DB>(
  db: Kysely<DB>,
  handlers: JobHandlers<DB>,
  options: RunJobsOptions & { pollMs?: number },
): Promise<void> {
  const pollMs = options.pollMs ?? 2000;
  while (!options.signal?.aborted) {
    try {
      await runJobs(db, handlers, options);
    } catch (error) {
      options.log?.error({ err: error }, 'job worker failed');
    }
    try {
      await sleep(pollMs, undefined, { signal: options.signal });
    } catch {
      return;
    }
  }
}
