import { DIRECTOR_AREAS, DIRECTOR_GENERAL_AREAS } from './bodies.ts';
import type { UnitSpec } from './bodies.ts';
import type { Random } from './random.ts';
import { apportion } from './random.ts';
import {
  DELEGATED_GRADES,
  DELEGATED_WEIGHTS,
  GRADES,
  PROFESSIONS,
} from './work.ts';
import type { Grade, ProfessionKey } from './work.ts';

/** A post of one body before it has a reference or a holder. */
export interface PostPlan {
  grade: Grade;
  jobTitle: string;
  unit: UnitSpec | null;
  /** What the post's holder mostly does; senior posts lead. */
  profession: ProfessionKey | 'leadership';
  /** The index, within the same body's plans, of the post above. */
  manager: number | null;
  /** Steps below the top post. */
  depth: number;
}

const PROFESSION_KEYS = Object.keys(PROFESSIONS) as ProfessionKey[];
const PROFESSION_WEIGHTS = PROFESSION_KEYS.map(
  (key) => PROFESSIONS[key].weight,
);

// Staff below HEO often report two grades up (an EO to a SEO, say) rather
// than to the grade just above, which keeps the tree from growing thin and
// deep.
const SKIP_A_GRADE = 0.35;
// The rest follow their unit's own profession this often.
const UNIT_PROFESSION = 0.55;

/**
 * How many posts of each grade a body of `size` posts has, from the top
 * down. A department has a permanent secretary, directors general,
 * directors and deputy directors above its delegated grades; an agency is
 * led by a chief executive with deputy directors below.
 */
export function gradeCounts(
  size: number,
  agency: boolean,
): { grade: Grade; count: number }[] {
  let left = size - 1;
  const take = (wanted: number) => {
    const count = Math.min(left, wanted);
    left -= count;
    return count;
  };
  const counts: { grade: Grade; count: number }[] = [
    { grade: agency ? 'SCS2' : 'Permanent Secretary', count: 1 },
  ];
  if (!agency) {
    const directorsGeneral = take(clamp(Math.round(size / 700), 1, 4));
    const directors = take(Math.max(directorsGeneral, Math.round(size / 170)));
    counts.push({ grade: 'SCS3', count: directorsGeneral });
    counts.push({ grade: 'SCS2', count: directors });
  }
  counts.push({
    grade: 'SCS1',
    count: take(Math.max(1, Math.round(size / 45))),
  });
  const delegated = apportion(left, DELEGATED_WEIGHTS);
  DELEGATED_GRADES.forEach((grade, index) => {
    counts.push({ grade, count: delegated[index] ?? 0 });
  });
  return counts;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * The posts of one body as a reporting tree: every post but the first
 * reports to a post above it, at a more senior grade, in the same body.
 */
export function planPosts(
  random: Random,
  size: number,
  units: readonly UnitSpec[],
  agency: boolean,
): PostPlan[] {
  const plans: PostPlan[] = [];
  // The indices of the posts at each grade in `gradeCounts` order.
  const levels: number[][] = [];
  const turns: number[] = [];

  // Each manager in a level takes the next report in turn, so spans of
  // control come out even.
  const nextManager = (level: number): number => {
    const posts = levels[level] ?? [];
    const turn = turns[level] ?? 0;
    turns[level] = turn + 1;
    return posts[turn % posts.length] as number;
  };
  const levelAbove = (level: number, skip = 0): number | undefined => {
    let found = 0;
    for (let above = level - 1; above >= 0; above -= 1) {
      if ((levels[above]?.length ?? 0) > 0) {
        if (found === skip) {
          return above;
        }
        found += 1;
      }
    }
    return undefined;
  };

  for (const [level, { grade, count }] of gradeCounts(size, agency).entries()) {
    levels.push([]);
    for (let i = 0; i < count; i += 1) {
      const plan =
        level === 0
          ? topPost(grade, agency)
          : seniorOrDelegated(random, grade, i, units, plans, () => {
              const skip =
                isSkipGrade(grade) && random.chance(SKIP_A_GRADE) ? 1 : 0;
              const above = levelAbove(level, skip) ?? levelAbove(level);
              return nextManager(above as number);
            });
      levels[level]?.push(plans.length);
      plans.push(plan);
    }
  }
  return plans;
}

function isSkipGrade(grade: Grade): boolean {
  return grade === 'HEO' || grade === 'EO' || grade === 'AO';
}

function topPost(grade: Grade, agency: boolean): PostPlan {
  return {
    grade,
    jobTitle: agency ? 'Chief Executive' : 'Permanent Secretary',
    unit: null,
    profession: 'leadership',
    manager: null,
    depth: 0,
  };
}

function seniorOrDelegated(
  random: Random,
  grade: Grade,
  index: number,
  units: readonly UnitSpec[],
  plans: readonly PostPlan[],
  chooseManager: () => number,
): PostPlan {
  const manager = chooseManager();
  const above = plans[manager] as PostPlan;
  const base = { grade, manager, depth: above.depth + 1 };
  if (grade === 'SCS3') {
    const area = DIRECTOR_GENERAL_AREAS[index % DIRECTOR_GENERAL_AREAS.length];
    return {
      ...base,
      jobTitle: `Director General, ${area}`,
      unit: null,
      profession: 'leadership',
    };
  }
  if (grade === 'SCS2') {
    // TODO: a department with more directors than DIRECTOR_AREAS (only at
    // the largest benchmark scales) gives two directors the same title.
    const area = DIRECTOR_AREAS[index % DIRECTOR_AREAS.length];
    return {
      ...base,
      jobTitle: `Director of ${area}`,
      unit: null,
      profession: 'leadership',
    };
  }
  const unit = above.unit ?? (units[index % units.length] as UnitSpec);
  if (grade === 'SCS1') {
    return {
      ...base,
      jobTitle: `Deputy Director, ${unit.name}`,
      unit,
      profession: unit.profession,
    };
  }
  const profession = random.chance(UNIT_PROFESSION)
    ? unit.profession
    : (PROFESSION_KEYS[
        random.weightedIndex(PROFESSION_WEIGHTS)
      ] as ProfessionKey);
  const titleIndex = GRADES.indexOf(grade) - GRADES.indexOf('G6');
  return {
    ...base,
    jobTitle: PROFESSIONS[profession].titles[titleIndex] as string,
    unit,
    profession,
  };
}
