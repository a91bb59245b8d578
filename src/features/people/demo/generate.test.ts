import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_DEMO_PEOPLE,
  DEFAULT_DEMO_SEED,
  DEMO_ADMIN_EMAIL,
  generateOrganisation,
} from './generate.ts';
import type { DemoOrganisation } from './generate.ts';
import { apportion, Random } from './random.ts';
import { GRADES } from './work.ts';

const standard = generateOrganisation({
  people: DEFAULT_DEMO_PEOPLE,
  seed: DEFAULT_DEMO_SEED,
});

function count<T>(items: readonly T[], test: (item: T) => boolean): number {
  return items.filter(test).length;
}

describe('the demo organisation generator', () => {
  it('invents exactly the same organisation from the same seed', () => {
    const again = generateOrganisation({
      people: DEFAULT_DEMO_PEOPLE,
      seed: DEFAULT_DEMO_SEED,
    });

    assert.deepEqual(again, standard);
  });

  it('invents different people from a different seed', () => {
    const other = generateOrganisation({
      people: DEFAULT_DEMO_PEOPLE,
      seed: DEFAULT_DEMO_SEED + 1,
    });
    const names = (org: DemoOrganisation) =>
      org.people.map((person) => person.displayName);

    assert.notDeepEqual(names(other), names(standard));
    assert.notDeepEqual(other.posts, standard.posts);
  });

  it('has 12 departments, three of them with one agency each', () => {
    const departments = standard.bodies.filter((body) => !body.parentKey);
    const agencies = standard.bodies.filter((body) => body.parentKey);

    assert.equal(departments.length, 12);
    assert.deepEqual(
      agencies.map((agency) => [agency.name, agency.parentKey]),
      [
        ['Shoreline Survey Agency', 'dcr'],
        ['Rural Transport Grants Agency', 'drc'],
        ['Canal and Lock Inspectorate', 'miw'],
      ],
    );
    assert.equal(new Set(standard.bodies.map((body) => body.name)).size, 15);
  });

  it('keeps only the units a deputy director leads, each used by some post', () => {
    const sizes = standard.bodies.map((body) => body.units.length);

    assert.deepEqual(sizes, [3, 1, 5, 2, 1, 3, 5, 2, 1, 6, 3, 3, 4, 3, 3]);
    for (const body of standard.bodies) {
      assert.equal(new Set(body.units).size, body.units.length, body.name);
      const used = new Set(
        standard.posts
          .filter((post) => post.bodyKey === body.key)
          .flatMap((post) => post.unit ?? []),
      );
      assert.deepEqual([...used].sort(), [...body.units].sort(), body.name);
    }
  });

  it('has 2,000 staff and an administrator in 2,062 posts, 61 vacant', () => {
    assert.equal(standard.people.length, 2001);
    assert.equal(standard.posts.length, 2062);
    assert.equal(
      count(standard.posts, (post) => post.vacant),
      61,
    );
  });

  it('puts one permanent secretary or chief executive at the top of each body', () => {
    const tops = standard.posts.filter((post) => post.reportsTo === null);

    assert.deepEqual(
      tops.map((post) => post.bodyKey),
      standard.bodies.map((body) => body.key),
    );
    assert.equal(
      count(tops, (post) => post.jobTitle === 'Permanent Secretary'),
      12,
    );
    assert.equal(
      count(tops, (post) => post.jobTitle === 'Chief Executive'),
      3,
    );
    assert.ok(tops.every((post) => !post.vacant));
  });

  it('has every other post report to a more senior post in the same body', () => {
    const byReference = new Map(
      standard.posts.map((post) => [post.reference, post]),
    );
    assert.equal(byReference.size, standard.posts.length);

    for (const post of standard.posts) {
      if (post.reportsTo === null) {
        continue;
      }
      const manager = byReference.get(post.reportsTo);
      assert.ok(manager, `${post.reference} reports to a known post`);
      assert.equal(manager.bodyKey, post.bodyKey);
      assert.equal(manager.depth, post.depth - 1);
      assert.ok(GRADES.indexOf(manager.grade) < GRADES.indexOf(post.grade));
    }
  });

  it('has no loops in the reporting lines', () => {
    const byReference = new Map(
      standard.posts.map((post) => [post.reference, post]),
    );
    for (const post of standard.posts) {
      const seen = new Set<string>();
      let current: string | null = post.reference;
      while (current !== null) {
        assert.ok(!seen.has(current), `a loop through ${current}`);
        seen.add(current);
        current = byReference.get(current)?.reportsTo ?? null;
      }
      assert.equal(seen.size, post.depth + 1);
    }
    assert.equal(Math.max(...standard.posts.map((post) => post.depth)), 9);
  });

  it('has every person hold exactly one post and every vacant post none', () => {
    const holders = new Map<number, number>();
    for (const person of standard.people) {
      holders.set(person.post, (holders.get(person.post) ?? 0) + 1);
    }

    standard.posts.forEach((post, index) => {
      assert.equal(holders.get(index) ?? 0, post.vacant ? 0 : 1);
    });
  });

  it('uses only the grades of the grade ladder', () => {
    const grades = new Map<string, number>();
    for (const post of standard.posts) {
      grades.set(post.grade, (grades.get(post.grade) ?? 0) + 1);
    }

    assert.deepEqual(Object.fromEntries(grades), {
      'Permanent Secretary': 12,
      SCS3: 12,
      SCS2: 16,
      SCS1: 45,
      G6: 119,
      G7: 278,
      SEO: 315,
      HEO: 436,
      EO: 475,
      AO: 354,
    });
  });

  it('gives everyone a unique address in their body’s demo domain', () => {
    const emails = standard.people.map((person) => person.email);

    assert.equal(new Set(emails).size, emails.length);
    for (const person of standard.people) {
      const post = standard.posts[person.post];
      if (person.role === 'admin') {
        continue;
      }
      assert.match(
        person.email,
        new RegExp(
          `^[a-z]+\\.[a-z]+\\d*@${post?.bodyKey}\\.demo\\.civilmedia\\.example$`,
        ),
      );
    }
  });

  it('has one administrator, who holds a post like anyone else', () => {
    const admins = standard.people.filter((person) => person.role === 'admin');

    assert.equal(admins.length, 1);
    assert.equal(admins[0]?.displayName, 'Demo Administrator');
    assert.equal(admins[0]?.email, DEMO_ADMIN_EMAIL);
    assert.equal(standard.posts[admins[0]?.post ?? -1]?.bodyKey, 'ddps');
  });

  it('gives phone numbers only from Ofcom’s drama ranges', () => {
    const ranges = [
      '020 7946 0',
      '01(1[3-8]|21|31|41|51|61) 496 0',
      '0191 498 0',
      '028 9018 0',
      '029 2018 0',
      '01632 960',
    ];
    const drama = new RegExp(`^(${ranges.join('|')})\\d{3}$`);

    for (const person of standard.people) {
      assert.match(person.phone, drama);
    }
  });

  it('gives 2–6 skills, 1–4 interests and 0–3 projects, shared across bodies', () => {
    const staff = standard.people.filter((person) => person.role === 'member');
    const bodiesWith = new Map<string, Set<string>>();
    for (const person of staff) {
      assert.ok(person.skills.length >= 2 && person.skills.length <= 6);
      assert.ok(person.interests.length >= 1 && person.interests.length <= 4);
      assert.ok(person.projects.length <= 3);
      const keys = person.skills.map((skill) => skill.toLowerCase());
      assert.equal(new Set(keys).size, keys.length);
      for (const skill of person.skills) {
        const bodies = bodiesWith.get(skill) ?? new Set<string>();
        bodies.add(standard.posts[person.post]?.bodyKey ?? '');
        bodiesWith.set(skill, bodies);
      }
    }

    const everywhere = [...bodiesWith].filter(
      ([, bodies]) => bodies.size === 15,
    );
    assert.equal(everywhere.length, 27);
    assert.equal(
      count(staff, (person) => person.about !== ''),
      1211,
    );
  });

  it('refuses an organisation too small to have a tree in every body', () => {
    assert.throws(
      () => generateOrganisation({ people: 10, seed: 1 }),
      RangeError,
    );
  });
});

describe('the seeded random source', () => {
  it('repeats its sequence for the same seed', () => {
    const a = new Random(42);
    const b = new Random(42);
    const first = Array.from({ length: 5 }, () => a.next());

    assert.deepEqual(
      Array.from({ length: 5 }, () => b.next()),
      first,
    );
    assert.ok(first.every((value) => value >= 0 && value < 1));
  });

  it('apportions a total exactly, largest remainders first', () => {
    assert.deepEqual(apportion(10, [1, 1, 1]), [4, 3, 3]);
    assert.deepEqual(apportion(7, [5, 3, 0]), [4, 3, 0]);
  });
});
