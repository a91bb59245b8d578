import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { hashPassword } from '../src/features/auth/passwords.ts';
import {
  buildDepartment,
  buildPerson,
  buildPost,
  buildUnit,
} from '../src/test-support/factories.ts';
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
      ['area still to come', '/groups', 200],
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
    assert.equal(checked.length, 28);
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
    await page.click('form[role=search] button');
    assert.match(page.url(), /\/people\?q=fresnel/);
    assert.equal(await page.locator('.app-search-result').count(), 1);

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
