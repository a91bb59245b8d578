import type { Generated } from 'kysely';

// Row shapes of the tables the people feature owns. Times are ISO strings.

export interface DepartmentsTable {
  id: Generated<number>;
  slug: string;
  name: string;
  /** The name folded for matching: trimmed, lower-case, single spaces. */
  name_key: string;
  /** For an agency or other body, the department it belongs to. */
  parent_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface UnitsTable {
  id: Generated<number>;
  department_id: number;
  slug: string;
  name: string;
  name_key: string;
  created_at: string;
}

export type PersonRole = 'admin' | 'member' | 'guest';
export type PersonStatus = 'active' | 'deactivated';

export interface PeopleTable {
  id: Generated<number>;
  display_name: string;
  /** The display name folded for ordering the directory. */
  sort_name: string;
  email: string | null;
  /** The e-mail address in lower case; unique. */
  email_key: string | null;
  phone: string | null;
  job_title: string | null;
  grade: string | null;
  department_id: number | null;
  unit_id: number | null;
  location: string | null;
  about_md: Generated<string>;
  role: Generated<PersonRole>;
  status: Generated<PersonStatus>;
  password_hash: string | null;
  /** Where the person came from: demo, organogram, admin or sign-in. */
  source: string;
  /** How an importer recognises the person again, such as a name in a department. */
  source_key: string | null;
  /** The SCIM userName a provisioning system knows them by. */
  user_name: string | null;
  /** userName in lower case; unique. */
  user_name_key: string | null;
  /** The provisioning system's own id for them (SCIM externalId). */
  external_id: string | null;
  employee_number: string | null;
  /** A manager named directly by HR, apart from any organogram post. */
  manager_id: number | null;
  deactivated_at: string | null;
  /** When the identity provider removed them; they stay deactivated. */
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export type TagKind = 'skill' | 'interest' | 'project';

export interface PersonTagsTable {
  id: Generated<number>;
  person_id: number;
  kind: TagKind;
  label: string;
  label_key: string;
  position: number;
}

/** Who holds a post, as the organogram says it. */
export type HolderKind = 'named' | 'vacant' | 'undisclosed' | 'eliminated';
export type RecordStatus = 'active' | 'ended';

export interface PostsTable {
  id: Generated<number>;
  department_id: number;
  reference: string;
  organisation: string | null;
  unit_id: number | null;
  job_title: string;
  job_function: string | null;
  grade: string | null;
  holder_kind: HolderKind;
  reports_to_reference: string | null;
  reports_to_post_id: number | null;
  fte: number | null;
  phone: string | null;
  email: string | null;
  pay_floor: number | null;
  pay_ceiling: number | null;
  professional_group: string | null;
  status: Generated<RecordStatus>;
  ended_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface PostHoldersTable {
  post_id: number;
  person_id: number;
}

export interface JuniorTeamsTable {
  id: Generated<number>;
  senior_post_id: number;
  team_key: string;
  grade: string;
  job_title: string;
  unit_id: number | null;
  professional_group: string | null;
  payscale_min: number | null;
  payscale_max: number | null;
  fte: number;
  status: Generated<RecordStatus>;
  created_at: string;
  updated_at: string;
}

export interface ImportRunsTable {
  id: Generated<number>;
  kind: string;
  source_name: string;
  started_at: string;
  finished_at: string | null;
  summary: string | null;
}

export type ChangeSubject = 'post' | 'person' | 'junior_team';
export type ChangeKind = 'created' | 'updated' | 'ended' | 'reopened';

export interface DirectoryChangesTable {
  id: Generated<number>;
  import_run_id: number | null;
  actor_person_id: number | null;
  subject: ChangeSubject;
  subject_id: number;
  change: ChangeKind;
  /** JSON: each changed field with its old and new value. */
  details: string;
  created_at: string;
}

export interface DirectoryEntriesTable {
  id: Generated<number>;
  kind: 'person' | 'post';
  person_id: number | null;
  post_id: number | null;
  department_id: number | null;
  grade: string | null;
  location: string | null;
  sort_key: string;
  name: string;
  job_title: string;
  unit_name: string;
  tags: string;
}

export interface PeopleTables {
  departments: DepartmentsTable;
  units: UnitsTable;
  people: PeopleTable;
  person_tags: PersonTagsTable;
  posts: PostsTable;
  post_holders: PostHoldersTable;
  junior_teams: JuniorTeamsTable;
  import_runs: ImportRunsTable;
  directory_changes: DirectoryChangesTable;
  directory_entries: DirectoryEntriesTable;
}
