import type {
  FastifyError,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import { isUniqueViolation } from './db/errors.ts';
import { AppError } from './errors.ts';

/**
 * True for the address of an Atom feed, with or without a query, and for
 * anything under a personal feed address (/feeds/TOKEN/…): a feed reader
 * is told 401 or 404, never sent to a sign-in page.
 */
export function isFeedUrl(url: string): boolean {
  return /\.atom(\?|$)/.test(url) || url.startsWith('/feeds/');
}

/** An error as the user is told it: status, stable code, message, fields. */
interface Described {
  status: number;
  code: string;
  message: string;
  fields?: Readonly<Record<string, string>>;
}

// Fastify's own errors for bad requests, given codes of our own so that
// API clients see one vocabulary.
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_CSRF_INVALID_TOKEN: 'CSRF_TOKEN_INVALID',
  FST_CSRF_MISSING_SECRET: 'CSRF_TOKEN_INVALID',
};

function describe(error: FastifyError | AppError | Error): Described {
  if (error instanceof AppError) {
    return {
      status: error.status,
      code: error.code,
      message: error.message,
      ...(error.fields ? { fields: error.fields } : {}),
    };
  }
  if (isUniqueViolation(error)) {
    // A race a feature did not answer itself: nothing was saved, and a
    // second try will see what the other request saved.
    return {
      status: 409,
      code: 'CONFLICT',
      message:
        'Someone else saved the same thing at the same moment. Try again.',
    };
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (error as FastifyError).code;
    if (status === 429) {
      return {
        status,
        code: 'RATE_LIMITED',
        message: 'Too many requests. Wait a minute and try again.',
      };
    }
    if (code?.startsWith('FST_CSRF')) {
      return {
        status: 403,
        code: 'CSRF_TOKEN_INVALID',
        message:
          'The form has expired. Go back, reload the page and try again.',
      };
    }
    return {
      status,
      code:
        (code && FASTIFY_CODES[code]) ??
        (status === 400 ? 'BAD_REQUEST' : 'REQUEST_FAILED'),
      message: status === 413 ? 'The request is too large' : error.message,
    };
  }
  return {
    status: 500,
    code: 'INTERNAL_ERROR',
    message: 'Sorry, there is a problem with the service',
  };
}

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/api/') || request.url === '/healthz';
}

const PAGE_TITLES: Record<number, string> = {
  401: 'Sign in to continue',
  403: 'You do not have permission to see this page',
  404: 'Page not found',
  405: 'This page cannot be opened that way',
  413: 'The request is too large',
  429: 'Too many requests',
  500: 'Sorry, there is a problem with the service',
};

// Some refusals deserve their own heading rather than their status's.
const CODE_TITLES: Record<string, string> = {
  CSRF_TOKEN_INVALID: 'Your form has expired',
  INVALID_TOKEN: 'The API token is not valid',
  OIDC_NOT_A_PARTNER: 'Your address is not from a partner organisation',
  OIDC_PROVIDER_UNAVAILABLE: 'Sign-in is not available just now',
  OIDC_PROVIDER_ERROR: 'You were not signed in',
  OIDC_FLOW_EXPIRED: 'Your sign-in has expired',
  OIDC_STATE_MISMATCH: 'Sign-in did not match this browser',
  OIDC_NONCE_MISMATCH: 'Sign-in did not match this browser',
  OIDC_CODE_INVALID: 'This sign-in cannot be used again',
  OIDC_TOKEN_EXPIRED: 'Your sign-in could not be checked',
  OIDC_TOKEN_INVALID: 'Your sign-in could not be checked',
  OIDC_EMAIL_MISSING: 'Your e-mail address is needed',
  OIDC_EMAIL_UNVERIFIED: 'Your e-mail address is not confirmed',
  OIDC_ACCOUNT_CONFLICT: 'Your account could not be linked',
  OIDC_ACCOUNT_DEACTIVATED: 'Your account has been deactivated',
};

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  described: Described,
) {
  if (wantsJson(request)) {
    return reply.code(described.status).send({
      error: {
        code: described.code,
        message: described.message,
        ...(described.fields ? { fields: described.fields } : {}),
      },
    });
  }
  // Only someone not signed in is sent to sign in: a refused API token
  // would be refused again on the sign-in page, round and round. A feed
  // reader cannot sign in on a page, so a feed gets its 401.
  if (
    described.code === 'UNAUTHENTICATED' &&
    request.method === 'GET' &&
    !isFeedUrl(request.url)
  ) {
    return reply.redirect(
      `/sign-in?returnTo=${encodeURIComponent(request.url)}`,
      303,
    );
  }
  return reply.render(
    'errors/error.njk',
    {
      status: described.status,
      title:
        CODE_TITLES[described.code] ??
        PAGE_TITLES[described.status] ??
        'There is a problem',
      code: described.code,
      message: described.message,
      fields: described.fields,
    },
    described.status,
  );
}

/**
 * One place turns every error into what the user sees: a GOV.UK error page,
 * or JSON `{ error: { code, message, fields? } }` under /api/. Anything
 * unexpected is logged with its stack and shown as a plain 500.
 */
export const errorHandling: FastifyPluginAsync = fp(async (app) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const described = describe(error);
    if (described.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else if (described.code === 'INTERNAL_ERROR') {
      request.log.warn({ err: error }, 'request refused');
    }
    return send(request, reply, described);
  });

  // An address that exists for other methods answers 405 with Allow, so a
  // GET to something that changes data (a link, an <img>) is plainly
  // refused rather than reported missing (BUG-17).
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    const allowed = METHODS.filter(
      (method) => app.findRoute({ method, url: path }) !== null,
    );
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return send(request, reply, {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        message: `This address takes ${allowed.join(' or ')} requests only`,
      });
    }
    return send(request, reply, {
      status: 404,
      code: 'NOT_FOUND',
      message: 'Page not found',
    });
  });
});

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
