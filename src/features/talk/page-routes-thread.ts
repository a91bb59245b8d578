import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { readPageRequest } from '../../platform/pagination.ts';
import type { PageContext } from '../../platform/views.ts';
import { personOf } from '../groups/page-support.ts';
import { postsJson } from './api-support.ts';
import { acceptAnswer, replyToThread, requirePostFor } from './discussions.ts';
import { readIdParam, readReplyInput } from './input.ts';
import {
  pageCountOf,
  pageOfPost,
  POSTS_PER_PAGE,
  threadPage,
} from './pages.ts';
import {
  categoryPath,
  done,
  formErrors,
  formOf,
  noticeOf,
  paginationFor,
  personPath,
  queryOf,
  readers,
  readerIdOf,
  signedIn,
  TALK_CRUMB,
  textOf,
  threadPath,
} from './page-routes-support.ts';
import { findPost, postNotFound } from './posts.ts';
import type { Post } from './posts.ts';
import { isReactionKind, react, REACTION_KINDS, unreact } from './reactions.ts';
import { clearWatch, readerMarksOf, setWatch } from './reading.ts';
import { expertsPanel } from './experts/api.ts';
import { threadTagsView } from './tags/page-routes.ts';
import { threadModerationView } from './moderation/thread-view.ts';
import { requireThreadFor, threadNotFound } from './threads.ts';
import type { Thread } from './threads.ts';
import { UNREAD_SCRIPT_PATH } from './unread/page-routes.ts';
import { threadPageUnread } from './unread/pages.ts';
import { attachmentsForPage } from '../files/attachments/service.ts';
import {
  postDeletePath,
  postEditPath,
  postHistoryPath,
} from './page-routes-posts.ts';

// A thread's pages: the opening post and replies 25 a page (page N is
// a range of shown posts, so no page is empty and there is none past
// the last), the accepted answer right after the question, and the
// forms a reader uses there: reply (with a quote), react, accept,
// watch or mute. A link to a post lands on the page that holds it.

type ThreadParams = { Params: { threadId: string } };
type PostParams = { Params: { postId: string } };

const REACTION_LABELS: Record<string, string> = {
  like: 'Like',
  thanks: 'Thanks',
  agree: 'Agree',
  insightful: 'Insightful',
};

type PostJson = Awaited<ReturnType<typeof postsJson>>[number];

/** Whether the reader may edit or delete posts, and their id. */
interface Changer {
  readerId: number | null;
  mayModerate: boolean;
  /** Others have replied, so only a moderator deletes the thread. */
  hasReplies: boolean;
}

function postView(post: PostJson, returnTo: string, changer: Changer) {
  const own = changer.readerId !== null && post.author?.id === changer.readerId;
  const mayChange = !post.deleted && (own || changer.mayModerate);
  const mayDelete =
    mayChange && (!post.opening || !changer.hasReplies || changer.mayModerate);
  return {
    ...post,
    anchor: `post-${post.id}`,
    own,
    editPath: mayChange ? postEditPath(post.id) : null,
    deletePath: mayDelete ? postDeletePath(post.id) : null,
    historyPath: postHistoryPath(post.id),
    authorPath: post.author ? personPath(post.author.id) : null,
    quote: post.quote
      ? {
          ...post.quote,
          authorPath: personPath(post.quote.author.id),
          path: `/talk/posts/${post.quote.id}`,
        }
      : null,
    reactions: REACTION_KINDS.map((kind) => ({
      kind,
      label: REACTION_LABELS[kind],
      count: post.reactions?.[kind] ?? 0,
      mine: post.myReactions.includes(kind),
    })),
    returnTo,
  };
}

/** Where a form on a thread's page sends the reader back to. */
function readReturnTo(value: unknown, thread: Thread): string {
  const text = textOf(value);
  const ours = new RegExp(`^/talk/threads/${thread.id}(\\?page=\\d{1,5})?$`);
  return ours.test(text) ? text : threadPath(thread.id);
}

