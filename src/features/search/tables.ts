import type { Generated } from 'kysely';

// The search index's one table (migration 2026-12-04T1600_search.ts).
// Times are ISO strings.

/** What a search result can be. */
export type SearchKind =
  | 'person'
  | 'group'
  | 'status'
  | 'thread'
  | 'reply'
  | 'blog_post'
  | 'blog_comment'
  | 'wiki_page'
  | 'file';

/** What a search filters and sorts by: narrow, walked for every match. */
export interface SearchDocumentsTable {
  id: Generated<number>;
  kind: SearchKind;
  /** The id of the row it stands for, in that kind's own table. */
  ref_id: number;
  /** For the group filter only; who may read it is asked at read time. */
  group_id: number | null;
  author_id: number | null;
  /** The title folded but unstemmed: an exact title ranks first. */
  title_key: string;
  created_at: string;
  /** What ties in rank are ordered by, newest first. */
  updated_at: string;
}

/** The words of a document, read for a page of results only. */
export interface SearchTextsTable {
  document_id: number;
  title: string;
  /** Plain text, for snippets. */
  body: string;
  title_terms: string;
  body_terms: string;
}

export interface SearchTables {
  search_documents: SearchDocumentsTable;
  search_texts: SearchTextsTable;
}
