// The organisation-scale suite `npm run bench` runs: seed one scale
// through the data layer, start the real server in production mode, and
// load every page a member opens, each beside a bare node:http server
// sending the same bytes; then the writes, the fan-out of a new thread
// to everyone, and signing in. Prints numbers and ratios, never a verdict.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { Database } from '../../src/database.ts';
import { createApiToken } from '../../src/features/auth/tokens.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { dialectOf } from '../../src/platform/db/dialect.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { benchDatabaseExists, createBenchDatabase } from '../database.ts';
import type { BenchOptions } from '../options.ts';
import { describeCode, describeMachine, saveResults } from '../report.ts';
import { startCivilMedia, stopStartedServers } from '../server.ts';
import type { RunningServer } from '../server.ts';
import type {
  BenchAuth,
  ReadScenario,
  ScenarioId,
  WriteRequest,
  WriteScenario,
} from './context.ts';
import { drive } from './drive.ts';
import type { Driven } from './drive.ts';
import { measureRead, serverMemory, WARM_UP_SECONDS } from './measure.ts';
import type { LoadSettings, ReadRow } from './measure.ts';
import { countPageQueries } from './queries.ts';
import { seedOrganisation } from './seed.ts';
import type { OrgSeed } from './seed.ts';
import { benchAuth, signIn } from './session.ts';
import { formatOrgReport } from './table.ts';
import type { FanoutResult, OrgReport, WriteRow } from './table.ts';

const FANOUT_LIMIT_MS = 180_000;

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 129,
  SIGINT: 130,
  SIGPIPE: 141,
  SIGTERM: 143,
};

/**
 * Lets the event loop turn every tenth of a second while seeding: SQLite's
 * statements run on this thread, and without a turn a Ctrl-C waited until
 * the whole seed had finished, minutes later.
 */
class LetSignalsIn implements KyselyPlugin {
  private turned = performance.now();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(
    args: PluginTransformResultArgs,
  ): Promise<QueryResult<UnknownRow>> {
    if (performance.now() - this.turned > 100) {
      await new Promise((resolve) => setImmediate(resolve));
      this.turned = performance.now();
    }
    return args.result;
  }
}

