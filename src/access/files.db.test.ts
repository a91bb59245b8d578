import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Db } from '../database.ts';
import { ensureGroupBlog, ensurePersonBlog } from '../features/blogs/blogs.ts';
import type { AttachedKind } from '../features/files/tables.ts';
import type { GroupVisibility } from '../features/groups/tables.ts';
import type { PersonRole } from '../features/people/tables.ts';
import { ensureSpace } from '../features/wiki/spaces.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { buildPerson } from '../test-support/factories.ts';
import { addGroupMember, buildGroup } from '../test-support/groups.ts';
import { ANONYMOUS } from './actor.ts';
import type { Actor } from './actor.ts';
import { containerOf, fileRights, readableFiles } from './files.ts';

// The file rule is written twice, as a list condition (readableFiles)
// and for one container (fileRights). Every actor reads every kind of
// file through both, which must agree, and exact lists pin the rule.

const NOW = '2026-12-05T12:00:00.000Z';

interface Fixture {
  actors: Record<string, Actor>;
  /** File names by the id they were given. */
  names: Map<number, string>;
}

async function person(db: Db, role: PersonRole, name: string) {
  const id = await buildPerson(db, { role });
  const actor: Actor = {
    kind: 'person',
    id,
    role,
    displayName: name,
    via: 'session',
  };
  return { id, actor };
}

