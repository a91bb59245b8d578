import type { FastifyRequest } from 'fastify';
import type { Actor, PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { NotFoundError, UnauthenticatedError } from '../../platform/errors.ts';
import type { PageRequest } from '../../platform/pagination.ts';
import type { RecentChange } from './listing.ts';
import type { RevisionSummary } from './pages.ts';
import { wikiPagePath } from './rendering.ts';
import { requireSpaceFor, spaceFor, spaceNotFound } from './spaces.ts';
import type { Space, SpaceAction } from './spaces.ts';
import { ancestorTitles, leafName } from './titles.ts';

// What the wiki's pages share: who is asking, what a form sent, the
// addresses of a space and its pages, and the notice a page shows after
// a change.

export type SpaceParams = { Params: { space: string } };
export type TitleParams = { Params: { space: string; title: string } };
export type RevisionParams = {
  Params: { space: string; title: string; revision: string };
};

/** The signed-in person behind a request the gate let through. */
export function personOf(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new UnauthenticatedError();
  }
  return request.actor;
}

/**
 * The space when `actor` may do `action` there. To the pages a group's
 * wiki the reader may not read is not found, like everything in it, so
 * its titles are not confirmed to outsiders by a different answer; the
 * site's wiki is forbidden to guests, who know it exists.
 */
export async function pageSpaceFor(
  db: Db,
  actor: Actor,
  spaceKey: string,
  action: SpaceAction,
): Promise<Space> {
  const space = await spaceFor(db, actor, spaceKey);
  if (space.group !== null && !space.mayRead) {
    throw spaceNotFound();
  }
  const allowed = {
    read: space.mayRead,
    edit: space.mayEdit,
    manage: space.mayManage,
  }[action];
  // The service refuses with its own words for what is missing.
  return allowed ? space : requireSpaceFor(db, actor, spaceKey, action);
}

/** A form's fields; an empty object when nothing was sent. */
export function formOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object'
    ? (body as Record<string, unknown>)
    : {};
}

export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

/** A form or query value sent once as text, else ''. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The first page of a list, `size` long. */
export function firstPage(size: number): PageRequest {
  return { page: 1, pageSize: size, offset: 0 };
}

/** A revision id from a path, or 404 for anything that cannot be one. */
export function readRevisionId(value: string): number {
  if (!/^[1-9]\d{0,8}$/.test(value)) {
    throw new NotFoundError('REVISION_NOT_FOUND', 'There is no such revision');
  }
  return Number(value);
}

/** The address of a space's index. */
export function spacePath(space: { key: string }): string {
  return `/wiki/${encodeURIComponent(space.key)}`;
}

/** What a space is called on its pages. */
export function spaceName(space: Space): string {
  return space.group ? `${space.group.name} wiki` : 'Site wiki';
}

/** The space as its templates need it. */
export function spaceView(space: Space) {
  return {
    key: space.key,
    name: spaceName(space),
    path: spacePath(space),
    group: space.group,
    mayEdit: space.mayEdit,
    mayManage: space.mayManage,
  };
}

/**
 * Breadcrumbs down to a page: the wiki, the space, then each page above
 * it in the title's hierarchy.
 */
export function breadcrumbsTo(space: Space, title: string | null) {
  const crumbs = [
    { text: 'Wiki', href: '/wiki' },
    { text: spaceName(space), href: spacePath(space) },
  ];
  if (title === null) {
    return crumbs;
  }
  for (const ancestor of ancestorTitles(title)) {
    crumbs.push({
      text: leafName(ancestor),
      href: wikiPagePath(space.key, ancestor),
    });
  }
  return crumbs;
}

/** Breadcrumbs to a page's own sub-page (history, edit…), page included. */
export function breadcrumbsUnder(space: Space, title: string) {
  return [
    ...breadcrumbsTo(space, title),
    { text: leafName(title), href: wikiPagePath(space.key, title) },
  ];
}

/** A revision in a list, with where its author's profile is. */
export function revisionView(revision: RevisionSummary) {
  return {
    ...revision,
    authorPath:
      revision.authorId === null ? null : `/people/${revision.authorId}`,
  };
}

/** A recent change with the addresses of its page and space. */
export function changeView(change: RecentChange) {
  return {
    ...revisionView(change),
    title: change.title,
    spaceKey: change.spaceKey,
    spacePath: spacePath({ key: change.spaceKey }),
    pagePath: wikiPagePath(change.spaceKey, change.title),
  };
}

// A change ends in a redirect with `?done=KEY`; the page it lands on
// shows the sentence for the key. Only these sentences can appear, so a
// crafted link cannot put words of its own on the page.
const NOTICES: Record<string, string> = {
  saved: 'Your changes have been saved.',
  created: 'The page has been created.',
  merged:
    'Someone else changed this page while you were editing; your changes were merged with theirs.',
  unchanged: 'You made no changes, so nothing was saved.',
  moved: 'The page has been moved. Its old title now leads here.',
  deleted: 'The page has been deleted.',
  restored: 'The page has been restored.',
  reverted: 'The page has been reverted.',
  watching: 'You are watching this page.',
  unwatched: 'You are no longer watching this page.',
  'space-watching': 'You are watching this wiki.',
  'space-unwatched': 'You are no longer watching this wiki.',
};

/** The success notice a redirect asked for, if any. */
export function noticeOf(request: FastifyRequest): string | undefined {
  const key = queryOf(request).done;
  return typeof key === 'string' && Object.hasOwn(NOTICES, key)
    ? NOTICES[key]
    : undefined;
}

/** `path` with `?done=KEY`, for the redirect after a change. */
export function done(path: string, key: keyof typeof NOTICES): string {
  return `${path}?done=${key}`;
}
