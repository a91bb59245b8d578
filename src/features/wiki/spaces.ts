import type { Actor } from '../../access/actor.ts';
import { canInGroup } from '../../access/groups.ts';
import type { GroupAction } from '../../access/groups.ts';
import { can } from '../../access/policy.ts';
import type { Db } from '../../database.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { findGroupAccess } from '../groups/groups.ts';
import type { GroupAccess } from '../groups/groups.ts';

// A wiki space is the site's ('site', for staff) or one group's (its key
// is the group's slug, which never changes). Who may read, edit and run a
// group's space is the group rule of src/access/groups.ts: readers are
// those with group.read, editors those with group.contribute, and those
// with group.manage delete and restore pages.

export const SITE_SPACE = 'site';

/** What an actor wants to do in a space. */
export type SpaceAction = 'read' | 'edit' | 'manage';

/** A space's row: enough for the importer and for queries. */
export interface SpaceRow {
  id: number;
  key: string;
  groupId: number | null;
}

/** A space as one actor meets it, with what they may do there. */
export interface Space extends SpaceRow {
  /** The group, as the actor sees it; null for the site space. */
  group: GroupAccess | null;
  mayRead: boolean;
  mayEdit: boolean;
  mayManage: boolean;
}

const GROUP_ACTIONS: Record<SpaceAction, GroupAction> = {
  read: 'group.read',
  edit: 'group.contribute',
  manage: 'group.manage',
};

export function spaceNotFound(): NotFoundError {
  return new NotFoundError('SPACE_NOT_FOUND', 'There is no such wiki');
}

/**
 * The space's row, made on first use: 'site', or the slug of an existing
 * group. Checks nobody's access; the importer and requireSpaceFor use it.
 */
export async function ensureSpace(
  db: Db,
  key: string,
  now = new Date().toISOString(),
): Promise<SpaceRow> {
  let groupId: number | null = null;
  if (key !== SITE_SPACE) {
    const group = await db
      .selectFrom('groups')
      .select('id')
      .where('slug', '=', key)
      .executeTakeFirst();
    if (!group) {
      throw spaceNotFound();
    }
    groupId = group.id;
  }
  const found = await findSpaceRow(db, key);
  if (found) {
    return found;
  }
  // Two first writers may meet here; the second one's insert does nothing.
  await db
    .insertInto('wiki_spaces')
    .values({ key, group_id: groupId, created_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const row = await findSpaceRow(db, key);
  if (!row) {
    throw spaceNotFound();
  }
  return row;
}

async function findSpaceRow(db: Db, key: string): Promise<SpaceRow | null> {
  const row = await db
    .selectFrom('wiki_spaces')
    .select(['id', 'key', 'group_id'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? { id: row.id, key: row.key, groupId: row.group_id } : null;
}

/**
 * The space `spaceKey` when `actor` may do `action` there. A group the
 * actor may not know of is "not found"; one whose wiki they may not read
 * or change is "forbidden".
 */
export async function requireSpaceFor(
  db: Db,
  actor: Actor,
  spaceKey: string,
  action: SpaceAction,
): Promise<Space> {
  const space = await spaceFor(db, actor, spaceKey);
  const allowed = {
    read: space.mayRead,
    edit: space.mayEdit,
    manage: space.mayManage,
  }[action];
  if (!allowed) {
    throw new ForbiddenError('WIKI_FORBIDDEN', forbiddenMessage(space, action));
  }
  return space;
}

/** The space with what `actor` may do in it; 404 when they may not see it. */
export async function spaceFor(
  db: Db,
  actor: Actor,
  spaceKey: string,
): Promise<Space> {
  if (spaceKey === SITE_SPACE) {
    const staff = can(actor, { name: 'site.read' });
    const admin = actor.kind === 'person' && actor.role === 'admin';
    const row = await ensureSpace(db, SITE_SPACE);
    return {
      ...row,
      group: null,
      mayRead: staff,
      mayEdit: staff,
      mayManage: admin,
    };
  }
  const group = await findGroupAccess(db, actor, spaceKey);
  if (!group) {
    throw spaceNotFound();
  }
  const row = await ensureSpace(db, spaceKey);
  const may = (action: SpaceAction) =>
    canInGroup(actor, GROUP_ACTIONS[action], group);
  return {
    ...row,
    group,
    mayRead: may('read'),
    mayEdit: may('read') && may('edit'),
    mayManage: may('read') && may('manage'),
  };
}

function forbiddenMessage(space: Space, action: SpaceAction): string {
  if (!space.mayRead) {
    return space.group
      ? 'Only members of this group can read its wiki'
      : 'Only staff can read the site-wide wiki';
  }
  if (action === 'edit') {
    return 'Only members of this group can edit its wiki';
  }
  return space.group
    ? 'Only the group’s owners and admins can do that'
    : 'Only site administrators can do that';
}
