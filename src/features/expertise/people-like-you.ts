import { sql } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import { visibleGroup } from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { AppError } from '../../platform/errors.ts';
import { listablePeople } from './sources.ts';

// People like you, on a member of staff's home page: people who share
// their projects, interests and groups, leaning to other departments, each
// with the reasons in words. A shared project weighs three, an interest
// two, a group one; someone from another department gains two (as much
// as an interest), and a place goes to someone from a department not yet
// named, nor the viewer's, when they are within one point of the best
// left (leanAcross). A person dismissed stays dismissed.
//
// Groups count only when the viewer may see them (visibleGroup) and
// are members of them, so a reason names only groups the viewer is in. A
// group of more than BIG_GROUP members says little about two people and
// would make the query walk a large part of the organisation, so it is
// left out. Of someone's many groups only the GROUPS_COMPARED smallest
// count, as the smallest say the most: the bench's member of 498 small
// groups had 9,714 fellow memberships counted on every visit home (37 ms
// of a 41 ms page at org5). A group shared with someone may therefore
// count on their home page and not on the viewer's, when the viewer has
// fifty smaller ones.

/** How many people the home page suggests. */
export const PEOPLE_LIKE_YOU_SHOWN = 5;

const PROJECT_WEIGHT = 3;
const INTEREST_WEIGHT = 2;
const GROUP_WEIGHT = 1;
const OTHER_DEPARTMENT = 2;
/** How far below the best a person from another department may be picked. */
const NEAR = 1;
const BIG_GROUP = 500;
const GROUPS_COMPARED = 50;
const CANDIDATES = 200;
/** The viewer's tags compared, and the people each brings at most. */
const TAGS_COMPARED = 10;
const HOLDERS = 200;
/** Holders counted to put the viewer's rarest tags first. */
const RAREST_COUNTED = 1000;
/** Reasons given for one person; the strongest come first. */
const REASONS_SHOWN = 3;

export interface PersonLikeYou {
  person: {
    id: number;
    name: string;
    jobTitle: string | null;
    department: string | null;
  };
  /** "Also working on Data platform", "Both in the group Agile delivery". */
  reasons: string[];
}

interface Shared {
  score: number;
  reasons: { weight: number; text: string }[];
  /** Groups shared, named only for the few people picked. */
  groups: number;
}

/** Up to PEOPLE_LIKE_YOU_SHOWN people like `viewer`, best first. */
export async function peopleLikeYou(
  db: Db,
  viewer: PersonActor,
): Promise<PersonLikeYou[]> {
  if (viewer.role === 'guest') {
    return [];
  }
  const shared = new Map<number, Shared>();
  const found = (id: number) => {
    const known = shared.get(id) ?? { score: 0, reasons: [], groups: 0 };
    shared.set(id, known);
    return known;
  };
  const add = (id: number, weight: number, text: string) => {
    const known = found(id);
    known.score += weight;
    known.reasons.push({ weight, text });
  };
  for (const row of await sharedTags(db, viewer)) {
    const project = row.kind === 'project';
    add(
      row.person_id,
      project ? PROJECT_WEIGHT : INTEREST_WEIGHT,
      project
        ? `Also working on ${row.label}`
        : `Also interested in ${row.label}`,
    );
  }
  const groups = await smallGroupsOf(db, viewer);
  for (const row of await sharedGroups(db, viewer, groups)) {
    const known = found(row.person_id);
    known.score += GROUP_WEIGHT * Number(row.groups);
    known.groups = Number(row.groups);
  }
  if (shared.size === 0) {
    return [];
  }
  const picked = await ranked(db, viewer, shared);
  await nameSharedGroups(db, groups, picked, shared);
  return picked.map((person) => ({
    person,
    reasons: (shared.get(person.id)?.reasons ?? [])
      .sort((a, b) => b.weight - a.weight)
      .slice(0, REASONS_SHOWN)
      .map(({ text }) => text),
  }));
}

/** Not self, not guests or leavers, not anyone the viewer dismissed. */
function suggestable(viewer: PersonActor) {
  return sql<boolean>`(${listablePeople({ viewerId: viewer.id })}
    and not exists (select 1 from people_like_you_dismissals as dl
      where dl.person_id = ${viewer.id}
      and dl.dismissed_person_id = p.id))`;
}

