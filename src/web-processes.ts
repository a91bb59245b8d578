import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { once } from 'node:events';
import type { Logger } from 'pino';

// `serve` with WEB_PROCESSES above 1: this process applies the migrations,
// then forks that many web processes, which share the listening socket
// (node:cluster hands each new connection to the next process in turn).
// One Node.js process renders pages on one core; a second process is what
// lets a second core render too.
//
// With JOB_WORKERS above 0 it forks one more process that runs the job
// workers and answers no requests. A job's statements run synchronously on
// SQLite, and a fan-out to 1,000 watchers held its process for two inserts
// of about 60 ms each: when the first web process ran the jobs, the requests
// it was given waited behind them (a single writer's replies reached a p99
// of 500 ms while fan-outs ran; 40 ms with jobs apart, bench/RESULTS.md).
// This process, which hands out the connections, stays free of them too.
//
// Everything two processes must agree on already lives in the database:
// sessions, the sign-in failure counts, the job queue and its leases, the
// kept member counts. What is held in memory is either derived from
// content (rendered Markdown, prepared statements) or deliberately per
// process: the coarse SIGN_IN_RATE_LIMIT is counted by each process, so
// with N processes an address may send up to N times as many sign-in
// requests a minute (wrong passwords are still limited in the database).
// On SQLite, processes take turns for the one write lock: a transaction
// waits for it without holding up its process (platform/db/sqlite-driver.ts).

/** The variable that tells a forked process its place: 0, 1 … or `jobs`. */
const ROLE_VARIABLE = 'CIVILMEDIA_WEB_PROCESS';

/** A forked process's place: a web process's number, or the jobs process. */
type Role = number | 'jobs';

/**
 * A process that ends within QUICK_EXIT_MS of starting is started again
 * only after RESTART_DELAY_MS, so one that cannot run does not spin.
 */
const QUICK_EXIT_MS = 10_000;
const RESTART_DELAY_MS = 1000;

/** How long processes asked to stop may take before they are killed. */
const STOP_TIMEOUT_MS = 30_000;

/** True in a web or jobs process that `superviseWebProcesses` forked. */
export function isForkedProcess(): boolean {
  return cluster.isWorker;
}

/** True in the process `superviseWebProcesses` forked to run jobs. */
export function isJobsProcess(): boolean {
  return cluster.isWorker && process.env[ROLE_VARIABLE] === 'jobs';
}

/** Why the web processes could not start: one line for the operator. */
export class WebProcessesError extends Error {}

/**
 * In a web process that cannot go on: hands `reason` to the process that
 * forked it, which tells the operator once, however many fail alike.
 */
export function tellSupervisor(reason: string): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send({ failed: reason }, () => resolve());
  });
}

/**
 * Forks `count` web processes running `serve` with `env` added, and the
 * jobs process when `withJobs`, and resolves once every web process is
 * listening. Rejects if one ends before it listens, having stopped the
 * others. Later, a process that ends is started again, and SIGINT or
 * SIGTERM stops them all (killing any still there after STOP_TIMEOUT_MS;
 * the jobs process first finishes the jobs in hand) and ends this process.
 */
export async function superviseWebProcesses(
  count: number,
  withJobs: boolean,
  env: Record<string, string>,
  logger: Logger,
): Promise<void> {
  const current = new Map<Role, Worker>();
  const restarts = new Set<NodeJS.Timeout>();
  // Widened: the handlers change it between awaits, unseen by narrowing.
  let state = 'starting' as 'starting' | 'started' | 'stopping' | 'failed';
  let forced = false;

  const fork = (role: Role) => {
    const worker = cluster.fork({ ...env, [ROLE_VARIABLE]: String(role) });
    const forkedAt = Date.now();
    current.set(role, worker);
    worker.once('exit', (code, signal) => {
      current.delete(role);
      if (state === 'stopping' && current.size === 0) {
        process.exit(forced ? 1 : 0);
      }
      if (state !== 'started') {
        return;
      }
      logger.error(
        { webProcess: role, workerPid: worker.process.pid, code, signal },
        `${role === 'jobs' ? 'jobs' : 'web'} process ended; starting another`,
      );
      const soon = Date.now() - forkedAt < QUICK_EXIT_MS;
      const timer = setTimeout(
        () => {
          restarts.delete(timer);
          fork(role);
        },
        soon ? RESTART_DELAY_MS : 0,
      );
      restarts.add(timer);
    });
    return worker;
  };

  const stopAll = () => {
    state = 'stopping';
    for (const timer of restarts) {
      clearTimeout(timer);
    }
    if (current.size === 0) {
      process.exit(0);
    }
    for (const worker of current.values()) {
      worker.process.kill('SIGTERM');
    }
    setTimeout(() => {
      logger.error(
        { webProcesses: [...current.keys()] },
        'web processes did not stop in time; killing them',
      );
      forced = true;
      for (const worker of current.values()) {
        worker.process.kill('SIGKILL');
      }
    }, STOP_TIMEOUT_MS).unref();
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);

  // Once asked to stop, the last process's exit ends this one.
  const untilStopped = () => new Promise<never>(() => undefined);
  const workers = Array.from({ length: count }, (_, index) => fork(index));
  if (withJobs) {
    // Not waited for: it serves no requests, and is started again if it
    // ends, like a web process.
    fork('jobs');
  }
  try {
    await Promise.all(workers.map((worker, index) => listening(worker, index)));
  } catch (error) {
    if (state === 'stopping') {
      return untilStopped();
    }
    state = 'failed';
    process.removeListener('SIGINT', stopAll);
    process.removeListener('SIGTERM', stopAll);
    const others = [...current.values()];
    for (const worker of others) {
      worker.process.kill('SIGTERM');
    }
    await Promise.all(others.map((worker) => once(worker, 'exit')));
    throw error;
  }
  if (state === 'stopping') {
    return untilStopped();
  }
  state = 'started';
}

/**
 * Resolves when `worker` listens; rejects if it ends first, with the
 * reason it told (tellSupervisor) or how it ended.
 */
function listening(worker: Worker, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let reason: string | undefined;
    const told = (message: unknown) => {
      const failed = (message as { failed?: unknown } | null)?.failed;
      if (typeof failed === 'string') {
        reason = failed;
      }
    };
    const early = (code: number | null, signal: string | null) =>
      reject(
        new WebProcessesError(
          reason ??
            `web process ${index} ended before it listened (${signal ?? `exit code ${code}`})`,
        ),
      );
    worker.on('message', told);
    worker.once('exit', early);
    worker.once('listening', () => {
      worker.off('exit', early);
      worker.off('message', told);
      resolve();
    });
  });
}
