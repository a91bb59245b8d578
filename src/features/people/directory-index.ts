import type { Db } from '../../database.ts';
import { searchText, sortKey } from '../../platform/text.ts';
import type { DirectoryEntriesTable } from './tables.ts';
import { indexPeople } from '../search/sources.ts';

// The directory's search index holds a row for every active person and for
// every active post that no named person holds (vacant or undisclosed), so
// a search for a job title finds the post even when nobody is named in it.
// Eliminated posts stay in the org chart but not in search. Callers
// reindex inside the same transaction as the change, so search never
// shows a state that was not committed.

// A person's row takes the words of this many of their posts and tags.
const MAX_POSTS = 50;
const MAX_TAGS = 200;
// The bulk variants read and write this many people or posts at a time,
// well inside both databases' limits on bound parameters.
const CHUNK = 500;

type Entry = Omit<DirectoryEntriesTable, 'id'>;

function personQuery(db: Db) {
  return db
    .selectFrom('people as p')
    .leftJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'p.id',
      'p.status',
      'p.role',
      'p.display_name',
      'p.job_title',
      'p.grade',
      'p.location',
      'p.department_id',
      'u.name as unit_name',
    ]);
}

function heldPostsQuery(db: Db) {
  return db
    .selectFrom('post_holders as h')
    .innerJoin('posts as p', 'p.id', 'h.post_id')
    .leftJoin('units as u', 'u.id', 'p.unit_id')
    .select(['h.person_id', 'p.job_title', 'u.name as unit_name'])
    .where('p.status', '=', 'active');
}

function tagsQuery(db: Db) {
  return db
    .selectFrom('person_tags')
    .select(['person_id', 'label'])
    .where('kind', 'in', ['skill', 'interest']);
}

function postQuery(db: Db) {
  return db
    .selectFrom('posts as p')
    .leftJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'p.id',
      'p.status',
      'p.holder_kind',
      'p.job_title',
      'p.grade',
      'p.department_id',
      'u.name as unit_name',
    ]);
}

type PersonRow = Awaited<
  ReturnType<ReturnType<typeof personQuery>['executeTakeFirstOrThrow']>
>;
type HeldPostRow = { job_title: string; unit_name: string | null };
type PostRow = Awaited<
  ReturnType<ReturnType<typeof postQuery>['executeTakeFirstOrThrow']>
>;

/**
 * Who the staff directory lists: active people, but not guests, whom only
 * their fellow group members may see.
 */
function isListed(person: { status: string; role: string }): boolean {
  return person.status === 'active' && person.role !== 'guest';
}

/** Brings a person's row in the directory index up to date. */
export async function reindexPerson(db: Db, personId: number): Promise<void> {
  await indexPeople(db, [personId]);
  const person = await personQuery(db)
    .where('p.id', '=', personId)
    .executeTakeFirst();
  if (!person || !isListed(person)) {
    await db
      .deleteFrom('directory_entries')
      .where('person_id', '=', personId)
      .execute();
    return;
  }
  const [posts, tags] = await Promise.all([
    heldPostsQuery(db)
      .where('h.person_id', '=', personId)
      .orderBy('p.id')
      .limit(MAX_POSTS)
      .execute(),
    tagsQuery(db)
      .where('person_id', '=', personId)
      .orderBy('id')
      .limit(MAX_TAGS)
      .execute(),
  ]);
  const entry = personEntry(
    person,
    posts,
    tags.map((tag) => tag.label),
  );
  await db
    .insertInto('directory_entries')
    .values(entry)
    .onConflict((oc) => oc.column('person_id').doUpdateSet(entry))
    .execute();
}

/** Brings a post's row in the directory index up to date. */
export async function reindexPost(db: Db, postId: number): Promise<void> {
  const post = await postQuery(db)
    .where('p.id', '=', postId)
    .executeTakeFirst();
  const entry = post && postEntry(post);
  if (!entry) {
    await db
      .deleteFrom('directory_entries')
      .where('post_id', '=', postId)
      .execute();
    return;
  }
  await db
    .insertInto('directory_entries')
    .values(entry)
    .onConflict((oc) => oc.column('post_id').doUpdateSet(entry))
    .execute();
}

/**
 * What `reindexPerson` does for each of many people, with a few queries
 * per few hundred people instead of several per person: for seeding and
 * bulk imports, where one person at a time is too slow.
 */
