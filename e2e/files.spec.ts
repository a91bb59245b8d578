import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Download, Page } from 'playwright-core';
import { hashPassword } from '../src/features/auth/passwords.ts';
import {
  BUG_09_SVG,
  buildPng,
  SCRIPTED_HTML,
  SCRIPTED_XHTML,
} from '../src/features/files/hostile/hostile-files.ts';
import { processFilesJob } from '../src/features/files/process/job.ts';
import { PROCESS_JOB } from '../src/features/files/versions.ts';
import { runJobs } from '../src/platform/jobs.ts';
import { openBlobStore } from '../src/platform/storage/index.ts';
import { buildPerson } from '../src/test-support/factories.ts';
import { addGroupMember, buildGroup } from '../src/test-support/groups.ts';
import {
  chromiumSkipReason,
  launchBrowser,
  signIn,
  startSite,
} from './support/browser.ts';
import type { RunningSite } from './support/browser.ts';

// Peer case BUG-09 in Chromium: alice uploads an SVG with script, the
// same SVG named .xml and .png, and HTML and XHTML pages with script, to
// her group's files; bob, a member, opens each file's download and
// display address directly. Nothing may run: the title never becomes
// 'pwned' and no request leaves 127.0.0.1. Bob's browser is tried twice:
// as it is, and ignoring our content security policy, so the
// attachment disposition and the served type are shown to hold alone.
// A real picture still shows in an <img> on the file's page.

const PASSWORD = 'a long demo password';
const PORT = 3453;
const skip = chromiumSkipReason();

/** What the tests read of an <img> in the page. */
interface ImageInPage {
  src: string;
  naturalWidth: number;
  decode(): Promise<void>;
}

/** Adds an <img> of `src` to the page; its natural width once loaded. */
function imageWidth(page: Page, src: string): Promise<number> {
  return page.evaluate(async (source) => {
    // This runs in the page, where `document` is the page's.
    const { document } = globalThis as unknown as {
      document: {
        createElement(tag: 'img'): ImageInPage;
        body: { append(node: ImageInPage): void };
      };
    };
    const img = document.createElement('img');
    img.src = source;
    document.body.append(img);
    await img.decode().catch(() => undefined);
    return img.naturalWidth;
  }, src);
}

/** The files alice uploads, by name. */
const HOSTILE: Record<string, string> = {
  'diagram.svg': BUG_09_SVG,
  'diagram.xml': BUG_09_SVG,
  'diagram.png': BUG_09_SVG,
  'page.html': SCRIPTED_HTML,
  'page.xhtml': SCRIPTED_XHTML,
};

