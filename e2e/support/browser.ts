import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logging.ts';
import { openTestDatabase } from '../../src/test-support/databases.ts';
import type { TestDatabase } from '../../src/test-support/databases.ts';

// Browser tests drive Debian's Chromium. Without it they are skipped with
// the reason printed, unless REQUIRE_CHROMIUM=1 (set by .ci/run).

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why browser tests cannot run here, or undefined when they can. */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) {
    return undefined;
  }
  const reason = `Chromium not found at ${CHROMIUM} (apt-get install chromium)`;
  if (process.env.REQUIRE_CHROMIUM === '1') {
    throw new Error(`${reason} (REQUIRE_CHROMIUM=1)`);
  }
  process.stderr.write(`# skipping browser tests: ${reason}\n`);
  return reason;
}

/** The site on its own database, listening on a free port of 127.0.0.1. */
export interface RunningSite {
  url: string;
  app: FastifyInstance;
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * Starts the site. `port` 0 (the default) takes any free port; `env` adds
 * settings. Uploaded files go to a temporary folder removed by `stop()`,
 * never the checkout's data folder, unless `env` names a DATA_DIR.
 */
export async function startSite(
  options: { port?: number; env?: Record<string, string> } = {},
): Promise<RunningSite> {
  const database = await openTestDatabase('sqlite');
  const dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-site-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    LOG_LEVEL: 'silent',
    COOKIE_SECRET: 'browser-test-secret-of-at-least-32-characters',
    DATA_DIR: dataDir,
    ...options.env,
  });
  const app = await buildApp({
    config,
    db: database.db,
    logger: createLogger('silent'),
  });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    database,
    async stop() {
      await app.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/**
 * A browser context for one visitor. axe-core is injected as a script, which
 * our content security policy rightly forbids, so contexts bypass it.
 */
export function newVisitor(
  browser: Browser,
  options: { javaScript?: boolean; width?: number } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    bypassCSP: true,
    javaScriptEnabled: options.javaScript ?? true,
    viewport: { width: options.width ?? 1024, height: 800 },
  });
}

export async function signIn(
  page: Page,
  site: RunningSite,
  email: string,
  password: string,
): Promise<void> {
  await page.goto(`${site.url}/sign-in`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit], button:has-text("Sign in")');
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = (require('axe-core') as { source: string }).source;

/** The WCAG 2.2 A and AA rules of axe-core. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core's WCAG 2.2 AA rules on the page as it is now. */
export async function accessibilityViolations(
  page: Page,
): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (tags) => {
    // This runs in the page, where axe-core has put itself on the window.
    const page = globalThis as unknown as {
      document: unknown;
      axe: {
        run(
          context: unknown,
          options: object,
        ): Promise<{ violations: AxeViolation[] }>;
      };
    };
    const result = await page.axe.run(page.document, {
      runOnly: { type: 'tag', values: tags },
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target })),
    }));
  }, WCAG_TAGS);
}

/** A short readable list of violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
    .join('\n');
}