export async function runOrgBench(given: BenchOptions): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const machine = describeMachine();
  const kept = given.reuse ? await readKept(given.reuse) : null;
  // A kept database says itself which database and scale it is.
  const options: BenchOptions = kept
    ? {
        ...given,
        db: kept.url.startsWith('sqlite:') ? 'sqlite' : 'postgres',
        scale: kept.scale ?? given.scale,
      }
    : given;
  const code = describeCode();
  say(
    `CivilMedia bench: scale ${options.scale}, ${options.db}, ` +
      `${options.connections} connections, ${options.writers} writers, ` +
      (options.processes > 1 ? `${options.processes} web processes, ` : '') +
      `${options.duration} s a load (${options.single} s at 1 connection)\n` +
      `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node}, commit ${code.commit?.slice(0, 7) ?? 'unknown'}` +
      (code.changed ? ' with uncommitted changes' : ''),
  );
  const database = kept
    ? { url: kept.url, drop: () => Promise.resolve() }
    : await createBenchDatabase(options.db);
  const handle = openDatabase<Database>(database.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-bench-data-'));
  // Set once a seed is whole and described for --reuse: only then does
  // --keep keep the database when the run is ended early.
  let keptFile: string | null = null;
  const removeWhatWasMade = async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (!options.keep || (!kept && keptFile === null)) {
      await database.drop();
    }
  };
  // Ctrl-C, a kill, a closed terminal or a closed output ends the run without leaving
  // servers, a PostgreSQL database or a data folder behind. What the run
  // was doing then fails as its server and database go; those failures
  // are expected and not shown. A second Ctrl-C waits for the first.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      return;
    }
    stopping = true;
    const quietly = () => undefined;
    process.on('uncaughtException', quietly);
    process.on('unhandledRejection', quietly);
    process.stdout.on('error', quietly);
    say(`\n${signal}: stopping the servers and removing what this run made`);
    void (async () => {
      await stopStartedServers().catch(quietly);
      await removeWhatWasMade().catch(quietly);
      process.exit(EXIT_CODES[signal] ?? 1);
    })();
  };
  // The output listener stays to the end: a write that fails may be told
  // after the run has finished, and unheard it would end the process.
  process.stdout.on('error', () => onSignal('SIGPIPE'));
  for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
    process.on(signal, onSignal);
  }
  const secret = randomBytes(32).toString('base64url');
  const env = {
    COOKIE_SECRET: secret,
    DATA_DIR: dataDir,
    // Signing in is measured on purpose; the limit is for attackers.
    SIGN_IN_RATE_LIMIT: '10000',
    WEB_PROCESSES: String(options.processes),
  };
  try {
    await migrateToLatest(handle.db);
    const started = performance.now();
    let seed: OrgSeed;
    if (kept) {
      seed = keptSeed(kept);
      say(`Measuring the kept database ${kept.url} again`);
    } else {
      say('Seeding:');
      seed = await seedOrganisation(
        handle.db.withPlugin(new LetSignalsIn()),
        options.scale,
        randomBytes(12).toString('base64url'),
        say,
      );
    }
    const seedSeconds = kept
      ? kept.seedSeconds
      : (performance.now() - started) / 1000;
    say(
      kept
        ? `Seeded earlier, in ${seedSeconds.toFixed(1)} s`
        : `Seeded in ${seedSeconds.toFixed(1)} s`,
    );
    if (options.keep && !kept) {
      // Stamped, so a second kept seed does not hide the first.
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const name = `kept-${options.scale}-${options.db}-${stamp}`;
      keptFile = await saveResults(name, {
        url: database.url,
        commit: code.commit,
        scale: options.scale,
        memberId: seed.memberId,
        memberEmail: seed.memberEmail,
        password: seed.password,
        reads: seed.reads,
        seconds: seed.seconds,
        counts: seed.counts,
        seedSeconds,
      } satisfies Kept);
      say(`What the kept database holds: ${keptFile}`);
    }
    if (options.seedOnly) {
      say(`Kept the database: ${database.url}`);
      return;
    }
    const report = await measure(handle.db, database.url, seed, options, env);
    report.seedSeconds = seedSeconds;
    report.seedParts = seed.seconds;
    report.counts = seed.counts;
    report.databaseMiB = await databaseSize(handle.db, database.url);
    say(`\n${formatOrgReport(report)}`);
    const broken = [
      ...report.reads
        .filter((row) => row.status !== 200)
        .map((row) => row.name),
      ...report.writes
        .filter((row) => row.load === null)
        .map((row) => row.name),
    ];
    if (broken.length > 0) {
      // Not a verdict on speed: these could not be measured at all.
      say(`\nNot measured, the first request failed: ${broken.join('; ')}`);
      process.exitCode = 1;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const file = await saveResults(
      `${stamp}-org-${options.scale}-${options.db}`,
      {
        date: new Date().toISOString(),
        options,
        machine,
        ...code,
        ...report,
      },
    );
    say(`\nSaved to ${file}`);
    if (options.keep) {
      say(`Kept the database: ${database.url}`);
    }
  } catch (error) {
    if (stopping) {
      // The signal's clean-up ends the process.
      return new Promise<void>(() => undefined);
    }
    throw error;
  } finally {
    if (!stopping) {
      await handle.close();
      await removeWhatWasMade();
      for (const signal of ['SIGHUP', 'SIGINT', 'SIGTERM'] as const) {
        process.off(signal, onSignal);
      }
    }
  }
}

