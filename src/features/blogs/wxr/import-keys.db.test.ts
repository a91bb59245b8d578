import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import { buildPerson } from '../../../test-support/factories.ts';
import { buildGroup } from '../../../test-support/groups.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { importWxrFile } from './import.ts';

// Both real test exports come from http://localhost/ and number their
// first post, its comment and the next page alike; they are different
// content and must each arrive whole in one blog.

const ZONE = { timeZone: 'Europe/London' };
const NOTHING = { posts: 0, pages: 0, comments: 0, attachments: 0 };

async function newGroupSlug(db: Kysely<Database>): Promise<string> {
  return (await buildGroup(db, await buildPerson(db))).slug;
}

async function titlesIn(db: Kysely<Database>, slug: string) {
  const rows = await db
    .selectFrom('blog_posts as p')
    .innerJoin('blogs as b', 'b.id', 'p.blog_id')
    .select('p.title')
    .where('b.slug', '=', slug)
    .where('p.title', '=', 'Hello world!')
    .execute();
  return rows.map((row) => row.title);
}

function path(name: string): string {
  return sharedDataPath('wxr', name);
}

await describeEachDatabase('WordPress import keys', (database) => {
  it('adds every item of a second export from the same site address', async () => {
    const { db } = database();
    const alone = await importWxrFile(db, path('valid-wxr-1.0.xml'), {
      blog: await newGroupSlug(db),
      ...ZONE,
    });
    const slug = await newGroupSlug(db);
    await importWxrFile(db, path('small-export.xml'), { blog: slug, ...ZONE });

    const second = await importWxrFile(db, path('valid-wxr-1.0.xml'), {
      blog: slug,
      ...ZONE,
    });

    assert.deepEqual(second.alreadyThere, NOTHING);
    assert.deepEqual(second.added, alone.added);
    assert.deepEqual(second.added, {
      posts: 3,
      pages: 3,
      comments: 1,
      attachments: 0,
    });
    assert.deepEqual(await titlesIn(db, slug), [
      'Hello world!',
      'Hello world!',
    ]);
  });

  it('adds nothing when either export is imported into that blog again', async () => {
    const { db } = database();
    const slug = await newGroupSlug(db);
    const firstSmall = await importWxrFile(db, path('small-export.xml'), {
      blog: slug,
      ...ZONE,
    });
    const firstValid = await importWxrFile(db, path('valid-wxr-1.0.xml'), {
      blog: slug,
      ...ZONE,
    });

    const againSmall = await importWxrFile(db, path('small-export.xml'), {
      blog: slug,
      ...ZONE,
    });
    const againValid = await importWxrFile(db, path('valid-wxr-1.0.xml'), {
      blog: slug,
      ...ZONE,
    });

    assert.deepEqual(againSmall.added, NOTHING);
    assert.deepEqual(againSmall.alreadyThere, firstSmall.added);
    assert.deepEqual(againValid.added, NOTHING);
    assert.deepEqual(againValid.alreadyThere, firstValid.added);
  });
});
