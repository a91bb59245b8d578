import type { RouteAccess } from '../platform/route-config.ts';
import type { Actor, PersonActor } from './actor.ts';
import { canInGroup } from './groups.ts';
import type { GroupAction, GroupThing } from './groups.ts';

/**
 * The one rule for who may see and do what. Every route asks `can()` for a
 * single item, and every list takes its filter from this module, so a
 * page, a list and an API response cannot disagree.
 *
 * The site is an intranet: every route declares who may enter it
 * (`config.access`, src/platform/route-config.ts), and only the sign-in
 * pages, health check and assets are open to someone signed out, unless
 * an administrator opens open groups to public reading. Guests (people
 * from partner bodies) see the groups they were invited to, their content
 * and their fellow members, and nothing else: no directory, no other
 * groups, no site-wide content. The group rules live in ./groups.ts with
 * their list filters; `can()` answers for them too.
 */

/** A person as far as the rule needs to know them. */
export interface PersonThing {
  type: 'person';
  id: number;
  status: 'active' | 'deactivated';
  /** Set for a guest reader: the person is in one of their groups. */
  inReadersGroup?: boolean;
}

export type Action =
  | { name: GroupAction; group: GroupThing }
  | { name: 'site.read' }
  | { name: 'route.enter'; access: RouteAccess }
  | { name: 'admin.access' }
  | { name: 'person.read'; person: PersonThing }
  | { name: 'person.edit'; person: PersonThing }
  | { name: 'person.editAccount'; person: PersonThing }
  | { name: 'person.editPlacement'; person: PersonThing }
  | { name: 'directory.read' }
  | { name: 'directory.import' }
  | { name: 'token.create'; person: PersonThing };

/** Answers whether `actor` may do `action`. */
export function can(actor: Actor, action: Action): boolean {
  if (action.name === 'route.enter') {
    return mayEnterRoute(actor, action.access);
  }
  if ('group' in action) {
    return canInGroup(actor, action.name, action.group);
  }
  if (actor.kind !== 'person') {
    return false;
  }
  const admin = actor.role === 'admin';
  const guest = actor.role === 'guest';
  switch (action.name) {
    case 'site.read':
    case 'directory.read':
      return !guest;
    case 'person.read':
      if (guest) {
        const fellow =
          action.person.inReadersGroup === true &&
          action.person.status === 'active';
        return fellow || isSelf(actor, action.person);
      }
      return admin || action.person.status === 'active';
    case 'person.edit':
      return admin || isSelf(actor, action.person);
    case 'person.editPlacement':
      // Where someone sits in the organisation is staff structure: a guest
      // cannot give themselves a department or a job title in it.
      return admin || (!guest && isSelf(actor, action.person));
    case 'person.editAccount':
    case 'directory.import':
    case 'admin.access':
      return admin;
    case 'token.create':
      return admin || isSelf(actor, action.person);
  }
}

/**
 * Whether `actor` gets past the gate of a route declaring `access`; the
 * handler may still refuse. A signed-out visitor carries `publicReading`
 * only when the site lets them read open groups.
 */
function mayEnterRoute(actor: Actor, access: RouteAccess): boolean {
  const person = actor.kind === 'person';
  switch (access) {
    case 'public':
    case 'credentials':
      return true;
    case 'readers':
      return person || actor.publicReading === true;
    case 'signed-in':
      return person;
    case 'staff':
      return person && actor.role !== 'guest';
    case 'admin':
      return person && actor.role === 'admin';
  }
}

function isSelf(actor: PersonActor, person: PersonThing): boolean {
  return actor.id === person.id && person.status === 'active';
}

/**
 * The list form of `person.read`: which person statuses a reader may see
 * in a list. It must stay the same rule as `can()` above.
 */
export function visiblePersonStatuses(
  actor: Actor,
): readonly ('active' | 'deactivated')[] {
  if (actor.kind !== 'person') {
    return [];
  }
  if (actor.role === 'guest') {
    return [];
  }
  return actor.role === 'admin' ? ['active', 'deactivated'] : ['active'];
}
