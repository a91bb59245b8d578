// The search bench (`npm run bench -- --only search [--db postgres]`):
// on the demo organisation of 21,000 people, 200,000 pieces of content
// (./search-seed.ts), then searches timed in process as a signed-in
// member through the same function the page and the API call: the
// ranked, visibility-filtered page of 20 with its total, links and
// snippets.
import type { Kysely } from 'kysely';
import type { PersonActor } from '../src/access/actor.ts';
import type { Database } from '../src/database.ts';
import { search } from '../src/features/search/service.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { explainSearch } from './search-explain.ts';
import { seedSearchContent } from './search-seed.ts';

export const SEARCH = { id: 'search', name: 'one search over everything' };

export interface SearchTiming {
  name: string;
  query: string;
  total: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface SearchResults {
  restrictedShare: number;
  seconds: { content: number; index: number };
  timings: SearchTiming[];
  plans: string[];
}

const ROUNDS = 100;
const WARM_UP = 10;

function percentile(sorted: readonly number[], share: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.ceil(share * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)] ?? 0;
}

/** Seeds the content into the bench database at `url` and times searches. */
export async function measureSearch(
  url: string,
  share = 1,
): Promise<SearchResults> {
  const handle = openDatabase<Database>(url);
  try {
    const db = handle.db;
    const people = await db
      .selectFrom('people')
      .select(['id', 'display_name', 'role'])
      .where('status', '=', 'active')
      .orderBy('id')
      .execute();
    const member = people.find((person) => person.role === 'member');
    const named = people[Math.floor(people.length / 2)];
    if (!member || !named) {
      throw new Error('the demo organisation has no members');
    }
    const seeded = await seedSearchContent(
      db,
      people.map((person) => person.id),
      member.id,
      share,
    );
    const reader: PersonActor = {
      kind: 'person',
      id: member.id,
      role: 'member',
      displayName: member.display_name,
      via: 'session',
    };
    const queries: [string, string][] = [
      ['rare word', 'zanzibar'],
      ['word in ~30% of content', 'policy'],
      ['two words', 'budget review'],
      ['phrase', '"annual leave"'],
      ['person name', named.display_name],
    ];
    const timings: SearchTiming[] = [];
    for (const [name, query] of queries) {
      timings.push(await timeQuery(db, reader, name, query));
    }
    const plans = await explainSearch(db, reader, 'policy');
    return { ...seeded, timings, plans };
  } finally {
    await handle.close();
  }
}

async function timeQuery(
  db: Kysely<Database>,
  reader: PersonActor,
  name: string,
  query: string,
): Promise<SearchTiming> {
  const page = { page: 1, pageSize: 20, offset: 0 };
  const samples: number[] = [];
  let total = 0;
  for (let round = 0; round < WARM_UP + ROUNDS; round += 1) {
    const started = performance.now();
    const result = await search(db, reader, { text: query }, page);
    const took = performance.now() - started;
    total = result.total;
    if (round >= WARM_UP) {
      samples.push(took);
    }
  }
  samples.sort((a, b) => a - b);
  return {
    name,
    query,
    total,
    p50: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
    p99: percentile(samples, 0.99),
  };
}

/** The results as a table of their own. */
export function formatSearch(results: SearchResults, db: string): string {
  const lines = [
    `search, in process, ${db} (share in closed or secret groups: ` +
      `${(results.restrictedShare * 100).toFixed(1)}%; content written in ` +
      `${results.seconds.content.toFixed(1)} s, indexed in ` +
      `${results.seconds.index.toFixed(1)} s)`,
    `${'query'.padEnd(42)} ${'found'.padStart(7)}  p50 ms  p95 ms  p99 ms`,
  ];
  for (const t of results.timings) {
    const label = `${t.name}: ${t.query}`.slice(0, 42).padEnd(42);
    lines.push(
      `${label} ${String(t.total).padStart(7)} ${t.p50.toFixed(1).padStart(7)}` +
        ` ${t.p95.toFixed(1).padStart(7)} ${t.p99.toFixed(1).padStart(7)}`,
    );
  }
  lines.push('', 'query plan for "policy":', ...results.plans);
  return lines.join('\n');
}
