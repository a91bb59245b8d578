import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { buildPerson } from '../../test-support/factories.ts';
import {
  buildBlogPost,
  buildExpertWorld,
  buildWikiPage,
} from './expertise-testing.ts';
import type { ExpertWorld } from './expertise-testing.ts';
import { findExperts } from './finder.ts';
import { topicOf } from './words.ts';

// "Who knows about …" on both databases: the exact order for a small
// organisation, the reasons in words, the other-departments switch, and
// that evidence inside a secret group counts only for its members.

function staff(id: number): PersonActor {
  return {
    kind: 'person',
    id,
    role: 'member',
    displayName: 'V',
    via: 'session',
  };
}

const FIRST = { page: 1, pageSize: 25, offset: 0 };

await describeEachDatabase('the expertise finder', (database) => {
  let db: Db;
  let world: ExpertWorld;
  const names = new Map<number, string>();

  async function ranked(
    viewer: number,
    q: string,
    options: { otherDepartments?: boolean; page?: typeof FIRST } = {},
  ) {
    const result = await findExperts(
      db,
      staff(viewer),
      {
        topic: topicOf(q),
        otherDepartments: options.otherDepartments ?? false,
      },
      options.page ?? FIRST,
    );
    return {
      total: result.total,
      items: result.items.map((e) => [e.person.name, e.score, e.reasons]),
    };
  }

  before(async () => {
    db = database().db;
    world = await buildExpertWorld(db);
    for (const [key, id] of Object.entries(world.ids)) {
      names.set(id, key);
    }
  });

  it('ranks by weighted evidence, spreading ties over departments', async () => {
    const found = await ranked(world.viewer, 'Kubernetes');

    assert.deepEqual(found, {
      total: 6,
      items: [
        ['Ali Answerer', 6, ['2 accepted answers tagged #kubernetes']],
        ['Sam Skilled', 6, ['Skill: Kubernetes']],
        ['Wendy Writer', 4, ['Wrote 2 wiki pages on Kubernetes']],
        ['Pat Project', 4, ['Project: Kubernetes']],
        ['Ivy Interested', 3, ['Interest: kubernetes']],
        ['Bea Blogger', 2, ['Wrote 1 blog post on Kubernetes']],
      ],
    });
  });

  it("counts a secret group's page and answer for members only", async () => {
    const found = await ranked(world.insider, 'kubernetes');

    assert.deepEqual(found.items.slice(0, 3), [
      ['Ali Answerer', 9, ['3 accepted answers tagged #kubernetes']],
      ['Vic Viewer', 6, ['Skill: Kubernetes']],
      ['Sam Skilled', 6, ['Skill: Kubernetes']],
    ]);
    assert.deepEqual(
      found.items.find(([name]) => name === 'Wendy Writer'),
      ['Wendy Writer', 6, ['Wrote 3 wiki pages on kubernetes']],
    );
  });

  it("lists only other departments than the viewer's when asked", async () => {
    const found = await ranked(world.viewer, 'Kubernetes', {
      otherDepartments: true,
    });

    assert.deepEqual(
      found.items.map(([name]) => name),
      ['Ali Answerer', 'Sam Skilled', 'Pat Project', 'Bea Blogger'],
    );
    assert.equal(found.total, 4);
  });

  it('pages the ranking, keeping the total', async () => {
    const found = await ranked(world.viewer, 'Kubernetes', {
      page: { page: 2, pageSize: 2, offset: 2 },
    });

    assert.deepEqual(
      found.items.map(([name]) => name),
      ['Wendy Writer', 'Pat Project'],
    );
    assert.equal(found.total, 6);
  });

  it('matches a singular topic to a plural word in a title', async () => {
    const found = await ranked(world.viewer, 'API');

    assert.deepEqual(found, {
      total: 1,
      items: [['Bea Blogger', 2, ['Wrote 1 blog post on API']]],
    });
  });

  it('finds a title word with an accented letter, typed with or without it', async () => {
    await buildWikiPage(db, world.hiddenSpace, 'Zürichsee plain', [
      world.ids.wendy ?? 0,
    ]);
    const wendy = ['Wendy Writer', 2, ['Wrote 1 wiki page on Zürichsee']];

    assert.deepEqual(await ranked(world.insider, 'Zürichsee'), {
      total: 1,
      items: [wendy],
    });
    assert.deepEqual((await ranked(world.insider, 'zurichsee')).items, [
      ['Wendy Writer', 2, ['Wrote 1 wiki page on zurichsee']],
    ]);
    assert.deepEqual((await ranked(world.insider, 'plain')).items.length, 1);
    // Outside the secret group the page is not evidence.
    assert.deepEqual(await ranked(world.viewer, 'Zürichsee'), {
      total: 0,
      items: [],
    });
  });

  it('matches a word of a skill or interest below a label that is the topic', async () => {
    const person = (name: string, tags: object) =>
      buildPerson(db, { displayName: name, departmentId: world.health, tags });
    await person('Dee Data', { skill: ['Data'] });
    await person('Ann Analyst', { skill: ['Data analysis'] });
    await person('Pol Policy', {
      interest: ['Policy development', 'Metadata'],
    });
    await person('Rod Roadmap', { project: ['Database migration'] });

    assert.deepEqual(await ranked(world.viewer, 'data'), {
      total: 2,
      items: [
        ['Dee Data', 6, ['Skill: Data']],
        ['Ann Analyst', 2, ['Skill: Data analysis']],
      ],
    });
    assert.deepEqual((await ranked(world.viewer, 'Analysis')).items, [
      ['Ann Analyst', 2, ['Skill: Data analysis']],
    ]);
    assert.deepEqual((await ranked(world.viewer, 'policies')).items, [
      ['Pol Policy', 1, ['Interest: Policy development']],
    ]);
  });

  it('names the words that matched in a reason, not the whole query', async () => {
    await buildBlogPost(db, world.ids.bea ?? 0, 'Welcome aboard');

    assert.deepEqual((await ranked(world.viewer, 'Welcome <b>x</b>')).items, [
      ['Bea Blogger', 2, ['Wrote 1 blog post on Welcome']],
    ]);
  });

  it('lists no guest, leaver or viewer, and nobody for no match', async () => {
    const found = await ranked(world.viewer, 'Kubernetes');
    const listed = found.items.map(([name]) => name);

    for (const name of ['Gil Guest', 'Lee Leaver', 'Vic Viewer']) {
      assert.ok(!listed.includes(name), name);
    }
    assert.deepEqual(await ranked(world.viewer, 'Basket weaving'), {
      total: 0,
      items: [],
    });
  });
});