async function measure(
  db: Kysely<Database>,
  url: string,
  seed: OrgSeed,
  options: BenchOptions,
  env: Record<string, string>,
): Promise<OrgReport> {
  const settings: LoadSettings = {
    duration: options.duration,
    single: options.single,
    connections: options.connections,
  };
  // --only takes one word or several with commas: "reply,thread-new".
  const words = options.only?.split(',').filter((word) => word !== '');
  const wanted = (scenario: { id: ScenarioId }) =>
    !words || words.some((word) => scenario.id.includes(word));
  const { token } = await createApiToken(db, seed.memberId, 'bench');
  const report: OrgReport = {
    reads: [],
    writes: [],
    signIn: null,
    fanout: null,
    memory: null,
    seedSeconds: 0,
    seedParts: {},
    counts: {},
    databaseMiB: null,
  };
  // No job workers while the writes run: each new thread would tell all
  // 21,000 people, and hundreds of such fan-outs would still be running
  // under the later numbers. The fan-out is measured on its own below.
  let server = await startCivilMedia(url, undefined, {
    ...env,
    JOB_WORKERS: '0',
  });
  try {
    const auth = await benchAuth(
      server.origin,
      seed.memberEmail,
      seed.password,
      token,
    );
    const headers = { cookie: auth.cookie };
    const reads = seed.reads.filter(wanted);
    const queries = await countPageQueries(
      db,
      url,
      env.COOKIE_SECRET ?? '',
      reads,
      headers,
    );
    for (const scenario of reads) {
      process.stdout.write(`  ${scenario.name} … `);
      const row = await measureRead(server.origin, scenario, headers, settings);
      row.queries = queries.get(scenario.id) ?? null;
      report.reads.push(row);
      const failing = row.many?.firstFailure;
      process.stdout.write(
        row.many
          ? `${row.many.perSecond.toFixed(0)}/s` +
              (failing ? `, some answered ${failing}\n` : '\n')
          : `answered ${row.status}\n`,
      );
    }
    // This server runs no job workers, so no jobs process is counted.
    report.memory = await serverMemory(server.pid);
    for (const write of seed.writes.filter(wanted)) {
      report.writes.push(await measureWrite(server, write, auth, options));
    }
    if (wanted({ id: 'sign-in' })) {
      const people = await db
        .selectFrom('people')
        .select('email')
        .where('status', '=', 'active')
        .where('role', '=', 'member')
        .where('email', 'is not', null)
        .orderBy('id')
        .limit(options.writers * 20)
        .execute();
      const emails = people.flatMap((person) =>
        person.email ? [person.email] : [],
      );
      report.signIn = await measureSignIn(server.origin, seed, emails, options);
    }
  } finally {
    await server.stop();
  }
  // What the writes queued would tell thousands; it is not measured.
  await db.deleteFrom('jobs').where('state', '=', 'queued').execute();
  if (wanted({ id: 'fanout' })) {
    server = await startCivilMedia(url, undefined, env);
    try {
      const auth = await benchAuth(
        server.origin,
        seed.memberEmail,
        seed.password,
        token,
      );
      report.fanout = await measureFanout(server, seed, auth, settings);
    } finally {
      await server.stop();
    }
  }
  return report;
}

async function measureWrite(
  server: RunningServer,
  write: WriteScenario,
  auth: BenchAuth,
  options: BenchOptions,
): Promise<WriteRow> {
  process.stdout.write(`  ${write.name} … `);
  // A first request on its own: a write that fails says why at once.
  const answer = await send(server, write.request(0, auth));
  if (answer.status >= 400) {
    process.stdout.write(`answered ${answer.status}\n`);
    return {
      id: write.id,
      name: write.name,
      status: answer.status,
      load: null,
    };
  }
  const load = await drive({
    origin: server.origin,
    connections: options.writers,
    duration: Math.max(1, Math.round(options.duration / 2)),
    request: (n) => write.request(n + 1, auth),
  });
  process.stdout.write(`${load.perSecond.toFixed(0)}/s\n`);
  return { id: write.id, name: write.name, status: answer.status, load };
}

/**
 * Sign-ins one after another, then `--writers` at once, each on a fresh
 * jar. At once they are different people, as on a Monday morning: one
 * account signing in from one address many times at once is what the
 * sign-in throttle exists to stop (features/auth/throttle.ts).
 */
