import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import { canInBlog } from '../../access/blogs.ts';
import type { BlogThing } from '../../access/blogs.ts';
import { shareAGroup } from '../../access/groups.ts';
import { can } from '../../access/policy.ts';
import type { Db } from '../../database.ts';
import {
  ATOM_CONTENT_TYPE,
  latestOf,
  renderAtom,
} from '../../platform/atom.ts';
import type { AtomEntry } from '../../platform/atom.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { getPersonSummaries, getPersonThing } from '../people/people.ts';
import { tagKey } from '../talk/status/text.ts';
import { findBlogBySlug } from './blogs.ts';
import type { Blog } from './blogs.ts';
import { listFeedPosts } from './feeds.ts';
import type { FeedFilter, FeedPost } from './feeds.ts';

// Atom feeds of the blogs: every blog, one blog, one tag and one author.
// Entries come only through the access rule, asked at the time of the
// request, and nothing is cached, so what one reader may read never
// reaches another (BUG-02). Signed out, a reader gets a feed only while
// the site is open to public reading, and then only what that allows:
// what needs signing in reaches a feed reader through a personal feed
// address (../feeds/personal.ts), which the app serves these routes
// under as well.
//
// An author's feed is what a person wrote or co-wrote in any blog the
// reader may read, not their personal blog, which has a feed of its own.

const readers = { config: { access: 'readers' as const } };

const NO_ENTRIES_YET = new Date(0).toISOString();
const MAX_ID = 2_147_483_647;
const MAX_TAG_LENGTH = 200;

type BlogParams = { Params: { blog: string } };
type TagParams = { Params: { tag: string } };
type AuthorParams = { Params: { personId: string } };

/** The address of a blog's page. */
export function blogPath(slug: string): string {
  return `/blogs/${encodeURIComponent(slug)}`;
}

/** The address of a post's page. */
export function blogPostPath(blogSlug: string, postSlug: string): string {
  return `${blogPath(blogSlug)}/${encodeURIComponent(postSlug)}`;
}

/** The address of a tag's page. */
export function blogTagPath(tag: string): string {
  return `/blogs/tags/${encodeURIComponent(tagKey(tag))}`;
}

/**
 * The feeds a blog page offers as `<link rel="alternate">`, for the
 * template `feeds/views/alternate-links.njk`: every blog's, and the
 * blog's or tag's own when the page is about one.
 */
export function blogFeedLinks(
  about: { blog?: { slug: string; title: string }; tag?: string } = {},
): { title: string; href: string }[] {
  const links = [{ title: 'All blog posts', href: '/blogs/feed.atom' }];
  if (about.blog) {
    links.push({
      title: about.blog.title,
      href: `${blogPath(about.blog.slug)}/feed.atom`,
    });
  }
  if (about.tag !== undefined) {
    links.push({
      title: `Posts tagged ${about.tag}`,
      href: `${blogTagPath(about.tag)}/feed.atom`,
    });
  }
  return links;
}

function missing(): NotFoundError {
  return new NotFoundError('FEED_NOT_FOUND', 'There is no such feed');
}

/** The blog at `slug`, if `actor` may read it; missing otherwise. */
async function readableBlog(db: Db, actor: Actor, slug: string) {
  const blog = await findBlogBySlug(db, slug);
  if (
    !blog ||
    !canInBlog(actor, 'blog.read', await blogThing(db, actor, blog))
  ) {
    throw missing();
  }
  return blog;
}

async function blogThing(db: Db, actor: Actor, blog: Blog): Promise<BlogThing> {
  if (blog.groupId === null) {
    return { kind: blog.kind, personId: blog.personId, group: null };
  }
  const group = await db
    .selectFrom('groups')
    .leftJoin('group_members as m', (join) =>
      join
        .onRef('m.group_id', '=', 'groups.id')
        .on('m.person_id', '=', actor.kind === 'person' ? actor.id : 0),
    )
    .select(['groups.id', 'groups.visibility', 'm.role'])
    .where('groups.id', '=', blog.groupId)
    .executeTakeFirstOrThrow();
  return {
    kind: blog.kind,
    personId: null,
    group: { id: group.id, visibility: group.visibility, role: group.role },
  };
}

