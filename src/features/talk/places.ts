import { sql } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { canInGroup, readableContent } from '../../access/groups.ts';
import { can } from '../../access/policy.ts';
import type { Db } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { findGroupAccess } from '../groups/groups.ts';
import type { GroupAccess } from '../groups/groups.ts';

// Where a discussion lives, and what an actor may do there. A site
// category (no group) is for staff: they read and post, site admins
// moderate. A group's discussions live in one category of its own, made
// on first use with the slug `group-<group slug>` (group slugs never
// change); there the group rule decides: group.read to read,
// group.contribute to post (guests who are members included),
// group.manage to moderate. Either kind may also have moderators of its
// own, appointed in talk_moderators (see ./moderation/).

/** The prefix of every group category's slug; site slugs may not use it. */
export const GROUP_CATEGORY_PREFIX = 'group-';

/** A category's row as the service passes it round. */
export interface Category {
  id: number;
  slug: string;
  name: string;
  description: string;
  parentId: number | null;
  groupId: number | null;
  position: number;
  createdAt: string;
}

/** A category as one actor meets it. */
export interface Place {
  category: Category;
  /** The group, as the actor sees it; null for a site category. */
  group: GroupAccess | null;
  mayRead: boolean;
  mayPost: boolean;
  mayModerate: boolean;
}

export function categoryNotFound(): NotFoundError {
  return new NotFoundError('CATEGORY_NOT_FOUND', 'There is no such category');
}

const CATEGORY_COLUMNS = [
  'c.id',
  'c.slug',
  'c.name',
  'c.description',
  'c.parent_id',
  'c.group_id',
  'c.position',
  'c.created_at',
] as const;

type CategoryRow = {
  id: number;
  slug: string;
  name: string;
  description: string;
  parent_id: number | null;
  group_id: number | null;
  position: number;
  created_at: string;
};

export function toCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    parentId: row.parent_id,
    groupId: row.group_id,
    position: row.position,
    createdAt: row.created_at,
  };
}

/** One category by a column, whoever asks; for the service's own use. */
export async function findCategoryRow(
  db: Db,
  by: { slug: string } | { id: number } | { groupId: number },
): Promise<Category | undefined> {
  let query = db.selectFrom('talk_categories as c').select(CATEGORY_COLUMNS);
  query =
    'slug' in by
      ? query.where('c.slug', '=', by.slug)
      : 'id' in by
        ? query.where('c.id', '=', by.id)
        : query.where('c.group_id', '=', by.groupId);
  const row = await query.executeTakeFirst();
  return row ? toCategory(row) : undefined;
}

/**
 * What a caller read about a category along with it, for the same
 * actor, so that placeOf need not read it again.
 */
export interface PlaceFacts {
  /** The actor has a row in talk_moderators for the category. */
  appointed: boolean;
  /** The slug of the category's group; null when it has none. */
  groupSlug: string | null;
}

/** What `actor` may do in `category`; a group they may not see reads no. */
export async function placeOf(
  db: Db,
  actor: Actor,
  category: Category,
  facts?: PlaceFacts,
): Promise<Place> {
  const appointed = async () =>
    facts ? facts.appointed : isAppointed(db, actor, category.id);
  if (category.groupId === null) {
    const staff = can(actor, { name: 'site.read' });
    const admin = actor.kind === 'person' && actor.role === 'admin';
    return {
      category,
      group: null,
      mayRead: staff,
      mayPost: staff,
      mayModerate: admin || (staff && (await appointed())),
    };
  }
  const group = await groupOfCategory(db, actor, category.groupId, facts);
  if (!group) {
    const none = { mayRead: false, mayPost: false, mayModerate: false };
    return { category, group: null, ...none };
  }
  const read = canInGroup(actor, 'group.read', group);
  // An appointed moderator must still be a member: one who leaves the
  // group stops moderating its discussions without anyone tidying up.
  const moderate =
    canInGroup(actor, 'group.manage', group) ||
    (group.role !== null && (await appointed()));
  return {
    category,
    group,
    mayRead: read,
    mayPost: read && canInGroup(actor, 'group.contribute', group),
    mayModerate: read && moderate,
  };
}

