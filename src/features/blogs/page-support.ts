import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import { canInBlog } from '../../access/blogs.ts';
import type { Db } from '../../database.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { paginationParams } from '../../platform/pagination.ts';
import { withQuery } from '../../platform/views.ts';
import { getSetting } from '../admin/settings.ts';
import type { Blog } from './blogs.ts';
import type { ListedPost } from './listing.ts';
import { shownStatus } from './posts.ts';
import { blogPath, postPath, tagPath } from './representations.ts';
import type { BlogForReader } from './things.ts';

// What the blog pages share: access, addresses, and how a post looks in
// a list.

export const readers = { config: { access: 'readers' } } as const;
export const signedIn = { config: { access: 'signed-in' } } as const;

export const BLOGS_CRUMB = { text: 'Blogs', href: '/blogs' };

export function formOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  return body && typeof body === 'object'
    ? (body as Record<string, unknown>)
    : {};
}

export function queryOf(request: FastifyRequest): Record<string, unknown> {
  return request.query as Record<string, unknown>;
}

export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export async function siteTimeZone(db: Db): Promise<string> {
  return getSetting(db, 'timeZone');
}

/** A person's page, or null for a former contributor without one. */
export function personPath(id: number | null): string | null {
  return id === null ? null : `/people/${id}`;
}

export function blogView(opened: BlogForReader, actor: Actor) {
  const { blog, thing, group } = opened;
  return {
    slug: blog.slug,
    title: blog.title,
    kind: blog.kind,
    description: blog.description,
    descriptionHtml: renderMarkdown(blog.description),
    commentPolicy: blog.commentPolicy,
    path: blogPath(blog.slug),
    group: group ? { name: group.name, path: `/groups/${group.slug}` } : null,
    owner: blog.personId === null ? null : personPath(blog.personId),
    may: {
      write: canInBlog(actor, 'blog.write', thing),
      manage: canInBlog(actor, 'blog.manage', thing),
    },
  };
}

export function blogCrumbs(blog: Blog) {
  return [BLOGS_CRUMB, { text: blog.title, href: blogPath(blog.slug) }];
}

/** A post as a list shows it. */
export function postRow(post: ListedPost, now: string) {
  return {
    title: post.title,
    path: postPath(post.blog.slug, post.slug),
    summary: post.summary,
    blog: { title: post.blog.title, path: blogPath(post.blog.slug) },
    status: shownStatus(post, now),
    audience: post.audience,
    publishAt: post.publishAt,
    updatedAt: post.updatedAt,
    edited: post.editedAt !== null,
    commentCount: post.commentCount,
    authors: post.authors.map((author) => ({
      name: author.name,
      path: personPath(author.personId),
    })),
    tags: post.tags.map((tag) => ({ text: tag.tag, path: tagPath(tag.key) })),
  };
}

/** The pagination for a list page at `here`. */
export function pagination(
  here: string,
  page: number,
  total: number,
  pageSize: number,
) {
  return paginationParams(page, total, pageSize, (n) =>
    withQuery(here, { page: n === 1 ? null : n }),
  );
}

/** The audience choices as a form shows them. */
export const AUDIENCE_LABELS = {
  everyone: 'Everyone who can read this blog',
  members: 'Members only: signed-in staff, or the group’s members',
  private: 'Only the authors',
} as const;
