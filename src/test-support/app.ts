import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../app.ts';
import type { Db } from '../database.ts';
import { hashPassword } from '../features/auth/passwords.ts';
import { createApiToken } from '../features/auth/tokens.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logging.ts';
import type { TestDatabase } from './databases.ts';
import { buildPerson, nextNumber } from './factories.ts';
import type { NewPerson } from '../features/people/accounts.ts';

export const TEST_PASSWORD = 'correct horse battery staple';

let passwordHash: Promise<string> | undefined;

/**
 * Where test apps keep file bytes unless a test gives its own DATA_DIR:
 * one temporary folder for this test process, never the checkout.
 */
export const TEST_DATA_DIR = mkdtempSync(join(tmpdir(), 'civilmedia-test-'));
process.on('exit', () => {
  rmSync(TEST_DATA_DIR, { recursive: true, force: true });
});

/** The app on a test database, quiet, with settings as production has. */
export async function buildTestApp(
  database: TestDatabase,
  env: Record<string, string> = {},
): Promise<FastifyInstance> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    COOKIE_SECRET: 'test-secret-that-is-at-least-32-characters',
    DATA_DIR: TEST_DATA_DIR,
    ...env,
  });
  const app = await buildApp({
    config,
    db: database.db,
    logger: createLogger('silent'),
  });
  await app.ready();
  return app;
}

/** A person who can sign in with TEST_PASSWORD. */
export async function buildAccount(
  db: Db,
  overrides: Partial<NewPerson> = {},
): Promise<{ id: number; email: string }> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const email = overrides.email ?? `account${nextNumber()}@example.gov.uk`;
  const id = await buildPerson(db, {
    email,
    passwordHash: await passwordHash,
    ...overrides,
  });
  return { id, email };
}

/** A personal API token for a person, as an Authorization header. */
export async function bearer(db: Db, personId: number): Promise<string> {
  const { token } = await createApiToken(db, personId, 'test');
  return `Bearer ${token}`;
}

/**
 * A browser over `app.inject()`: keeps cookies between requests and sends
 * the CSRF token of the last page it loaded with each form it posts.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, string>();
  private csrfToken = '';

  constructor(
    private readonly app: FastifyInstance,
    /** The client address the requests come from. */
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.remoteAddress,
      headers: { cookie: this.cookieHeader() },
    });
    this.remember(response);
    return response;
  }

  /** Posts a form; `_csrf` is added unless the form gives its own. */
  async post(
    url: string,
    form: Record<string, string | string[]>,
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries({
      _csrf: this.csrfToken,
      ...form,
    })) {
      for (const item of Array.isArray(value) ? value : [value]) {
        body.append(key, item);
      }
    }
    const response = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: {
        cookie: this.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: body.toString(),
    });
    this.remember(response);
    return response;
  }

  /**
   * Sends JSON as a script on one of our pages would: with the session
   * cookie and, unless `csrf` is false, the page's token in X-CSRF-Token.
   */
  async patchJson(
    url: string,
    payload: object,
    csrf = true,
  ): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'PATCH',
      url,
      headers: {
        cookie: this.cookieHeader(),
        ...(csrf ? { 'x-csrf-token': this.csrfToken } : {}),
      },
      payload,
    });
    this.remember(response);
    return response;
  }

  /** Signs in through the form, as a person would. */
  async signIn(email: string, password = TEST_PASSWORD): Promise<void> {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { email, password });
    if (response.statusCode !== 303) {
      throw new Error(`sign-in failed with ${response.statusCode}`);
    }
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private cookieHeader(): string {
    return [...this.cookies]
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
  }

  private remember(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || cookie.maxAge === 0) {
        this.cookies.delete(cookie.name);
      } else {
        this.cookies.set(cookie.name, cookie.value);
      }
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) {
      this.csrfToken = token;
    }
  }
}
