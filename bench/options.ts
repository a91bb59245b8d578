import { parseArgs } from 'node:util';

/** How big an organisation the benchmark seeds. */
export const SCALES = {
  small: 100,
  org: 21_000,
  org5: 105_000,
} as const;

export type ScaleName = keyof typeof SCALES;
export type DatabaseKind = 'sqlite' | 'postgres';

export interface BenchOptions {
  scale: ScaleName;
  /** Staff the demo generator invents at this scale. */
  people: number;
  db: DatabaseKind;
  /** Run only the scenarios whose id or name contains this. */
  only: string | undefined;
  /** Seconds of load per HTTP scenario, after a short warm-up. */
  duration: number;
  /** Concurrent connections per HTTP scenario. */
  connections: number;
  /** Timed in-process searches. */
  queries: number;
}

export const USAGE = `Usage: npm run bench -- [options]

  --scale small|org|org5   people to seed: 100, 21,000 or 105,000 (org)
  --db sqlite|postgres     database to seed and serve from (sqlite)
  --only NAME              run only scenarios whose id or name has NAME,
                           or the one whose id is NAME (search: one
                           search over 200,000 pieces of content)
  --duration SECONDS       load per HTTP scenario (10)
  --connections N          concurrent connections per HTTP scenario (8)
  --queries N              searches timed in process (3000)

PostgreSQL runs use a fresh database on BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432/test), dropped afterwards.`;

/** Reads the command line; throws an Error with a one-line reason. */
export function readBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: 'org' },
      db: { type: 'string', default: 'sqlite' },
      only: { type: 'string' },
      duration: { type: 'string', default: '10' },
      connections: { type: 'string', default: '8' },
      queries: { type: 'string', default: '3000' },
    },
  });
  const scale = values.scale as ScaleName;
  if (!(scale in SCALES)) {
    throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}`);
  }
  if (values.db !== 'sqlite' && values.db !== 'postgres') {
    throw new Error('--db must be sqlite or postgres');
  }
  return {
    scale,
    people: SCALES[scale],
    db: values.db,
    only: values.only,
    duration: whole(values.duration, '--duration', 1, 600),
    connections: whole(values.connections, '--connections', 1, 1000),
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
