// How a SQLite transaction waits for the write lock.
//
// SQLite has one write lock for the whole file, shared by every process
// that has it open (each web process, an import, `jobs run`). A
// transaction takes the lock when it begins (BEGIN IMMEDIATE): a deferred
// transaction that read first and wrote later would fail at once with
// "database is locked" if another process wrote in between, because
// waiting could deadlock.
//
// While another process holds the lock, SQLite's own busy handler sleeps
// inside the call, for 1, 2, 5 … up to 100 ms at a time. better-sqlite3
// calls SQLite synchronously, so the whole web process stood still for
// that sleep: its reads waited behind one write, and the writer slept on
// after the lock was free. Here BEGIN IMMEDIATE is tried without SQLite's
// handler; when the lock is taken the connection is handed back, so the
// process serves other requests, and the transaction tries again a
// millisecond or a few later. It gives up after the same 5 seconds as the
// busy handler, with the same SQLITE_BUSY error.
//
// Statements outside a transaction (a single UPDATE) still wait in
// SQLite's busy handler, holding up their process while they wait.
import type SQLite from 'better-sqlite3';
import { SqliteDialect, SqliteDriver } from 'kysely';
import type { Driver, SqliteDialectConfig } from 'kysely';

/** How long any statement waits for the write lock, in milliseconds. */
export const BUSY_TIMEOUT_MS = 5000;

/** Longest pause between two tries for the lock, in milliseconds. */
const LONGEST_PAUSE_MS = 4;

/** A SQLite dialect whose transactions begin immediate and wait politely. */
export class ImmediateSqliteDialect extends SqliteDialect {
  /**
   * `raw` is the connection `settings.database` wraps; `busyTimeoutMs`
   * must be the connection's busy_timeout.
   */
  constructor(
    private readonly settings: SqliteDialectConfig,
    private readonly raw: SQLite.Database,
    private readonly busyTimeoutMs = BUSY_TIMEOUT_MS,
  ) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(
      this.settings,
      this.raw,
      this.busyTimeoutMs,
    );
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    settings: SqliteDialectConfig,
    private readonly raw: SQLite.Database,
    private readonly busyTimeoutMs: number,
  ) {
    super(settings);
    // Prepared once: every transaction runs all three.
    this.statements = {
      noWaiting: raw.prepare('pragma busy_timeout = 0'),
      begin: raw.prepare('begin immediate'),
      waiting: raw.prepare(`pragma busy_timeout = ${busyTimeoutMs}`),
    };
  }

  private readonly statements: Record<
    'noWaiting' | 'begin' | 'waiting',
    SQLite.Statement
  >;

  /** Transactions of this process waiting for the write lock. */
  private waiting = 0;
  /** Settles when the last of them has begun or given up. */
  private lastInLine: Promise<void> = Promise.resolve();

  override async beginTransaction(): Promise<void> {
    if (this.waiting === 0 && this.tryBegin() === null) {
      return;
    }
    // One transaction of this process at a time waits for the lock, the
    // others in the order they came, as they did behind SQLite's busy
    // handler; each has the busy timeout from when its turn comes. Were
    // all of them to try at once, each from its own start, those at the
    // back ran out of time while another process (an import) kept
    // taking the lock, and their requests failed.
    this.waiting += 1;
    const before = this.lastInLine;
    let myTurnIsOver = () => {};
    this.lastInLine = new Promise((resolve) => {
      myTurnIsOver = resolve;
    });
    await super.releaseConnection();
    try {
      await before;
      await super.acquireConnection();
      await this.waitForLock();
    } finally {
      this.waiting -= 1;
      myTurnIsOver();
    }
  }

  /** Tries BEGIN IMMEDIATE until it works or the busy timeout passes. */
  private async waitForLock(): Promise<void> {
    const giveUpAt = performance.now() + this.busyTimeoutMs;
    for (let tries = 1; ; tries += 1) {
      const busy = this.tryBegin();
      if (busy === null) {
        return;
      }
      if (performance.now() >= giveUpAt) {
        throw busy;
      }
      // Kysely has one connection per process and lends it to one caller
      // at a time; no transaction is open on it, so it may serve others
      // while this one waits.
      await super.releaseConnection();
      await pause(Math.min(tries, LONGEST_PAUSE_MS));
      await super.acquireConnection();
    }
  }

  /**
   * BEGIN IMMEDIATE without SQLite's sleeping busy handler: null once
   * begun, SQLite's SQLITE_BUSY error while another process writes.
   */
  private tryBegin(): Error | null {
    this.statements.noWaiting.get();
    try {
      this.statements.begin.run();
      return null;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        return error as Error;
      }
      throw error;
    } finally {
      this.statements.waiting.get();
    }
  }
}

function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
