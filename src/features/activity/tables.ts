import type { Generated } from 'kysely';

// Row shapes of the activity tables (see the migration
// 2026-12-04T1610_activity_notifications.ts). Times are ISO strings.

/** Something a person did, named by its subject; see ./subjects.ts. */
export interface ActivityEventsTable {
  id: Generated<number>;
  actor_id: number;
  verb: string;
  subject_type: string;
  subject_id: number;
  group_id: number | null;
  /** 1 for a site announcement, which every home page shows. */
  announcement: Generated<number>;
  /** Plain text as it read when it happened, e.g. the thread's title. */
  summary: string;
  url: string;
  event_key: string;
  created_at: string;
}

export interface FollowsTable {
  follower_id: number;
  /** The person followed. */
  person_id: number;
  created_at: string;
}

export type WatchLevel = 'watch' | 'mute';

export interface GroupWatchesTable {
  person_id: number;
  group_id: number;
  level: WatchLevel;
  created_at: string;
}

export interface BlogWatchesTable {
  person_id: number;
  blog_id: number;
  level: WatchLevel;
  created_at: string;
}

export interface ActivityTables {
  activity_events: ActivityEventsTable;
  follows: FollowsTable;
  group_watches: GroupWatchesTable;
  blog_watches: BlogWatchesTable;
}