/** The person at `rawId` with their name, if `actor` may see them. */
async function readableAuthor(db: Db, actor: Actor, rawId: string) {
  const id = /^[1-9]\d{0,9}$/.test(rawId) ? Number(rawId) : 0;
  const person = id <= MAX_ID ? await getPersonThing(db, id) : undefined;
  if (person && actor.kind === 'person' && actor.role === 'guest') {
    person.inReadersGroup = await shareAGroup(db, actor.id, person.id);
  }
  if (!person || !can(actor, { name: 'person.read', person })) {
    throw missing();
  }
  const [summary] = await getPersonSummaries(db, [person.id]);
  return { id: person.id, name: summary?.name ?? '' };
}

export const blogFeeds: FastifyPluginAsync<{
  db: Db;
  publicUrl: URL;
}> = async (app, { db, publicUrl }) => {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  // A tag URI (RFC 4151) names a post for good, whatever its address
  // becomes when its blog or title changes.
  const entryId = (post: FeedPost) =>
    `tag:${publicUrl.hostname},${post.createdAt.slice(0, 10)}:blog-post/${post.id}`;

  function entryOf(post: FeedPost): AtomEntry {
    const [first = '', ...others] = post.authors;
    return {
      id: entryId(post),
      title: post.title,
      updated: latestOf([post.editedAt ?? post.publishAt], post.publishAt),
      published: post.publishAt,
      authorName: first,
      coAuthorNames: others,
      link: absolute(blogPostPath(post.blog.slug, post.slug)),
      summary: post.summary,
      html: renderMarkdown(post.body),
      categories: post.tags,
    };
  }

  /** Answers the feed of the posts `filter` keeps, read by `actor`. */
  async function sendFeed(
    reply: FastifyReply,
    actor: Actor,
    filter: FeedFilter,
    page: { title: string; path: string; feedPath: string },
  ) {
    const now = new Date().toISOString();
    const entries = (await listFeedPosts(db, actor, filter, now)).map(entryOf);
    // What is in it depends on who asks: nothing may keep it for another.
    reply.header('cache-control', 'no-store').type(ATOM_CONTENT_TYPE);
    return renderAtom({
      id: absolute(page.path),
      title: page.title,
      updated: latestOf(
        entries.map((entry) => entry.updated),
        NO_ENTRIES_YET,
      ),
      self: absolute(page.feedPath),
      alternate: absolute(page.path),
      entries,
    });
  }

  app.get('/blogs/feed.atom', readers, async (request, reply) =>
    sendFeed(
      reply,
      request.actor,
      {},
      {
        title: 'Latest blog posts – CivilMedia',
        path: '/blogs',
        feedPath: '/blogs/feed.atom',
      },
    ),
  );

  app.get<BlogParams>(
    '/blogs/:blog/feed.atom',
    readers,
    async (request, reply) => {
      const blog = await readableBlog(db, request.actor, request.params.blog);
      return sendFeed(
        reply,
        request.actor,
        { blogId: blog.id },
        {
          title: blog.title,
          path: blogPath(blog.slug),
          feedPath: `${blogPath(blog.slug)}/feed.atom`,
        },
      );
    },
  );

  app.get<TagParams>(
    '/blogs/tags/:tag/feed.atom',
    readers,
    async (request, reply) => {
      const tag = request.params.tag;
      if (tag.length === 0 || tag.length > MAX_TAG_LENGTH) {
        throw missing();
      }
      return sendFeed(
        reply,
        request.actor,
        { tagKey: tagKey(tag) },
        {
          title: `Blog posts tagged ${tag}`,
          path: blogTagPath(tag),
          feedPath: `${blogTagPath(tag)}/feed.atom`,
        },
      );
    },
  );

  app.get<AuthorParams>(
    '/blogs/authors/:personId/feed.atom',
    readers,
    async (request, reply) => {
      const author = await readableAuthor(
        db,
        request.actor,
        request.params.personId,
      );
      return sendFeed(
        reply,
        request.actor,
        { authorId: author.id },
        {
          title: `Blog posts by ${author.name}`,
          path: `/people/${author.id}`,
          feedPath: `/blogs/authors/${author.id}/feed.atom`,
        },
      );
    },
  );
};
