import type { Generated } from 'kysely';

// Row shapes of the tables the SCIM feature owns. Times are ISO strings.

export interface ScimTokensTable {
  id: Generated<number>;
  /** Which identity provider or system holds the token, in words. */
  name: string;
  /** SHA-256 (hex) of the token. */
  token_hash: string;
  created_by: number | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** What SCIM knows of a person that their profile has no field for. */
export interface ScimUsersTable {
  person_id: number;
  given_name: string | null;
  family_name: string | null;
  /** When the provider deleted them: from then on SCIM answers 404. */
  deleted_at: string | null;
}

/** A directory group the identity provider manages. */
export interface ScimGroupsTable {
  id: Generated<number>;
  display_name: string;
  /** The name folded for matching; unique. */
  display_name_key: string;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ScimGroupMembersTable {
  group_id: number;
  person_id: number;
}

export interface ScimTables {
  scim_tokens: ScimTokensTable;
  scim_users: ScimUsersTable;
  scim_groups: ScimGroupsTable;
  scim_group_members: ScimGroupMembersTable;
}
