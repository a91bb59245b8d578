import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import type { Page, PageRequest } from '../../platform/pagination.ts';
import { searchWords } from '../../platform/text.ts';
import { directoryMatch as postgresMatch } from './dialects/postgres.ts';
import { directoryMatch as sqliteMatch } from './dialects/sqlite.ts';
import { getPersonSummaries } from './people.ts';
import type { PersonSummary } from './people.ts';
import { getPostSummaries, gradeRank } from './posts.ts';
import type { PostSummary } from './posts.ts';

/** What someone asked the directory for. */
export interface DirectoryQuery {
  text: string;
  /** A department and the bodies under it. */
  departmentIds?: number[];
  grade?: string;
  location?: string;
  /** Only people, leaving out posts with no named holder. */
  peopleOnly?: boolean;
}

export type DirectoryHit =
  | { type: 'person'; person: PersonSummary }
  | { type: 'post'; post: PostSummary };

/** One row of the index as a search finds it. */
export interface EntryIds {
  kind: 'person' | 'post';
  person_id: number | null;
  post_id: number | null;
}

// Words past this add nothing a person would miss, and cost a join each.
const MAX_WORDS = 8;

/**
 * Searches people and unfilled posts by name, job title, unit, skills and
 * interests; every word must match the start of a word. Ranked by
 * relevance, then name. With no words, lists everyone by name.
 */
export async function searchDirectory(
  db: Db,
  query: DirectoryQuery,
  page: PageRequest,
): Promise<Page<DirectoryHit>> {
  const words = searchWords(query.text).slice(0, MAX_WORDS);
  let condition = filterSql(query);
  let order = sql`e.sort_key, e.id`;
  if (words.length > 0) {
    const match = dialectOf(db) === 'postgres' ? postgresMatch : sqliteMatch;
    condition = sql`${match(words)} ${condition}`;
    order = sql`${relevance(words)} desc, e.sort_key, e.id`;
  } else {
    condition = sql`1 = 1 ${condition}`;
  }
  const [rows, count] = await Promise.all([
    sql<EntryIds>`
      select e.kind, e.person_id, e.post_id from directory_entries e
      where ${condition}
      order by ${order} limit ${page.pageSize} offset ${page.offset}`.execute(
      db,
    ),
    sql<{ total: number }>`
      select count(*) as total from directory_entries e
      where ${condition}`.execute(db),
  ]);
  return {
    items: await hydrate(db, rows.rows),
    total: Number(count.rows[0]?.total ?? 0),
    page: page.page,
    pageSize: page.pageSize,
  };
}

// How much a word counts in each field: a name outranks a job title, which
// outranks a unit, which outranks a skill or interest. A whole word counts
// a little more than the start of a longer one ("ann" is Ann before Anne).
const FIELD_WEIGHTS = [
  ['name', 10],
  ['job_title', 5],
  ['unit_name', 3],
  ['tags', 2],
] as const;

/**
 * Relevance as SQL both databases evaluate alike, over the matched rows
 * only: for each word, the weight of every field it starts a word in.
 * The fields hold folded words separated by single spaces, and the words
 * hold only letters, digits and marks, so LIKE needs no escaping.
 */
function relevance(words: string[]) {
  const terms = words.flatMap((word) =>
    FIELD_WEIGHTS.map(([column, weight]) => {
      const field = sql`(' ' || e.${sql.ref(column)} || ' ')`;
      return sql`(case when ${field} like ${`% ${word} %`} then ${weight + 1}
        when ${field} like ${`% ${word}%`} then ${weight} else 0 end)`;
    }),
  );
  return sql`(${sql.join(terms, sql` + `)})`;
}

function filterSql(query: DirectoryQuery) {
  const parts = [];
  if (query.departmentIds) {
    parts.push(sql`and e.department_id in (${sql.join(query.departmentIds)})`);
  }
  if (query.grade) {
    parts.push(sql`and e.grade = ${query.grade}`);
  }
  if (query.location) {
    parts.push(sql`and e.location = ${query.location}`);
  }
  if (query.peopleOnly) {
    parts.push(sql`and e.kind = 'person'`);
  }
  return sql.join(parts, sql` `);
}

async function hydrate(db: Db, ids: EntryIds[]): Promise<DirectoryHit[]> {
  const personIds = ids.flatMap((row) => row.person_id ?? []);
  const postIds = ids.flatMap((row) => row.post_id ?? []);
  const [people, posts] = await Promise.all([
    getPersonSummaries(db, personIds),
    getPostSummaries(db, postIds),
  ]);
  const personById = new Map(people.map((person) => [person.id, person]));
  const postById = new Map(posts.map((post) => [post.id, post]));
  return ids.flatMap((row): DirectoryHit[] => {
    const person =
      row.person_id === null ? undefined : personById.get(row.person_id);
    if (person) {
      return [{ type: 'person', person }];
    }
    const post = row.post_id === null ? undefined : postById.get(row.post_id);
    return post ? [{ type: 'post', post }] : [];
  });
}

// The filter lists are short (grades and office locations), but the bound
// keeps a messy import from making a select box of thousands.
const MAX_OPTIONS = 200;

/** The grades and locations the directory can be filtered by. */
export async function directoryFacets(
  db: Db,
): Promise<{ grades: string[]; locations: string[] }> {
  const [grades, locations] = await Promise.all([
    distinctValues(db, 'grade'),
    distinctValues(db, 'location'),
  ]);
  grades.sort((a, b) => gradeRank(a) - gradeRank(b) || a.localeCompare(b));
  return { grades, locations };
}

/**
 * The distinct values of an indexed column, in order, found by jumping
 * from each value to the next in the index rather than reading every row:
 * a few dozen index seeks instead of a scan of the whole directory, on
 * both databases. Every search page shows these lists.
 */
async function distinctValues(
  db: Db,
  column: 'grade' | 'location',
): Promise<string[]> {
  const ref = sql.ref(column);
  const result = await sql<{ value: string | null }>`
    with recursive found(value, n) as (
      select min(${ref}), 1 from directory_entries where ${ref} is not null
      union all
      select (select min(${ref}) from directory_entries where ${ref} > found.value),
        n + 1
      from found where found.value is not null and n < ${MAX_OPTIONS}
    )
    select value from found where value is not null`.execute(db);
  return result.rows.flatMap((row) => row.value ?? []);
}
