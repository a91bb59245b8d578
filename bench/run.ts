// `npm run bench`: the organisation suite (bench/org/run.ts), or with
// --feature one of the earlier per-feature benches below, which seed a
// demo organisation through the data layer, start the real server in
// production mode and measure one feature each. Numbers and ratios only;
// see options.ts for the flags.
import { randomBytes } from 'node:crypto';
import type { Database } from '../src/database.ts';
import { createApiToken } from '../src/features/auth/tokens.ts';
import { seedDemoSite } from '../src/demo-site.ts';
import type { DemoSiteResult } from '../src/demo-site.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { createBenchDatabase } from './database.ts';
import { benchDigests } from './digest-bench.ts';
import type { BenchDatabase } from './database.ts';
import { driveServer } from './load.ts';
import { runOrgBench } from './org/run.ts';
import type { Measurement } from './load.ts';
import { readBenchOptions, USAGE } from './options.ts';
import { groupScenarios } from './scenarios/groups.ts';
import { measureWiki } from './scenarios/wiki.ts';
import {
  EXPERTISE,
  formatExpertise,
  measureExpertise,
} from './scenarios/expertise.ts';
import type { ExpertiseTimings } from './scenarios/expertise.ts';
import { formatTalk, measureTalk, TALK_SIZES } from './talk.ts';
import { formatSearch, measureSearch, SEARCH } from './search.ts';
import type { SearchResults } from './search.ts';
import type { TalkResults } from './talk.ts';
import type { WikiTimings } from './scenarios/wiki.ts';
import type { GroupScenario } from './scenarios/groups.ts';
import type { BenchOptions } from './options.ts';
import { describeMachine, formatTable, saveResults } from './report.ts';
import type { ResultRow } from './report.ts';
import {
  buildQueryMix,
  DIRECTORY_SCENARIOS,
  mixPaths,
  timeSearches,
} from './scenarios/directory.ts';
import type { MixEntry, SearchTimings } from './scenarios/directory.ts';
import { startBareNode, startCivilMedia } from './server.ts';
import type { RunningServer } from './server.ts';

const TALK = { id: 'talk', name: 'talk thread and category pages' };
// The real server the Talk scenario starts listens here.
const TALK_PORT = 3301;
const WIKI = { id: 'wiki', name: 'wiki import, rendering and diff' };
const BARE = { id: 'bare-node', name: 'bare Node, same bytes as a page' };
const WARM_UP_SECONDS = 2;

interface Seeded {
  seed: DemoSiteResult;
  seconds: number;
  token: string;
  mix: MixEntry[];
  groups: GroupScenario[];
  inProcess: SearchTimings | undefined;
}

