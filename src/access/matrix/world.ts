import type { Db } from '../../database.ts';
import type { Group } from '../../features/groups/groups.ts';
import type { GroupVisibility } from '../../features/groups/tables.ts';
import { buildAccount } from '../../test-support/app.ts';
import {
  buildDepartment,
  buildPost,
  buildUnit,
} from '../../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';

// The site every route of the access matrix is requested against: one
// group of each kind, a group of partners for the guest, and the bits of
// the organisation that people's and departments' routes need.

/** The groups of the matrix; `partner` is the guest actor's own group. */
export type GroupKey = 'open' | 'closed' | 'secret' | 'partner';

export const GROUP_KEYS: readonly GroupKey[] = [
  'open',
  'closed',
  'secret',
  'partner',
];

/**
 * Each group with the marker strings written into it. Markers are unique
 * words that appear nowhere else, so finding one in a response proves
 * that response drew on that group.
 */
export interface GroupSpec {
  visibility: GroupVisibility;
  name: string;
  /** Part of the group's name: who may know the group exists. */
  nameMarker: string;
  /** In its description, which `group.see` shows with the name. */
  descriptionMarker: string;
  /**
   * In the name of a guest who is a member of this group and of nothing
   * else: guests are not in the directory, so only the group's member
   * list names them.
   */
  memberMarker: string;
}

export const GROUP_SPECS: Record<GroupKey, GroupSpec> = {
  open: {
    visibility: 'open',
    name: 'Open Garden',
    nameMarker: 'OPENNAME-7Q2',
    descriptionMarker: 'OPENDESC-3HV',
    memberMarker: 'OPENMEMBER-8RT',
  },
  closed: {
    visibility: 'closed',
    name: 'Closed Study',
    nameMarker: 'CLOSEDNAME-K9P',
    descriptionMarker: 'CLOSEDDESC-5WB',
    memberMarker: 'CLOSEDMEMBER-2JD',
  },
  secret: {
    visibility: 'secret',
    name: 'Secret Vault',
    nameMarker: 'SECRETNAME-X4Z',
    descriptionMarker: 'SECRETDESC-9LM',
    memberMarker: 'SECRETMEMBER-4CQ',
  },
  partner: {
    visibility: 'secret',
    name: 'Partner Bridge',
    nameMarker: 'PARTNERNAME-3VK',
    descriptionMarker: 'PARTNERDESC-7YG',
    memberMarker: 'PARTNERMEMBER-5SA',
  },
};

/** Someone who can sign in. */
export interface Account {
  id: number;
  email: string;
}

export interface World {
  groups: Record<GroupKey, Group>;
  /** The guest member of each group whose name is its member marker. */
  groupGuests: Record<GroupKey, number>;
  /** A member of staff who owns every group. */
  owner: Account;
  departmentSlug: string;
  unitSlug: string;
  postId: number;
}

/** Builds the groups, their owner and a corner of the organisation. */
export async function buildWorld(db: Db): Promise<World> {
  const department = await buildDepartment(db, 'Ministry of Matrices');
  const unit = await buildUnit(db, department.id, 'Matrix Unit');
  const owner = await buildAccount(db, {
    displayName: 'Owen Owner',
    departmentId: department.id,
    unitId: unit.id,
  });
  const postId = await buildPost(db, {
    departmentId: department.id,
    unitId: unit.id,
    holderIds: [owner.id],
  });

  const groups = {} as Record<GroupKey, Group>;
  const groupGuests = {} as Record<GroupKey, number>;
  for (const key of GROUP_KEYS) {
    const spec = GROUP_SPECS[key];
    groups[key] = await buildGroup(db, owner.id, {
      slug: `matrix-${key}`,
      name: `${spec.name} ${spec.nameMarker}`,
      description: `What the group is for: ${spec.descriptionMarker}.`,
      visibility: spec.visibility,
    });
    const guest = await buildAccount(db, {
      role: 'guest',
      displayName: `Gwen ${spec.memberMarker}`,
    });
    await addGroupMember(db, groups[key], guest.id);
    groupGuests[key] = guest.id;
  }

  return {
    groups,
    groupGuests,
    owner,
    departmentSlug: department.slug,
    unitSlug: unit.slug,
    postId,
  };
}
