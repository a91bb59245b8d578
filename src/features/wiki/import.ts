import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { foldAccents } from '../../platform/text.ts';
import { storeLinks } from './links.ts';
import {
  appendRevision,
  currentRevision,
  findPageByKey,
  insertPage,
  readBody,
  readSummary,
} from './pages.ts';
import type { Revision, WikiPage } from './pages.ts';
import type { SpaceRow } from './spaces.ts';
import { keyOfNormalized, normalizeTitle } from './titles.ts';

// What an importer (the MediaWiki one in ./mediawiki/) writes through:
// one revision at a time, recognised by a key of the importer's own so a
// second run of the same file adds nothing. Revisions of a page are kept
// in time order however they arrive; the newest is the current one and
// decides the page's links, tags and redirect.

export interface ImportedRevision {
  space: SpaceRow;
  title: string;
  body: string;
  summary: string;
  /** The person it is matched to, or null for a former contributor. */
  authorId: number | null;
  authorName: string;
  createdAt: string;
  /** Unique across imports, such as "mediawiki:<site>:<revision id>". */
  importKey: string;
  /** The title this page redirects to, when it is a redirect. */
  redirectTo?: string | null;
  tags?: readonly string[];
  /** The source marked it a minor edit. */
  minor?: boolean;
}

export interface ImportOutcome {
  /** False when the import key was already there: nothing was written. */
  created: boolean;
  revisionId: number;
  pageId: number;
}

/** Writes one imported revision, once. The caller owns the transaction. */
export async function importRevision(
  db: Db,
  input: ImportedRevision,
): Promise<ImportOutcome> {
  const known = await db
    .selectFrom('wiki_revisions')
    .select(['id', 'page_id'])
    .where('import_key', '=', input.importKey)
    .executeTakeFirst();
  if (known) {
    return { created: false, revisionId: known.id, pageId: known.page_id };
  }
  const title = normalizeTitle(input.title);
  const redirectKey = input.redirectTo
    ? keyOfNormalized(normalizeTitle(input.redirectTo))
    : null;
  const revision = {
    body: readBody(input.body),
    summary: readSummary(input.summary.slice(0, 500)),
    kind: 'import' as const,
    authorId: input.authorId,
    authorName: input.authorName,
    createdAt: input.createdAt,
    importKey: input.importKey,
    minor: input.minor === true,
  };
  const page = await findPageByKey(db, input.space.id, keyOfNormalized(title), {
    lock: true,
  });

  let saved: { page: WikiPage; revision: Revision };
  if (!page) {
    saved = await insertPage(db, input.space, title, revision, redirectKey);
  } else {
    const current = await currentRevision(db, page);
    if (current.createdAt > input.createdAt) {
      const id = await insertEarlier(db, page, revision);
      return { created: true, revisionId: id, pageId: page.id };
    }
    saved = await appendRevision(db, page, current, revision, {
      redirectToKey: redirectKey,
    });
  }
  await storeLinks(db, saved.page, revision.body);
  await storeTags(db, saved.page.id, input.tags ?? []);
  return {
    created: true,
    revisionId: saved.revision.id,
    pageId: saved.page.id,
  };
}

/** Replaces a page's tags; `Category:Budget 2020` gives "Budget 2020". */
async function storeTags(
  db: Db,
  pageId: number,
  tags: readonly string[],
): Promise<void> {
  await db.deleteFrom('wiki_page_tags').where('page_id', '=', pageId).execute();
  const byKey = new Map<string, string>();
  for (const tag of tags) {
    const clean = tag.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
    if (clean !== '') {
      byKey.set(foldAccents(clean), clean.slice(0, 200));
    }
  }
  if (byKey.size === 0) {
    return;
  }
  await db
    .insertInto('wiki_page_tags')
    .values(
      [...byKey].map(([key, tag]) => ({ page_id: pageId, tag_key: key, tag })),
    )
    .execute();
}

/**
 * Puts a revision older than the page's current one into its place in
 * the history: later revisions move up one number, and the chain of
 * parents and size changes is mended around it.
 */
async function insertEarlier(
  db: Db,
  page: WikiPage,
  revision: Parameters<typeof appendRevision>[3],
): Promise<number> {
  const before = await db
    .selectFrom('wiki_revisions')
    .select(['id', 'number', 'size'])
    .where('page_id', '=', page.id)
    .where('created_at', '<=', revision.createdAt)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
  const number = (before?.number ?? 0) + 1;
  // Two steps, so the unique (page, number) index never sees a clash.
  await db
    .updateTable('wiki_revisions')
    .set({ number: sql<number>`-(number + 1)` })
    .where('page_id', '=', page.id)
    .where('number', '>=', number)
    .execute();
  await db
    .updateTable('wiki_revisions')
    .set({ number: sql<number>`-number` })
    .where('page_id', '=', page.id)
    .where('number', '<', 0)
    .execute();
  const size = Buffer.byteLength(revision.body, 'utf8');
  const { id } = await db
    .insertInto('wiki_revisions')
    .values({
      page_id: page.id,
      parent_id: before?.id ?? null,
      number,
      author_id: revision.authorId,
      author_name: revision.authorName.slice(0, 200),
      created_at: revision.createdAt,
      summary: revision.summary,
      body: revision.body,
      size,
      size_delta: size - (before?.size ?? 0),
      kind: revision.kind,
      minor: revision.minor ? 1 : 0,
      import_key: revision.importKey ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .updateTable('wiki_revisions')
    .set({ parent_id: id, size_delta: sql<number>`size - ${size}` })
    .where('page_id', '=', page.id)
    .where('number', '=', number + 1)
    .execute();
  return id;
}