export const talkThreadPages: FastifyPluginAsync<{ db: Db }> = async (
  app,
  { db },
) => {
  async function renderThread(
    request: FastifyRequest<ThreadParams>,
    reply: FastifyReply,
    context: PageContext = {},
    status = 200,
    lastPage = false,
  ) {
    const actor = request.actor;
    const id = readIdParam(request.params.threadId, threadNotFound);
    const query = queryOf(request);
    const asked = readPageRequest({ page: query.page }).page;
    const { thread, place } = await requireThreadFor(db, actor, id);
    const number = lastPage
      ? pageCountOf(thread.shownPostCount, POSTS_PER_PAGE)
      : asked;
    const page = await threadPage(
      db,
      thread.id,
      number,
      POSTS_PER_PAGE,
      thread.shownPostCount,
    );
    const here = threadPath(thread.id, page.page);
    const accepted =
      page.page === 1 && thread.acceptedPostId !== null
        ? await findPost(db, thread.acceptedPostId)
        : undefined;
    const shownAccepted =
      accepted && accepted.shownPosition !== null ? [accepted] : [];
    const all = await postsJson(
      db,
      actor,
      thread,
      [...page.posts, ...shownAccepted],
      page.deletedBefore,
    );
    const posts = all.slice(0, page.posts.length);
    const acceptedJson = all[page.posts.length];
    const readerId = readerIdOf(actor);
    const marks =
      readerId === null
        ? { watch: null, lastReadPosition: null }
        : await readerMarksOf(db, readerId, thread.id);
    const quote = await quoteFor(query.quote ?? context.quoteOf, thread);
    const mayReply = place.mayPost && (!thread.locked || place.mayModerate);
    const changer = {
      readerId,
      mayModerate: place.mayModerate,
      hasReplies: page.total > 1,
    };
    return reply.render(
      'talk/views/thread.njk',
      {
        thread: {
          id: thread.id,
          title: thread.title,
          question: thread.isQuestion,
          answered: thread.acceptedPostId !== null,
          locked: thread.locked,
          pinned: thread.pinned,
          path: threadPath(thread.id),
        },
        breadcrumbs: [
          TALK_CRUMB,
          {
            text: place.category.name,
            href: place.group
              ? `/talk/groups/${encodeURIComponent(place.group.slug)}`
              : categoryPath(place.category.slug),
          },
        ],
        posts: posts.map((post) => postView(post, here, changer)),
        accepted: acceptedJson ? postView(acceptedJson, here, changer) : null,
        page: page.page,
        pageCount: page.pageCount,
        total: page.total,
        // A held opening post has no shown number, so the thread shows
        // none of its posts to anyone yet: that is no replies, not -1.
        replyCount: Math.max(0, page.total - 1),
        pagination: paginationFor(here, { ...page, offset: 0 }, page.total),
        here,
        may: {
          reply: mayReply,
          react: readerId !== null && place.mayPost,
          accept:
            thread.isQuestion &&
            readerId !== null &&
            (thread.authorId === readerId || place.mayModerate),
        },
        signedIn: readerId !== null,
        watch: marks.watch,
        quote,
        unread: threadPageUnread(
          actor,
          thread.id,
          page,
          marks.lastReadPosition,
          here,
        ),
        unreadScript: UNREAD_SCRIPT_PATH,
        moderation: await threadModerationView(db, actor, thread, place, query),
        threadTags: await threadTagsView(db, actor, thread, place),
        experts: await expertsPanel(db, actor, thread),
        attachments: await attachmentsForPage(
          db,
          actor,
          'talk_post',
          all.map((post) => post.id),
        ),
        notice: noticeOf(request),
        values: { body: '' },
        ...context,
      },
      status,
    );
  }

  /** The post `?quote=` names, when it is a shown post of this thread. */
  async function quoteFor(value: unknown, thread: Thread) {
    const text = typeof value === 'number' ? String(value) : textOf(value);
    if (!/^[1-9]\d{0,9}$/.test(text)) {
      return null;
    }
    const post: Post | undefined = await findPost(db, Number(text));
    if (!post || post.threadId !== thread.id || post.shownPosition === null) {
      return null;
    }
    return {
      id: post.id,
      author: post.authorName,
      body: post.body,
    };
  }

  app.get<ThreadParams>(
    '/talk/threads/:threadId',
    readers,
    async (request, reply) => renderThread(request, reply),
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/replies',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const form = formOf(request);
      const values = { body: textOf(form.body) };
      const quoteText = textOf(form.quoteOf);
      const quoteOf = /^[1-9]\d{0,9}$/.test(quoteText)
        ? Number(quoteText)
        : null;
      let posted = { id: 0, held: false };
      const errors = await formErrors(async () => {
        const input = readReplyInput({ body: values.body, quoteOf });
        posted = await db.transaction().execute(async (trx) => {
          const postId = await replyToThread(trx, actor, id, input);
          const post = await findPost(trx, postId);
          return { id: postId, held: post?.awaitingApproval === true };
        });
      });
      if (errors) {
        // The form is at the foot of the last page.
        const context = { values, errors, quoteOf };
        return renderThread(request, reply, context, 400, true);
      }
      const notice = posted.held ? 'reply-held' : 'replied';
      return reply.redirect(done(await postPath(posted.id), notice), 303);
    },
  );

  /** The page and anchor holding post `postId`, for the signed-in reader. */
  async function postPath(postId: number): Promise<string> {
    const post = await findPost(db, postId);
    if (!post) {
      throw postNotFound();
    }
    const page = await pageOfPost(db, post, POSTS_PER_PAGE);
    return `${threadPath(post.threadId, page)}#post-${post.id}`;
  }

  app.get<PostParams>(
    '/talk/posts/:postId',
    readers,
    async (request, reply) => {
      const id = readIdParam(request.params.postId, postNotFound);
      const { post } = await requirePostFor(db, request.actor, id);
      return reply.redirect(await postPath(post.id), 303);
    },
  );

  app.post<PostParams>(
    '/talk/posts/:postId/reactions',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.postId, postNotFound);
      const form = formOf(request);
      const kind = textOf(form.kind);
      const { post, thread, place } = await requirePostFor(db, actor, id);
      if (!isReactionKind(kind)) {
        // Only a crafted or stale form sends another kind: say so
        // plainly rather than claim the post is missing.
        throw new ValidationError(
          { kind: 'React with like, thanks, agree or insightful' },
          'React with like, thanks, agree or insightful',
          400,
        );
      }
      if (post.shownPosition === null) {
        throw postNotFound();
      }
      if (!place.mayPost) {
        return reply.redirect(readReturnTo(form.returnTo, thread), 303);
      }
      await (form.action === 'remove'
        ? unreact(db, post.id, actor.id, kind)
        : react(db, post.id, actor.id, kind));
      const back = readReturnTo(form.returnTo, thread);
      return reply.redirect(`${back}#post-${post.id}`, 303);
    },
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/accept',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const text = textOf(formOf(request).postId);
      const postId = /^[1-9]\d{0,9}$/.test(text) ? Number(text) : 0;
      await db
        .transaction()
        .execute((trx) => acceptAnswer(trx, actor, id, postId));
      return reply.redirect(done(threadPath(id), 'accepted'), 303);
    },
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/unaccept',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      await db
        .transaction()
        .execute((trx) => acceptAnswer(trx, actor, id, null));
      return reply.redirect(done(threadPath(id), 'unaccepted'), 303);
    },
  );

  app.post<ThreadParams>(
    '/talk/threads/:threadId/watch',
    signedIn,
    async (request, reply) => {
      const actor = personOf(request);
      const id = readIdParam(request.params.threadId, threadNotFound);
      const { thread } = await requireThreadFor(db, actor, id);
      const level = textOf(formOf(request).level);
      const target = { threadId: thread.id };
      if (level === 'watch' || level === 'mute') {
        await setWatch(db, actor.id, target, level);
      } else {
        await clearWatch(db, actor.id, target);
      }
      const key =
        level === 'watch'
          ? 'watching'
          : level === 'mute'
            ? 'muted'
            : 'unwatched';
      return reply.redirect(done(threadPath(thread.id), key), 303);
    },
  );
};
