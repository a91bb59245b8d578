import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../database.ts';
import type { Config } from '../../platform/config.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Account } from '../people/accounts.ts';
import {
  createSession,
  deleteSession,
  findSessionAccount,
} from './sessions.ts';
import type { SessionTimeouts } from './sessions.ts';

/** How someone proved who they are when a session began. */
export type SignInMethod = 'password' | `oidc:${string}`;

/**
 * The session cookie: reading it, and beginning and ending sessions the
 * same way whichever sign-in method is used. Every sign-in issues a new
 * session id and ends the one the browser brought, so an id planted
 * before sign-in is worth nothing after it (session fixation).
 */
export class SessionCookies {
  readonly name: string;
  readonly timeouts: SessionTimeouts;
  private readonly secure: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    config: Config,
  ) {
    this.secure = config.publicUrl.protocol === 'https:';
    // __Host- cookies are bound to this exact host and path, and refused
    // by browsers unless Secure, so they are used whenever HTTPS is.
    this.name = this.secure ? '__Host-cm_session' : 'cm_session';
    this.timeouts = {
      idleMs: config.sessionIdleTimeoutMs,
      absoluteMs: config.sessionAbsoluteTimeoutMs,
    };
  }

  /** The account whose live session the request carries, if any. */
  async accountOf(request: FastifyRequest): Promise<Account | null> {
    const secret = request.cookies[this.name];
    return secret ? findSessionAccount(this.db, secret, this.timeouts) : null;
  }

  /** Starts a session for someone who has just proved who they are. */
  async begin(
    request: FastifyRequest,
    reply: FastifyReply,
    person: { id: number; displayName: string },
    method: SignInMethod,
  ): Promise<void> {
    const previous = request.cookies[this.name];
    await this.db.transaction().execute(async (trx) => {
      if (previous) {
        await deleteSession(trx, previous);
      }
      const secret = await createSession(
        trx,
        person.id,
        request.headers['user-agent'],
        this.timeouts,
      );
      await recordAudit(trx, {
        action: 'sign-in',
        actor: { personId: person.id, label: person.displayName },
        subject: { type: 'person', id: person.id },
        clientAddress: request.ip,
        details: { method },
      });
      reply.setCookie(this.name, secret, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: this.secure,
        maxAge: Math.floor(this.timeouts.absoluteMs / 1000),
      });
    });
    request.log.info({ personId: person.id, method }, 'signed in');
  }

  /** Ends the request's session, if it has one, and clears the cookie. */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const secret = request.cookies[this.name];
    if (secret) {
      await deleteSession(this.db, secret);
    }
    this.clear(reply);
  }

  clear(reply: FastifyReply): void {
    reply.clearCookie(this.name, {
      path: '/',
      secure: this.secure,
      httpOnly: true,
      sameSite: 'lax',
    });
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Session cookies, for every plugin that signs people in or out. */
    sessions: SessionCookies;
  }
}
