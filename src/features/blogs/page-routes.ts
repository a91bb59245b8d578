import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import { canInBlog } from '../../access/blogs.ts';
import { isolate } from '../../platform/views.ts';
import type { Database } from '../../database.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { readPageRequest } from '../../platform/pagination.ts';
import { describeInstant } from '../../platform/time-zones.ts';
import { tagKey } from '../talk/status/text.ts';
import { attachmentsForPage } from '../files/attachments/service.ts';
import { listComments, threadComments } from './comments.ts';
import { listPosts, listRevisions, tagName } from './listing.ts';
import type { PostFilter } from './listing.ts';
import {
  blogCrumbs,
  blogView,
  BLOGS_CRUMB,
  pagination,
  personPath,
  postRow,
  queryOf,
  readers,
  signedIn,
  siteTimeZone,
} from './page-support.ts';
import { shownStatus } from './posts.ts';
import { postPath, tagPath } from './representations.ts';
import { openPost } from './service.ts';
import { actorId, postThing, requireBlogFor } from './things.ts';

// The pages that read blogs: the latest posts, a blog, a tag, a post with
// its comments, a post's history, and an author's drafts.

type BlogParams = { Params: { blog: string } };
type PostParams = { Params: { blog: string; post: string } };

const PAGE_SIZE = 20;

