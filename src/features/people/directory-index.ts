import type { Db } from '../../database.ts';
import { searchText, sortKey } from '../../platform/text.ts';

// The directory's search index holds a row for every active person and for
// every active post that no named person holds (vacant or undisclosed), so
// a search for a job title finds the post even when nobody is named in it.
// Eliminated posts stay in the org chart but not in search. Callers
// reindex inside the same transaction as the change, so search never
// shows a state that was not committed.

/** Brings a person's row in the directory index up to date. */
export async function reindexPerson(db: Db, personId: number): Promise<void> {
  const person = await db
    .selectFrom('people as p')
    .leftJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'p.status',
      'p.display_name',
      'p.job_title',
      'p.grade',
      'p.location',
      'p.department_id',
      'u.name as unit_name',
    ])
    .where('p.id', '=', personId)
    .executeTakeFirst();
  if (!person || person.status !== 'active') {
    await db
      .deleteFrom('directory_entries')
      .where('person_id', '=', personId)
      .execute();
    return;
  }
  const [posts, tags] = await Promise.all([
    db
      .selectFrom('post_holders as h')
      .innerJoin('posts as p', 'p.id', 'h.post_id')
      .leftJoin('units as u', 'u.id', 'p.unit_id')
      .select(['p.job_title', 'u.name as unit_name'])
      .where('h.person_id', '=', personId)
      .where('p.status', '=', 'active')
      .limit(50)
      .execute(),
    db
      .selectFrom('person_tags')
      .select('label')
      .where('person_id', '=', personId)
      .where('kind', 'in', ['skill', 'interest'])
      .orderBy('id')
      .limit(200)
      .execute(),
  ]);
  const entry = {
    kind: 'person' as const,
    person_id: personId,
    post_id: null,
    department_id: person.department_id,
    grade: person.grade,
    location: person.location,
    sort_key: sortKey(person.display_name),
    name: searchText(person.display_name),
    job_title: joinWords([person.job_title, ...posts.map((p) => p.job_title)]),
    unit_name: joinWords([person.unit_name, ...posts.map((p) => p.unit_name)]),
    tags: joinWords(tags.map((tag) => tag.label)),
  };
  await db
    .insertInto('directory_entries')
    .values(entry)
    .onConflict((oc) => oc.column('person_id').doUpdateSet(entry))
    .execute();
}

/** Brings a post's row in the directory index up to date. */
export async function reindexPost(db: Db, postId: number): Promise<void> {
  const post = await db
    .selectFrom('posts as p')
    .leftJoin('units as u', 'u.id', 'p.unit_id')
    .select([
      'p.status',
      'p.holder_kind',
      'p.job_title',
      'p.grade',
      'p.department_id',
      'u.name as unit_name',
    ])
    .where('p.id', '=', postId)
    .executeTakeFirst();
  const listed =
    post?.status === 'active' &&
    (post.holder_kind === 'vacant' || post.holder_kind === 'undisclosed');
  if (!post || !listed) {
    await db
      .deleteFrom('directory_entries')
      .where('post_id', '=', postId)
      .execute();
    return;
  }
  const entry = {
    kind: 'post' as const,
    person_id: null,
    post_id: postId,
    department_id: post.department_id,
    grade: post.grade,
    location: null,
    sort_key: sortKey(post.job_title),
    name: '',
    job_title: searchText(post.job_title),
    unit_name: searchText(post.unit_name),
    tags: '',
  };
  await db
    .insertInto('directory_entries')
    .values(entry)
    .onConflict((oc) => oc.column('post_id').doUpdateSet(entry))
    .execute();
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
