import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Actor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { renderMarkdown } from '../../platform/markdown.ts';
import { readers } from '../groups/api-support.ts';
import type { CategoryParams, ThreadParams } from './api-support.ts';
import {
  ATOM_CONTENT_TYPE,
  latestOf,
  renderAtom,
} from '../../platform/atom.ts';
import type { AtomEntry } from '../../platform/atom.ts';
import { readIdParam } from './input.ts';
import {
  countShownPosts,
  listThreads,
  requireReadablePlace,
  requireThreadFor,
  shownPostsBetween,
  threadNotFound,
} from './service.ts';
import type { ThreadFilter } from './service.ts';

// Atom feeds of Talk: a category's latest threads, a thread's latest
// posts and the latest threads of every place the reader may read. They
// are another form of what the JSON API answers (BUG-01), so they load
// the category and thread with the same calls, and list through the
// same listThreads, as /api/v1/talk does: what the rule hides there is
// missing here, and a place one may not read is 404.
//
// A feed reader cannot sign in, so the app serves these routes again
// under /feeds/:token/ (../feeds/personal.ts), where they read as the
// owner of a personal feed token, which that person can revoke (BUG-02).
// At the addresses below, a browser session or an API token reads.

export const FEED_ENTRIES = 50;

const FIRST_PAGE = { pageSize: FEED_ENTRIES, offset: 0 };
const NO_ENTRIES_YET = new Date(0).toISOString();

export const talkFeeds: FastifyPluginAsync<{
  db: Db;
  publicUrl: URL;
}> = async (app, { db, publicUrl }) => {
  const absolute = (path: string) => new URL(path, publicUrl).href;

  /** Threads as entries, each with its opening post as content. */
  async function threadEntries(
    actor: Actor,
    filter: ThreadFilter,
  ): Promise<AtomEntry[]> {
    const { items } = await listThreads(db, actor, filter, FIRST_PAGE);
    const openings = await openingPostsOf(items.map((thread) => thread.id));
    return items.map((thread) => {
      const opening = openings.get(thread.id);
      const url = absolute(
        opening ? `/talk/posts/${opening.id}` : `/talk/threads/${thread.id}`,
      );
      return {
        id: url,
        title: thread.title,
        updated: thread.lastActivityAt,
        published: thread.createdAt,
        authorName: thread.authorName,
        link: url,
        html: opening ? renderMarkdown(opening.body) : '',
      };
    });
  }

  /**
   * The first shown post of each of these threads, in one query. The
   * threads were chosen through the rule already; a thread whose opening
   * post is hidden has no content in its entry.
   */
  async function openingPostsOf(threadIds: number[]) {
    if (threadIds.length === 0) {
      return new Map<number, { id: number; body: string }>();
    }
    const rows = await db
      .selectFrom('talk_posts')
      .select(['id', 'thread_id', 'body'])
      .where('thread_id', 'in', threadIds)
      .where('shown_position', '=', 1)
      .where('position', '=', 1)
      .execute();
    return new Map(rows.map((row) => [row.thread_id, row]));
  }

  function send(reply: FastifyReply, xml: string): string {
    reply.type(ATOM_CONTENT_TYPE);
    return xml;
  }

  app.get<CategoryParams>(
    '/talk/categories/:category/feed.atom',
    readers,
    async (request, reply) => {
      const place = await requireReadablePlace(
        db,
        request.actor,
        request.params.category,
      );
      const { category } = place;
      const entries = await threadEntries(request.actor, {
        categoryId: category.id,
      });
      const path = `/talk/categories/${encodeURIComponent(category.slug)}`;
      return send(
        reply,
        renderAtom({
          id: absolute(path),
          title: `${category.name} – Talk`,
          updated: latestOf(
            entries.map((entry) => entry.updated),
            category.createdAt,
          ),
          self: absolute(`${path}/feed.atom`),
          alternate: absolute(path),
          entries,
        }),
      );
    },
  );

  app.get<ThreadParams>(
    '/talk/threads/:threadId/feed.atom',
    readers,
    async (request, reply) => {
      const id = readIdParam(request.params.threadId, threadNotFound);
      const { thread } = await requireThreadFor(db, request.actor, id);
      const total = await countShownPosts(db, thread.id);
      const from = Math.max(1, total - FEED_ENTRIES + 1);
      const posts = await shownPostsBetween(db, thread.id, from, total);
      const entries = posts.reverse().map((post) => {
        const url = absolute(`/talk/posts/${post.id}`);
        return {
          id: url,
          // A reply's number moves when one before it is hidden, so its
          // title does not carry one.
          title: post.position === 1 ? thread.title : `Re: ${thread.title}`,
          updated: post.editedAt ?? post.createdAt,
          published: post.createdAt,
          authorName: post.authorName,
          link: url,
          html: renderMarkdown(post.body),
        };
      });
      const path = `/talk/threads/${thread.id}`;
      return send(
        reply,
        renderAtom({
          id: absolute(path),
          title: `${thread.title} – Talk`,
          updated: latestOf(
            entries.map((entry) => entry.updated),
            thread.createdAt,
          ),
          self: absolute(`${path}/feed.atom`),
          alternate: absolute(path),
          entries,
        }),
      );
    },
  );

  app.get('/talk/latest.atom', readers, async (request, reply) => {
    const entries = await threadEntries(request.actor, {});
    return send(
      reply,
      renderAtom({
        id: absolute('/talk/latest'),
        title: 'Latest discussions – Talk',
        updated: latestOf(
          entries.map((entry) => entry.updated),
          NO_ENTRIES_YET,
        ),
        self: absolute('/talk/latest.atom'),
        alternate: absolute('/talk/latest'),
        entries,
      }),
    );
  });
};