export async function reindexPeople(
  db: Db,
  personIds: readonly number[],
): Promise<void> {
  for (const ids of chunks(personIds)) {
    await indexPeople(db, ids);
    const [people, posts, tags] = await Promise.all([
      personQuery(db).where('p.id', 'in', ids).execute(),
      heldPostsQuery(db)
        .where('h.person_id', 'in', ids)
        .orderBy('h.person_id')
        .orderBy('p.id')
        .execute(),
      tagsQuery(db).where('person_id', 'in', ids).orderBy('id').execute(),
    ]);
    const postsOf = groupBy(posts, (row) => row.person_id);
    const tagsOf = groupBy(tags, (row) => row.person_id);
    const entries = people.filter(isListed).map((person) =>
      personEntry(
        person,
        (postsOf.get(person.id) ?? []).slice(0, MAX_POSTS),
        (tagsOf.get(person.id) ?? [])
          .slice(0, MAX_TAGS)
          .map((tag) => tag.label),
      ),
    );
    const listed = new Set(entries.map((entry) => entry.person_id));
    await removeEntries(
      db,
      'person_id',
      ids.filter((id) => !listed.has(id)),
    );
    await upsertEntries(db, 'person_id', entries);
  }
}

/** What `reindexPost` does for each of many posts, a chunk at a time. */
export async function reindexPosts(
  db: Db,
  postIds: readonly number[],
): Promise<void> {
  for (const ids of chunks(postIds)) {
    const posts = await postQuery(db).where('p.id', 'in', ids).execute();
    const entries = posts.flatMap((post) => postEntry(post) ?? []);
    const listed = new Set(entries.map((entry) => entry.post_id));
    await removeEntries(
      db,
      'post_id',
      ids.filter((id) => !listed.has(id)),
    );
    await upsertEntries(db, 'post_id', entries);
  }
}

/** The index row of an active person, with their posts' and tags' words. */
function personEntry(
  person: PersonRow,
  posts: readonly HeldPostRow[],
  tags: readonly string[],
): Entry {
  return {
    kind: 'person',
    person_id: person.id,
    post_id: null,
    department_id: person.department_id,
    grade: person.grade,
    location: person.location,
    sort_key: sortKey(person.display_name),
    name: searchText(person.display_name),
    job_title: joinWords([person.job_title, ...posts.map((p) => p.job_title)]),
    unit_name: joinWords([person.unit_name, ...posts.map((p) => p.unit_name)]),
    tags: joinWords([...tags]),
  };
}

/** The index row of a post, or undefined when search leaves it out. */
function postEntry(post: PostRow): Entry | undefined {
  const listed =
    post.status === 'active' &&
    (post.holder_kind === 'vacant' || post.holder_kind === 'undisclosed');
  if (!listed) {
    return undefined;
  }
  return {
    kind: 'post',
    person_id: null,
    post_id: post.id,
    department_id: post.department_id,
    grade: post.grade,
    location: null,
    sort_key: sortKey(post.job_title),
    name: '',
    job_title: searchText(post.job_title),
    unit_name: searchText(post.unit_name),
    tags: '',
  };
}

async function removeEntries(
  db: Db,
  column: 'person_id' | 'post_id',
  ids: number[],
): Promise<void> {
  if (ids.length > 0) {
    await db.deleteFrom('directory_entries').where(column, 'in', ids).execute();
  }
}

/** Inserts rows, or updates in place those whose person or post has one. */
async function upsertEntries(
  db: Db,
  column: 'person_id' | 'post_id',
  entries: Entry[],
): Promise<void> {
  if (entries.length === 0) {
    return;
  }
  await db
    .insertInto('directory_entries')
    .values(entries)
    .onConflict((oc) =>
      oc.column(column).doUpdateSet((eb) => ({
        kind: eb.ref('excluded.kind'),
        person_id: eb.ref('excluded.person_id'),
        post_id: eb.ref('excluded.post_id'),
        department_id: eb.ref('excluded.department_id'),
        grade: eb.ref('excluded.grade'),
        location: eb.ref('excluded.location'),
        sort_key: eb.ref('excluded.sort_key'),
        name: eb.ref('excluded.name'),
        job_title: eb.ref('excluded.job_title'),
        unit_name: eb.ref('excluded.unit_name'),
        tags: eb.ref('excluded.tags'),
      })),
    )
    .execute();
}

function* chunks(ids: readonly number[]): Generator<number[]> {
  for (let start = 0; start < ids.length; start += CHUNK) {
    yield ids.slice(start, start + CHUNK);
  }
}

function groupBy<T>(rows: T[], key: (row: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row));
    if (list) {
      list.push(row);
    } else {
      groups.set(key(row), [row]);
    }
  }
  return groups;
}

/** Folds several values into one string of distinct search words. */
function joinWords(values: (string | null)[]): string {
  const words = new Set<string>();
  for (const value of values) {
    for (const word of searchText(value).split(' ')) {
      if (word) {
        words.add(word);
      }
    }
  }
  return [...words].join(' ');
}
