import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { AppError, NotFoundError } from '../../platform/errors.ts';
import { findAccountById } from '../people/accounts.ts';
import { findFeedTokenPerson } from './tokens.ts';

/** Where personal feed addresses live: the public path follows. */
export const PERSONAL_FEEDS_PREFIX = '/feeds/:token';

/** The personal form of a feed's public path, for its owner to copy. */
export function personalFeedPath(token: string, publicPath: string): string {
  return `/feeds/${encodeURIComponent(token)}${publicPath}`;
}

export interface PersonalFeedsOptions {
  db: Db;
  /** Registers the feed routes, as they are registered at their own paths. */
  feeds: (scope: FastifyInstance) => Promise<void>;
}

const READS = new Set(['GET', 'HEAD']);

const PLAIN_MESSAGES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
};

/**
 * Serves every feed a second time under /feeds/:token/, reading as the
 * token's owner (BUG-02): a feed reader cannot sign in, so what needs
 * signing in reaches it only through an address its owner can revoke.
 *
 * The routes declare `access: 'credentials'`, so no session or API token
 * is looked up and no cookie is set: the address alone says who reads,
 * for this request only. A deactivated owner reads nothing from the next
 * request on. An unknown or revoked token, and anything the owner may not
 * read, answers a bare 404 that says no more than a wrong address would.
 */
export const personalFeeds: FastifyPluginAsync<PersonalFeedsOptions> = async (
  app,
  { db, feeds },
) => {
  await app.register(
    async (scope) => {
      scope.addHook('onRoute', (route) => {
        const methods = [route.method].flat();
        if (!methods.every((method) => READS.has(method))) {
          throw new Error(
            `A personal feed address only reads: ${route.url} takes ` +
              methods.join(', '),
          );
        }
        route.config = { ...route.config, access: 'credentials' };
      });

      scope.addHook('onRequest', async (request) => {
        request.actor = await ownerOf(db, request);
      });

      scope.setErrorHandler(answerPlainly);

      await feeds(scope);
    },
    { prefix: PERSONAL_FEEDS_PREFIX },
  );
};

/** The token's owner as the actor; 404 for no one who may read. */
async function ownerOf(db: Db, request: FastifyRequest): Promise<PersonActor> {
  const { token } = request.params as { token?: string };
  const personId = token ? await findFeedTokenPerson(db, token) : null;
  const account =
    personId === null ? undefined : await findAccountById(db, personId);
  if (!account?.active) {
    throw new NotFoundError();
  }
  return {
    kind: 'person',
    id: account.id,
    role: account.role,
    displayName: account.displayName,
    via: 'token',
  };
}

// A feed reader shows no error page, and the page would set a form
// cookie: a status and a word are all it needs.
function answerPlainly(
  error: FastifyError | AppError,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const status =
    error instanceof AppError
      ? error.status
      : ((error as FastifyError).statusCode ?? 500);
  if (status >= 500 || status < 400) {
    request.log.error({ err: error }, 'personal feed failed');
  }
  // The owner may not read it: to anyone holding the address, it is not
  // there.
  const shown = status === 401 || status === 403 ? 404 : status;
  return reply
    .code(shown >= 400 && shown < 500 ? shown : 500)
    .header('cache-control', 'no-store')
    .type('text/plain; charset=utf-8')
    .send(PLAIN_MESSAGES[shown] ?? 'Sorry, there is a problem');
}
