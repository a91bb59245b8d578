import type { Generated } from 'kysely';
import type { GroupVisibility } from '../groups/tables.ts';

// Row shapes of the tables Talk's discussions own (see the migration
// 2026-12-04T1400_talk.ts for why a post has two numbers). Times are ISO
// strings; flags are 0 or 1.

/** A site category (no group) or a group's own discussions. */
export interface TalkCategoriesTable {
  id: Generated<number>;
  slug: string;
  name: string;
  description: Generated<string>;
  /** A site category's parent; one level only. */
  parent_id: number | null;
  /** The group whose discussions these are; null for a site category. */
  group_id: number | null;
  position: Generated<number>;
  created_at: string;
  /** New members' first posts wait for a moderator (moderation/). */
  approve_first_posts: Generated<number>;
  /** Threads every reader is shown, kept by category-counts.ts. */
  thread_count: Generated<number>;
}

/**
 * The threads every reader of a kind of place is shown: 'site' for the
 * categories outside any group, and each group visibility for its
 * groups' categories. Kept by category-counts.ts.
 */
export interface TalkThreadTotalsTable {
  place: ThreadPlace;
  thread_count: number;
}

export type ThreadPlace = 'site' | GroupVisibility;

export interface TalkThreadsTable {
  id: Generated<number>;
  category_id: number;
  title: string;
  author_id: number | null;
  /** Shown when there is no person: an imported former contributor. */
  author_name: string;
  created_at: string;
  updated_at: string;
  last_reply_at: string | null;
  /** The later of created_at and last_reply_at: what lists sort by. */
  last_activity_at: string;
  /** Shown replies, kept in step with the posts by every change. */
  reply_count: Generated<number>;
  is_question: Generated<number>;
  accepted_post_id: number | null;
  pinned: Generated<number>;
  locked: Generated<number>;
  hidden: Generated<number>;
  deleted_at: string | null;
  import_key: string | null;
  /** Its opening post waits for a moderator: only they and the author see it. */
  awaiting_approval: Generated<number>;
  /** Why a moderator hid it; shown to moderators only. */
  hidden_reason: Generated<string | null>;
}

export interface TalkPostsTable {
  id: Generated<number>;
  thread_id: number;
  /** 1, 2, 3 … in the order of posting; never changes. */
  position: number;
  /** 1, 2, 3 … over the posts readers are shown; null for the others. */
  shown_position: number | null;
  author_id: number | null;
  author_name: string;
  /** Markdown. */
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
  quote_of: number | null;
  import_key: string | null;
  /** Held for a moderator: no shown_position until approved. */
  awaiting_approval: Generated<number>;
  /** Why a moderator hid it; shown to moderators only. */
  hidden_reason: Generated<string | null>;
}

/** A body a post had before an edit. */
export interface TalkPostRevisionsTable {
  id: Generated<number>;
  post_id: number;
  body: string;
  /** The thread's title before the edit, when the edit changed it. */
  title: string | null;
  /** Who made the edit that replaced this body. */
  editor_id: number | null;
  created_at: string;
}

export interface TalkReactionsTable {
  id: Generated<number>;
  post_id: number;
  /** Null for an imported score. */
  person_id: number | null;
  kind: string;
  count: Generated<number>;
  created_at: string;
}

export type WatchLevel = 'watch' | 'mute';

export interface TalkWatchesTable {
  id: Generated<number>;
  person_id: number;
  thread_id: number | null;
  category_id: number | null;
  level: WatchLevel;
  created_at: string;
}

export interface TalkReadsTable {
  person_id: number;
  thread_id: number;
  /** The `position` of the last post the person has read. */
  last_read_position: number;
  read_at: string;
}

/** A thread's tag: as written, and folded (see status/text.ts tagKey). */
export interface TalkThreadTagsTable {
  thread_id: number;
  tag: string;
  tag_key: string;
}

/** Someone appointed to moderate one category. */
export interface TalkModeratorsTable {
  category_id: number;
  person_id: number;
  added_by: number | null;
  created_at: string;
}

export type FlagReason = 'spam' | 'offensive' | 'off-topic' | 'other';
export type FlagStatus = 'open' | 'resolved' | 'dismissed';

/** A reader's report that a post needs a moderator's eye. */
export interface TalkFlagsTable {
  id: Generated<number>;
  post_id: number;
  reporter_id: number;
  reason: FlagReason;
  note: string | null;
  status: Generated<FlagStatus>;
  created_at: string;
  resolved_by: number | null;
  resolved_at: string | null;
}

export interface TalkTables {
  talk_categories: TalkCategoriesTable;
  talk_threads: TalkThreadsTable;
  talk_thread_totals: TalkThreadTotalsTable;
  talk_posts: TalkPostsTable;
  talk_post_revisions: TalkPostRevisionsTable;
  talk_reactions: TalkReactionsTable;
  talk_watches: TalkWatchesTable;
  talk_reads: TalkReadsTable;
  talk_moderators: TalkModeratorsTable;
  talk_flags: TalkFlagsTable;
  talk_thread_tags: TalkThreadTagsTable;
}
