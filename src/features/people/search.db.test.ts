import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  buildDepartment,
  buildPerson,
  buildUnit,
} from '../../test-support/factories.ts';
import { directoryFacets, searchDirectory } from './search.ts';
import type { DirectoryHit } from './search.ts';

const firstPage = { page: 1, pageSize: 25, offset: 0 };

function names(items: DirectoryHit[]): string[] {
  return items.map((hit) =>
    hit.type === 'person' ? hit.person.name : `post: ${hit.post.jobTitle}`,
  );
}

await describeEachDatabase('directory search', (database) => {
  it('finds a person by the start of a word in their job title', async () => {
    const { db } = database();
    const department = await buildDepartment(db, 'Ministry of Maps');
    const unit = await buildUnit(db, department.id, 'Cartography Services');
    await buildPerson(db, {
      displayName: 'Ada Mercator',
      jobTitle: 'Head of Geospatial Analysis',
      departmentId: department.id,
      unitId: unit.id,
    });
    await buildPerson(db, {
      displayName: 'Bram Stoker',
      jobTitle: 'Policy Adviser',
      departmentId: department.id,
    });

    const result = await searchDirectory(db, { text: 'geospat' }, firstPage);

    assert.deepEqual(names(result.items), ['Ada Mercator']);
    assert.equal(result.total, 1);
  });

  it('finds people by unit name, accent-free and in any case', async () => {
    const { db } = database();
    const department = await buildDepartment(db);
    const unit = await buildUnit(db, department.id, 'Équipe Numérique');
    await buildPerson(db, {
      displayName: 'Chloé Durand',
      departmentId: department.id,
      unitId: unit.id,
    });

    const result = await searchDirectory(
      db,
      { text: 'EQUIPE numerique' },
      firstPage,
    );

    assert.deepEqual(names(result.items), ['Chloé Durand']);
  });

  it('ranks a name match above a skill match, then orders by name', async () => {
    const { db } = database();
    await buildPerson(db, { displayName: 'Zed Hydrology' });
    await buildPerson(db, {
      displayName: 'Yan Water',
      tags: { skill: ['Hydrology'] },
    });
    await buildPerson(db, {
      displayName: 'Abe Water',
      tags: { interest: ['hydrology'] },
    });

    const result = await searchDirectory(db, { text: 'hydrology' }, firstPage);

    assert.deepEqual(names(result.items), [
      'Zed Hydrology',
      'Abe Water',
      'Yan Water',
    ]);
  });

  it('filters by department and counts only what matches', async () => {
    const { db } = database();
    const north = await buildDepartment(db, 'Northern Office');
    const south = await buildDepartment(db, 'Southern Office');
    await buildPerson(db, {
      displayName: 'Nia Quarry',
      jobTitle: 'Quarry Inspector',
      departmentId: north.id,
    });
    await buildPerson(db, {
      displayName: 'Sam Quarry',
      jobTitle: 'Quarry Inspector',
      departmentId: south.id,
    });

    const result = await searchDirectory(
      db,
      { text: 'quarry inspector', departmentIds: [south.id] },
      firstPage,
    );

    assert.deepEqual(names(result.items), ['Sam Quarry']);
    assert.equal(result.total, 1);
  });

  it('pages through results with a total for all pages', async () => {
    const { db } = database();
    for (let n = 1; n <= 5; n += 1) {
      await buildPerson(db, {
        displayName: `Pager ${n}`,
        jobTitle: 'Paginator',
      });
    }

    const second = await searchDirectory(
      db,
      { text: 'paginator' },
      { page: 2, pageSize: 2, offset: 2 },
    );

    assert.deepEqual(names(second.items), ['Pager 3', 'Pager 4']);
    assert.equal(second.total, 5);
  });

  it('offers each grade and location once, grades most senior first', async () => {
    const { db } = database();
    for (const [grade, location] of [
      ['G7', 'York'],
      ['SCS1', 'Leeds'],
      ['G7', 'Leeds'],
      ['Band Z', 'Cardiff'],
      ['HEO', 'York'],
    ]) {
      await buildPerson(db, { grade, location });
    }

    assert.deepEqual(await directoryFacets(db), {
      grades: ['SCS1', 'G7', 'HEO', 'Band Z'],
      locations: ['Cardiff', 'Leeds', 'York'],
    });
  });
});
