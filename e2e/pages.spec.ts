import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { PersonActor } from '../src/access/actor.ts';
import { hashPassword } from '../src/features/auth/passwords.ts';
import { ensurePersonBlog } from '../src/features/blogs/blogs.ts';
import { addComment } from '../src/features/blogs/comments.ts';
import { readTags } from '../src/features/blogs/input.ts';
import { createPost } from '../src/features/blogs/posts.ts';
import { ensureSiteCategory } from '../src/features/talk/categories.ts';
import { appendPost } from '../src/features/talk/posts.ts';
import { createStatus } from '../src/features/talk/status/posts.ts';
import { createThread } from '../src/features/talk/threads.ts';
import { savePage } from '../src/features/wiki/editing.ts';
import { spaceFor } from '../src/features/wiki/spaces.ts';
import {
  buildDepartment,
  buildPerson,
  buildPost,
  buildUnit,
} from '../src/test-support/factories.ts';
import {
  addGroupMember,
  addJoinRequest,
  buildGroup,
} from '../src/test-support/groups.ts';
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

const PASSWORD = 'a long demo password';
const skip = chromiumSkipReason();

describe('every page type in a browser', { skip: skip ?? false }, () => {
  let site: RunningSite;
  let browser: Browser;
  const ids: Record<string, number> = {};
  // Bea runs a closed group with a guest in it and a request waiting;
  // Ada runs another closed group that Bea is not in.
  const groups = { mine: '', theirs: '' };

  before(async () => {
    site = await startSite();
    browser = await launchBrowser();
    const { db } = site.database;
    const passwordHash = await hashPassword(PASSWORD);
    const department = await buildDepartment(db, 'Ministry of Lighthouses');
    const unit = await buildUnit(db, department.id, 'Lamp Maintenance');
    ids.admin = await buildPerson(db, {
      displayName: 'Ada Admin',
      email: 'ada@example.gov.uk',
      role: 'admin',
      passwordHash,
      departmentId: department.id,
    });
    ids.member = await buildPerson(db, {
      displayName: 'Bea Member',
      email: 'bea@example.gov.uk',
      passwordHash,
      jobTitle: 'Lamp Engineer',
      departmentId: department.id,
      unitId: unit.id,
      location: 'Plymouth',
      about: 'I look after **lamps** and lenses.',
      tags: { skill: ['Fresnel lenses', 'Electrics'], interest: ['Sea birds'] },
    });
    const top = await buildPost(db, {
      departmentId: department.id,
      jobTitle: 'Chief Keeper',
      grade: 'SCS2',
      holderIds: [ids.admin],
    });
    ids.post = await buildPost(db, {
      departmentId: department.id,
      jobTitle: 'Lamp Engineer',
      grade: 'G7',
      unitId: unit.id,
      reportsToPostId: top,
      holderIds: [ids.member],
    });
    await buildPost(db, {
      departmentId: department.id,
      jobTitle: 'Fog Signal Officer',
      grade: 'HEO',
      unitId: unit.id,
      reportsToPostId: ids.post,
    });

    const mine = await buildGroup(db, ids.member, {
      slug: 'lamp-lens-working-group',
      name: 'Lamp lens working group',
      description: 'Where **lens** questions go. [Guide](https://example.org)',
      visibility: 'closed',
    });
    const theirs = await buildGroup(db, ids.admin, {
      slug: 'keepers-council',
      name: 'Keepers’ council',
      visibility: 'closed',
    });
    groups.mine = mine.slug;
    groups.theirs = theirs.slug;
    await addGroupMember(db, mine, ids.admin, 'admin');
    ids.guest = await buildPerson(db, {
      displayName: 'Gwen Partner-Trust-Liaison-Officer-With-A-Long-Name',
      email: 'gwen@trust.example.org',
      role: 'guest',
    });
    await addGroupMember(db, mine, ids.guest, 'member');
    ids.asker = await buildPerson(db, {
      displayName: 'Cai Colleague',
      jobTitle: 'Assistant Lighthouse Keeper and Fog Signal Apprentice',
      departmentId: department.id,
    });
    await addJoinRequest(db, mine, ids.asker, 'I keep the lamps at Eddystone.');

    // Wiki pages: one with two revisions, links to a page under it and to
    // a missing one; and one in Bea's group, which she may delete.
    const bea: PersonActor = {
      kind: 'person',
      id: ids.member,
      role: 'member',
      displayName: 'Bea Member',
      via: 'session',
    };
    const siteWiki = await spaceFor(db, bea, 'site');
    const lamps = await savePage(db, bea, siteWiki, {
      title: 'Lamps',
      body: '# Lamps\n\nSee [[Lamps/Lenses]] and [[Fog signals]].\n\nOld text.\n',
      summary: 'First draft',
      baseRevision: null,
    });
    ids.wikiRevision = lamps.revision.id;
    const second = await savePage(db, bea, siteWiki, {
      title: 'Lamps',
      body: '# Lamps\n\nSee [[Lamps/Lenses]] and [[Fog signals]].\n\nNew text.\n',
      summary: 'Reworded',
      baseRevision: lamps.revision.id,
    });
    ids.wikiCurrent = second.revision.id;
    await savePage(db, bea, siteWiki, {
      title: 'Lamps/Lenses',
      body: '| Lens | Order |\n| --- | --- |\n| Fresnel | First |\n',
      baseRevision: null,
    });
    await savePage(db, bea, await spaceFor(db, bea, mine.slug), {
      title: 'Rota',
      body: 'Who keeps the lamp each night.\n',
      baseRevision: null,
    });

    // Talk: a question with a reply in a site category, and a status post.
    const lampRoom = await ensureSiteCategory(db, 'lamp-room', 'Lamp room');
    const question = await createThread(db, {
      categoryId: lampRoom.id,
      title: 'Which wick trims cleanest in a gale?',
      body: 'We trim **twice** a night.\n\n> Old keepers say thrice.\n',
      authorId: ids.member,
      authorName: 'Bea Member',
      isQuestion: true,
    });
    ids.talkThread = question.threadId;
    await appendPost(db, question.threadId, {
      body: 'Cotton, cut square: see `wick-guide-v2-final-final.pdf`.',
      authorId: ids.admin,
      authorName: 'Ada Admin',
    });
    ids.status = await createStatus(
      db,
      bea,
      'Lamp lit at dusk #lighthouses',
      null,
    );

    // Blogs: a post with a tag, an edit and a comment in Bea's own blog.
    const blog = await ensurePersonBlog(db, ids.member);
    const keeper = { personId: ids.member, name: 'Bea Member' };
    const lit = await createPost(db, blog, {
      title: 'Lighting the lamp in a gale',
      summary: 'What the night of the storm taught us.',
      body: 'Trim the wick **before** dusk.\n\n- check the oil\n- wind the clock',
      tags: readTags(['Lighthouses']),
      status: 'published',
      audience: 'everyone',
      publishAt: '2026-11-30T18:00:00.000Z',
      authors: [keeper],
    });
    await addComment(
      db,
      lit.id,
      { id: ids.admin, displayName: 'Ada Admin' },
      'Well kept.',
      null,
      'open',
    );
  });

  after(async () => {
    await browser?.close();
    await site?.stop();
  });

  it('has no WCAG 2.2 AA violations on any page, signed in or out', async () => {
    const context = await newVisitor(browser);
    const page = await context.newPage();
    const checked: string[] = [];
    const check = async (label: string, status = 200) => {
      const violations = await accessibilityViolations(page);
      assert.equal(
        violations.length,
        0,
        `${label}:\n${describeViolations(violations)}`,
      );
      checked.push(`${label} ${status}`);
    };

    await page.goto(`${site.url}/sign-in`);
    await check('sign-in');
    await page.fill('#email', 'bea@example.gov.uk');
    await page.click('button:has-text("Sign in")');
    assert.match(await page.title(), /^Error: /);
    await check('sign-in with errors', 400);

    await signIn(page, site, 'bea@example.gov.uk', PASSWORD);
    const pages: [string, string, number][] = [
      ['home', '/', 200],
      ['directory', '/people', 200],
      ['search results', '/people?q=lamp', 200],
      ['no results', '/people?q=zzzzzz', 200],
      ['search error', `/people?q=${'x'.repeat(201)}`, 400],
      ['site search', '/search?q=lamp', 200],
      ['profile', `/people/${ids.member}`, 200],
      ['edit profile', `/people/${ids.member}/edit`, 200],
      ['departments', '/people/departments', 200],
      ['department', '/people/departments/ministry-of-lighthouses', 200],
      [
        'unit',
        '/people/departments/ministry-of-lighthouses/units/lamp-maintenance',
        200,
      ],
      ['post', `/people/posts/${ids.post}`, 200],
      ['group directory', '/groups', 200],
      ['your groups', '/groups/mine', 200],
      ['group home as a member', `/groups/${groups.mine}`, 200],
      ['closed group as a non-member', `/groups/${groups.theirs}`, 200],
      ['group members', `/groups/${groups.mine}/members`, 200],
      ['change a role', `/groups/${groups.mine}/members/${ids.guest}`, 200],
      ['requests to join', `/groups/${groups.mine}/requests`, 200],
      ['group invitations', `/groups/${groups.mine}/invitations`, 200],
      ['your invitations', '/groups/invitations', 200],
      ['edit a group', `/groups/${groups.mine}/edit`, 200],
      ['create a group', '/groups/new', 200],
      ['blogs', '/blogs', 200],
      ['a blog', '/blogs/bea-member', 200],
      ['a blog post', '/blogs/bea-member/lighting-the-lamp-in-a-gale', 200],
      ['new blog post', '/blogs/bea-member/new', 200],
      [
        'edit a blog post',
        '/blogs/bea-member/lighting-the-lamp-in-a-gale/edit',
        200,
      ],
      [
        'blog post history',
        '/blogs/bea-member/lighting-the-lamp-in-a-gale/history',
        200,
      ],
      [
        'delete a blog post',
        '/blogs/bea-member/lighting-the-lamp-in-a-gale/delete',
        200,
      ],
      ['blog drafts', '/blogs/bea-member/drafts', 200],
      ['blog settings', '/blogs/bea-member/settings', 200],
      ['blog tag', '/blogs/tags/lighthouses', 200],
      ['start writing', '/blogs/start', 200],
      ['talk', '/talk', 200],
      ['talk category', '/talk/categories/lamp-room', 200],
      ['talk thread', `/talk/threads/${ids.talkThread}`, 200],
      ['status post', `/talk/status/${ids.status}`, 200],
      ['wiki', '/wiki', 200],
      ['wiki space', '/wiki/site', 200],
      ['group wiki', `/wiki/${groups.mine}`, 200],
      ['wiki page', '/wiki/site/Lamps', 200],
      ['wiki page under another', '/wiki/site/Lamps%2FLenses', 200],
      ['missing wiki page', '/wiki/site/Fog%20signals', 404],
      ['wiki editor', '/wiki/site/Lamps/edit', 200],
      ['wiki history', '/wiki/site/Lamps/history', 200],
      ['wiki revision', `/wiki/site/Lamps/revisions/${ids.wikiRevision}`, 200],
      ['wiki diff', '/wiki/site/Lamps/diff', 200],
      ['what links here', '/wiki/site/Lamps%2FLenses/links-here', 200],
      ['move a wiki page', '/wiki/site/Lamps/move', 200],
      [
        'revert a wiki page',
        `/wiki/site/Lamps/revisions/${ids.wikiRevision}/revert`,
        200,
      ],
      ['delete a wiki page', `/wiki/${groups.mine}/Rota/delete`, 200],
      ['notifications', '/notifications', 200],
      ['group activity', `/groups/${groups.mine}/activity`, 200],
      ['person activity', `/people/${ids.member}/activity`, 200],
      ['watch a blog', '/blogs/bea-member/watch', 200],
      ['not found', '/people/999999', 404],
      ['forbidden', `/people/${ids.admin}/edit`, 403],
    ];
    for (const [label, path, status] of pages) {
      const response = await page.goto(`${site.url}${path}`);
      assert.equal(response?.status(), status, label);
      await check(label, status);
    }

    await page.goto(`${site.url}/people/${ids.member}/edit`);
    await page.fill('#jobTitle', 'x'.repeat(300));
    await page.click('button:has-text("Save profile")');
    assert.match(await page.title(), /^Error: Edit profile/);
    await check('edit profile with errors', 400);

    await page.goto(`${site.url}/groups/new`);
    await page.fill('#name', 'y'.repeat(121));
    await page.click('button:has-text("Create group")');
    assert.match(await page.title(), /^Error: Create a group/);
    await check('create a group with errors', 400);

    await page.goto(`${site.url}/groups/${groups.theirs}`);
    await page.fill('#message', 'z'.repeat(1001));
    await page.click('button:has-text("Ask to join")');
    assert.match(await page.title(), /^Error: Keepers’ council/);
    await check('ask to join with errors', 400);

    await page.goto(`${site.url}/talk/categories/lamp-room`);
    await page.fill('#title', ' ');
    await page.click('button:has-text("Start discussion")');
    assert.match(await page.title(), /^Error: Lamp room/);
    await check('start a discussion with errors', 400);

    await page.goto(`${site.url}/wiki/site/Lamps/edit`);
    await page.click('button:has-text("Preview")');
    assert.match(await page.locator('#preview-heading').innerText(), /Preview/);
    await check('wiki preview');

    // Someone saves the page while Bea edits the same line: a conflict.
    await page.goto(`${site.url}/wiki/site/Lamps/edit`);
    const { db } = site.database;
    const ada: PersonActor = {
      kind: 'person',
      id: ids.admin ?? 0,
      role: 'admin',
      displayName: 'Ada Admin',
      via: 'session',
    };
    await savePage(db, ada, await spaceFor(db, ada, 'site'), {
      title: 'Lamps',
      body: '# Lamps\n\nSee [[Lamps/Lenses]] and [[Fog signals]].\n\nAda’s text.\n',
      baseRevision: ids.wikiCurrent ?? null,
    });
    await page.fill(
      '#body',
      '# Lamps\n\nSee [[Lamps/Lenses]] and [[Fog signals]].\n\nBea’s text.\n',
    );
    await page.click('button:has-text("Save page")');
    assert.match(await page.title(), /^Error: Edit Lamps/);
    await check('wiki edit conflict', 409);

    for (const path of ['/account', '/account/password']) {
      await page.goto(`${site.url}${path}`);
      await check(path);
    }
    await page.goto(`${site.url}/account/password`);
    await page.fill('#current', 'not it');
    await page.click('button:has-text("Change password")');
    await check('change password with errors', 400);
    await context.close();

    const adminContext = await newVisitor(browser);
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, site, 'ada@example.gov.uk', PASSWORD);
    for (const path of [
      '/admin',
      '/admin/people',
      `/admin/people/${ids.member}`,
      '/admin/audit',
      '/admin/settings',
      '/admin/partners',
      '/admin/scim-tokens',
    ]) {
      const response = await adminPage.goto(`${site.url}${path}`);
      assert.equal(response?.status(), 200, path);
      const violations = await accessibilityViolations(adminPage);
      assert.equal(
        violations.length,
        0,
        `${path}:\n${describeViolations(violations)}`,
      );
      checked.push(path);
    }
    await adminContext.close();
    assert.equal(checked.length, 76);
  });

  it('fits a 320 pixel wide screen without sideways scrolling', async () => {
    const context = await newVisitor(browser, { width: 320 });
    const page = await context.newPage();
    await signIn(page, site, 'bea@example.gov.uk', PASSWORD);
    for (const path of [
      '/',
      '/people?q=lamp',
      `/people/${ids.member}`,
      `/people/${ids.member}/edit`,
      '/people/departments/ministry-of-lighthouses',
      `/people/posts/${ids.post}`,
      '/groups',
      '/groups/mine',
      '/groups/new',
      `/groups/${groups.mine}`,
      `/groups/${groups.theirs}`,
      `/groups/${groups.mine}/members`,
      `/groups/${groups.mine}/members/${ids.guest}`,
      `/groups/${groups.mine}/requests`,
      `/groups/${groups.mine}/invitations`,
      `/groups/${groups.mine}/edit`,
      '/groups/invitations',
      '/wiki',
      '/wiki/site',
      '/wiki/site/Lamps',
      '/wiki/site/Lamps/edit',
      '/wiki/site/Lamps/history',
      `/wiki/site/Lamps/revisions/${ids.wikiRevision}`,
      '/wiki/site/Lamps/diff',
      '/wiki/site/Lamps%2FLenses',
      `/wiki/${groups.mine}/Rota/delete`,
      '/talk',
      '/talk/categories/lamp-room',
      `/talk/threads/${ids.talkThread}`,
      `/talk/status/${ids.status}`,
      '/blogs',
      '/blogs/bea-member/lighting-the-lamp-in-a-gale',
      '/blogs/bea-member/new',
    ]) {
      await page.goto(`${site.url}${path}`);
      const overflow = await page.evaluate(() => {
        const root = (
          globalThis as unknown as {
            document: {
              documentElement: { scrollWidth: number; clientWidth: number };
            };
          }
        ).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      assert.equal(overflow, 0, `${path} scrolls sideways by ${overflow}px`);
    }
    await context.close();
  });

  it('works without JavaScript: sign in, search, edit, open the org chart', async () => {
    const context = await newVisitor(browser, { javaScript: false });
    const page = await context.newPage();
    await signIn(page, site, 'bea@example.gov.uk', PASSWORD);

    await page.goto(`${site.url}/people`);
    await page.fill('#q', 'fresnel');
    await page.click('form[aria-label=People] button');
    assert.match(page.url(), /\/people\?q=fresnel/);
    assert.equal(await page.locator('.app-search-result').count(), 1);
    // The header's box searches everything, without JavaScript too.
    await page.fill('#app-header-search', 'fresnel');
    await page.click('form[aria-label=Site] button');
    assert.match(page.url(), /\/search\?q=fresnel/);
    assert.ok((await page.locator('.app-search-result').count()) > 0);

    await page.goto(`${site.url}/people/${ids.member}/edit`);
    await page.fill('#location', 'Falmouth');
    await page.click('button:has-text("Save profile")');
    assert.match(
      await page.locator('.govuk-notification-banner').innerText(),
      /Profile saved/,
    );
    assert.match(await page.locator('main').innerText(), /Falmouth/);

    await page.goto(`${site.url}/people/departments/ministry-of-lighthouses`);
    const fog = page.locator('a:has-text("Fog Signal Officer")');
    assert.equal(await fog.isVisible(), false);
    await page.click(
      'summary:has-text("1 post reports to this post") >> nth=-1',
    );
    assert.equal(await fog.isVisible(), true);
    await context.close();
  });
});
