import type { Generated } from 'kysely';

// The notifications table (see the migration
// 2026-12-04T1610_activity_notifications.ts). Times are ISO strings.

export interface NotificationsTable {
  id: Generated<number>;
  /** The recipient. */
  person_id: number;
  kind: string;
  actor_id: number | null;
  subject_type: string;
  subject_id: number;
  /** Unique with person_id: one event never notifies a person twice. */
  event_key: string;
  summary: string;
  url: string;
  created_at: string;
  read_at: string | null;
}

export interface NotificationTables {
  notifications: NotificationsTable;
}
