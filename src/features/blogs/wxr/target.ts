import type { Db } from '../../../database.ts';
import { ValidationError } from '../../../platform/errors.ts';
import { cleanLine, slugify } from '../../../platform/text.ts';
import { SITE_SPACE } from '../../wiki/service.ts';
import {
  createSiteBlog,
  ensureGroupBlog,
  findBlogBySlug,
  isBlogSlugFree,
} from '../blogs.ts';
import type { Blog } from '../blogs.ts';
import { findGroupIdBySlug, groupSlugOf } from './storage.ts';

// The blog `--blog SLUG` names: an existing blog; else the blog of the
// group with that slug, made on first use; else a new site blog titled
// from the export's channel.

export interface TargetBlog {
  blog: Blog;
  created: boolean;
  /** The wiki that pages go into: the group's, or the site's. */
  wikiSpace: string;
}

export async function resolveTargetBlog(
  db: Db,
  slug: string,
  channelTitle: string,
): Promise<TargetBlog> {
  const found = await findBlogBySlug(db, slug);
  if (found) {
    return { blog: found, created: false, wikiSpace: await wikiOf(db, found) };
  }
  const groupId = await findGroupIdBySlug(db, slug);
  if (groupId !== undefined) {
    // The group's blog may exist under another slug (its own was taken).
    const now = new Date().toISOString();
    const blog = await ensureGroupBlog(db, groupId, now);
    const created = Date.parse(blog.createdAt) === Date.parse(now);
    return { blog, created, wikiSpace: await wikiOf(db, blog) };
  }
  if (slugify(slug, '') !== slug || !(await isBlogSlugFree(db, slug))) {
    const message =
      `${slug} names no blog or group, and cannot be a new blog's ` +
      'address (lower-case words joined by hyphens, not a reserved word)';
    throw new ValidationError({ blog: message }, message);
  }
  const blog = await createSiteBlog(db, {
    slug,
    title: cleanLine(channelTitle).slice(0, 200) || slug,
    description: '',
  });
  return { blog, created: true, wikiSpace: SITE_SPACE };
}

async function wikiOf(db: Db, blog: Blog): Promise<string> {
  if (blog.kind !== 'group' || blog.groupId === null) {
    return SITE_SPACE;
  }
  return (await groupSlugOf(db, blog.groupId)) ?? SITE_SPACE;
}
