import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { PersonActor } from '../src/access/actor.ts';
import { hashPassword } from '../src/features/auth/passwords.ts';
import { processFilesJob } from '../src/features/files/process/job.ts';
import { PROCESS_JOB } from '../src/features/files/versions.ts';
import { ensureGroupCategory } from '../src/features/talk/categories.ts';
import { createThread } from '../src/features/talk/threads.ts';
import { savePage } from '../src/features/wiki/editing.ts';
import { spaceFor } from '../src/features/wiki/spaces.ts';
import { runJobs } from '../src/platform/jobs.ts';
import { openBlobStore } from '../src/platform/storage/index.ts';
import { buildPerson } from '../src/test-support/factories.ts';
import { buildGroup } from '../src/test-support/groups.ts';
import {
  accessibilityViolations,
  chromiumSkipReason,
  describeViolations,
  launchBrowser,
  newVisitor,
  signIn,
  startSite,
} from './support/browser.ts';
import type { RunningSite } from './support/browser.ts';
import sharp from 'sharp';

// Attaching a picture to a wiki page in Chromium, through plain forms
// that need no script (the route tests send them without one): the form
// on the edit page refuses it without alternative text, takes it with
// some, offers the Markdown, and the page then shows the picture with
// that text. Every page on the way meets WCAG 2.2 AA, checked by axe,
// which needs JavaScript to run.

const PASSWORD = 'a long demo password';
const PORT = 3441;
const skip = chromiumSkipReason();

describe(
  'attaching a picture without JavaScript',
  { skip: skip ?? false },
  () => {
    let dataDir: string;
    let site: RunningSite;
    let browser: Browser;
    let page: Page;
    let pageId = 0;
    let threadId = 0;

    async function expectAccessible(where: string): Promise<void> {
      const violations = await accessibilityViolations(page);
      assert.deepEqual(
        violations,
        [],
        `${where}: ${describeViolations(violations)}`,
      );
    }

    before(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-e2e-attach-'));
      site = await startSite({ port: PORT, env: { DATA_DIR: dataDir } });
      browser = await launchBrowser();
      const { db } = site.database;
      const ann = await buildPerson(db, {
        displayName: 'Ann Author',
        email: 'ann@example.gov.uk',
        passwordHash: await hashPassword(PASSWORD),
      });
      const group = await buildGroup(db, ann, {
        slug: 'harbour',
        name: 'Harbour works',
        visibility: 'closed',
      });
      const actor: PersonActor = {
        kind: 'person',
        id: ann,
        role: 'member',
        displayName: 'Ann Author',
        via: 'session',
      };
      const saved = await savePage(
        db,
        actor,
        await spaceFor(db, actor, 'harbour'),
        {
          title: 'Piers',
          body: 'The two piers.',
          summary: '',
          baseRevision: null,
        },
      );
      pageId = saved.page.id;
      const category = await ensureGroupCategory(db, group);
      ({ threadId } = await createThread(db, {
        categoryId: category.id,
        title: 'Pier repairs',
        body: 'Which planks?',
        isQuestion: false,
        authorId: ann,
        authorName: 'Ann Author',
      }));
      const context = await newVisitor(browser);
      page = await context.newPage();
      await signIn(page, site, 'ann@example.gov.uk', PASSWORD);
    });
    after(async () => {
      await browser?.close();
      await site?.stop();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('asks for alternative text, then shows the picture with it', async () => {
      const picture = await sharp({
        create: { width: 64, height: 48, channels: 3, background: '#1d70b8' },
      })
        .png()
        .toBuffer();
      const prefix = `#attach-wiki-page-${pageId}`;
      const file = {
        name: 'piers.png',
        mimeType: 'image/png',
        buffer: picture,
      };

      await page.goto(`${site.url}/wiki/harbour/Piers/edit`);
      await expectAccessible('the edit page');
      await page.click('summary:has-text("Add attachment")');
      await page.setInputFiles(`${prefix}-file`, file);
      await page.click('button:has-text("Add attachment")');
      assert.match(await page.title(), /^Error: /);
      assert.equal(
        await page.textContent('.govuk-error-summary a'),
        'Enter alternative text for the image, or describe it as decorative',
      );
      await expectAccessible('the refused upload');

      await page.fill('#altText', 'Two stone piers at low tide');
      await page.setInputFiles('#file', file);
      await page.click('button:has-text("Add attachments")');
      const offered = await page.textContent('#added');
      await expectAccessible('the attachments page');

      const { db } = site.database;
      const config = { dataDir, fileStorage: 'disk' as const };
      const handlers = {
        [PROCESS_JOB]: processFilesJob((on) => openBlobStore(config, on)),
      };
      await runJobs(db, handlers, { workerId: 'e2e-attachments' });
      await page.goto(`${site.url}/wiki/harbour/Piers`);
      const image = page.locator('img.app-attachments__image');
      const shown = await image.evaluate((img) => {
        const element = img as unknown as { naturalWidth: number; alt: string };
        return { width: element.naturalWidth, alt: element.alt };
      });
      await expectAccessible('the wiki page');

      assert.match(
        offered ?? '',
        /!\[Two stone piers at low tide\]\(\/files\/\d+\/display\)/,
      );
      assert.match(
        String(await image.getAttribute('src')),
        /^\/files\/\d+\/display$/,
      );
      assert.deepEqual(shown, {
        width: 64,
        alt: 'Two stone piers at low tide',
      });
    });

    it('offers the form under the author’s own Talk post', async () => {
      await page.goto(`${site.url}/talk/threads/${threadId}`);

      assert.equal(
        await page.locator('summary:has-text("Add attachment")').count(),
        1,
      );
      await expectAccessible('the thread page');
    });
  },
);
