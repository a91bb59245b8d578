import type { Generated } from 'kysely';

// Row shapes of the tables the groups feature owns. Times are ISO strings.

/** Who may find a group and read what is in it; see src/access/groups.ts. */
export type GroupVisibility = 'open' | 'closed' | 'secret';

/** A member's place in a group. Every group keeps at least one owner. */
export type GroupRole = 'owner' | 'admin' | 'member';

export interface GroupsTable {
  id: Generated<number>;
  /** Chosen at creation and never changed, so links keep working. */
  slug: string;
  name: string;
  sort_name: string;
  /** Name and description folded for the group directory's search. */
  search_text: string;
  description_md: Generated<string>;
  visibility: GroupVisibility;
  /** Kept in step with group_members in the same transaction. */
  member_count: Generated<number>;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface GroupMembersTable {
  group_id: number;
  person_id: number;
  role: GroupRole;
  /**
   * The person's `people.sort_name`, copied by the database when they join
   * and when they are renamed, so an index holds the member list's order.
   */
  sort_name: Generated<string>;
  joined_at: string;
}

/** A request to join a closed group, waiting for a group admin. */
export interface GroupRequestsTable {
  group_id: number;
  person_id: number;
  message: string | null;
  created_at: string;
}

/**
 * An invitation waiting for its answer; accepted or declined ones are
 * deleted (the audit log keeps the story). A guest invitation also has a
 * token, so someone with no password yet can set one from the link.
 */
export interface GroupInvitationsTable {
  id: Generated<number>;
  group_id: number;
  person_id: number;
  role: GroupRole;
  as_guest: Generated<number>;
  /** SHA-256 (hex) of the link's token; null for staff invitations. */
  token_hash: string | null;
  invited_by: number | null;
  created_at: string;
  expires_at: string;
}

export interface GroupTables {
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_requests: GroupRequestsTable;
  group_invitations: GroupInvitationsTable;
}
