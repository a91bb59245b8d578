import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { Actor } from '../../access/actor.ts';
import { ANONYMOUS } from '../../access/actor.ts';
import { buildContent } from '../../access/matrix/content.ts';
import { buildWorld } from '../../access/matrix/world.ts';
import type { World } from '../../access/matrix/world.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import { addGroupMember } from '../../test-support/groups.ts';
import { readableSubject, readableSubjectValue } from './subjects.ts';
import type { SubjectType } from './subjects.ts';

// A subject given by value is judged by its type's rule alone; given by
// columns, by a CASE over every type's. The two must agree for every
// type, subject and reader, or a notification would be made for someone
// its list then hides, or the other way round.

const NOW = '2026-12-02T10:00:00.000Z';

const TABLES: Record<SubjectType, string> = {
  status_post: 'status_posts',
  talk_thread: 'talk_threads',
  talk_post: 'talk_posts',
  blog_post: 'blog_posts',
  blog_comment: 'blog_comments',
  wiki_page: 'wiki_pages',
  group: 'groups',
  group_invitation: 'group_invitations',
  group_request: 'groups',
};

await describeEachDatabase('the read rule of one subject', (database) => {
  let world: World;
  const readers: { name: string; actor: Actor }[] = [];

  before(async () => {
    const { db } = database();
    world = await buildWorld(db);
    await buildContent(db, world);
    const person = async (
      name: string,
      role: 'member' | 'admin' | 'guest',
    ): Promise<Actor> => ({
      kind: 'person',
      id: await buildPerson(db, { displayName: name, role }),
      role,
      displayName: name,
      via: 'session',
    });
    const member = await person('Mia Member', 'member');
    const guest = await person('Gus Guest', 'guest');
    if (member.kind === 'person' && guest.kind === 'person') {
      await addGroupMember(db, world.groups.secret, member.id, 'member');
      await addGroupMember(db, world.groups.closed, guest.id, 'member');
      await db
        .insertInto('group_invitations')
        .values({
          group_id: world.groups.closed.id,
          person_id: member.id,
          role: 'member',
          token_hash: null,
          invited_by: world.owner.id,
          created_at: NOW,
          expires_at: '2026-12-09T10:00:00.000Z',
        })
        .execute();
    }
    readers.push(
      { name: 'the owner', actor: ownerActor() },
      { name: 'a member', actor: member },
      { name: 'a guest', actor: guest },
      { name: 'an outsider', actor: await person('Ola Out', 'member') },
      { name: 'an admin', actor: await person('Ada Admin', 'admin') },
      { name: 'no one signed in', actor: ANONYMOUS },
    );

    function ownerActor(): Actor {
      return {
        kind: 'person',
        id: world.owner.id,
        role: 'member',
        displayName: 'Owen Owner',
        via: 'session',
      };
    }
    // A comment on a post in each group, for the comment rule.
    const posts = await db.selectFrom('blog_posts').select('id').execute();
    for (const post of posts) {
      await db
        .insertInto('blog_comments')
        .values({
          post_id: post.id,
          parent_id: null,
          author_id: world.owner.id,
          author_name: 'Owen Owner',
          body: 'Noted',
          status: 'approved',
          created_at: NOW,
          edited_at: null,
          deleted_at: null,
          import_key: null,
        })
        .execute();
    }
  });

  it('gives each type’s rule by value as by columns, to every reader', async () => {
    const { db } = database();
    let readable = 0;
    let checked = 0;
    for (const [type, table] of Object.entries(TABLES) as [
      SubjectType,
      string,
    ][]) {
      const rows = await sql<{ id: number }>`select id
        from ${sql.table(table)} order by id`.execute(db);
      const ids = [...rows.rows.map((row) => row.id), 999_999];
      assert.ok(ids.length > 1, `the world holds a ${type}`);
      for (const { name, actor } of readers) {
        for (const id of ids) {
          const byValue = await db
            .selectNoFrom(sql<number>`1`.as('one'))
            .where(readableSubjectValue(db, actor, { type, id }, NOW))
            .execute();
          const byColumns = await db
            .selectFrom(
              sql<{ subject_type: string; subject_id: number }>`(select
                cast(${type} as text) as subject_type,
                cast(${id} as integer) as subject_id)`.as('x'),
            )
            .select(sql<number>`1`.as('one'))
            .where(
              readableSubject(
                db,
                actor,
                { type: 'x.subject_type', id: 'x.subject_id' },
                NOW,
              ),
            )
            .execute();
          assert.equal(
            byValue.length,
            byColumns.length,
            `${type} ${id} for ${name}`,
          );
          readable += byValue.length;
          checked += 1;
        }
      }
    }
    // Both answers were asked, and both kinds of answer came.
    assert.ok(readable > 0 && readable < checked, `${readable} of ${checked}`);
  });

  it('reads no subject of a type it does not know', async () => {
    const { db } = database();
    const rows = await db
      .selectNoFrom(sql<number>`1`.as('one'))
      .where(
        readableSubjectValue(
          db,
          readers[4]?.actor ?? ANONYMOUS,
          { type: 'constructor' as SubjectType, id: world.groups.open.id },
          NOW,
        ),
      )
      .execute();
    assert.deepEqual(rows, []);
  });
});
