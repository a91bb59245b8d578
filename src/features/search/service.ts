import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import { placeOf, placesOf } from './links.ts';
import { searchIndex } from './query.ts';
import type { SearchRequest } from './query.ts';
import { highlight } from './snippets.ts';
import type { SearchKind } from './tables.ts';

// The search as pages and the API use it: a page of what the reader may
// see, each result with its address, highlighted title and snippet, its
// group and author.

/** A result as pages and the API show it. */
export interface SearchResult {
  kind: SearchKind;
  id: number;
  href: string;
  /** The title, or what names a result that has none. */
  title: string;
  /** Safe HTML: escaped, query words in <mark>. */
  titleHtml: string;
  snippetHtml: string;
  group: { id: number; slug: string; name: string } | null;
  author: { id: number; name: string } | null;
  createdAt: string;
  updatedAt: string;
}

export const KIND_LABELS: Record<SearchKind, string> = {
  person: 'Person',
  group: 'Group',
  status: 'Status post',
  thread: 'Thread',
  reply: 'Reply',
  blog_post: 'Blog post',
  blog_comment: 'Blog comment',
  wiki_page: 'Wiki page',
  file: 'File',
};

/**
 * One page of results for `actor`, and how many there are: exactly up to
 * 1,000, and past that 1,000 with `totalIsLowerBound` (./query.ts).
 */
export async function search(
  db: Db,
  actor: Actor,
  request: SearchRequest,
  page: PageRequest,
): Promise<{
  items: SearchResult[];
  total: number;
  totalIsLowerBound: boolean;
}> {
  const found = await searchIndex(db, actor, request, page);
  const rows = found.items;
  const groupIds = [...new Set(rows.flatMap((row) => row.groupId ?? []))];
  const authorIds = [...new Set(rows.flatMap((row) => row.authorId ?? []))];
  const [places, groups, authors] = await Promise.all([
    placesOf(db, rows),
    groupIds.length === 0
      ? []
      : db
          .selectFrom('groups')
          .select(['id', 'slug', 'name'])
          .where('id', 'in', groupIds)
          .execute(),
    authorIds.length === 0
      ? []
      : db
          .selectFrom('people')
          .select(['id', 'display_name as name'])
          .where('id', 'in', authorIds)
          .execute(),
  ]);
  const groupById = new Map(groups.map((group) => [group.id, group]));
  const authorById = new Map(authors.map((author) => [author.id, author]));
  const items = rows.map((row): SearchResult => {
    const place = placeOf(places, row);
    const title = titleOf(row, place.context, authorById);
    return {
      kind: row.kind,
      id: row.refId,
      href: place.href,
      title,
      titleHtml: highlight(title, row.title ? found.parts : []),
      snippetHtml: highlight(row.body, found.parts, true),
      group:
        row.kind === 'group' || row.groupId === null
          ? null
          : (groupById.get(row.groupId) ?? null),
      author:
        row.kind === 'person' || row.authorId === null
          ? null
          : (authorById.get(row.authorId) ?? null),
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  });
  return {
    items,
    total: found.total,
    totalIsLowerBound: found.totalIsLowerBound,
  };
}

function titleOf(
  row: { kind: SearchKind; title: string; authorId: number | null },
  context: string | null,
  authors: Map<number, { name: string }>,
): string {
  if (row.title) {
    return row.title;
  }
  const author = row.authorId === null ? null : authors.get(row.authorId);
  switch (row.kind) {
    case 'reply':
      return `Reply in “${context ?? ''}”`;
    case 'blog_comment':
      return `Comment on “${context ?? ''}”`;
    case 'status':
      return author ? `Status post by ${author.name}` : 'Status post';
    default:
      return KIND_LABELS[row.kind];
  }
}
