import type { Generated } from 'kysely';

export interface AuditEventsTable {
  id: Generated<number>;
  occurred_at: string;
  /** What happened, from the closed list in audit.ts. */
  action: string;
  actor_person_id: number | null;
  /** Who acted, in words: a person's name, "SCIM client NAME", "system". */
  actor_label: string;
  subject_type: string | null;
  subject_id: number | null;
  client_address: string | null;
  /** JSON: what else is worth knowing. Never a secret or a message body. */
  details: string;
}

export interface SiteSettingsTable {
  key: string;
  value: string;
  updated_at: string;
  updated_by: number | null;
}

export interface SignInFailuresTable {
  key: string;
  failures: number;
  window_started_at: string;
}

export interface AuditTables {
  audit_events: AuditEventsTable;
  site_settings: SiteSettingsTable;
  sign_in_failures: SignInFailuresTable;
}
