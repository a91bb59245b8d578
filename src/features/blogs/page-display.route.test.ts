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

    it("keeps a title's unclosed override from reversing the page's own words after it", async () => {
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
  },
);
