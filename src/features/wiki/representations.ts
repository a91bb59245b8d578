import type { SavedPage } from './editing.ts';
import type { ListedPage, RecentChange } from './listing.ts';
import type { RevisionSummary, WikiPage } from './pages.ts';
import type { SpaceRow } from './spaces.ts';
import { parentTitle } from './titles.ts';

// How the wiki's pages and revisions look in the API's JSON.

/** The API address of a page; the title is one encoded segment. */
export function pageApiPath(spaceKey: string, title: string): string {
  return `/api/v1/wiki/${encodeURIComponent(spaceKey)}/pages/${encodeURIComponent(title)}`;
}

export function pageJson(space: SpaceRow, page: WikiPage) {
  return {
    space: space.key,
    title: page.title,
    parent: parentTitle(page.title),
    path: pageApiPath(space.key, page.title),
    redirectTo: page.redirectToKey,
    deleted: page.deletedAt !== null,
    createdAt: page.createdAt,
    updatedAt: page.updatedAt,
  };
}

export function listedPageJson(space: SpaceRow, page: ListedPage) {
  return {
    ...pageJson(space, page),
    revision: page.currentRevisionId,
    hasChildren: page.hasChildren,
  };
}

export function revisionJson(revision: RevisionSummary) {
  return {
    id: revision.id,
    number: revision.number,
    parent: revision.parentId,
    author: { id: revision.authorId, name: revision.authorName },
    createdAt: revision.createdAt,
    summary: revision.summary,
    size: revision.size,
    sizeDelta: revision.sizeDelta,
    kind: revision.kind,
    minor: revision.minor,
  };
}

export function changeJson(change: RecentChange) {
  return {
    ...revisionJson(change),
    space: change.spaceKey,
    title: change.title,
    path: pageApiPath(change.spaceKey, change.title),
  };
}

/** The answer to a save: the page, its text and its new revision. */
export function savedJson(space: SpaceRow, saved: SavedPage) {
  return {
    ...pageJson(space, saved.page),
    body: saved.revision.body,
    revision: saved.revision.id,
    lastRevision: revisionJson(saved.revision),
    merged: saved.merged,
    created: saved.created,
  };
}
