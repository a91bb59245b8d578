// The base of the organisation-scale seed: the demo generator's people
// (an org tree ten levels deep) and groups (all staff, a closed network
// per department, communities), then small groups of skewed sizes up to
// the shape's count, each with its Talk category, blog and wiki space.
// Groups are written many rows a statement, as writeGroup in the demo
// would write them one at a time.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/database.ts';
import { ensureGroupBlog } from '../../src/features/blogs/blogs.ts';
import type {
  GroupRole,
  GroupVisibility,
} from '../../src/features/groups/tables.ts';
import {
  ensureGroupCategory,
  ensureSiteCategory,
} from '../../src/features/talk/categories.ts';
import { ensureSpace } from '../../src/features/wiki/spaces.ts';
import { seedDemoSite } from '../../src/demo-site.ts';
import { searchText, sortKey } from '../../src/platform/text.ts';
import { makeText } from '../search-text.ts';
import type { TextMaker } from '../search-text.ts';
import { SHAPES } from './context.ts';
import type { OrgScale, Place, SeedContext, SitePlace } from './context.ts';

type Db = Kysely<Database>;

const BATCH = 500;
/** Content is dated over the two years before this moment. */
const END = Date.parse('2026-12-01T00:00:00.000Z');
const SPAN = 730 * 86_400_000;

export interface BaseSeed {
  context: SeedContext;
  /** The password every seeded person signs in with. */
  password: string;
  /** The member's e-mail address, for signing in. */
  memberEmail: string;
  counts: Record<string, number>;
}

