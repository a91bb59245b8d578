import type { Actor } from '../../../access/actor.ts';
import { canInBlog } from '../../../access/blogs.ts';
import { fileRights } from '../../../access/files.ts';
import type { FileContainer } from '../../../access/files.ts';
import type { Db } from '../../../database.ts';
import { ForbiddenError, NotFoundError } from '../../../platform/errors.ts';
import { postPath } from '../../blogs/representations.ts';
import { openPost } from '../../blogs/service.ts';
import { postThing } from '../../blogs/things.ts';
import { requirePostFor } from '../../talk/discussions.ts';
import { mayChangePost, postEditPath } from '../../talk/page-routes-posts.ts';
import { wikiPagePath } from '../../wiki/rendering.ts';
import { spaceFor } from '../../wiki/spaces.ts';
import type { AttachedKind } from '../tables.ts';

// The items files are attached to, as this module meets them: a wiki
// page, a Talk post (a thread's opening post or a reply) or a blog post,
// named in paths as `wiki-page`, `talk-post` and `blog-post`. Reading an
// item's attachments follows src/access/files.ts, the same rule as every
// file route; who may attach to an item and remove its attachments is
// asked of the item's own feature: those who may edit a wiki page's
// space, a Talk post's author and its category's moderators, a blog
// post's authors and its blog's managers.

/** The kinds as paths and JSON name them. */
export const PATH_KINDS = ['wiki-page', 'talk-post', 'blog-post'] as const;
export type PathKind = (typeof PATH_KINDS)[number];

const ATTACHED: Record<PathKind, AttachedKind> = {
  'wiki-page': 'wiki_page',
  'talk-post': 'talk_post',
  'blog-post': 'blog_post',
};

/** The kind a path names in the table's words. */
export function attachedKindOf(kind: PathKind): AttachedKind {
  return ATTACHED[kind];
}

/** The kind as a path names it. */
export function pathKindOf(kind: AttachedKind): PathKind {
  return kind.replace('_', '-') as PathKind;
}

/** An item the reader may read, with what they may do to its files. */
export interface AttachmentItem {
  kind: PathKind;
  id: number;
  container: Extract<FileContainer, { kind: 'attached' }>;
  /** "Onboarding", "Re: Passes for visitors", a post's title. */
  title: string;
  /** The item's own page. */
  path: string;
  /** Where the item is edited, when the reader may edit it. */
  editPath: string | null;
  /** The item's attachments page, which also takes uploads. */
  attachmentsPath: string;
  /** May add attachments and remove them. */
  mayAttach: boolean;
}

export function itemNotFound(): NotFoundError {
  return new NotFoundError(
    'ITEM_NOT_FOUND',
    'There is no such page or post, or you cannot see it',
  );
}

/** The refusal for a reader of an item who may not attach to it. */
export function cannotAttach(): ForbiddenError {
  return new ForbiddenError(
    'FORBIDDEN',
    'Only the people who can edit this page or post can add or remove its attachments',
  );
}

const MAX_ID = 2_147_483_647;

/** The kind and id of a path, or ITEM_NOT_FOUND for anything else. */
export function readItemParams(params: { kind: string; id: string }): {
  kind: PathKind;
  id: number;
} {
  const kind = PATH_KINDS.find((each) => each === params.kind);
  const id = /^[1-9]\d{0,9}$/.test(params.id) ? Number(params.id) : 0;
  if (!kind || id < 1 || id > MAX_ID) {
    throw itemNotFound();
  }
  return { kind, id };
}

/** The address of an item's attachments page. */
export function attachmentsPath(kind: PathKind, id: number): string {
  return `/attachments/${kind}/${id}`;
}

type Described = Omit<
  AttachmentItem,
  'kind' | 'id' | 'container' | 'attachmentsPath'
>;

/**
 * The item `kind` `id` when `actor` may read it at `now`, with whether
 * they may attach to it. Anything they may not read, deleted or never
 * there, is ITEM_NOT_FOUND.
 */
