import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { accessGate } from './access/gate.ts';
import type { Database } from './database.ts';
import { adminPlugin } from './features/admin/plugin.ts';
import { feedsPlugin } from './features/feeds/plugin.ts';
import { personalFeeds } from './features/feeds/personal.ts';
import { authPlugin } from './features/auth/plugin.ts';
import { oidcSignIn } from './features/auth/oidc/plugin.ts';
import { blogsPlugin } from './features/blogs/plugin.ts';
import { emailPlugin } from './features/email/plugin.ts';
import { expertisePlugin } from './features/expertise/plugin.ts';
import { fileLimitsOf, filesPlugin } from './features/files/plugin.ts';
import { attachmentsPlugin } from './features/files/attachments/plugin.ts';
import { groupsPlugin } from './features/groups/plugin.ts';
import { healthPlugin } from './features/health/plugin.ts';
import { homePlugin } from './features/home/plugin.ts';
import {
  notificationsPlugin,
  unreadCount,
} from './features/notifications/plugin.ts';
import { peoplePlugin } from './features/people/plugin.ts';
import { scimPlugin } from './features/scim/plugin.ts';
import { searchPlugin } from './features/search/plugin.ts';
import { talkPlugin } from './features/talk/plugin.ts';
import { talkFeeds } from './features/talk/feeds-routes.ts';
import { blogFeeds } from './features/blogs/feeds-routes.ts';
import { wikiPlugin } from './features/wiki/plugin.ts';
import { assetsPlugin } from './platform/assets.ts';
import type { Config } from './platform/config.ts';
import { ROUTE_ACCESS } from './platform/route-config.ts';
import { openBlobStore } from './platform/storage/index.ts';
import type { RouteAccess } from './platform/route-config.ts';
import { errorHandling } from './platform/error-handling.ts';
import { createLogger, requestId } from './platform/logging.ts';
import { createViewEnvironment, renderer } from './platform/views.ts';
import { takeTurn } from './platform/turns.ts';
import { pageContext } from './page-context.ts';

/** One route as registered: for audits of the whole route table in tests. */
export interface RouteEntry {
  method: string;
  url: string;
  config: { access?: RouteAccess; csrf?: boolean };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the app serves, in the order they were added. */
    routeTable: readonly RouteEntry[];
  }
}

/** What the app is built from; tests pass their own. */
export interface AppDependencies {
  config: Config;
  db: Kysely<Database>;
  logger?: Logger;
}

// Every body is small: forms and JSON. A larger one is refused with 413
// before it is read in full.
const BODY_LIMIT = 1024 * 1024;

