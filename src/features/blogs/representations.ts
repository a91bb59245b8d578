import type { Blog } from './blogs.ts';
import type { BlogComment } from './comments.ts';
import type { ListedPost } from './listing.ts';
import type { BlogPost, PostAuthor } from './posts.ts';
import { shownStatus } from './posts.ts';

// The JSON shapes of the blog API (DESIGN.md). A post's status is what
// it is at the time of asking: a scheduled post whose time has come is
// `published`.

export function blogPath(slug: string): string {
  return `/blogs/${encodeURIComponent(slug)}`;
}

export function postPath(blogSlug: string, postSlug: string): string {
  return `${blogPath(blogSlug)}/${encodeURIComponent(postSlug)}`;
}

export function tagPath(key: string): string {
  return `/blogs/tags/${encodeURIComponent(key)}`;
}

export function blogJson(blog: Blog) {
  return {
    slug: blog.slug,
    kind: blog.kind,
    title: blog.title,
    description: blog.description,
    commentPolicy: blog.commentPolicy,
    createdAt: blog.createdAt,
    updatedAt: blog.updatedAt,
  };
}

function authorJson(author: PostAuthor) {
  return { id: author.personId, name: author.name };
}

export function listedPostJson(post: ListedPost, now: string) {
  return {
    id: post.id,
    blog: post.blog.slug,
    slug: post.slug,
    title: post.title,
    summary: post.summary,
    status: shownStatus(post, now),
    audience: post.audience,
    publishAt: post.publishAt,
    authors: post.authors.map(authorJson),
    tags: post.tags.map((tag) => tag.tag),
    commentCount: post.commentCount,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    editedAt: post.editedAt,
  };
}

export function postJson(blog: Blog, post: BlogPost, now: string) {
  return {
    id: post.id,
    blog: blog.slug,
    slug: post.slug,
    title: post.title,
    summary: post.summary,
    body: post.body,
    status: shownStatus(post, now),
    audience: post.audience,
    publishAt: post.publishAt,
    authors: post.authors.map(authorJson),
    tags: post.tags.map((tag) => tag.tag),
    commentCount: post.commentCount,
    createdAt: post.createdAt,
    updatedAt: post.updatedAt,
    editedAt: post.editedAt,
  };
}

export function commentJson(comment: BlogComment) {
  return {
    id: comment.id,
    parentId: comment.parentId,
    author: comment.deleted
      ? null
      : { id: comment.authorId, name: comment.authorName },
    body: comment.deleted ? null : comment.body,
    status: comment.status,
    deleted: comment.deleted,
    createdAt: comment.createdAt,
  };
}
