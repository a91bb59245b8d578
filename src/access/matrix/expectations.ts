import type { Actor } from '../actor.ts';
import { canInGroup } from '../groups.ts';
import type { GroupThing } from '../groups.ts';
import { can } from '../policy.ts';
import type { Db } from '../../database.ts';
import type { RouteAccess } from '../../platform/route-config.ts';
import type { Marker } from './content.ts';
import { GROUP_KEYS } from './world.ts';
import type { GroupKey, World } from './world.ts';

// What each actor may see, taken from the access rule itself rather than
// from a second table that could drift from it.

/** Each group of the world as the rule sees it for `actor`. */
export async function groupsAsSeenBy(
  db: Db,
  actor: Actor,
  world: World,
): Promise<Record<GroupKey, GroupThing>> {
  const roles =
    actor.kind === 'person'
      ? await db
          .selectFrom('group_members')
          .select(['group_id', 'role'])
          .where('person_id', '=', actor.id)
          .execute()
      : [];
  const things = {} as Record<GroupKey, GroupThing>;
  for (const key of GROUP_KEYS) {
    const group = world.groups[key];
    const role = roles.find((row) => row.group_id === group.id)?.role;
    things[key] = {
      id: group.id,
      visibility: group.visibility,
      role: role ?? null,
    };
  }
  return things;
}

/** The markers the rule keeps from `actor`. */
export function hiddenMarkers(
  actor: Actor,
  groups: Record<GroupKey, GroupThing>,
  markers: readonly Marker[],
): Marker[] {
  return markers.filter((marker) =>
    marker.group === 'site'
      ? !can(actor, { name: 'site.read' })
      : !canInGroup(actor, marker.action, groups[marker.group]),
  );
}

/**
 * The status the gate answers when `actor` may not enter a route that
 * declares `access`; undefined when they may. Someone signed out who
 * GETs a page is sent to sign in; anything else they ask is told 401. A
 * person is told 403.
 */
export function refusalStatus(
  actor: Actor,
  access: RouteAccess,
  request: { method: string; api: boolean },
): number | undefined {
  if (can(actor, { name: 'route.enter', access })) {
    return undefined;
  }
  if (actor.kind === 'person') {
    return 403;
  }
  return request.api || request.method !== 'GET' ? 401 : 303;
}
