import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { SCENARIO_IDS, WRITE_SCENARIO_IDS } from './org/context.ts';

/** How big an organisation the benchmark seeds. */
export const SCALES = {
  small: 100,
  org: 21_000,
  org5: 105_000,
} as const;

/** The earlier per-feature benches --feature names (bench/run.ts). */
const FEATURES = [
  'digest',
  'search',
  'talk',
  'wiki',
  'expertise',
  'directory',
  'group',
];

export type ScaleName = keyof typeof SCALES;
export type DatabaseKind = 'sqlite' | 'postgres';

export interface BenchOptions {
  scale: ScaleName;
  /** Staff the demo generator invents at this scale. */
  people: number;
  db: DatabaseKind;
  /** Run only the scenarios whose id contains this (or one of several,
   * given with commas). */
  only: string | undefined;
  /**
   * One of the earlier per-feature benches (digest, search, talk, wiki,
   * expertise, directory, group) instead of the organisation suite.
   */
  feature: string | undefined;
  /** Seconds at one connection, for the organisation suite's p50. */
  single: number;
  /** Concurrent writers in the organisation suite's writes. */
  writers: number;
  /**
   * The server's web processes (WEB_PROCESSES): by default one per core,
   * as the README advises for production.
   */
  processes: number;
  /** Leave the seeded database behind, to look at afterwards. */
  keep: boolean;
  /** Seed and keep, measuring nothing: the database for later --reuse. */
  seedOnly: boolean;
  /** A kept seed's description, to measure its reads again unseeded. */
  reuse: string | undefined;
  /** Seconds of load per HTTP scenario, after a short warm-up. */
  duration: number;
  /** Concurrent connections per HTTP scenario. */
  connections: number;
  /** Timed in-process searches. */
  queries: number;
}

/** `text` in lines of at most `width`, for the usage's second column. */
function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(27)}`);
}

export const USAGE = `Usage: npm run bench -- [options]

Seeds an organisation (bench/org/context.ts SHAPES), starts the server
in production mode and loads each page a signed-in member opens.

  --scale small|org|org5   the organisation's size (org: 21,000 people)
  --db sqlite|postgres     database to seed and serve from (sqlite)
  --only ID[,ID…]          only scenarios whose id holds one of these:
                           ${wrap(SCENARIO_IDS.join(', '), 46)}
  --duration SECONDS       load per scenario at many connections (10)
  --single SECONDS         load per page at one connection (5)
  --connections N          concurrent connections for reads (50)
  --writers N              concurrent writers (10)
  --processes N            the server's web processes, WEB_PROCESSES
                           (one per core, as advised for production)
  --keep                   keep the seeded database, and save what it
                           holds beside the results for --reuse
  --seed-only              seed and keep the database, measure nothing
  --reuse FILE             measure the reads of a kept database again,
                           without seeding (no writes or fan-out)

  --feature NAME           instead, an earlier per-feature bench: digest,
                           search (in process over 200,000 pieces of
                           content), talk, wiki, expertise, directory,
                           group; --connections defaults to 8 there
  --queries N              searches timed in process (3000)

PostgreSQL runs use a fresh database on BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432/test), dropped afterwards.
BENCH_SERVER_NODE_ARGS gives the server Node's own options, such as
"--cpu-prof --cpu-prof-dir=/tmp/profiles" to profile what it serves.`;

/** Reads the command line; throws an Error with a one-line reason. */
export function readBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: 'org' },
      db: { type: 'string', default: 'sqlite' },
      only: { type: 'string' },
      feature: { type: 'string' },
      duration: { type: 'string', default: '10' },
      single: { type: 'string', default: '5' },
      connections: { type: 'string' },
      writers: { type: 'string', default: '10' },
      processes: { type: 'string', default: String(availableParallelism()) },
      keep: { type: 'boolean', default: false },
      'seed-only': { type: 'boolean', default: false },
      reuse: { type: 'string' },
      queries: { type: 'string', default: '3000' },
    },
  });
  const scale = values.scale as ScaleName;
  if (!Object.hasOwn(SCALES, scale)) {
    throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  }
  if (values.db !== 'sqlite' && values.db !== 'postgres') {
    throw new Error('--db must be sqlite or postgres');
  }
  const seedOnly = values['seed-only'];
  if (seedOnly && (values.reuse !== undefined || values.feature)) {
    throw new Error('--seed-only seeds afresh: not with --reuse or --feature');
  }
  if (values.feature !== undefined && !FEATURES.includes(values.feature)) {
    throw new Error(`--feature must be one of ${FEATURES.join(', ')}`);
  }
  if (values.only !== undefined && values.feature !== undefined) {
    throw new Error('--only picks from the organisation suite, not --feature');
  }
  if (values.only !== undefined) {
    const words = values.only.split(',');
    for (const word of words) {
      if (!SCENARIO_IDS.some((id) => word !== '' && id.includes(word))) {
        throw new Error(
          word === ''
            ? '--only has an empty id'
            : `--only ${word} matches no scenario's id`,
        );
      }
    }
    const reads = SCENARIO_IDS.filter(
      (id) =>
        !WRITE_SCENARIO_IDS.includes(id) &&
        words.some((word) => id.includes(word)),
    );
    if (values.reuse !== undefined && reads.length === 0) {
      throw new Error(
        `--reuse measures reads only, and --only ${values.only} picks none`,
      );
    }
  }
  return {
    scale,
    people: SCALES[scale],
    db: values.db,
    only: values.only,
    feature: values.feature,
    duration: whole(values.duration, '--duration', 1, 600),
    single: whole(values.single, '--single', 1, 600),
    connections: whole(
      values.connections ?? (values.feature ? '8' : '50'),
      '--connections',
      1,
      1000,
    ),
    writers: whole(values.writers, '--writers', 1, 100),
    processes: whole(values.processes, '--processes', 1, 64),
    keep: values.keep || seedOnly,
    seedOnly,
    reuse: values.reuse,
    queries: whole(values.queries, '--queries', 1, 1_000_000),
  };
}

function whole(value: string, name: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  }
  return number;
}