/**
 * Others whose interests and projects equal one of the viewer's, with the
 * viewer's own wording. A popular interest is shared with thousands, so
 * each of the viewer's tags brings at most HOLDERS people, the rarest
 * tags first, since they say the most about two people; tags held by
 * RAREST_COUNTED people or more are equally common.
 */
async function sharedTags(db: Db, viewer: PersonActor) {
  const mine = await db
    .selectFrom('person_tags as mine')
    .select(['mine.kind', 'mine.label', 'mine.label_key', 'mine.position'])
    // Counted up to RAREST_COUNTED: beyond that a tag is common, and
    // counting the 8,000 holders of each popular one took 1.6 ms at org5.
    .select(
      sql<number>`(select count(*) from (select 1 from person_tags as h
        where h.kind = mine.kind and h.label_key = mine.label_key
        limit ${RAREST_COUNTED}) as holding)`.as('holders'),
    )
    .where('mine.person_id', '=', viewer.id)
    .where('mine.kind', 'in', ['project', 'interest'])
    .execute();
  mine.sort(
    (a, b) =>
      Number(a.holders) - Number(b.holders) ||
      a.kind.localeCompare(b.kind) ||
      a.position - b.position,
  );
  const shared: { person_id: number; kind: string; label: string }[] = [];
  for (const tag of mine.slice(0, TAGS_COMPARED)) {
    const holders = await db
      .selectFrom('person_tags as theirs')
      .innerJoin('people as p', 'p.id', 'theirs.person_id')
      .select('theirs.person_id')
      .where('theirs.kind', '=', tag.kind)
      .where('theirs.label_key', '=', tag.label_key)
      .where(suggestable(viewer))
      // The order of the tag index, so the walk stops at HOLDERS.
      .orderBy('theirs.id')
      .limit(HOLDERS)
      .execute();
    for (const { person_id } of holders) {
      shared.push({ person_id, kind: tag.kind, label: tag.label });
    }
  }
  return shared.sort((a, b) =>
    a.kind === b.kind ? 0 : a.kind === 'project' ? -1 : 1,
  );
}

/**
 * The viewer's groups that they may see and that are not too big, the
 * GROUPS_COMPARED smallest of them. Read once and given to the queries
 * that use them as a list: as a subquery in each, PostgreSQL took their
 * fellow members for 44,000 rows instead of 400 and read every person
 * to join them (the index people_listable keeps that join to an index).
 */
