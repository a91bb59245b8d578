import type { Actor, PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { AppError, ForbiddenError } from '../../platform/errors.ts';
import { storeLinks } from './links.ts';
import { mergeThreeWay } from './merge.ts';
import type { MergeConflict } from './merge.ts';
import {
  appendRevision,
  currentRevision,
  findPageByKey,
  findRevision,
  insertPage,
  notARevisionOf,
  pageNotFound,
  readBody,
  readSummary,
} from './pages.ts';
import type { Revision, WikiPage } from './pages.ts';
import type { Space } from './spaces.ts';
import { keyOfNormalized, normalizeTitle } from './titles.ts';
import { wikiPageSaved } from '../activity/hooks.ts';

// Reading a page and saving an edit. An edit carries the revision it
// started from; when the page has moved on since, the two changes are
// merged line by line (./merge.ts). A clean merge is saved and said so;
// a conflict is refused with both texts, so nothing is ever overwritten
// without the editor seeing it (BUG-13).

/** A page as a reader opens it, after any redirect. */
export interface OpenedPage {
  page: WikiPage;
  revision: Revision;
  /** The page the reader asked for, when it redirected them here. */
  redirectedFrom: WikiPage | null;
}

// A chain of redirects longer than this is a loop or a mistake.
const MAX_REDIRECTS = 5;

/**
 * The page `title` of the space as `actor` may read it, following
 * redirects unless `follow` is false. A deleted page is there only for
 * those who may restore it.
 */
export async function getPage(
  db: Db,
  space: Space,
  title: string,
  options: { follow?: boolean } = {},
): Promise<OpenedPage> {
  if (!space.mayRead) {
    throw new ForbiddenError('WIKI_FORBIDDEN', 'You cannot read this wiki');
  }
  const asked = await findReadablePage(db, space, title);
  let page = asked;
  const seen = new Set<number>([page.id]);
  while (options.follow !== false && page.redirectToKey !== null) {
    const target = await findPageByKey(db, space.id, page.redirectToKey);
    if (!target || target.deletedAt !== null || seen.has(target.id)) {
      break;
    }
    seen.add(target.id);
    page = target;
    if (seen.size > MAX_REDIRECTS) {
      break;
    }
  }
  return {
    page,
    revision: await currentRevision(db, page),
    redirectedFrom: page === asked ? null : asked,
  };
}

/** The page by title, or 404 when absent or deleted for this reader. */
export async function findReadablePage(
  db: Db,
  space: Space,
  title: string,
  options: { lock?: boolean } = {},
): Promise<WikiPage> {
  let key: string;
  try {
    key = keyOfNormalized(normalizeTitle(title));
  } catch {
    throw pageNotFound();
  }
  const page = await findPageByKey(db, space.id, key, options);
  if (!page || (page.deletedAt !== null && !space.mayManage)) {
    throw pageNotFound();
  }
  return page;
}

/** An edit as the form or the API sends it. */
export interface PageEdit {
  title: string;
  body: unknown;
  summary?: unknown;
  /** The revision the editor started from; null for a new page. */
  baseRevision: number | null;
  minor?: boolean;
}

export interface SavedPage {
  page: WikiPage;
  revision: Revision;
  /** True when the page had changed and the edit was merged into it. */
  merged: boolean;
  /** True when a page was made. */
  created: boolean;
  /** False when the text was already what the edit asked for. */
  changed: boolean;
}

/** What a conflicting edit is answered with: every text involved. */
export interface ConflictDetails {
  base: { revision: number | null; body: string };
  theirs: {
    revision: number;
    number: number;
    authorName: string;
    createdAt: string;
    body: string;
  };
  yours: string;
  mergedWithMarkers: string;
  conflicts: MergeConflict[];
}

/** The page changed under the editor, on the lines they changed too. */
export class WikiConflictError extends AppError {
  constructor(readonly details: ConflictDetails) {
    super(
      409,
      'EDIT_CONFLICT',
      `Someone else changed this page (revision ${details.theirs.number} ` +
        `by ${details.theirs.authorName}) on the lines you changed`,
    );
    this.name = 'WikiConflictError';
  }
}

/**
 * Saves an edit as a new revision: as it is when the page has not
 * changed since `baseRevision`, merged when it has and the changes do
 * not overlap, refused with a WikiConflictError when they do. A new title
 * makes a new page. The caller owns the transaction and has checked that
 * `actor` may edit the space.
 */
export async function savePage(
  db: Db,
  actor: PersonActor,
  space: Space,
  edit: PageEdit,
  now = new Date().toISOString(),
): Promise<SavedPage> {
  if (!space.mayEdit) {
    throw new ForbiddenError('WIKI_FORBIDDEN', 'You cannot edit this wiki');
  }
  const title = normalizeTitle(edit.title);
  const yours = readBody(edit.body);
  const summary = readSummary(edit.summary);
  const author = { authorId: actor.id, authorName: actor.displayName };
  const page = await findPageByKey(db, space.id, keyOfNormalized(title), {
    lock: true,
  });

  if (!page) {
    if (edit.baseRevision !== null) {
      throw notARevisionOf(edit.baseRevision);
    }
    const made = await insertPage(db, space, title, {
      body: yours,
      summary,
      kind: 'create',
      ...author,
      minor: false,
      createdAt: now,
    });
    await storeLinks(db, made.page, yours);
    await wikiPageSaved(
      db,
      actor,
      space,
      made.page,
      made.revision,
      'created',
      now,
    );
    return { ...made, merged: false, created: true, changed: true };
  }
  if (page.deletedAt !== null) {
    if (!space.mayManage) {
      throw new AppError(
        409,
        'PAGE_DELETED',
        'A page with this title was deleted; ask the wiki’s managers to restore it',
      );
    }
    throw new AppError(
      409,
      'PAGE_DELETED',
      'This page is deleted; restore it before editing it',
    );
  }

  const theirs = await currentRevision(db, page);
  const base = await baseOf(db, page, edit.baseRevision);
  let text = yours;
  let merged = false;
  if (base === null || base.id !== theirs.id) {
    const result = mergeThreeWay(base?.body ?? '', theirs.body, yours, {
      theirs: `revision ${theirs.number} by ${theirs.authorName}`,
      yours: 'your edit',
    });
    if (!result.clean) {
      throw new WikiConflictError({
        base: { revision: base?.id ?? null, body: base?.body ?? '' },
        theirs: {
          revision: theirs.id,
          number: theirs.number,
          authorName: theirs.authorName,
          createdAt: theirs.createdAt,
          body: theirs.body,
        },
        yours,
        mergedWithMarkers: result.text,
        conflicts: result.conflicts,
      });
    }
    text = result.text;
    merged = true;
  }
  if (text === theirs.body && page.redirectToKey === null) {
    return { page, revision: theirs, merged, created: false, changed: false };
  }

  const saved = await appendRevision(
    db,
    page,
    theirs,
    {
      body: text,
      summary,
      kind: merged ? 'merge' : 'edit',
      ...author,
      minor: edit.minor === true,
      createdAt: now,
    },
    { redirectToKey: null },
  );
  await storeLinks(db, saved.page, text);
  await wikiPageSaved(
    db,
    actor,
    space,
    saved.page,
    saved.revision,
    'changed',
    now,
  );
  return { ...saved, merged, created: false, changed: true };
}

async function baseOf(
  db: Db,
  page: WikiPage,
  baseRevision: number | null,
): Promise<Revision | null> {
  if (baseRevision === null) {
    // Someone wrote this page while the editor was making it: their text
    // and the editor's are merged as two versions of an empty page.
    return null;
  }
  const base = await findRevision(db, baseRevision, page.id);
  if (!base) {
    throw notARevisionOf(baseRevision);
  }
  return base;
}

/** The display name an actor's revisions carry. */
export function authorNameOf(actor: Actor): string {
  return actor.kind === 'person' ? actor.displayName : 'signed-out visitor';
}
