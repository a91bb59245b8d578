import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import {
  AppError,
  NotFoundError,
  UnauthenticatedError,
} from '../../platform/errors.ts';
import {
  pageOf,
  paginationParams,
  readPageRequest,
} from '../../platform/pagination.ts';
import { recordAudit } from '../audit/audit.ts';
import { personalFeedPath } from './personal.ts';
import {
  countLiveFeedTokens,
  createFeedToken,
  listFeedTokens,
  MAX_LIVE_FEED_TOKENS,
  revokeFeedToken,
} from './tokens.ts';
import type { FeedTokenSummary } from './tokens.ts';

// A person's own feed addresses: made and revoked on /account/feeds and
// through /api/v1/account/feed-tokens. The secret is in the answer to the
// request that makes it and nowhere else, ever.

type IdParams = { Params: { id: string } };

/** The feeds a new address is offered for; any other feed path works. */
const OFFERED_FEEDS = [
  { name: 'All blogs', path: '/blogs/feed.atom' },
  { name: 'Latest discussions', path: '/talk/latest.atom' },
];

const PAGE_SIZE = 25;

function signedIn(request: FastifyRequest): PersonActor {
  if (request.actor.kind !== 'person') {
    throw new UnauthenticatedError();
  }
  return request.actor;
}

function idOf(raw: string): number {
  return /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
}

const tooMany = () =>
  new AppError(
    422,
    'TOO_MANY_FEED_TOKENS',
    `You have ${MAX_LIVE_FEED_TOKENS} feed addresses. Revoke one you no longer use first.`,
  );

const notFound = () =>
  new NotFoundError('FEED_TOKEN_NOT_FOUND', 'Feed address not found');

function tokenJson(token: FeedTokenSummary) {
  return {
    id: token.id,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
  };
}

export const feedTokenRoutes: FastifyPluginAsync<{
  db: Db;
  publicUrl: URL;
}> = async (app, { db, publicUrl }) => {
  // Guests read their groups' feeds too, so they may make addresses.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'signed-in' };
  });

  const absolute = (path: string) => new URL(path, publicUrl).href;
  const addressesOf = (token: string) =>
    OFFERED_FEEDS.map((feed) => ({
      name: feed.name,
      url: absolute(personalFeedPath(token, feed.path)),
    }));

  /** Makes an address, unless the person holds too many already. */
  async function create(actor: PersonActor, request: FastifyRequest) {
    return db.transaction().execute(async (trx) => {
      if ((await countLiveFeedTokens(trx, actor.id)) >= MAX_LIVE_FEED_TOKENS) {
        return null;
      }
      const made = await createFeedToken(trx, actor.id);
      await recordAudit(trx, {
        action: 'feed-token.created',
        actor: { personId: actor.id, label: actor.displayName },
        subject: { type: 'feed-token', id: made.id },
        clientAddress: request.ip,
      });
      return made;
    });
  }

  async function revoke(
    actor: PersonActor,
    id: number,
    request: FastifyRequest,
  ) {
    const revoked = await db.transaction().execute(async (trx) => {
      const done = await revokeFeedToken(trx, actor.id, id);
      if (done) {
        await recordAudit(trx, {
          action: 'feed-token.revoked',
          actor: { personId: actor.id, label: actor.displayName },
          subject: { type: 'feed-token', id },
          clientAddress: request.ip,
        });
      }
      return done;
    });
    if (!revoked) {
      throw notFound();
    }
  }

  async function renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const actor = signedIn(request);
    const query = request.query as Record<string, unknown>;
    const page = readPageRequest(query, PAGE_SIZE);
    const tokens = await listFeedTokens(db, actor.id, page);
    return reply.render(
      'feeds/views/account-feeds.njk',
      {
        tokens: tokens.items,
        pagination: paginationParams(
          page.page,
          tokens.total,
          page.pageSize,
          (number) => `/account/feeds?page=${number}`,
        ),
        offered: OFFERED_FEEDS,
        revoked: query.revoked === '1',
        ...extra,
      },
      status,
    );
  }

  app.get('/account/feeds', async (request, reply) =>
    renderPage(request, reply),
  );

  app.post('/account/feeds', async (request, reply) => {
    const made = await create(signedIn(request), request);
    if (!made) {
      const errors = { create: tooMany().message };
      return renderPage(request, reply, { errors }, 400);
    }
    // Shown once, on this answer, which nothing may keep.
    reply.header('cache-control', 'no-store');
    return renderPage(
      request,
      reply,
      {
        addresses: addressesOf(made.token),
        prefix: personalFeedPath(made.token, ''),
      },
      201,
    );
  });

  app.post<IdParams>('/account/feeds/:id/revoke', async (request, reply) => {
    await revoke(signedIn(request), idOf(request.params.id), request);
    return reply.redirect('/account/feeds?revoked=1', 303);
  });

  app.get('/api/v1/account/feed-tokens', async (request) => {
    const actor = signedIn(request);
    const page = readPageRequest(request.query as Record<string, unknown>);
    return pageOf(await listFeedTokens(db, actor.id, page), page, tokenJson);
  });

  app.post('/api/v1/account/feed-tokens', async (request, reply) => {
    const made = await create(signedIn(request), request);
    if (!made) {
      throw tooMany();
    }
    reply.header('cache-control', 'no-store');
    return reply.code(201).send({
      id: made.id,
      token: made.token,
      createdAt: made.createdAt,
      feeds: addressesOf(made.token),
    });
  });

  app.delete<IdParams>(
    '/api/v1/account/feed-tokens/:id',
    async (request, reply) => {
      await revoke(signedIn(request), idOf(request.params.id), request);
      return reply.code(204).send();
    },
  );
};
