import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildAccount, TestBrowser } from '../../test-support/app.ts';
import type { TestDatabase } from '../../test-support/databases.ts';
import { nextNumber } from '../../test-support/factories.ts';
import { buildGroup } from '../../test-support/groups.ts';
import type { GroupVisibility } from '../groups/tables.ts';

// Fixtures for the tests of the wiki's pages, which drive the app as a
// browser would: people signed in, groups, and pages written through the
// editor's form.

/** The address of a page; the title is one encoded segment. */
export function wikiPath(space: string, title: string, rest = ''): string {
  return `/wiki/${space}/${encodeURIComponent(title)}${rest}`;
}

/** A text of `count` lines, "line 1"…, with some lines replaced. */
export function numberedLines(
  count: number,
  change: Record<number, string> = {},
): string {
  const lines: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    lines.push(change[n] ?? `line ${n}`);
  }
  return lines.join('\n') + '\n';
}

/** The HTML-escaped form of text, as a page shows it. */
export function escaped(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The value of the input or textarea with this id, unescaped. */
export function fieldValue(body: string, id: string): string | undefined {
  const input = new RegExp(`<input[^>]* id="${id}"[^>]*>`).exec(body)?.[0];
  const raw = input
    ? (/value="([^"]*)"/.exec(input)?.[1] ?? '')
    : new RegExp(`<textarea[^>]* id="${id}"[^>]*>([^<]*)</textarea>`).exec(
        body,
      )?.[1];
  return raw
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The hidden base revision an editor form carries. */
export function baseRevisionOf(body: string): string {
  const value = /name="baseRevision" value="(\d*)"/.exec(body)?.[1];
  if (value === undefined) {
    throw new Error('the page has no editor form');
  }
  return value;
}

export function wikiFixtures(
  app: () => FastifyInstance,
  database: () => TestDatabase,
) {
  return {
    /** A new person with this site role, signed in in a browser. */
    async person(
      role: 'admin' | 'member' | 'guest' = 'member',
      displayName = `Person ${nextNumber()}`,
    ) {
      const account = await buildAccount(database().db, {
        role,
        displayName,
      });
      const browser = new TestBrowser(app());
      await browser.signIn(account.email);
      return { id: account.id, displayName, browser };
    },

    /** A group owned by `ownerId`, named and addressed uniquely. */
    async group(ownerId: number, visibility: GroupVisibility) {
      const word = `heron${nextNumber()}`;
      return buildGroup(database().db, ownerId, {
        slug: `${word}-${visibility}`,
        name: `${word} ${visibility} group`,
        visibility,
      });
    },

    /** Writes a page through its editor form, as its author would. */
    async write(
      browser: TestBrowser,
      space: string,
      title: string,
      body: string,
      summary = '',
    ): Promise<LightMyRequestResponse> {
      const form = await browser.get(wikiPath(space, title, '/edit'));
      if (form.statusCode !== 200) {
        throw new Error(`editor answered ${form.statusCode}`);
      }
      const saved = await browser.post(wikiPath(space, title, '/edit'), {
        title,
        body,
        summary,
        baseRevision: baseRevisionOf(form.body),
        action: 'save',
      });
      if (saved.statusCode !== 303) {
        throw new Error(`saving answered ${saved.statusCode}`);
      }
      return saved;
    },
  };
}