export async function openItem(
  db: Db,
  actor: Actor,
  kind: PathKind,
  id: number,
  now = new Date().toISOString(),
): Promise<AttachmentItem> {
  const container = {
    kind: 'attached' as const,
    attachedKind: attachedKindOf(kind),
    attachedId: id,
  };
  const rights = await fileRights(db, actor, container, now);
  if (!rights.read) {
    throw itemNotFound();
  }
  const described = await describe(db, actor, kind, id, now).catch(
    (error: unknown) => {
      throw error instanceof NotFoundError ? itemNotFound() : error;
    },
  );
  return {
    kind,
    id,
    container,
    attachmentsPath: attachmentsPath(kind, id),
    ...described,
  };
}

async function describe(
  db: Db,
  actor: Actor,
  kind: PathKind,
  id: number,
  now: string,
): Promise<Described> {
  switch (kind) {
    case 'wiki-page':
      return describeWikiPage(db, actor, id);
    case 'talk-post':
      return describeTalkPost(db, actor, id);
    case 'blog-post':
      return describeBlogPost(db, actor, id, now);
  }
}

async function describeWikiPage(
  db: Db,
  actor: Actor,
  id: number,
): Promise<Described> {
  const row = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_spaces as s', 's.id', 'p.space_id')
    .select(['p.title', 's.key'])
    .where('p.id', '=', id)
    .where('p.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    throw itemNotFound();
  }
  const space = await spaceFor(db, actor, row.key);
  const path = wikiPagePath(space.key, row.title);
  const mayAttach = space.mayRead && space.mayEdit;
  return {
    title: row.title,
    path,
    editPath: mayAttach ? `${path}/edit` : null,
    mayAttach,
  };
}

async function describeTalkPost(
  db: Db,
  actor: Actor,
  id: number,
): Promise<Described> {
  const found = await requirePostFor(db, actor, id);
  const { post, thread } = found;
  const mayAttach = mayChangePost(actor, found);
  const opening = post.position === 1;
  return {
    title: opening
      ? thread.title
      : `Reply by ${post.authorName} in “${thread.title}”`,
    path: `/talk/posts/${post.id}`,
    editPath: mayAttach ? postEditPath(post.id) : null,
    mayAttach,
  };
}

async function describeBlogPost(
  db: Db,
  actor: Actor,
  id: number,
  now: string,
): Promise<Described> {
  const row = await db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select(['p.slug as postSlug', 'b.slug as blogSlug'])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!row) {
    throw itemNotFound();
  }
  const opened = await openPost(db, actor, row.blogSlug, row.postSlug, now);
  const thing = postThing(opened.thing, opened.post);
  const mayAttach =
    canInBlog(actor, 'post.edit', thing, now) ||
    canInBlog(actor, 'blog.manage', opened.thing);
  const path = postPath(row.blogSlug, row.postSlug);
  return {
    title: opened.post.title,
    path,
    editPath: canInBlog(actor, 'post.edit', thing, now) ? `${path}/edit` : null,
    mayAttach,
  };
}

/**
 * Throws unless `actor` may attach to the item of `container`: the check
 * for anything that changes an attached file's bytes, such as a new
 * version uploaded from the file's own page.
 */
export async function requireAttachTo(
  db: Db,
  actor: Actor,
  container: Extract<FileContainer, { kind: 'attached' }>,
): Promise<void> {
  const kind = pathKindOf(container.attachedKind);
  const item = await openItem(db, actor, kind, container.attachedId);
  if (!item.mayAttach) {
    throw cannotAttach();
  }
}

/** Whether `actor` may attach to (and so change the attachments of) an item. */
export async function mayAttachTo(
  db: Db,
  actor: Actor,
  container: Extract<FileContainer, { kind: 'attached' }>,
): Promise<boolean> {
  const kind = pathKindOf(container.attachedKind);
  try {
    return (await openItem(db, actor, kind, container.attachedId)).mayAttach;
  } catch (error) {
    if (error instanceof NotFoundError) {
      return false;
    }
    throw error;
  }
}
