import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spreadAcrossDepartments } from './spread.ts';

const person = (name: string, score: number, department: string | null) => ({
  name,
  score,
  department,
});

describe('spreading suggestions across departments', () => {
  it('names another department before repeating one among equal scores', () => {
    const ranked = [
      person('Ada', 3, 'Health'),
      person('Ben', 3, 'Health'),
      person('Cal', 3, 'Transport'),
      person('Dee', 3, null),
    ];

    const names = spreadAcrossDepartments(ranked, 3).map((p) => p.name);

    assert.deepEqual(names, ['Ada', 'Cal', 'Dee']);
  });

  it('never passes over a better match for the sake of spread', () => {
    const ranked = [
      person('Ada', 5, 'Health'),
      person('Ben', 4, 'Health'),
      person('Cal', 1, 'Transport'),
    ];

    const names = spreadAcrossDepartments(ranked, 2).map((p) => p.name);

    assert.deepEqual(names, ['Ada', 'Ben']);
  });

  it('repeats a department when nobody of the best score is elsewhere', () => {
    const ranked = [
      person('Ada', 2, 'Health'),
      person('Ben', 2, 'Health'),
      person('Cal', 2, 'Health'),
    ];

    const names = spreadAcrossDepartments(ranked, 5).map((p) => p.name);

    assert.deepEqual(names, ['Ada', 'Ben', 'Cal']);
  });
});
