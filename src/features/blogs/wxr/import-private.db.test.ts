import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Actor } from '../../../access/actor.ts';
import { readableBlogPosts } from '../../../access/blogs.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { buildGroup } from '../../../test-support/groups.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { importWxrFile } from './import.ts';

// small-export.xml's “Private Post” is by admin, local@host.null, who is
// no person here: the import warns, and the group's owner may read it.

await describeEachDatabase(
  'an imported private post of nobody here',
  (database) => {
    it('is listed as a warning and readable by the blog’s managers', async () => {
      const { db } = database();
      const owner = await buildPerson(db, { displayName: 'Owner' });
      const group = await buildGroup(db, owner);
      const actor: Actor = {
        kind: 'person',
        id: owner,
        role: 'member',
        displayName: 'Owner',
        via: 'session',
      };

      const report = await importWxrFile(
        db,
        sharedDataPath('wxr', 'small-export.xml'),
        { blog: group.slug, timeZone: 'Europe/London' },
      );

      assert.deepEqual(report.warnings, [
        {
          where: 'post 13 “Private Post”',
          warning:
            'private, and its author “admin” is no person here, so only the ' +
            'blog’s managers can read it',
        },
      ]);
      const readable = await db
        .selectFrom('blog_posts as p')
        .innerJoin('blogs as b', 'b.id', 'p.blog_id')
        .select('p.title')
        .where('b.slug', '=', group.slug)
        .where('p.audience', '=', 'private')
        .where(readableBlogPosts(db, actor, new Date().toISOString()))
        .execute();
      assert.deepEqual(
        readable.map((row) => row.title),
        ['Private Post'],
      );
    });
  },
);