export const blogReadPages: FastifyPluginAsync<{
  db: Kysely<Database>;
}> = async (app, { db }) => {
  app.get('/blogs', readers, async (request, reply) => {
    const page = readPageRequest(queryOf(request), PAGE_SIZE);
    const now = new Date().toISOString();
    const result = await listPosts(db, request.actor, {}, page, now);
    const staff =
      request.actor.kind === 'person' && request.actor.role !== 'guest';
    return reply.render('blogs/views/list.njk', {
      pageTitle: 'Blogs',
      heading: 'Latest blog posts',
      posts: result.items.map((post) => postRow(post, now)),
      total: result.total,
      pagination: pagination('/blogs', page.page, result.total, PAGE_SIZE),
      mayStart: staff,
    });
  });

  app.get<{ Params: { tag: string } }>(
    '/blogs/tags/:tag',
    readers,
    async (request, reply) => {
      const page = readPageRequest(queryOf(request), PAGE_SIZE);
      const now = new Date().toISOString();
      const key = tagKey(request.params.tag);
      const filter: PostFilter = { tagKey: key };
      const result = await listPosts(db, request.actor, filter, page, now);
      const name = result.total > 0 ? ((await tagName(db, key)) ?? key) : key;
      return reply.render('blogs/views/list.njk', {
        pageTitle: `Posts tagged ${isolate(name)}`,
        heading: `Posts tagged “${isolate(name)}”`,
        breadcrumbs: [BLOGS_CRUMB],
        posts: result.items.map((post) => postRow(post, now)),
        total: result.total,
        pagination: pagination(
          tagPath(key),
          page.page,
          result.total,
          PAGE_SIZE,
        ),
      });
    },
  );

  app.get<BlogParams>('/blogs/:blog', readers, async (request, reply) => {
    const page = readPageRequest(queryOf(request), PAGE_SIZE);
    const now = new Date().toISOString();
    const opened = await requireBlogFor(db, request.actor, request.params.blog);
    const filter = { blogId: opened.blog.id };
    const result = await listPosts(db, request.actor, filter, page, now);
    const blog = blogView(opened, request.actor);
    return reply.render('blogs/views/list.njk', {
      pageTitle: isolate(opened.blog.title),
      heading: isolate(opened.blog.title),
      breadcrumbs: [BLOGS_CRUMB],
      blog,
      posts: result.items.map((post) => postRow(post, now)),
      total: result.total,
      pagination: pagination(blog.path, page.page, result.total, PAGE_SIZE),
    });
  });

  app.get<BlogParams>(
    '/blogs/:blog/drafts',
    signedIn,
    async (request, reply) => {
      const page = readPageRequest(queryOf(request), PAGE_SIZE);
      const now = new Date().toISOString();
      const { actor } = request;
      const opened = await requireBlogFor(db, actor, request.params.blog);
      const filter = { blogId: opened.blog.id, unpublishedBy: actorId(actor) };
      const result = await listPosts(db, actor, filter, page, now);
      const zone = await siteTimeZone(db);
      const blog = blogView(opened, actor);
      return reply.render('blogs/views/list.njk', {
        pageTitle: `Your drafts and scheduled posts – ${isolate(opened.blog.title)}`,
        heading: 'Your drafts and scheduled posts',
        breadcrumbs: blogCrumbs(opened.blog),
        drafts: true,
        blog,
        posts: result.items.map((post) => ({
          ...postRow(post, now),
          publishes:
            post.publishAt && post.status === 'scheduled'
              ? describeInstant(post.publishAt, zone)
              : null,
        })),
        total: result.total,
        pagination: pagination(
          `${blog.path}/drafts`,
          page.page,
          result.total,
          PAGE_SIZE,
        ),
      });
    },
  );

  app.get<PostParams>('/blogs/:blog/:post', readers, async (request, reply) => {
    const now = new Date().toISOString();
    const { actor, params } = request;
    const opened = await openPost(db, actor, params.blog, params.post, now);
    const { post } = opened;
    const thing = postThing(opened.thing, post);
    const manager = canInBlog(actor, 'post.moderate', thing, now);
    const page = readPageRequest(queryOf(request), 100);
    const viewer = { id: actorId(actor), manager };
    const comments = await listComments(db, post.id, viewer, page);
    const attached = await attachmentsForPage(db, actor, 'blog_post', [
      post.id,
    ]);
    const zone = await siteTimeZone(db);
    const path = postPath(opened.blog.slug, post.slug);
    return reply.render('blogs/views/post.njk', {
      pageTitle: `${isolate(post.title)} – ${isolate(opened.blog.title)}`,
      breadcrumbs: blogCrumbs(opened.blog),
      blog: blogView(opened, actor),
      post: {
        title: post.title,
        path,
        html: renderMarkdown(post.body),
        summary: post.summary,
        status: shownStatus(post, now),
        audience: post.audience,
        publishAt: post.publishAt,
        publishes:
          post.publishAt && shownStatus(post, now) === 'scheduled'
            ? describeInstant(post.publishAt, zone)
            : null,
        editedAt: post.editedAt,
        authors: post.authors.map((author) => ({
          name: author.name,
          path: personPath(author.personId),
        })),
        tags: post.tags.map((tag) => ({
          text: tag.tag,
          path: tagPath(tag.key),
        })),
        commentCount: post.commentCount,
      },
      attachments: attached[post.id] ?? [],
      comments: threadComments(comments.items).map((comment) => ({
        ...comment,
        html: comment.deleted ? '' : renderMarkdown(comment.body),
        authorPath: personPath(comment.authorId),
        mayDelete: manager || comment.authorId === actorId(actor),
      })),
      commentPages: pagination(path, page.page, comments.total, 100),
      may: {
        edit: canInBlog(actor, 'post.edit', thing, now),
        delete: canInBlog(actor, 'post.delete', thing, now),
        comment: canInBlog(actor, 'post.comment', thing, now),
        moderate: manager,
      },
      values: {},
      replyTo: /^[1-9]\d{0,9}$/.test(String(queryOf(request).replyTo ?? ''))
        ? String(queryOf(request).replyTo)
        : null,
    });
  });

  app.get<PostParams>(
    '/blogs/:blog/:post/history',
    readers,
    async (request, reply) => {
      const now = new Date().toISOString();
      const { actor, params } = request;
      const opened = await openPost(db, actor, params.blog, params.post, now);
      const page = readPageRequest(queryOf(request), PAGE_SIZE);
      const result = await listRevisions(db, opened.post.id, page);
      if (page.page > 1 && result.items.length === 0) {
        throw new NotFoundError();
      }
      const path = postPath(opened.blog.slug, opened.post.slug);
      return reply.render('blogs/views/history.njk', {
        pageTitle: `History of ${isolate(opened.post.title)}`,
        breadcrumbs: [
          ...blogCrumbs(opened.blog),
          { text: opened.post.title, href: path },
        ],
        post: { title: opened.post.title, path, body: opened.post.body },
        revisions: result.items,
        total: result.total,
        pagination: pagination(
          `${path}/history`,
          page.page,
          result.total,
          PAGE_SIZE,
        ),
      });
    },
  );
};
