import type { Generated } from 'kysely';

// Row shapes of the blog tables (see the migration 2026-12-04T1500_blogs.ts
// for how scheduling and audiences work). Times are ISO strings in UTC.

export type BlogKind = 'person' | 'group' | 'site';

/** Who may comment: anyone who may read, after approval, or nobody. */
export type CommentPolicy = 'open' | 'approve' | 'closed';

export type BlogPostStatus = 'draft' | 'scheduled' | 'published';

/** Who of the blog's readers may read a post. */
export type BlogAudience = 'everyone' | 'members' | 'private';

export type BlogCommentStatus = 'approved' | 'pending';

export interface BlogsTable {
  id: Generated<number>;
  slug: string;
  kind: BlogKind;
  /** The owner of a personal blog; null otherwise. */
  person_id: number | null;
  /** The group of a group's blog; null otherwise. */
  group_id: number | null;
  title: string;
  description: Generated<string>;
  comment_policy: Generated<CommentPolicy>;
  created_at: string;
  updated_at: string;
}

export interface BlogPostsTable {
  id: Generated<number>;
  blog_id: number;
  /** Unique within the blog. */
  slug: string;
  title: string;
  summary: Generated<string>;
  /** Markdown. */
  body: string;
  status: BlogPostStatus;
  audience: Generated<BlogAudience>;
  /**
   * When a scheduled or published post becomes readable; null for a
   * draft. A scheduled post whose instant has passed reads as published.
   */
  publish_at: string | null;
  /** The first author. */
  author_id: number | null;
  author_name: string;
  /** Approved, not deleted comments; kept in step by every change. */
  comment_count: Generated<number>;
  created_at: string;
  updated_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  import_key: string | null;
}

export interface BlogPostAuthorsTable {
  post_id: number;
  /** 1 for the first author. */
  position: number;
  person_id: number | null;
  name: string;
}

/** What a post was before an edit. */
export interface BlogPostRevisionsTable {
  id: Generated<number>;
  post_id: number;
  title: string;
  summary: string;
  body: string;
  /** Who made the edit that replaced this text. */
  editor_id: number | null;
  created_at: string;
}

export interface BlogPostTagsTable {
  post_id: number;
  tag: string;
  /** The tag folded for matching (lower case, NFKC). */
  tag_key: string;
}

export interface BlogCommentsTable {
  id: Generated<number>;
  post_id: number;
  /** The comment this one answers; null at the top level. */
  parent_id: number | null;
  author_id: number | null;
  author_name: string;
  /** Markdown. */
  body: string;
  status: BlogCommentStatus;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  import_key: string | null;
}

export interface BlogAttachmentsTable {
  id: Generated<number>;
  blog_id: number;
  post_id: number | null;
  title: string;
  original_url: string;
  import_key: string | null;
  created_at: string;
}

export interface BlogTables {
  blogs: BlogsTable;
  blog_posts: BlogPostsTable;
  blog_post_authors: BlogPostAuthorsTable;
  blog_post_revisions: BlogPostRevisionsTable;
  blog_post_tags: BlogPostTagsTable;
  blog_comments: BlogCommentsTable;
  blog_attachments: BlogAttachmentsTable;
}
