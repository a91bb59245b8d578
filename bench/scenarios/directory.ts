import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/database.ts';
import { Random } from '../../src/features/people/demo/random.ts';
import { searchDirectory } from '../../src/features/people/search.ts';
import type { DirectoryQuery } from '../../src/features/people/search.ts';
import { searchWords } from '../../src/platform/text.ts';
import { percentiles } from '../load.ts';
import type { Measurement } from '../load.ts';

/** One search from the mix, as a person would type it. */
export interface MixEntry {
  kind: string;
  text: string;
  department?: { slug: string; ids: number[] };
  page: number;
}

export const DIRECTORY_SCENARIOS = [
  { id: 'search-in-process', name: 'directory search (in process)' },
  { id: 'search-page', name: 'directory search (page)', path: '/people' },
  { id: 'search-api', name: 'directory search (API)', path: '/api/v1/people' },
] as const;

const PAGE_SIZE = 25;
// How many of each kind of search make up a mix of a hundred.
const MIX = {
  surname: 20,
  'first name': 15,
  'job title word': 15,
  'unit word': 10,
  skill: 15,
  'two words': 10,
  'department filter': 10,
  'empty, page 2': 5,
} as const;
const SHORT_WORDS = new Set(['and', 'the', 'for', 'of', 'in']);

/**
 * A mix of searches drawn from what the seeded directory holds, in a
 * fixed shuffled order: the same database always gives the same mix.
 */
export async function buildQueryMix(
  db: Kysely<Database>,
  size = 400,
): Promise<MixEntry[]> {
  const random = new Random(7);
  const { total } = await db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  // About two thousand people spread across every department.
  const step = Math.max(1, Math.floor(Number(total) / 2000));
  const people = await db
    .selectFrom('people')
    .select('display_name')
    .where(sql<number>`id % ${step}`, '=', 0)
    .orderBy('id')
    .execute();
  const titles = await db
    .selectFrom('posts')
    .select('job_title')
    .distinct()
    .orderBy('job_title')
    .execute();
  const units = await db
    .selectFrom('units')
    .select('name')
    .orderBy('id')
    .execute();
  const skills = await db
    .selectFrom('person_tags')
    .select('label')
    .distinct()
    .where('kind', '=', 'skill')
    .orderBy('label')
    .execute();
  const departments = await db
    .selectFrom('departments')
    .select(['id', 'slug', 'parent_id'])
    .orderBy('id')
    .execute();

  const names = people.map((row) => row.display_name.split(' '));
  const titleWords = wordsOf(titles.map((row) => row.job_title));
  const unitWords = wordsOf(units.map((row) => row.name));
  const pick = <T>(items: readonly T[]) => random.pick(items);
  const makers: Record<keyof typeof MIX, () => MixEntry> = {
    surname: () => entry('surname', pick(names).at(-1) ?? ''),
    'first name': () => entry('first name', pick(names)[0] ?? ''),
    'job title word': () => entry('job title word', pick(titleWords)),
    'unit word': () => entry('unit word', pick(unitWords)),
    skill: () => entry('skill', pick(skills).label),
    'two words': () =>
      random.chance(0.5)
        ? entry('two words', pick(names).join(' '))
        : entry(
            'two words',
            pick(titles).job_title.split(' ').slice(0, 2).join(' '),
          ),
    'department filter': () => {
      const department = pick(departments.filter((d) => d.parent_id === null));
      const ids = departments
        .filter((d) => d.id === department.id || d.parent_id === department.id)
        .map((d) => d.id);
      return {
        ...entry('department filter', pick(titleWords)),
        department: { slug: department.slug, ids },
      };
    },
    'empty, page 2': () => ({ ...entry('empty, page 2', ''), page: 2 }),
  };
  const mix: MixEntry[] = [];
  for (const [kind, share] of Object.entries(MIX)) {
    const make = makers[kind as keyof typeof MIX];
    for (let i = 0; i < Math.round((share * size) / 100); i += 1) {
      mix.push(make());
    }
  }
  return random.sample(mix, mix.length);
}

function entry(kind: string, text: string): MixEntry {
  return { kind, text, page: 1 };
}

function wordsOf(values: string[]): string[] {
  const words = new Set<string>();
  for (const value of values) {
    for (const word of searchWords(value)) {
      if (word.length > 2 && !SHORT_WORDS.has(word)) {
        words.add(word);
      }
    }
  }
  return [...words].sort();
}

/** The mix as paths under `base`, with their query strings. */
export function mixPaths(base: string, mix: readonly MixEntry[]): string[] {
  return mix.map((search) => {
    const query = new URLSearchParams({ q: search.text });
    if (search.department) {
      query.set('department', search.department.slug);
    }
    if (search.page !== 1) {
      query.set('page', String(search.page));
    }
    return `${base}?${query}`;
  });
}

/** The in-process timings, also split by the kind of search. */
export interface SearchTimings extends Measurement {
  byKind: Record<string, ReturnType<typeof percentiles> & { samples: number }>;
}

/**
 * Times searchDirectory itself, one search after another on this
 * process's own connection, after one untimed pass over the mix.
 */
export async function timeSearches(
  db: Kysely<Database>,
  mix: readonly MixEntry[],
  count: number,
): Promise<SearchTimings> {
  const run = (search: MixEntry) => {
    const query: DirectoryQuery = { text: search.text };
    if (search.department) {
      query.departmentIds = search.department.ids;
    }
    const offset = (search.page - 1) * PAGE_SIZE;
    return searchDirectory(db, query, {
      page: search.page,
      pageSize: PAGE_SIZE,
      offset,
    });
  };
  for (const search of mix) {
    await run(search);
  }
  const timings: number[] = [];
  const kinds = new Map<string, number[]>();
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const search = mix[i % mix.length] as MixEntry;
    const before = process.hrtime.bigint();
    await run(search);
    const milliseconds = Number(process.hrtime.bigint() - before) / 1e6;
    timings.push(milliseconds);
    const ofKind = kinds.get(search.kind) ?? [];
    ofKind.push(milliseconds);
    kinds.set(search.kind, ofKind);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const byKind: SearchTimings['byKind'] = {};
  for (const [kind, values] of kinds) {
    byKind[kind] = { ...percentiles(values), samples: values.length };
  }
  return {
    perSecond: count / seconds,
    ...percentiles(timings),
    samples: count,
    failures: 0,
    byKind,
  };
}