/** True when `actor` has a row in talk_moderators for the category. */
async function isAppointed(
  db: Db,
  actor: Actor,
  categoryId: number,
): Promise<boolean> {
  if (actor.kind !== 'person' || categoryId === 0) {
    return false;
  }
  const row = await db
    .selectFrom('talk_moderators')
    .select('person_id')
    .where('category_id', '=', categoryId)
    .where('person_id', '=', actor.id)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The list form of `mayModerate`, for the moderation queue: the ids of
 * the categories `actor` moderates. It must stay the same rule as
 * placeOf above (a test holds them together).
 */
export function moderatedCategoryIds(db: Db, actor: Actor) {
  const none = db
    .selectFrom('talk_categories as mc')
    .select('mc.id')
    .where(sql<boolean>`1 = 0`);
  if (actor.kind !== 'person') {
    return none;
  }
  if (actor.role === 'admin') {
    return db.selectFrom('talk_categories as mc').select('mc.id');
  }
  const managed = db
    .selectFrom('group_members as gm')
    .select('gm.group_id')
    .where('gm.person_id', '=', actor.id)
    .where('gm.role', 'in', ['owner', 'admin']);
  const member = db
    .selectFrom('group_members as gm')
    .select('gm.group_id')
    .where('gm.person_id', '=', actor.id);
  const staff = actor.role !== 'guest';
  return db
    .selectFrom('talk_categories as mc')
    .select('mc.id')
    .where((eb) =>
      eb.or([
        eb('mc.group_id', 'in', managed),
        eb.and([
          eb.exists(
            eb
              .selectFrom('talk_moderators as tm')
              .select('tm.person_id')
              .whereRef('tm.category_id', '=', 'mc.id')
              .where('tm.person_id', '=', actor.id),
          ),
          staff
            ? eb.or([
                eb('mc.group_id', 'is', null),
                eb('mc.group_id', 'in', member),
              ])
            : eb('mc.group_id', 'in', member),
        ]),
      ]),
    );
}

/**
 * Whether `actor` may appoint the moderators of `place` and switch its
 * approval of first posts: site administrators for site categories, the
 * group's owners and admins for a group's.
 */
export function mayAppointIn(actor: Actor, place: Place): boolean {
  if (place.group === null) {
    return actor.kind === 'person' && actor.role === 'admin';
  }
  return place.mayRead && canInGroup(actor, 'group.manage', place.group);
}

async function groupOfCategory(
  db: Db,
  actor: Actor,
  groupId: number,
  facts?: PlaceFacts,
): Promise<GroupAccess | undefined> {
  const slug = facts
    ? facts.groupSlug
    : (
        await db
          .selectFrom('groups')
          .select('slug')
          .where('id', '=', groupId)
          .executeTakeFirst()
      )?.slug;
  return slug ? findGroupAccess(db, actor, slug) : undefined;
}

/** The category `slug` when `actor` may read it; 404 otherwise. */
export async function requireReadablePlace(
  db: Db,
  actor: Actor,
  slug: string,
): Promise<Place> {
  const category = await findCategoryRow(db, { slug });
  if (!category) {
    throw categoryNotFound();
  }
  const place = await placeOf(db, actor, category);
  if (!place.mayRead) {
    throw categoryNotFound();
  }
  return place;
}

/**
 * The categories `actor` may read, site ones first in their order, then
 * groups' by name; a child names its parent, for clients to nest.
 */
export async function listReadableCategories(
  db: Db,
  actor: Actor,
  page: { pageSize: number; offset: number },
): Promise<{ items: Category[]; total: number }> {
  const query = db
    .selectFrom('talk_categories as c')
    .where(readableContent(db, actor, 'c.group_id'));
  const [count, rows] = await Promise.all([
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
    query
      .select(CATEGORY_COLUMNS)
      .orderBy(sql`case when c.group_id is null then 0 else 1 end`)
      .orderBy('c.position')
      .orderBy('c.name')
      .orderBy('c.id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
  ]);
  return { items: rows.map(toCategory), total: Number(count.total) };
}