/** Builds the whole application without listening on a port. */
export async function buildApp(
  deps: AppDependencies,
): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: (deps.logger ??
      createLogger(config.logLevel)) as FastifyBaseLogger,
    genReqId: requestId,
    trustProxy: trustProxy(config.trustProxy),
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: refuseMalformedRequest,
  });
  // First of all hooks: a busy server serves requests in the order they
  // came and lets new connections in between (platform/turns.ts).
  app.addHook('onRequest', () => takeTurn());
  const secure = config.publicUrl.protocol === 'https:';
  const routes: RouteEntry[] = [];
  app.decorate('routeTable', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Read the config when asked: plugins' own onRoute hooks run after
      // this one and may still add to it.
      routes.push({
        method,
        url: route.url,
        get config() {
          return { ...route.config };
        },
      });
    }
  });
  // Checked once every plugin has added its routes and their own onRoute
  // hooks have had their say, and before the app answers anything.
  app.addHook('onReady', async () => {
    assertEveryRouteDeclaresAccess(routes);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        upgradeInsecureRequests: secure ? [] : null,
      },
    },
    strictTransportSecurity: secure,
    // The CSP's frame-ancestors 'none' says the same to newer browsers.
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie, { secret: config.cookieSecret });
  await app.register(formbody);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: secure ? '__Host-cm_csrf' : 'cm_csrf',
    cookieOpts: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      signed: true,
    },
  });
  // TODO: sign-in attempts are counted in each app process's memory, so
  // behind a load balancer with N processes the real limit is N times higher.
  await app.register(rateLimit, { global: false });

  const views = createViewEnvironment();
  app.decorateReply('render', renderer(views, pageContext));
  await app.register(errorHandling);
  await app.register(assetsPlugin);

  await app.register(authPlugin, { config, db: deps.db });
  await app.register(oidcSignIn, { config, db: deps.db });
  await app.register(accessGate, { db: deps.db });
  await app.register(unreadCount, { db: deps.db });

  await app.register(healthPlugin, { db: deps.db });
  await app.register(homePlugin, { db: deps.db });
  await app.register(adminPlugin, { db: deps.db, config });
  await app.register(peoplePlugin, {
    db: deps.db,
    publicUrl: config.publicUrl,
  });
  await app.register(expertisePlugin, { db: deps.db });
  await app.register(scimPlugin, { db: deps.db, publicUrl: config.publicUrl });
  await app.register(groupsPlugin, {
    db: deps.db,
    publicUrl: config.publicUrl,
  });
  await app.register(wikiPlugin, { db: deps.db });
  await app.register(searchPlugin, { db: deps.db });
  await app.register(blogsPlugin, { db: deps.db });
  await app.register(filesPlugin, {
    db: deps.db,
    store: openBlobStore(config, deps.db),
    limits: fileLimitsOf(config),
  });
  await app.register(attachmentsPlugin, {
    db: deps.db,
    store: openBlobStore(config, deps.db),
    limits: fileLimitsOf(config),
  });
  await app.register(notificationsPlugin, { db: deps.db });
  await app.register(emailPlugin, {
    db: deps.db,
    secret: config.cookieSecret,
  });
  await app.register(talkPlugin, {
    db: deps.db,
    publicUrl: config.publicUrl,
  });
  await app.register(blogFeeds, {
    db: deps.db,
    publicUrl: config.publicUrl,
  });
  await app.register(feedsPlugin, {
    db: deps.db,
    publicUrl: config.publicUrl,
  });
  // Every feed again under /feeds/:token/, read as the token's owner.
  await app.register(personalFeeds, {
    db: deps.db,
    feeds: async (scope) => {
      const options = { db: deps.db, publicUrl: config.publicUrl };
      await scope.register(talkFeeds, options);
      await scope.register(blogFeeds, options);
    },
  });

  return app;
}

/**
 * Throws, naming them, when a route declares no access policy or one that
 * does not exist: a route nobody thought about must not be served.
 */
function assertEveryRouteDeclaresAccess(routes: readonly RouteEntry[]): void {
  const known: readonly string[] = ROUTE_ACCESS;
  const undeclared = routes
    .filter((route) => !known.includes(route.config.access ?? ''))
    .map((route) => `${route.method} ${route.url}`);
  if (undeclared.length > 0) {
    throw new Error(
      `Every route must declare config.access (${ROUTE_ACCESS.join(', ')}); ` +
        `these do not: ${undeclared.join(', ')}`,
    );
  }
}

/** A number of proxies means: trust that many hops nearest to us. */
function trustProxy(setting: boolean | number) {
  if (typeof setting === 'boolean') {
    return setting;
  }
  return (_address: string, hop: number) => hop < setting;
}

/**
 * Requests Fastify refuses before routing (an address with broken percent
 * encoding) never reach our hooks, so this answers them itself, with the
 * same protective headers and the same JSON shape under /api/.
 */
function refuseMalformedRequest(
  _error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply
    .code(400)
    .header('content-security-policy', "default-src 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY');
  if (request.url.startsWith('/api/')) {
    void reply.send({
      error: { code: 'BAD_REQUEST', message: 'The address is not valid' },
    });
    return;
  }
  void reply
    .type('text/plain; charset=utf-8')
    .send('The address is not valid. Check it and try again.');
}
