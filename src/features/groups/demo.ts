import type { Db } from '../../database.ts';
import { searchText, slugify, sortKey } from '../../platform/text.ts';
import type { GroupRole, GroupVisibility } from './tables.ts';
import { indexGroup } from '../search/sources.ts';

/**
 * Groups for the demo organisation, made after its people: one group of
 * everyone, a closed network per department, open communities that cut
 * across departments, and a few secret project groups, so every kind of
 * group and every membership state can be tried at once. The same people
 * always give the same groups.
 */

interface DemoGroupSpec {
  name: string;
  visibility: GroupVisibility;
  description: string;
  /** How many members to draw from the whole organisation. */
  size: number;
}

const COMMUNITIES: readonly DemoGroupSpec[] = [
  spec('Data and analysis community', 'open', 140, [
    'Analysts, statisticians and data scientists from every department.',
    'Share methods, ask for a second pair of eyes, and find out who holds',
    'which data before you ask for it.',
  ]),
  spec('Policy profession network', 'open', 120, [
    'For anyone who writes policy, or wants to. Monthly case studies and a',
    'place to ask how another department handled the same problem.',
  ]),
  spec('Project delivery community', 'open', 90, [
    'Project and programme managers comparing plans, risks and lessons.',
  ]),
  spec('Digital and technology', 'open', 110, [
    'Developers, designers, user researchers and service owners.',
  ]),
  spec('Welsh speakers network', 'open', 25, [
    'Rhwydwaith siaradwyr Cymraeg. Conversation practice and translation',
    'help for colleagues who work in Welsh or are learning it.',
  ]),
  spec('Carers network', 'closed', 30, [
    'A private space for colleagues who look after someone. What is said',
    'here stays among members; ask to join and an organiser will let you in.',
  ]),
  spec('Running club', 'open', 40, [
    'Lunchtime runs, parkrun meet-ups and the annual relay.',
  ]),
  spec('Senior leaders forum', 'closed', 35, [
    'Directors and deputy directors across departments.',
  ]),
  spec('Spending review 2027', 'secret', 8, [
    'Working papers for the next spending review. **Restricted:** do not',
    'share anything from this group outside it.',
  ]),
  spec('Machinery of government changes', 'secret', 6, [
    'Planning for the proposed transfer of functions between departments.',
  ]),
];

function spec(
  name: string,
  visibility: GroupVisibility,
  size: number,
  lines: string[],
): DemoGroupSpec {
  return { name, visibility, size, description: lines.join(' ') };
}

interface StaffRow {
  id: number;
  role: string;
  department: string | null;
}

export interface DemoGroupsResult {
  groups: number;
  memberships: number;
}

/** Adds the demo groups; the caller owns the transaction. */
export async function seedDemoGroups(
  db: Db,
  now = new Date().toISOString(),
): Promise<DemoGroupsResult> {
  // Demo data only: reading the people table directly keeps the people
  // feature free of a function nothing else would use.
  const staff: StaffRow[] = await db
    .selectFrom('people as p')
    .leftJoin('departments as d', 'd.id', 'p.department_id')
    .select(['p.id', 'p.role', 'd.name as department'])
    .where('p.status', '=', 'active')
    .where('p.role', '!=', 'guest')
    .orderBy('p.id')
    .execute();
  const admin = staff.find((person) => person.role === 'admin');
  const everyone = staff.filter((person) => person.role !== 'admin');
  if (!admin || everyone.length === 0) {
    return { groups: 0, memberships: 0 };
  }

  let memberships = 0;
  const add = async (
    group: { name: string; visibility: GroupVisibility; description: string },
    members: number[],
    owner: number,
  ) => {
    memberships += await writeGroup(db, group, owner, members, now);
  };

  await add(
    {
      name: 'All staff',
      visibility: 'open',
      description:
        'Everyone in the organisation. Announcements and questions for all.',
    },
    everyone.map((person) => person.id),
    admin.id,
  );
  const departments = new Map<string, number[]>();
  for (const person of everyone) {
    if (person.department) {
      const list = departments.get(person.department) ?? [];
      list.push(person.id);
      departments.set(person.department, list);
    }
  }
  for (const [department, members] of departments) {
    await add(
      {
        name: `${department} staff network`,
        visibility: 'closed',
        description: `News and discussion for staff of ${department}.`,
      },
      members,
      members[0] ?? admin.id,
    );
  }
  for (const [index, community] of COMMUNITIES.entries()) {
    const members = spread(everyone, community.size, index + 1);
    await add(community, members, members[0] ?? admin.id);
  }
  return { groups: 1 + departments.size + COMMUNITIES.length, memberships };
}

/** Every `step`-th person from an offset: spread across departments. */
function spread(people: StaffRow[], size: number, offset: number): number[] {
  const step = Math.max(1, Math.floor(people.length / size));
  const chosen: number[] = [];
  for (let i = offset % step; i < people.length; i += step) {
    const person = people[i];
    if (person && chosen.length < size) {
      chosen.push(person.id);
    }
  }
  return chosen;
}

async function writeGroup(
  db: Db,
  group: { name: string; visibility: GroupVisibility; description: string },
  ownerId: number,
  memberIds: number[],
  now: string,
): Promise<number> {
  const ids = [...new Set([ownerId, ...memberIds])];
  const row = await db
    .insertInto('groups')
    .values({
      slug: slugify(group.name, 'group'),
      name: group.name,
      sort_name: sortKey(group.name),
      search_text: searchText(`${group.name} ${group.description}`),
      description_md: group.description,
      visibility: group.visibility,
      member_count: ids.length,
      created_by: ownerId,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const roleOf = (id: number, index: number): GroupRole =>
    id === ownerId ? 'owner' : index % 40 === 1 ? 'admin' : 'member';
  // Inserted in slices: SQLite allows at most 32,766 bound values.
  for (let start = 0; start < ids.length; start += 1000) {
    await db
      .insertInto('group_members')
      .values(
        ids.slice(start, start + 1000).map((id, offset) => ({
          group_id: row.id,
          person_id: id,
          role: roleOf(id, start + offset),
          joined_at: now,
        })),
      )
      .execute();
  }
  await indexGroup(db, row.id);
  return ids.length;
}
