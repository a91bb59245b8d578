import type { Generated } from 'kysely';

// Row shapes of the tables the wiki owns. Times are ISO strings. Titles
// are kept as written and as keys (lower-cased, see ./titles.ts), and
// links point at keys, so a link to a page that does not exist yet starts
// working the moment someone creates it.

/** What made a revision. */
export type RevisionKind =
  | 'edit'
  | 'create'
  | 'revert'
  | 'merge'
  | 'rename'
  | 'delete'
  | 'restore'
  | 'import';

/** The site-wide wiki ('site') or one group's (key = the group's slug). */
export interface WikiSpacesTable {
  id: Generated<number>;
  key: string;
  /** Null for the site-wide space. */
  group_id: number | null;
  created_at: string;
}

export interface WikiPagesTable {
  id: Generated<number>;
  space_id: number;
  title: string;
  title_key: string;
  /** The parent's key, '' at the top of the space: the tree's index. */
  parent_key: string;
  /** Null only while the first revision is being written. */
  current_revision_id: number | null;
  /** Set when the page is a redirect to another page of the space. */
  redirect_to_key: string | null;
  deleted_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface WikiRevisionsTable {
  id: Generated<number>;
  page_id: number;
  /** The revision this one was made from; null for the first. */
  parent_id: number | null;
  /** 1, 2, 3 … within the page, in time order. */
  number: number;
  author_id: number | null;
  /** Shown when there is no person: an imported former contributor. */
  author_name: string;
  created_at: string;
  summary: string;
  body: string;
  /** Length of the body in UTF-8 bytes, and the change from the last. */
  size: number;
  size_delta: number;
  kind: RevisionKind;
  minor: Generated<number>;
  /** The importer's key, so importing a file twice adds nothing. */
  import_key: string | null;
}

export interface WikiLinksTable {
  from_page_id: number;
  to_space_id: number;
  to_title_key: string;
}

export interface WikiPageTagsTable {
  page_id: number;
  tag_key: string;
  tag: string;
}

/** A person's watch on a whole space (page_id null) or on one page. */
export interface WikiWatchesTable {
  person_id: number;
  space_id: number;
  page_id: number | null;
  created_at: string;
}

export interface WikiTables {
  wiki_spaces: WikiSpacesTable;
  wiki_pages: WikiPagesTable;
  wiki_revisions: WikiRevisionsTable;
  wiki_links: WikiLinksTable;
  wiki_page_tags: WikiPageTagsTable;
  wiki_watches: WikiWatchesTable;
}
