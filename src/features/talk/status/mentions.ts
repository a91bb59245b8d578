import { sql } from 'kysely';
import type { PersonActor } from '../../../access/actor.ts';
import { canInGroup } from '../../../access/groups.ts';
import { can } from '../../../access/policy.ts';
import type { Db } from '../../../database.ts';
import { dialectOf } from '../../../platform/db/dialect.ts';
import type { PageRequest } from '../../../platform/pagination.ts';
import { searchText } from '../../../platform/text.ts';
import type { GroupVisibility } from '../../groups/tables.ts';
import type { PersonRole } from '../../people/tables.ts';
import { emailLocalPart as postgresLocalPart } from './dialects/postgres.ts';
import { emailLocalPart as sqliteLocalPart } from './dialects/sqlite.ts';
import { handleKey, handlesOf } from './text.ts';
import type { LinkedPerson } from './text.ts';

// Who an @handle names, who of them may read a post, and whom a writer is
// offered. A mention is recorded only for someone who may read the post
// (BUG-07): anyone else stays plain text and hears nothing of it.

/** Where a post lives: a group, or (null) its author's own profile. */
export interface Container {
  group: { id: number; visibility: GroupVisibility } | null;
}

interface Named {
  id: number;
  role: PersonRole;
  name: string;
  emailKey: string;
}

function localPart(db: Db) {
  return dialectOf(db) === 'postgres' ? postgresLocalPart() : sqliteLocalPart();
}

/**
 * The active person each handle names: a whole e-mail address names its
 * owner; a local part names the one person who has it, and nobody when
 * several do.
 */
async function resolveHandles(
  db: Db,
  handles: readonly string[],
): Promise<Map<string, Named>> {
  const found = new Map<string, Named>();
  if (handles.length === 0) {
    return found;
  }
  const addresses = handles.filter((handle) => handle.includes('@'));
  const locals = handles.filter((handle) => !handle.includes('@'));
  const rows = await db
    .selectFrom('people')
    .select(['id', 'role', 'display_name', 'email_key'])
    .select(localPart(db).as('local_part'))
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        ...(addresses.length > 0 ? [eb('email_key', 'in', addresses)] : []),
        ...(locals.length > 0 ? [eb(localPart(db), 'in', locals)] : []),
      ]),
    )
    .execute();
  const byLocal = new Map<string, Named[]>();
  for (const row of rows) {
    if (row.email_key === null) {
      continue;
    }
    const person = {
      id: row.id,
      role: row.role,
      name: row.display_name,
      emailKey: row.email_key,
    };
    found.set(row.email_key, person);
    byLocal.set(row.local_part, [
      ...(byLocal.get(row.local_part) ?? []),
      person,
    ]);
  }
  for (const local of locals) {
    const people = byLocal.get(local) ?? [];
    if (people.length === 1 && people[0]) {
      found.set(local, people[0]);
    }
  }
  for (const key of [...found.keys()]) {
    if (!handles.includes(key)) {
      found.delete(key);
    }
  }
  return found;
}

/** The people among `people` who may read what is in `container`. */
async function readersAmong(
  db: Db,
  people: readonly Named[],
  container: Container,
): Promise<Named[]> {
  const { group } = container;
  if (people.length === 0) {
    return [];
  }
  const roles = group
    ? await db
        .selectFrom('group_members')
        .select(['person_id', 'role'])
        .where('group_id', '=', group.id)
        .where(
          'person_id',
          'in',
          people.map((person) => person.id),
        )
        .execute()
    : [];
  return people.filter((person) => {
    const actor: PersonActor = {
      kind: 'person',
      id: person.id,
      role: person.role,
      displayName: person.name,
      via: 'session',
    };
    if (!group) {
      return can(actor, { name: 'site.read' });
    }
    const role = roles.find((row) => row.person_id === person.id)?.role;
    return canInGroup(actor, 'group.read', { ...group, role: role ?? null });
  });
}

/**
 * Records a mention of each person the text names who may read
 * `container`, for the post or reply `postId`; returns their ids.
 */