async function measureSignIn(
  origin: string,
  seed: OrgSeed,
  emails: readonly string[],
  options: BenchOptions,
): Promise<{ one: number[]; many: number[]; seconds: number }> {
  process.stdout.write('  sign-in … ');
  const one: number[] = [];
  for (let n = 0; n < 20; n += 1) {
    one.push(
      (await signIn(origin, seed.memberEmail, seed.password)).milliseconds,
    );
  }
  const many: number[] = [];
  const started = performance.now();
  const until = started + Math.max(1, options.duration / 2) * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: options.writers }, async () => {
      while (performance.now() < until) {
        const email = emails[next % emails.length] ?? seed.memberEmail;
        next += 1;
        many.push((await signIn(origin, email, seed.password)).milliseconds);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(`${(many.length / seconds).toFixed(0)}/s\n`);
  return { one, many, seconds };
}

/**
 * Posts one thread in the category everyone watches, then reads the
 * thread page at full load until the last notification is written.
 */
async function measureFanout(
  server: RunningServer,
  seed: OrgSeed,
  auth: BenchAuth,
  settings: LoadSettings,
): Promise<FanoutResult | null> {
  const write = seed.writes.find((w) => w.id === 'thread-new');
  const read = seed.reads.find((r) => r.id === 'thread');
  if (!write || !read) {
    return null;
  }
  process.stdout.write('  fan-out of a new thread to everyone … ');
  const headers = { cookie: auth.cookie };
  const get = () => ({ method: 'GET' as const, path: read.path, headers });
  // This server was just started: warmed as each read is, or the idle p99
  // is a cold start's (1.1 s against the read table's 0.5 s) and flatters
  // the ratio during the fan-out.
  await drive({
    origin: server.origin,
    connections: settings.connections,
    duration: Math.min(WARM_UP_SECONDS, settings.duration),
    request: get,
  });
  const idle = await drive({
    origin: server.origin,
    connections: settings.connections,
    duration: settings.duration,
    request: get,
  });
  const request = write.request(1_000_000, auth);
  const title = new URLSearchParams(request.body).get('title') ?? '';
  const posted = performance.now();
  const answer = await send(server, request);
  const answeredMs = performance.now() - posted;
  let finishedMs: number | null = null;
  let notified = 0;
  const done = (async () => {
    while (performance.now() - posted < FANOUT_LIMIT_MS) {
      notified = await seed.notified(title);
      if (notified >= seed.fanoutExpected) {
        finishedMs = performance.now() - posted;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  const during = await drive({
    origin: server.origin,
    connections: settings.connections,
    duration: FANOUT_LIMIT_MS / 1000,
    until: done,
    request: get,
  });
  await done;
  process.stdout.write(
    finishedMs === null
      ? 'unfinished\n'
      : `${(finishedMs / 1000).toFixed(1)} s\n`,
  );
  return {
    status: answer.status,
    answeredMs,
    finishedMs,
    notified,
    expected: seed.fanoutExpected,
    idle,
    during,
  };
}

/** What --keep saves of a seeded database, for --reuse. */
interface Kept {
  url: string;
  /** The commit that seeded it; absent from files kept before. */
  commit?: string | null;
  /** Absent from files kept before it was saved. */
  scale?: BenchOptions['scale'];
  memberId: number;
  memberEmail: string;
  password: string;
  reads: ReadScenario[];
  seconds: Record<string, number>;
  counts: Record<string, number>;
  seedSeconds: number;
}

export async function readKept(file: string): Promise<Kept> {
  const notKept = new SyntaxError(`${file} is not a file that --keep wrote`);
  let kept: Partial<Kept>;
  try {
    kept = JSON.parse(await readFile(file, 'utf8')) as Partial<Kept>;
  } catch (error) {
    // Not JSON at all: the same one line as JSON of another shape.
    throw error instanceof SyntaxError ? notKept : error;
  }
  if (
    typeof kept?.url !== 'string' ||
    !Array.isArray(kept.reads) ||
    typeof kept.memberEmail !== 'string'
  ) {
    // A SyntaxError is what bench/run.ts shows as one line.
    throw notKept;
  }
  if (!(await benchDatabaseExists(kept.url))) {
    throw new SyntaxError(`${file} keeps ${kept.url}, which is gone`);
  }
  return kept as Kept;
}

function keptSeed(kept: Kept): OrgSeed {
  return {
    memberId: kept.memberId,
    memberEmail: kept.memberEmail,
    password: kept.password,
    reads: kept.reads,
    writes: [],
    seconds: kept.seconds,
    counts: kept.counts,
    notified: () => Promise.resolve(0),
    fanoutExpected: 0,
  };
}

/** Sends one write as it stands, and reads its answer to the end. */
async function send(
  server: RunningServer,
  request: WriteRequest,
): Promise<Response> {
  const answer = await fetch(`${server.origin}${request.path}`, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
  });
  await answer.arrayBuffer();
  return answer;
}

async function databaseSize(
  db: Kysely<Database>,
  url: string,
): Promise<number | null> {
  if (dialectOf(db) === 'postgres') {
    const { rows } = await sql<{ bytes: number }>`
      select pg_database_size(current_database()) as bytes`.execute(db);
    return Number(rows[0]?.bytes ?? 0) / 2 ** 20;
  }
  const file = url.slice('sqlite:'.length);
  let bytes = 0;
  for (const suffix of ['', '-wal']) {
    bytes += await stat(file + suffix).then(
      (found) => found.size,
      () => 0,
    );
  }
  return bytes / 2 ** 20;
}

export type { Driven, ReadRow };
