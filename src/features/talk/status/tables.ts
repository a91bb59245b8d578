import type { Generated } from 'kysely';

// Row shapes of the tables status posts own. Times are ISO strings.

/**
 * A status post, or a reply to one (parent_id set). A post with no group
 * is on its author's own profile, which staff read; a reply keeps its
 * post's group so that every list filters both the same way.
 */
export interface StatusPostsTable {
  id: Generated<number>;
  author_id: number;
  group_id: number | null;
  parent_id: number | null;
  /** The text as written, trimmed: at most 500 characters. */
  body: string;
  created_at: string;
}

/** A #tag in a post or reply: the key folds case, the tag is as written. */
export interface StatusPostTagsTable {
  post_id: number;
  tag_key: string;
  tag: string;
}

export interface StatusPostLikesTable {
  post_id: number;
  person_id: number;
  created_at: string;
}

/**
 * A person @mentioned in a post or reply who could read it when it was
 * written. Notifications read this table; nobody else is ever in it.
 */
export interface StatusPostMentionsTable {
  post_id: number;
  person_id: number;
}

export interface StatusTables {
  status_posts: StatusPostsTable;
  status_post_tags: StatusPostTagsTable;
  status_post_likes: StatusPostLikesTable;
  status_post_mentions: StatusPostMentionsTable;
}
