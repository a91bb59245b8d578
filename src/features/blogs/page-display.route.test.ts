import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  buildAccount,
  buildTestApp,
  TestBrowser,
} from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';

const RLO = '\u202e';
const PDF = '\u202c';
const FSI = '\u2068';
const PDI = '\u2069';

await describeEachDatabase(
  'how the blog pages show what people wrote',
  (database) => {
    let app: FastifyInstance;
    let alice: TestBrowser;
    let bob: TestBrowser;
    let blog = '';

    before(async () => {
      const { db } = database();
      app = await buildTestApp(database());
      const a = await buildAccount(db, { displayName: 'Alice Writer' });
      const b = await buildAccount(db, { displayName: 'Bob Reader' });
      alice = new TestBrowser(app);
      bob = new TestBrowser(app);
      await alice.signIn(a.email);
      await bob.signIn(b.email);
      await alice.get('/blogs');
      const started = await alice.post('/blogs/start', {});
      blog = String(started.headers.location).replace(/\/new$/, '');
    });
    after(async () => {
      await app.close();
    });

    async function publish(title: string, body = 'Text') {
      await alice.get(`${blog}/new`);
      const saved = await alice.post(`${blog}/new`, {
        title,
        body,
        audience: 'everyone',
        status: 'published',
      });
      assert.equal(saved.statusCode, 303);
      return String(saved.headers.location);
    }

    it('keeps an unclosed override inside the title', async () => {
      // The forms refuse direction controls, but titles also arrive by
      // import and from data written before that rule.
      const path = await publish('Evil override');
      await database()
        .db.updateTable('blog_posts')
        .set({ title: `Evil ${RLO}override` })
        .where('slug', '=', 'evil-override')
        .execute();

      const page = await alice.get(`${path}/delete`);

      const shown = `${FSI}Evil ${RLO}override${PDF}${PDI}`;
      assert.equal(page.statusCode, 200);
      assert.ok(
        page.body.includes(`>Delete “${shown}”?</h1>`),
        'the heading closes the override before its closing quote',
      );
      assert.ok(
        page.body.includes(
          `<title>${FSI}Delete ${shown}${PDI} – CivilMedia</title>`,
        ),
        'the title closes it before " – CivilMedia"',
      );
      const post = await bob.get(path);
      assert.ok(post.body.includes(`>${shown}</h1>`));
    });

    async function comment(
      who: TestBrowser,
      path: string,
      body: string,
      parentId?: number,
    ): Promise<number> {
      await who.get(path);
      const sent = await who.post(`${path}/comments`, {
        body,
        ...(parentId ? { parentId: String(parentId) } : {}),
      });
      assert.equal(sent.statusCode, 303);
      return Number(/comment-(\d+)/.exec(String(sent.headers.location))?.[1]);
    }

    // The markup of one comment, up to where the next one starts.
    function commentBlock(body: string, id: number): string {
      const start = body.indexOf(`id="comment-${id}"`);
      assert.ok(start > 0, `comment ${id} is on the page`);
      const end = body.indexOf('class="app-blog-comment ', start);
      return body.slice(start, end < 0 ? undefined : end);
    }

    function depthOf(body: string, id: number): string | undefined {
      return new RegExp(`depth-(\\d)[^"]*" id="comment-${id}"`).exec(body)?.[1];
    }

    it('names the comment answered by each reply deeper than the indent shows', async () => {
      const path = await publish('Deep talk');
      const ids: number[] = [];
      for (let depth = 0; depth < 6; depth += 1) {
        const who = depth % 2 === 0 ? bob : alice;
        ids.push(await comment(who, path, `Say ${depth}`, ids.at(-1)));
      }

      const page = await bob.get(path);

      assert.deepEqual(
        ids.map((id) => depthOf(page.body, id)),
        ['0', '1', '2', '3', '3', '3'],
      );
      const answered =
        /In reply to <a class="govuk-link" href="#comment-(\d+)">([^<]*)<\/a>/;
      assert.deepEqual(
        ids.map((id) => answered.exec(commentBlock(page.body, id))?.slice(1)),
        [
          undefined,
          undefined,
          undefined,
          undefined,
          [String(ids[3]), 'Alice Writer'],
          [String(ids[4]), 'Bob Reader'],
        ],
      );
    });

    it('leaves a placeholder where a deleted comment had replies, however deep', async () => {
      const path = await publish('Pruned talk');
      const first = await comment(bob, path, 'First words');
      const second = await comment(bob, path, 'Second words', first);
      const third = await comment(alice, path, 'Third words', second);
      const alone = await comment(bob, path, 'Lonely words');

      for (const id of [first, second, alone]) {
        await bob.get(path);
        const deleted = await bob.post(`${path}/comments/${id}/delete`, {});
        assert.equal(deleted.statusCode, 303);
      }
      const page = await alice.get(path);

      const placeholder =
        '<p class="govuk-body-s">This comment was deleted</p>';
      assert.ok(commentBlock(page.body, first).includes(placeholder));
      assert.ok(commentBlock(page.body, second).includes(placeholder));
      assert.deepEqual(
        [first, second, third].map((id) => depthOf(page.body, id)),
        ['0', '1', '2'],
      );
      assert.match(commentBlock(page.body, third), /Third words/);
      assert.doesNotMatch(page.body, /First words|Second words|Lonely words/);
      assert.doesNotMatch(page.body, new RegExp(`id="comment-${alone}"`));
    });

    it("spaces a comment's Delete and Reply apart", async () => {
      const path = await publish('Spaced out');
      const id = await comment(alice, path, 'Mine');

      const page = await alice.get(path);
      const css = await alice.get('/assets/app.css');

      assert.match(
        commentBlock(page.body, id),
        /<div class="app-comment-actions">\s*<form [^]*>Delete<[^]*<\/form>\s*<a [^>]*>Reply</,
      );
      assert.ok(
        css.body.includes(
          '.app-comment-actions{display:flex;flex-wrap:wrap;' +
            'align-items:baseline;gap:5px 20px;',
        ),
      );
    });

    it('says comments on the post are closed when a comment is sent to a closed blog', async () => {
      const path = await publish('Quiet please');
      await bob.get(path);
      await alice.get(`${blog}/settings`);
      await alice.post(`${blog}/settings`, { commentPolicy: 'closed' });

      const sent = await bob.post(`${path}/comments`, { body: 'Hello?' });
      const empty = await bob.post(`${path}/comments`, { body: '' });
      await alice.post(`${blog}/settings`, { commentPolicy: 'open' });

      for (const refused of [sent, empty]) {
        assert.equal(refused.statusCode, 403);
        assert.match(
          refused.body,
          /<h1 class="govuk-heading-l">Comments on this post are closed<\/h1>/,
        );
        assert.match(
          refused.body,
          /<title>Comments are closed – Quiet please – CivilMedia<\/title>/,
        );
        assert.doesNotMatch(refused.body, /do not have permission/);
      }
      const stored = await database()
        .db.selectFrom('blog_comments')
        .select('id')
        .where('body', '=', 'Hello?')
        .execute();
      assert.deepEqual(stored, []);
    });

    it('shows every error, a past time among them, and no confirmation beside them', async () => {
      await alice.get(`${blog}/new`);

      const refused = await alice.post(`${blog}/new`, {
        title: '',
        body: '',
        audience: 'everyone',
        status: 'scheduled',
        publishDate: '2020-03-29',
        publishTime: '01:30',
      });

      assert.equal(refused.statusCode, 400);
      const summary =
        /<ul class="govuk-list govuk-error-summary__list">([^]*?)<\/ul>/.exec(
          refused.body,
        )?.[1] ?? '';
      assert.deepEqual(
        [...summary.matchAll(/href="#(\w+)">([^<]*)</g)].map((m) => [
          m[1],
          m[2],
        ]),
        [
          ['title', 'Enter title'],
          ['body', 'Enter text'],
          [
            'publishDate',
            'Choose a time in the future, or publish the post now',
          ],
        ],
      );
      assert.doesNotMatch(
        refused.body,
        /id="confirmation"|Schedule it to confirm/,
      );
      assert.match(refused.body, /value="2020-03-29"/);
    });

    it('refuses a past time on its own without asking to confirm it', async () => {
      await alice.get(`${blog}/new`);

      const refused = await alice.post(`${blog}/new`, {
        title: 'Too late',
        body: 'Text',
        audience: 'everyone',
        status: 'scheduled',
        publishDate: '2020-01-15',
        publishTime: '09:00',
      });

      assert.equal(refused.statusCode, 400);
      assert.match(
        refused.body,
        /href="#publishDate">Choose a time in the future, or publish the post now</,
      );
      assert.doesNotMatch(refused.body, /id="confirmation"/);
    });
  },
);