async function main(options: BenchOptions): Promise<void> {
  if (options.only === 'digest') {
    await benchDigests(options);
    return;
  }
  const machine = describeMachine();
  // An --only that is a scenario's whole id runs that one alone: 'search'
  // is also part of the directory scenarios' names.
  const ids = [...DIRECTORY_SCENARIOS, TALK, WIKI, BARE, EXPERTISE, SEARCH].map(
    (scenario) => scenario.id,
  );
  const exact = options.only !== undefined && ids.includes(options.only);
  const wanted = (scenario: { id: string; name: string }) =>
    !options.only ||
    (exact
      ? scenario.id === options.only
      : scenario.id.includes(options.only) ||
        scenario.name.includes(options.only));
  process.stdout.write(
    `CivilMedia bench: scale ${options.scale} (${options.people} people), ` +
      `${options.db}, ${options.connections} connections, ` +
      `${options.duration} s a scenario\n` +
      `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ` +
      `Node ${machine.node}\n`,
  );

  const database = await createBenchDatabase(options.db);
  const measured = new Map<string, Measurement>();
  let seeded: Seeded;
  let search: SearchResults | undefined;
  try {
    seeded = await seed(database, options, wanted(DIRECTORY_SCENARIOS[0]));
    if (seeded.inProcess) {
      measured.set(DIRECTORY_SCENARIOS[0].id, seeded.inProcess);
    }
    await measureOverHttp(database, options, seeded, wanted, measured);
    if (wanted(SEARCH)) {
      const share = options.scale === 'small' ? 0.01 : 1;
      search = await measureSearch(database.url, share);
      process.stdout.write(`\n${formatSearch(search, options.db)}\n`);
    }
  } finally {
    await database.drop();
  }

  const bare = measured.get(BARE.id);
  const rows: ResultRow[] = [
    ...DIRECTORY_SCENARIOS,
    ...seeded.groups,
    BARE,
  ].flatMap((scenario) => {
    const result = measured.get(scenario.id);
    if (!result) {
      return [];
    }
    const overHttp = scenario.id !== DIRECTORY_SCENARIOS[0].id;
    return [
      {
        id: scenario.id,
        scenario: scenario.name,
        perSecond: result.perSecond,
        p50: result.p50,
        p95: result.p95,
        p99: result.p99,
        samples: result.samples,
        failures: result.failures,
        ofBare: bare && overHttp ? result.perSecond / bare.perSecond : null,
      },
    ];
  });
  if (rows.length > 0) {
    process.stdout.write(`\n${formatTable(rows)}\n`);
  }
  let talk: TalkResults | undefined;
  if (wanted(TALK)) {
    talk = await measureTalk(options.db, {
      sizes: options.scale === 'small' ? TALK_SIZES.small : TALK_SIZES.full,
      rounds: options.scale === 'small' ? 30 : 100,
      duration: Math.min(options.duration, 5),
      connections: options.connections,
      port: TALK_PORT,
    });
    process.stdout.write(`\n${formatTalk(talk)}\n`);
  }
  let wiki: WikiTimings | undefined;
  if (wanted(WIKI)) {
    wiki = await measureWiki(options.db);
    process.stdout.write(`\n${formatWiki(wiki)}\n`);
  }
  let expertise: ExpertiseTimings | undefined;
  if (wanted(EXPERTISE)) {
    const rounds = options.scale === 'small' ? 10 : 30;
    expertise = await measureExpertise(options.db, options.people, rounds);
    process.stdout.write(`\n${formatExpertise(expertise)}\n`);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = await saveResults(`${stamp}-${options.scale}-${options.db}`, {
    date: new Date().toISOString(),
    options,
    machine,
    seeding: { ...seeded.seed, password: undefined, seconds: seeded.seconds },
    mix: seeded.mix.length,
    rows,
    inProcessByKind: seeded.inProcess?.byKind,
    wiki,
    talk,
    expertise,
    search,
  });
  process.stdout.write(`\nSaved to ${file}\n`);
}

/** Seeds the organisation, makes a member's token and a query mix. */
async function seed(
  database: BenchDatabase,
  options: BenchOptions,
  timeInProcess: boolean,
): Promise<Seeded> {
  const handle = openDatabase<Database>(database.url);
  try {
    await migrateToLatest(handle.db);
    const started = process.hrtime.bigint();
    const seed = await seedDemoSite(handle.db, {
      people: options.people,
      password: randomBytes(12).toString('base64url'),
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
      `Seeded ${seed.people} people, ${seed.posts} posts in ` +
        `${seed.departments} departments and ${seed.groups} groups in ` +
        `${seconds.toFixed(2)} s\n`,
    );
    const member = await handle.db
      .selectFrom('people')
      .select('id')
      .where('role', '=', 'member')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const { token } = await createApiToken(handle.db, member.id, 'bench');
    const mix = await buildQueryMix(handle.db);
    const groups = await groupScenarios(handle.db);
    const inProcess = timeInProcess
      ? await timeSearches(handle.db, mix, options.queries)
      : undefined;
    return { seed, seconds, token, mix, groups, inProcess };
  } finally {
    await handle.close();
  }
}

async function measureOverHttp(
  database: BenchDatabase,
  options: BenchOptions,
  seeded: Seeded,
  wanted: (scenario: { id: string; name: string }) => boolean,
  measured: Map<string, Measurement>,
): Promise<void> {
  const overHttp = DIRECTORY_SCENARIOS.filter((scenario) => 'path' in scenario);
  const groups = seeded.groups.filter(wanted);
  if (!overHttp.some(wanted) && groups.length === 0 && !wanted(BARE)) {
    return;
  }
  const headers = { authorization: `Bearer ${seeded.token}` };
  const load = (server: RunningServer, paths: string[], duration: number) =>
    driveServer({
      origin: server.origin,
      paths,
      headers,
      connections: options.connections,
      duration,
    });
  const app = await startCivilMedia(database.url);
  let page: { body: Buffer; contentType: string };
  try {
    const samplePath = mixPaths('/people', seeded.mix)[0] ?? '/people';
    const response = await fetch(`${app.origin}${samplePath}`, { headers });
    if (!response.ok) {
      throw new Error(`${samplePath} answered ${response.status}`);
    }
    page = {
      body: Buffer.from(await response.arrayBuffer()),
      contentType: response.headers.get('content-type') ?? 'text/html',
    };
    for (const scenario of overHttp) {
      if (!('path' in scenario) || !wanted(scenario)) {
        continue;
      }
      const paths = mixPaths(scenario.path, seeded.mix);
      await load(app, paths, WARM_UP_SECONDS);
      measured.set(scenario.id, await load(app, paths, options.duration));
    }
    for (const scenario of groups) {
      await load(app, scenario.paths, WARM_UP_SECONDS);
      measured.set(
        scenario.id,
        await load(app, scenario.paths, options.duration),
      );
    }
  } finally {
    await app.stop();
  }
  if (wanted(BARE)) {
    const bare = await startBareNode(page.body, page.contentType);
    try {
      const paths = mixPaths('/people', seeded.mix);
      await load(bare, paths, WARM_UP_SECONDS);
      measured.set(BARE.id, await load(bare, paths, options.duration));
    } finally {
      await bare.stop();
    }
  }
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
let options: BenchOptions;
try {
  options = readBenchOptions(args);
} catch (error) {
  // One line says what is wrong; the whole usage would bury it.
  process.stderr.write(
    `bench: ${(error as Error).message}\n` +
      'npm run bench -- --help lists the options.\n',
  );
  process.exit(2);
}
if (options.feature) {
  await main({ ...options, only: options.feature });
} else {
  try {
    await runOrgBench(options);
  } catch (error) {
    // A file or database the bench cannot use is a message, not a trace.
    const code = (error as NodeJS.ErrnoException).code;
    if (
      code !== 'ENOENT' &&
      code !== 'EACCES' &&
      code !== 'EISDIR' &&
      !(error instanceof SyntaxError)
    ) {
      throw error;
    }
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  }
}

/** The wiki's in-process numbers, as a small table of their own. */
function formatWiki(wiki: WikiTimings): string {
  const lines = [
    `wiki (in process)${' '.repeat(27)}p50 ms   p95 ms`,
    `import ${wiki.importedRevisions} MediaWiki revisions: ` +
      `${wiki.importRate.toFixed(0)} revisions/s`,
  ];
  for (const timing of wiki.timings) {
    lines.push(
      `${timing.name.padEnd(42)} ${timing.p50.toFixed(2).padStart(7)}` +
        `  ${timing.p95.toFixed(2).padStart(7)}`,
    );
  }
  return lines.join('\n');
}
