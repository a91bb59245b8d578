import type { FastifyReply, FastifyRequest } from 'fastify';

/** What a sign-in must remember between leaving for the provider and returning. */
export interface OidcFlow {
  /** The provider's key: a flow is finished only where it was started. */
  provider: string;
  state: string;
  nonce: string;
  /** PKCE (RFC 7636): only this browser can redeem the code. */
  codeVerifier: string;
  /** Already checked with safeReturnPath when the flow started. */
  returnTo: string;
  startedAt: number;
}

/** How long someone may spend at the provider before starting again. */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

/**
 * The flow lives in a signed cookie rather than the database, so any app
 * process can finish what another started. SameSite=Lax still sends it on
 * the provider's redirect back, which is a top-level GET.
 */
export class FlowCookie {
  // TODO: a browser holds one flow at a time, so of two sign-ins started in
  // two tabs only the later can finish; the other ends on "did not match".
  readonly name: string;

  constructor(private readonly secure: boolean) {
    this.name = secure ? '__Host-cm_oidc' : 'cm_oidc';
  }

  write(reply: FastifyReply, flow: OidcFlow): void {
    const value = Buffer.from(JSON.stringify(flow)).toString('base64url');
    reply.setCookie(this.name, value, {
      ...this.attributes(),
      signed: true,
      maxAge: FLOW_LIFETIME_MS / 1000,
    });
  }

  /**
   * The flow this browser started, or undefined when there is none, its
   * signature is wrong, or it is older than FLOW_LIFETIME_MS (the cookie's
   * own expiry is only the browser's promise).
   */
  read(request: FastifyRequest, now = Date.now()): OidcFlow | undefined {
    const raw = request.cookies[this.name];
    if (!raw) {
      return undefined;
    }
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) {
      return undefined;
    }
    const flow = parseFlow(unsigned.value);
    if (!flow || now - flow.startedAt > FLOW_LIFETIME_MS) {
      return undefined;
    }
    return flow;
  }

  clear(reply: FastifyReply): void {
    reply.clearCookie(this.name, this.attributes());
  }

  private attributes() {
    return {
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: this.secure,
    };
  }
}

function parseFlow(value: string): OidcFlow | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return undefined;
  }
  const flow = parsed as Record<string, unknown>;
  const texts = ['provider', 'state', 'nonce', 'codeVerifier', 'returnTo'];
  if (
    texts.some((key) => typeof flow[key] !== 'string') ||
    typeof flow.startedAt !== 'number'
  ) {
    return undefined;
  }
  return parsed as OidcFlow;
}