/** Seeds people and groups on an empty, migrated database. */
export async function seedBase(
  db: Db,
  scale: OrgScale,
  password: string,
): Promise<BaseSeed> {
  const shape = SHAPES[scale];
  const now = new Date(END).toISOString();
  // The demo counts staff without its administrator.
  const demo = await seedDemoSite(db, {
    people: shape.people - 1,
    password,
    now,
  });
  const text = makeText(20261205);
  const people = (
    await db
      .selectFrom('people')
      .select('id')
      .where('status', '=', 'active')
      .where('role', '!=', 'guest')
      .orderBy('id')
      .execute()
  ).map((row) => row.id);
  const member = await db
    .selectFrom('people')
    .select(['id', 'email'])
    .where('status', '=', 'active')
    .where('role', '=', 'member')
    .where('department_id', 'is not', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  const made = await addSmallGroups(
    db,
    text,
    people,
    member.id,
    shape.groups - demo.groups,
    now,
  );
  const places = await placesOf(db, member.id, now);
  const allStaff = places.find((place) => place.slug === 'all-staff');
  if (!allStaff) {
    throw new Error('the demo made no all-staff group');
  }
  const open = places.filter((place) => place.visibility === 'open');
  const restricted = places.filter((place) => place.visibility !== 'open');
  const site: SitePlace = {
    categoryId: (
      await ensureSiteCategory(
        db,
        'across-the-organisation',
        'Across the organisation',
        now,
      )
    ).id,
    blogId: (await siteBlog(db, now)).id,
    spaceId: (await ensureSpace(db, 'site', now)).id,
  };
  const context: SeedContext = {
    db,
    shape,
    text,
    people,
    memberId: member.id,
    allStaff,
    open,
    restricted,
    site,
    pickPlace() {
      const roll = text.random();
      if (roll < 0.3) {
        return text.choose(restricted);
      }
      if (roll < 0.7) {
        // The group of everyone is the busiest single place.
        return roll < 0.34 ? allStaff : text.choose(open);
      }
      return null;
    },
    at() {
      return new Date(END - Math.floor(text.random() * SPAN)).toISOString();
    },
  };
  if (!member.email) {
    throw new Error('the demo member has no e-mail address');
  }
  return {
    context,
    password,
    memberEmail: member.email,
    counts: {
      people: people.length,
      groups: places.length,
      memberships: places.reduce((sum, place) => sum + place.members.length, 0),
      'small groups': made,
    },
  };
}

/**
 * Groups of 3 to 50 people, most of them small (sizes drawn as the square
 * of a uniform number): 55% open, 30% closed, 15% secret. The member
 * belongs to about one in twenty.
 */
async function addSmallGroups(
  db: Db,
  text: TextMaker,
  people: number[],
  memberId: number,
  count: number,
  now: string,
): Promise<number> {
  for (let done = 0; done < count; done += BATCH) {
    const size = Math.min(BATCH, count - done);
    await db.transaction().execute(async (trx) => {
      const specs = Array.from({ length: size }, (_, i) => {
        const n = done + i + 1;
        const roll = text.random();
        const visibility: GroupVisibility =
          roll < 0.55 ? 'open' : roll < 0.85 ? 'closed' : 'secret';
        const name = `${text.title()} ${visibility === 'open' ? 'network' : 'team'} ${n}`;
        const description = text.body(20);
        const wanted = 3 + Math.floor(47 * text.random() ** 2);
        const members = new Set<number>();
        while (members.size < Math.min(wanted, people.length)) {
          members.add(text.choose(people));
        }
        if (text.random() < 0.05) {
          members.add(memberId);
        }
        return { n, name, description, visibility, members: [...members] };
      });
      const groups = await trx
        .insertInto('groups')
        .values(
          specs.map((spec) => ({
            slug: `bench-group-${spec.n}`,
            name: spec.name,
            sort_name: sortKey(spec.name),
            search_text: searchText(`${spec.name} ${spec.description}`),
            description_md: spec.description,
            visibility: spec.visibility,
            member_count: spec.members.length,
            created_by: spec.members[0] ?? null,
            created_at: now,
            updated_at: now,
          })),
        )
        .returning('id')
        .execute();
      const rows = specs.flatMap((spec, i) =>
        spec.members.map((personId, position) => ({
          group_id: groups[i]?.id ?? 0,
          person_id: personId,
          role: (position === 0 ? 'owner' : 'member') as GroupRole,
          joined_at: now,
        })),
      );
      for (let start = 0; start < rows.length; start += 1000) {
        await trx
          .insertInto('group_members')
          .values(rows.slice(start, start + 1000))
          .execute();
      }
    });
  }
  return Math.max(0, count);
}

/** Every group with its members and containers, made where missing. */
async function placesOf(db: Db, memberId: number, now: string) {
  const groups = await db
    .selectFrom('groups')
    .select(['id', 'slug', 'name', 'visibility'])
    .orderBy('id')
    .execute();
  const members = new Map<number, number[]>();
  let after = { group: 0, person: 0 };
  for (;;) {
    const rows = await db
      .selectFrom('group_members')
      .select(['group_id', 'person_id'])
      .where((eb) =>
        eb.or([
          eb('group_id', '>', after.group),
          eb.and([
            eb('group_id', '=', after.group),
            eb('person_id', '>', after.person),
          ]),
        ]),
      )
      .orderBy('group_id')
      .orderBy('person_id')
      .limit(10_000)
      .execute();
    for (const row of rows) {
      const list = members.get(row.group_id) ?? [];
      list.push(row.person_id);
      members.set(row.group_id, list);
    }
    const last = rows.at(-1);
    if (!last) {
      break;
    }
    after = { group: last.group_id, person: last.person_id };
  }
  const places: Place[] = [];
  for (let start = 0; start < groups.length; start += BATCH) {
    await db.transaction().execute(async (trx) => {
      for (const group of groups.slice(start, start + BATCH)) {
        const list = members.get(group.id) ?? [];
        const mine = list.includes(memberId);
        places.push({
          groupId: group.id,
          slug: group.slug,
          visibility: group.visibility,
          members: mine
            ? [memberId, ...list.filter((id) => id !== memberId)]
            : list,
          categoryId: (await ensureGroupCategory(trx, group, now)).id,
          blogId: (await ensureGroupBlog(trx, group.id, now)).id,
          spaceId: (await ensureSpace(trx, group.slug, now)).id,
        });
      }
    });
  }
  return places;
}

async function siteBlog(db: Db, now: string) {
  const found = await db
    .selectFrom('blogs')
    .select('id')
    .where('kind', '=', 'site')
    .orderBy('id')
    .executeTakeFirst();
  if (found) {
    return found;
  }
  return db
    .insertInto('blogs')
    .values({
      slug: 'news',
      kind: 'site',
      person_id: null,
      group_id: null,
      title: 'News from across the organisation',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}