export async function recordMentions(
  db: Db,
  postId: number,
  body: string,
  container: Container,
): Promise<number[]> {
  const named = await resolveHandles(db, handlesOf(body));
  const people = [
    ...new Map([...named.values()].map((p) => [p.id, p])).values(),
  ];
  const readers = await readersAmong(db, people, container);
  if (readers.length > 0) {
    await db
      .insertInto('status_post_mentions')
      .values(
        readers.map((person) => ({ post_id: postId, person_id: person.id })),
      )
      .execute();
  }
  return readers.map((person) => person.id);
}

/**
 * The ids of the active people `body`'s @handles name, whoever may read
 * it: a caller notifying them checks each against the read rule first.
 */
export async function mentionedPeople(db: Db, body: string): Promise<number[]> {
  const named = await resolveHandles(db, handlesOf(body));
  return [...new Set([...named.values()].map((person) => person.id))];
}

/**
 * For each post, the handles it may link: those of the people recorded as
 * mentioned in it, by their whole address and by their local part.
 */
export async function linkedPeople(
  db: Db,
  postIds: readonly number[],
): Promise<Map<number, Map<string, LinkedPerson>>> {
  const linked = new Map<number, Map<string, LinkedPerson>>();
  if (postIds.length === 0) {
    return linked;
  }
  const rows = await db
    .selectFrom('status_post_mentions as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .select(['m.post_id', 'p.id', 'p.display_name', 'p.email_key'])
    .where('m.post_id', 'in', postIds)
    .where('p.status', '=', 'active')
    .execute();
  for (const row of rows) {
    if (row.email_key === null) {
      continue;
    }
    const people = linked.get(row.post_id) ?? new Map<string, LinkedPerson>();
    const person = { id: row.id, name: row.display_name };
    people.set(row.email_key, person);
    people.set(handleKey(row.email_key.split('@')[0] ?? ''), person);
    linked.set(row.post_id, people);
  }
  return linked;
}

/** Someone a writer may mention, with the handle that names them. */
export interface MentionCandidate {
  id: number;
  name: string;
  handle: string;
}

/**
 * The active people who may read `container` and whose name or handle
 * starts with `query`: in a group its members, and all staff too when the
 * group is open; on a profile, staff. Guests appear only in groups they
 * belong to.
 */
export async function mentionCandidates(
  db: Db,
  container: Container,
  query: string,
  page: PageRequest,
): Promise<{ items: MentionCandidate[]; total: number }> {
  const { group } = container;
  const escape = (text: string) => text.replace(/[\\%_]/g, '\\$&');
  const handleLike = `${escape(query.toLowerCase())}%`;
  const nameLike = `${escape(searchText(query))}%`;
  let select = db
    .selectFrom('people')
    .where('status', '=', 'active')
    .where('email_key', 'is not', null);
  if (query !== '') {
    // A name matches from the start of any of its words.
    select = select.where(
      sql<boolean>`(sort_name like ${nameLike} escape '\\'
        or sort_name like ${'% ' + nameLike} escape '\\'
        or email_key like ${handleLike} escape '\\')`,
    );
  }
  const members = sql<boolean>`id in (select person_id from group_members
    where group_id = ${group?.id ?? -1})`;
  select =
    group === null
      ? select.where('role', '!=', 'guest')
      : group.visibility === 'open'
        ? select.where((eb) => eb.or([eb('role', '!=', 'guest'), members]))
        : select.where(members);

  const [rows, count] = await Promise.all([
    select
      .select(['id', 'display_name', 'email_key', 'sort_name'])
      .select(localPart(db).as('local_part'))
      .orderBy('sort_name')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
    select
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirst(),
  ]);
  const shared = await sharedLocalParts(
    db,
    rows.map((row) => row.local_part),
  );
  const items = rows.map((row) => ({
    id: row.id,
    name: row.display_name,
    handle: shared.has(row.local_part) ? (row.email_key ?? '') : row.local_part,
  }));
  return { items, total: Number(count?.total ?? 0) };
}

/** The local parts that more than one active person has. */
async function sharedLocalParts(
  db: Db,
  locals: readonly string[],
): Promise<Set<string>> {
  if (locals.length === 0) {
    return new Set();
  }
  const rows = await db
    .selectFrom('people')
    .select(localPart(db).as('local_part'))
    .where('status', '=', 'active')
    .where(localPart(db), 'in', [...new Set(locals)])
    .groupBy(localPart(db))
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  return new Set(rows.map((row) => row.local_part));
}
