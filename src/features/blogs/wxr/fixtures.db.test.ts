import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { buildGroup } from '../../../test-support/groups.ts';
import { BUG_19 } from './file-facts.ts';
import { importWxr } from './import.ts';

// Small hand-written exports for what the real files do not show: the
// peer case's CDATA, the nights the clocks change, and damage.

function bytesOf(text: string) {
  return () =>
    (async function* () {
      yield Buffer.from(text, 'utf8');
    })();
}

/** A WXR 1.2 file around the given items. */
function wxr(items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Fixture</title><link>https://fixture.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
${items}
</channel></rss>`;
}

function post(
  id: number,
  title: string,
  fields: Record<string, string>,
  inner = '',
): string {
  const all = {
    post_type: 'post',
    status: 'publish',
    post_date: '2024-05-01 10:00:00',
    post_date_gmt: '2024-05-01 09:00:00',
    ...fields,
  };
  return `<item><title>${title}</title><wp:post_id>${id}</wp:post_id>
  <content:encoded><![CDATA[Text of ${title}]]></content:encoded>
  ${Object.entries(all)
    .map(([key, value]) => `<wp:${key}>${value}</wp:${key}>`)
    .join('')}${inner}</item>`;
}

function comment(id: number, parent: number, approved: string, type = '') {
  return `<wp:comment><wp:comment_id>${id}</wp:comment_id>
  <wp:comment_author>Reader ${id}</wp:comment_author>
  <wp:comment_date_gmt>2024-05-02 10:00:00</wp:comment_date_gmt>
  <wp:comment_content><![CDATA[Comment ${id}]]></wp:comment_content>
  <wp:comment_approved>${approved}</wp:comment_approved>
  <wp:comment_type>${type}</wp:comment_type>
  <wp:comment_parent>${parent}</wp:comment_parent></wp:comment>`;
}

async function newGroupSlug(db: Kysely<Database>): Promise<string> {
  return (await buildGroup(db, await buildPerson(db))).slug;
}

async function postsOf(db: Kysely<Database>, blog: string) {
  return db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select(['p.id', 'p.title', 'p.body', 'p.status', 'p.publish_at'])
    .where('b.slug', '=', blog)
    .orderBy('p.id')
    .execute();
}

await describeEachDatabase(
  'WordPress import of hand-made files',
  (database) => {
    it('imports the peer case’s CDATA exactly, 2 of 2 posts (BUG-19)', async () => {
      const { db } = database();
      const blog = await newGroupSlug(db);
      const report = await importWxr(db, bytesOf(BUG_19), 'bug-19.xml', {
        blog,
      });

      assert.equal(report.added.posts, 2);
      assert.deepEqual(report.skipped, []);
      const [first, second] = await postsOf(db, blog);
      assert.equal(first?.body, 'Hello **world**');
      assert.equal(second?.body, 'The marker \\]\\]\\> ends CDATA.');
    });

    it('schedules local-only dates on the night the clocks change by the site’s rule', async () => {
      const { db } = database();
      const blog = await newGroupSlug(db);
      const local = (id: number, date: string) =>
        post(id, `Local ${id}`, {
          status: 'future',
          post_date: date,
          post_date_gmt: '0000-00-00 00:00:00',
        });
      // London's clocks go forward on 31 March 2030 and back on 27 October.
      await importWxr(
        db,
        bytesOf(
          wxr(
            local(1, '2030-03-31 01:30:00') +
              local(2, '2030-10-27 01:30:00') +
              local(3, '2030-07-01 09:00:00'),
          ),
        ),
        'clocks.xml',
        { blog },
      );

      assert.deepEqual(
        (await postsOf(db, blog)).map((row) => [row.status, row.publish_at]),
        [
          ['scheduled', '2030-03-31T01:30:00.000Z'],
          ['scheduled', '2030-10-27T00:30:00.000Z'],
          ['scheduled', '2030-07-01T08:00:00.000Z'],
        ],
      );
    });

    it('keeps the readable items of a damaged file and reports the others', async () => {
      const { db } = database();
      const blog = await newGroupSlug(db);
      const report = await importWxr(
        db,
        bytesOf(
          wxr(
            post(1, 'Good', {}) +
              post(2, 'No date', { post_date: 'soon', post_date_gmt: 'soon' }) +
              post(3, 'Binned', { status: 'trash' }) +
              post(4, '', {}) +
              post(5, 'Menu', { post_type: 'nav_menu_item' }) +
              post(6, 'Secret page', { post_type: 'page', post_password: 'x' }),
          ),
        ),
        'damaged.xml',
        { blog },
      );

      assert.deepEqual(
        (await postsOf(db, blog)).map((row) => row.title),
        ['Good', '(no title)'],
      );
      assert.deepEqual(
        report.skipped.map((entry) => entry.where),
        ['post 2 “No date”', 'post 3 “Binned”', 'page 6 “Secret page”'],
      );
      assert.equal(report.itemsLeftOut.nav_menu_item?.count, 1);
      assert.deepEqual(report.notes, [
        { where: 'post 4 “(no title)”', note: 'it has no title: “(no title)”' },
      ]);
    });

    it('answers a reply to spam under what the spam answered, and counts the rest', async () => {
      const { db } = database();
      const blog = await newGroupSlug(db);
      const report = await importWxr(
        db,
        bytesOf(
          wxr(
            post(
              1,
              'Discussed',
              {},
              comment(10, 0, '1') +
                comment(11, 10, 'spam') +
                comment(12, 11, '0') +
                comment(13, 0, '1', 'pingback') +
                comment(14, 0, 'trash'),
            ),
          ),
        ),
        'comments.xml',
        { blog },
      );

      const rows = await db
        .selectFrom('blog_comments as c')
        .leftJoin('blog_comments as parent', 'parent.id', 'c.parent_id')
        .innerJoin('blog_posts as p', 'p.id', 'c.post_id')
        .innerJoin('blogs as b', 'b.id', 'p.blog_id')
        .select([
          'c.body',
          'c.status',
          'parent.body as parent',
          'p.comment_count',
        ])
        .where('b.slug', '=', blog)
        .orderBy('c.id')
        .execute();
      assert.deepEqual(rows, [
        {
          body: 'Comment 10',
          status: 'approved',
          parent: null,
          comment_count: 1,
        },
        {
          body: 'Comment 12',
          status: 'pending',
          parent: 'Comment 10',
          comment_count: 1,
        },
      ]);
      assert.deepEqual(report.commentsLeftOut, {
        pingback: 1,
        spam: 1,
        trash: 1,
      });
    });
  },
);