describe(
  'BUG-09: uploaded markup runs nowhere',
  { skip: skip ?? false },
  () => {
    let dataDir: string;
    let site: RunningSite;
    let browser: Browser;
    let slug: string;
    const fileIds = new Map<string, number>();

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-e2e-files-'));
      site = await startSite({ port: PORT, env: { DATA_DIR: dataDir } });
      browser = await launchBrowser();
      const { db } = site.database;
      const passwordHash = await hashPassword(PASSWORD);
      const alice = await buildPerson(db, {
        displayName: 'Alice Uploader',
        email: 'alice@example.gov.uk',
        passwordHash,
      });
      const bob = await buildPerson(db, {
        displayName: 'Bob Reader',
        email: 'bob@example.gov.uk',
        passwordHash,
      });
      const group = await buildGroup(db, alice, {
        slug: 'diagram-club',
        name: 'Diagram club',
        visibility: 'closed',
      });
      await addGroupMember(db, group, bob);
      slug = group.slug;

      // Alice uploads through the page's own form, all files at once.
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, site, 'alice@example.gov.uk', PASSWORD);
      await page.goto(`${site.url}/groups/${slug}/files`);
      const files = Object.entries(HOSTILE).map(([name, text]) => ({
        name,
        mimeType: 'image/png',
        buffer: Buffer.from(text),
      }));
      files.push({
        name: 'photo.png',
        mimeType: 'image/png',
        buffer: Buffer.from(await buildPng(64, 48)),
      });
      await page.setInputFiles('#file', files);
      await page.click('button:has-text("Upload")');
      await page.waitForLoadState('networkidle');
      await context.close();

      const rows = await db
        .selectFrom('files')
        .select(['id', 'name'])
        .execute();
      for (const row of rows) {
        fileIds.set(row.name, row.id);
      }
      const config = { dataDir, fileStorage: 'disk' as const };
      const handlers = {
        [PROCESS_JOB]: processFilesJob((on) => openBlobStore(config, on)),
      };
      await runJobs(db, handlers, { workerId: 'e2e' });
    });

    after(async () => {
      await browser?.close();
      await site?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('stored every upload', () => {
      assert.deepEqual(
        [...fileIds.keys()].sort(),
        [...Object.keys(HOSTILE), 'photo.png'].sort(),
      );
    });

    /** Bob's browser, recording and aborting any request off 127.0.0.1. */
    async function bobsBrowser(bypassCSP: boolean) {
      const context = await browser.newContext({ bypassCSP });
      const offSite = new Set<string>();
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (new URL(url).hostname === '127.0.0.1') {
          return route.continue();
        }
        offSite.add(url);
        return route.abort();
      });
      context.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(site.url)) {
          offSite.add(url);
        }
      });
      const page = await context.newPage();
      await signIn(page, site, 'bob@example.gov.uk', PASSWORD);
      return { context, page, offSite };
    }

    /**
     * Opens `url` in the tab as if typed and says what happened: the
     * status of a page shown, or the name of a file saved, and the title
     * after a moment in which a script or a beacon would have run.
     */
    async function open(page: Page, url: string) {
      const downloads: string[] = [];
      const saved = (download: Download) =>
        downloads.push(download.suggestedFilename());
      page.on('download', saved);
      const response = await page.goto(url).catch(() => null);
      await page.waitForTimeout(300);
      page.off('download', saved);
      return {
        status: response?.status() ?? null,
        download: downloads.join(', ') || null,
        title: await page.title(),
      };
    }

    it('would see the SVG run were it served inline (a check of the checks)', async () => {
      const { context, page, offSite } = await bobsBrowser(false);
      try {
        // An address of our site answered in the browser, as BUG-09's
        // forum answered: the SVG inline, with no safety headers.
        await page.route(`${site.url}/inline.svg`, (route) =>
          route.fulfill({ contentType: 'image/svg+xml', body: BUG_09_SVG }),
        );
        const opened = await open(page, `${site.url}/inline.svg`);
        assert.deepEqual(opened, {
          status: 200,
          download: null,
          title: 'pwned',
        });
        await page.waitForTimeout(500);
        assert.deepEqual([...offSite], ['https://attacker.example/c']);
      } finally {
        await context.close();
      }
    });

    for (const bypassCSP of [false, true]) {
      const how = bypassCSP ? 'ignoring our CSP' : 'as it is';
      it(`runs nothing when bob opens each file directly, ${how}`, async () => {
        const { context, page, offSite } = await bobsBrowser(bypassCSP);
        try {
          for (const name of Object.keys(HOSTILE)) {
            const id = fileIds.get(name);
            assert.ok(id, name);
            await page.goto(`${site.url}/files/${id}`);
            const title = await page.title();
            assert.notEqual(title, 'pwned');

            const opened = await open(page, `${site.url}/files/${id}/download`);
            assert.deepEqual(
              opened,
              { status: null, download: name, title },
              `${name} download`,
            );
            const version = await open(
              page,
              `${site.url}/files/${id}/versions/1/download`,
            );
            assert.deepEqual(
              version,
              { status: null, download: name, title },
              `${name} version 1`,
            );
            for (const kind of ['display', 'thumbnail']) {
              const shown = await open(page, `${site.url}/files/${id}/${kind}`);
              assert.equal(shown.status, 404, `${name} ${kind}`);
              assert.equal(shown.download, null, `${name} ${kind}`);
              assert.notEqual(shown.title, 'pwned', `${name} ${kind}`);
            }
          }
          assert.deepEqual([...offSite], []);
        } finally {
          await context.close();
        }
      });
    }

    it('shows a real picture in an <img> of its display copy and of its original', async () => {
      const { context, page, offSite } = await bobsBrowser(false);
      try {
        const id = fileIds.get('photo.png');
        await page.goto(`${site.url}/files/${id}`);
        const preview = page.locator('img.app-file-preview');
        assert.equal(await preview.getAttribute('src'), `/files/${id}/display`);
        const shown = await preview.evaluate(async (node) => {
          const img = node as unknown as ImageInPage;
          await img.decode().catch(() => undefined);
          return img.naturalWidth;
        });
        assert.equal(shown, 64);
        // The original is sent as an attachment; an <img> still shows it.
        assert.equal(await imageWidth(page, `/files/${id}/download`), 64);

        // An <img> of the SVG runs nothing either, and shows nothing.
        const svg = `/files/${fileIds.get('diagram.svg')}/download`;
        const svgWidth = await imageWidth(page, svg);
        await page.waitForTimeout(300);
        assert.equal(svgWidth, 0);
        assert.notEqual(await page.title(), 'pwned');
        assert.deepEqual([...offSite], []);
      } finally {
        await context.close();
      }
    });
  },
);