async function smallGroupsOf(db: Db, viewer: PersonActor): Promise<number[]> {
  const rows = await db
    .selectFrom('group_members as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .select('gm.group_id')
    .where('gm.person_id', '=', viewer.id)
    .where('g.member_count', '<=', BIG_GROUP)
    // A group of the viewer alone brings nobody, and would take a place.
    .where('g.member_count', '>', 1)
    .where(visibleGroup(viewer, sql.ref('gm.group_id')))
    .orderBy('g.member_count')
    .orderBy('gm.group_id')
    .limit(GROUPS_COMPARED)
    .execute();
  return rows.map((row) => row.group_id);
}

/**
 * The fellow members of the viewer's `groups` who may be suggested and
 * share the most of them, with how many they share. Their names wait
 * until the few shown are known (nameSharedGroups): naming every group
 * of all CANDIDATES took 4 ms of the home page at org scale.
 */
async function sharedGroups(
  db: Db,
  viewer: PersonActor,
  groups: readonly number[],
) {
  if (groups.length === 0) {
    return [];
  }
  return db
    .selectFrom('group_members as theirs')
    .innerJoin('people as p', 'p.id', 'theirs.person_id')
    .where('theirs.group_id', 'in', groups)
    .where(suggestable(viewer))
    .select('theirs.person_id')
    .select(sql<number>`count(*)`.as('groups'))
    .groupBy('theirs.person_id')
    .orderBy(sql`count(*)`, 'desc')
    .orderBy('theirs.person_id')
    .limit(CANDIDATES)
    .execute();
}

/**
 * Adds "Both in the group …" to the reasons of the people picked, their
 * shared groups by name, after the reasons already there.
 */
async function nameSharedGroups(
  db: Db,
  groups: readonly number[],
  picked: readonly { id: number }[],
  shared: Map<number, Shared>,
): Promise<void> {
  const ids = picked
    .map((person) => person.id)
    .filter((id) => (shared.get(id)?.groups ?? 0) > 0);
  if (ids.length === 0 || groups.length === 0) {
    return;
  }
  const rows = await db
    .selectFrom('group_members as theirs')
    .innerJoin('groups as g', 'g.id', 'theirs.group_id')
    .where('theirs.group_id', 'in', groups)
    .where('theirs.person_id', 'in', ids)
    .select(['theirs.person_id', 'g.name'])
    .orderBy('theirs.person_id')
    .orderBy('g.sort_name')
    .execute();
  for (const row of rows) {
    shared.get(row.person_id)?.reasons.push({
      weight: GROUP_WEIGHT,
      text: `Both in the group ${row.name}`,
    });
  }
}

/** The best few, other departments leaned to. */
async function ranked(
  db: Db,
  viewer: PersonActor,
  shared: Map<number, Shared>,
): Promise<PersonLikeYou['person'][]> {
  // The viewer's own row comes with the candidates' for their department,
  // one statement for both.
  const rows = await db
    .selectFrom('people as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .select(['p.id', 'p.display_name', 'p.sort_name', 'p.job_title'])
    .select(['d.name as department', 'p.department_id'])
    .where('p.id', 'in', [viewer.id, ...shared.keys()])
    .execute();
  const own = rows.find((row) => row.id === viewer.id);
  const sorted = rows
    .filter((row) => shared.has(row.id))
    .map((person) => {
      const other =
        person.department_id !== null &&
        person.department_id !== (own?.department_id ?? null);
      const score = shared.get(person.id)?.score ?? 0;
      return {
        person,
        score: score + (other ? OTHER_DEPARTMENT : 0),
        departmentId: person.department_id,
      };
    })
    .sort(
      (a, b) =>
        b.score - a.score ||
        a.person.sort_name.localeCompare(b.person.sort_name) ||
        a.person.id - b.person.id,
    );
  return leanAcross(sorted, own?.department_id ?? null).map(({ person }) => ({
    id: person.id,
    name: person.display_name,
    jobTitle: person.job_title,
    department: person.department,
  }));
}

/**
 * The first PEOPLE_LIKE_YOU_SHOWN of `ranked` (best first), where each
 * place goes to the first candidate within NEAR of the best remaining
 * score whose department is neither the viewer's nor already listed, or
 * to the best remaining when there is none. One shared interest more
 * than someone from elsewhere does not keep them off the list.
 */
function leanAcross<T extends { score: number; departmentId: number | null }>(
  ranked: readonly T[],
  own: number | null,
): T[] {
  const left = [...ranked];
  const picked: T[] = [];
  const named = new Set<number | null>([own, null]);
  while (picked.length < PEOPLE_LIKE_YOU_SHOWN && left.length > 0) {
    const best = left[0]?.score ?? 0;
    const fresh = left.findIndex(
      (c) => c.score >= best - NEAR && !named.has(c.departmentId),
    );
    const [chosen] = left.splice(Math.max(fresh, 0), 1);
    if (chosen) {
      picked.push(chosen);
      named.add(chosen.departmentId);
    }
  }
  return picked;
}

/** Nobody is suggested to themself, so nobody may dismiss themself. */
export class DismissSelfError extends AppError {
  constructor() {
    super(422, 'CANNOT_DISMISS_SELF', 'You cannot dismiss yourself');
  }
}

/**
 * Keeps `personId` out of the viewer's People like you from now on;
 * dismissing someone twice changes nothing, and the viewer themself is
 * refused (DismissSelfError). The caller has checked that the viewer may
 * see the person.
 */
export async function dismissPersonLikeYou(
  db: Db,
  viewer: PersonActor,
  personId: number,
  now = new Date().toISOString(),
): Promise<void> {
  if (personId === viewer.id) {
    throw new DismissSelfError();
  }
  await db
    .insertInto('people_like_you_dismissals')
    .values({
      person_id: viewer.id,
      dismissed_person_id: personId,
      created_at: now,
    })
    .onConflict((oc) =>
      oc.columns(['person_id', 'dismissed_person_id']).doNothing(),
    )
    .execute();
}