async function addFile(
  db: Db,
  names: Map<number, string>,
  name: string,
  container: {
    group_id?: number;
    person_id?: number;
    attached_kind?: AttachedKind;
    attached_id?: number;
  },
): Promise<void> {
  const row = await db
    .insertInto('files')
    .values({
      group_id: container.group_id ?? null,
      person_id: container.person_id ?? null,
      attached_kind: container.attached_kind ?? null,
      attached_id: container.attached_id ?? null,
      folder_id: null,
      name,
      name_key: name,
      title: name,
      alt_text: null,
      current_version_id: null,
      created_by: null,
      created_at: NOW,
      updated_at: NOW,
      deleted_at: null,
      deleted_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  names.set(row.id, name);
}

async function wikiPage(db: Db, spaceKey: string, title: string) {
  const space = await ensureSpace(db, spaceKey, NOW);
  const row = await db
    .insertInto('wiki_pages')
    .values({
      space_id: space.id,
      title,
      title_key: title.toLowerCase(),
      parent_key: '',
      current_revision_id: null,
      redirect_to_key: null,
      deleted_at: null,
      created_at: NOW,
      updated_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function blogPost(
  db: Db,
  blogId: number,
  authorId: number,
  audience: 'everyone' | 'private',
) {
  const row = await db
    .insertInto('blog_posts')
    .values({
      blog_id: blogId,
      slug: `post-${audience}-${blogId}`,
      title: 'A post',
      body: '',
      status: 'published',
      audience,
      publish_at: '2026-12-01T00:00:00.000Z',
      author_id: authorId,
      author_name: 'Author',
      created_at: NOW,
      updated_at: NOW,
      edited_at: null,
      deleted_at: null,
      import_key: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('blog_post_authors')
    .values({
      post_id: row.id,
      person_id: authorId,
      name: 'Author',
      position: 0,
    })
    .execute();
  return row.id;
}

async function build(db: Db): Promise<Fixture> {
  const owner = await person(db, 'member', 'owner');
  const member = await person(db, 'member', 'member');
  const outsider = await person(db, 'member', 'outsider');
  const guest = await person(db, 'guest', 'guest');
  const admin = await person(db, 'admin', 'admin');
  const gone = await person(db, 'member', 'gone');
  await db
    .updateTable('people')
    .set({ status: 'deactivated' })
    .where('id', '=', gone.id)
    .execute();

  const names = new Map<number, string>();
  const groups: Partial<Record<GroupVisibility, number>> = {};
  for (const visibility of ['open', 'closed', 'secret'] as const) {
    const group = await buildGroup(db, owner.id, { visibility });
    groups[visibility] = group.id;
    await addGroupMember(db, group, member.id);
    await addGroupMember(db, group, guest.id);
    await addFile(db, names, `${visibility}-group`, { group_id: group.id });
    const space = await db
      .selectFrom('groups')
      .select('slug')
      .where('id', '=', group.id)
      .executeTakeFirstOrThrow();
    const page = await wikiPage(db, space.slug, `Page in ${visibility}`);
    await addFile(db, names, `${visibility}-page`, {
      attached_kind: 'wiki_page',
      attached_id: page,
    });
    const blog = await ensureGroupBlog(db, group.id, NOW);
    const post = await blogPost(db, blog.id, owner.id, 'everyone');
    await addFile(db, names, `${visibility}-blog`, {
      attached_kind: 'blog_post',
      attached_id: post,
    });
  }
  await addFile(db, names, 'member-own', { person_id: member.id });
  await addFile(db, names, 'gone-own', { person_id: gone.id });
  const sitePage = await wikiPage(db, 'site', 'Site page');
  await addFile(db, names, 'site-page', {
    attached_kind: 'wiki_page',
    attached_id: sitePage,
  });
  const ownerBlog = await ensurePersonBlog(db, owner.id, NOW);
  const privatePost = await blogPost(db, ownerBlog.id, owner.id, 'private');
  await addFile(db, names, 'private-blog', {
    attached_kind: 'blog_post',
    attached_id: privatePost,
  });
  return {
    names,
    actors: {
      anonymous: ANONYMOUS,
      public: { kind: 'anonymous', publicReading: true },
      owner: owner.actor,
      member: member.actor,
      outsider: outsider.actor,
      guest: guest.actor,
      admin: admin.actor,
    },
  };
}

async function listed(db: Db, actor: Actor, names: Map<number, string>) {
  const rows = await db
    .selectFrom('files as f')
    .select('f.id')
    .where(readableFiles(db, actor, NOW))
    .orderBy('f.id')
    .execute();
  return rows.map((r) => names.get(r.id)).sort();
}

const EXPECTED: Record<string, string[]> = {
  anonymous: [],
  public: [],
  outsider: ['member-own', 'open-blog', 'open-group', 'open-page', 'site-page'],
  member: [
    'closed-blog',
    'closed-group',
    'closed-page',
    'member-own',
    'open-blog',
    'open-group',
    'open-page',
    'secret-blog',
    'secret-group',
    'secret-page',
    'site-page',
  ],
  guest: [
    'closed-blog',
    'closed-group',
    'closed-page',
    'open-blog',
    'open-group',
    'open-page',
    'secret-blog',
    'secret-group',
    'secret-page',
  ],
  owner: [
    'closed-blog',
    'closed-group',
    'closed-page',
    'member-own',
    'open-blog',
    'open-group',
    'open-page',
    'private-blog',
    'secret-blog',
    'secret-group',
    'secret-page',
    'site-page',
  ],
  admin: [
    'closed-blog',
    'closed-group',
    'closed-page',
    'gone-own',
    'member-own',
    'open-blog',
    'open-group',
    'open-page',
    'secret-blog',
    'secret-group',
    'secret-page',
    'site-page',
  ],
};

await describeEachDatabase('the file rule', (database) => {
  let fixture: Fixture;
  before(async () => {
    fixture = await build(database().db);
  });

  it('lists exactly the files each actor may read', async () => {
    const { db } = database();
    for (const [name, actor] of Object.entries(fixture.actors)) {
      const expected = EXPECTED[name];
      assert.deepEqual(await listed(db, actor, fixture.names), expected, name);
    }
  });

  it('answers for one container as the list does, for every file', async () => {
    const { db } = database();
    const rows = await db.selectFrom('files').selectAll().execute();
    assert.equal(rows.length, 13);
    for (const [name, actor] of Object.entries(fixture.actors)) {
      const readable = new Set(EXPECTED[name]);
      for (const row of rows) {
        const rights = await fileRights(db, actor, containerOf(row), NOW);
        assert.equal(
          rights.read,
          readable.has(row.name),
          `${name} ${row.name}`,
        );
      }
    }
  });

  it('lets members upload to their group and only managers manage', async () => {
    const { db } = database();
    const rows = await db.selectFrom('files').selectAll().execute();
    const closed = rows.find((r) => r.name === 'closed-group');
    const own = rows.find((r) => r.name === 'member-own');
    assert.ok(closed && own);
    const { actors } = fixture;
    const at = (actor: Actor, row: typeof closed) =>
      fileRights(db, actor, containerOf(row), NOW);
    const flat = (r: { read: boolean; upload: boolean; manage: boolean }) =>
      [r.read, r.upload, r.manage].map((b) => (b ? 1 : 0)).join('');
    assert.equal(flat(await at(actors.member!, closed)), '110');
    assert.equal(flat(await at(actors.owner!, closed)), '111');
    assert.equal(flat(await at(actors.outsider!, closed)), '000');
    assert.equal(flat(await at(actors.admin!, closed)), '101');
    assert.equal(flat(await at(actors.member!, own)), '111');
    assert.equal(flat(await at(actors.outsider!, own)), '100');
    assert.equal(flat(await at(actors.admin!, own)), '111');
    assert.equal(flat(await at(actors.guest!, own)), '000');
  });
});
