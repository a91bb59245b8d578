import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import type { Page, PageRequest } from '../../platform/pagination.ts';
import { searchWords } from '../../platform/text.ts';
import { matchDirectory as matchPostgres } from './dialects/postgres.ts';
import { matchDirectory as matchSqlite } from './dialects/sqlite.ts';
import { getPersonSummaries } from './people.ts';
import type { PersonSummary } from './people.ts';
import { getPostSummaries } from './posts.ts';
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
  const filters = filterSql(query);
  const found =
    words.length === 0
      ? await listAll(db, filters, page.pageSize, page.offset)
      : await (dialectOf(db) === 'postgres' ? matchPostgres : matchSqlite)(
          db,
          words,
          filters,
          page.pageSize,
          page.offset,
        );
  return {
    items: await hydrate(db, found.ids),
    total: found.total,
    page: page.page,
    pageSize: page.pageSize,
  };
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

async function listAll(
  db: Db,
  filters: ReturnType<typeof filterSql>,
  limit: number,
  offset: number,
): Promise<{ ids: EntryIds[]; total: number }> {
  const [rows, count] = await Promise.all([
    sql<EntryIds>`
      select e.kind, e.person_id, e.post_id from directory_entries e
      where 1 = 1 ${filters}
      order by e.sort_key, e.id limit ${limit} offset ${offset}`.execute(db),
    sql<{ total: number }>`
      select count(*) as total from directory_entries e
      where 1 = 1 ${filters}`.execute(db),
  ]);
  return { ids: rows.rows, total: Number(count.rows[0]?.total ?? 0) };
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
    db
      .selectFrom('directory_entries')
      .select('grade')
      .distinct()
      .where('grade', 'is not', null)
      .orderBy('grade')
      .limit(MAX_OPTIONS)
      .execute(),
    db
      .selectFrom('directory_entries')
      .select('location')
      .distinct()
      .where('location', 'is not', null)
      .orderBy('location')
      .limit(MAX_OPTIONS)
      .execute(),
  ]);
  return {
    grades: grades.flatMap((row) => row.grade ?? []),
    locations: locations.flatMap((row) => row.location ?? []),
  };
}
