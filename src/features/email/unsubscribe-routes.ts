import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import { KIND_NAMES } from './input.ts';
import { isEmailKind } from './preferences.ts';
import {
  isUnsubscribeScope,
  unsubscribe,
  verifyUnsubscribe,
} from './unsubscribe.ts';
import type { UnsubscribeScope } from './unsubscribe.ts';

// The address in every e-mail's List-Unsubscribe header. A mail client
// POSTs to it with `List-Unsubscribe=One-Click` (RFC 8058) and no cookie;
// a person who follows the link gets a page with a button, because a GET
// must change nothing: mail scanners open links by themselves.

interface Link {
  personId: number;
  scope: UnsubscribeScope;
  sig: string;
}

function readLink(request: FastifyRequest): Link | undefined {
  const query = request.query as Record<string, unknown>;
  const person = typeof query.person === 'string' ? query.person : '';
  const scope = typeof query.scope === 'string' ? query.scope : '';
  const sig = typeof query.sig === 'string' ? query.sig : '';
  // Only the number as we write it: no leading zeros, so one person has
  // one link.
  if (!/^[1-9]\d{0,8}$/.test(person) || !isUnsubscribeScope(scope)) {
    return undefined;
  }
  return { personId: Number(person), scope, sig };
}

/** The most a one-click body may hold; a real one is a few hundred bytes. */
const MULTIPART_LIMIT = 4096;

function describe(scope: UnsubscribeScope): string {
  if (scope === 'all') {
    return 'all e-mail from CivilMedia';
  }
  if (scope === 'daily' || scope === 'weekly') {
    return `your ${scope} digest e-mails`;
  }
  return isEmailKind(scope)
    ? `e-mails about ${KIND_NAMES[scope].toLowerCase()}`
    : 'these e-mails';
}

export const unsubscribeRoutes: FastifyPluginAsync<{
  db: Kysely<Database>;
  secret: string;
}> = async (app, { db, secret }) => {
  // The signature is the credential: no session is looked up, and a mail
  // client's POST carries no CSRF token.
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: 'credentials', csrf: false };
  });

  // RFC 8058 lets a mail receiver send `List-Unsubscribe=One-Click` as
  // multipart/form-data as well as urlencoded. The body says nothing the
  // signed URL does not, so it is read (to a small limit) and ignored.
  // Registered in this plugin's scope only: no other route takes multipart.
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: MULTIPART_LIMIT },
    (_request, _body, done) => {
      done(null, {});
    },
  );

  function valid(request: FastifyRequest): Link | undefined {
    const link = readLink(request);
    return link &&
      verifyUnsubscribe(secret, link.personId, link.scope, link.sig)
      ? link
      : undefined;
  }

  function invalid(reply: FastifyReply) {
    return reply.render('email/views/unsubscribe.njk', { invalid: true }, 400);
  }

  app.get('/email/unsubscribe', async (request, reply) => {
    const link = valid(request);
    if (!link) {
      return invalid(reply);
    }
    return reply.render('email/views/unsubscribe.njk', {
      what: describe(link.scope),
      action: request.url,
    });
  });

  app.post('/email/unsubscribe', async (request, reply) => {
    const link = valid(request);
    if (!link) {
      return invalid(reply);
    }
    await db
      .transaction()
      .execute((trx) => unsubscribe(trx, link.personId, link.scope));
    request.log.info(
      { personId: link.personId, scope: link.scope },
      'unsubscribed from e-mail',
    );
    return reply.render('email/views/unsubscribe.njk', {
      done: true,
      what: describe(link.scope),
    });
  });
};
