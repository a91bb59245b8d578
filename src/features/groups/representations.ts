import { renderMarkdown } from '../../platform/markdown.ts';
import type { Group, GroupForReader } from './groups.ts';
import type { GroupMember, JoinRequest } from './members.ts';
import type { GroupRole } from './tables.ts';

// The JSON the API gives for groups, their members and requests to join.
// Field names are stable: API clients depend on them, so a change here is
// a change to the API.

/** Where a group is in the API; the slug may be in any script. */
export function groupApiPath(slug: string): string {
  return `/api/v1/groups/${encodeURIComponent(slug)}`;
}

/** A group with the caller's role in it (`membership`, null if none). */
export function groupJson(group: Group & { role: GroupRole | null }) {
  const self = groupApiPath(group.slug);
  return {
    id: group.id,
    slug: group.slug,
    name: group.name,
    description: group.description,
    descriptionHtml: renderMarkdown(group.description),
    visibility: group.visibility,
    memberCount: group.memberCount,
    membership: group.role,
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
    links: {
      self,
      html: `/groups/${encodeURIComponent(group.slug)}`,
      members: `${self}/members`,
    },
  };
}

/** One group on its own: also whether the caller asked or was invited. */
export function groupDetailJson(group: GroupForReader) {
  return {
    ...groupJson(group),
    requested: group.requested,
    invited: group.invited,
  };
}

export function memberJson(member: GroupMember) {
  return {
    personId: member.personId,
    name: member.displayName,
    jobTitle: member.jobTitle,
    department: member.department,
    role: member.role,
    guest: member.guest,
    joinedAt: member.joinedAt,
    links: { person: `/api/v1/people/${member.personId}` },
  };
}

export function joinRequestJson(request: JoinRequest) {
  return {
    personId: request.personId,
    name: request.displayName,
    jobTitle: request.jobTitle,
    department: request.department,
    message: request.message,
    createdAt: request.createdAt,
    links: { person: `/api/v1/people/${request.personId}` },
  };
}
