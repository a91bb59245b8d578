import { CORPORATE_UNITS, DEPARTMENTS } from './bodies.ts';
import type { BodySpec, UnitSpec } from './bodies.ts';
import { apportion, Random } from './random.ts';
import { DEMO_DOMAIN, EmailBook, inventStaff } from './staff.ts';
import type { StaffDetails } from './staff.ts';
import { planPosts } from './tree.ts';
import type { PostPlan } from './tree.ts';
import { PAY_RANGES, PROFESSIONS } from './work.ts';
import type { Grade } from './work.ts';

/** A department, or an agency under one. */
export interface DemoBody {
  key: string;
  name: string;
  /** The department an agency belongs to. */
  parentKey: string | null;
  units: string[];
}

export interface DemoPost {
  /** Unique across the organisation: the body's initials and a number. */
  reference: string;
  bodyKey: string;
  unit: string | null;
  jobTitle: string;
  grade: Grade;
  profession: string;
  /** The reference of the post this one reports to. */
  reportsTo: string | null;
  /** Steps below the top of the body's tree. */
  depth: number;
  vacant: boolean;
  pay: readonly [number, number];
}

export interface DemoPerson extends StaffDetails {
  role: 'admin' | 'member';
  /** The index in `posts` of the one post the person holds. */
  post: number;
}

export interface DemoOrganisation {
  bodies: DemoBody[];
  posts: DemoPost[];
  people: DemoPerson[];
}

export interface GenerateOptions {
  /** Staff to invent, not counting the demo administrator. */
  people: number;
  seed: number;
}

export const DEFAULT_DEMO_PEOPLE = 2000;
export const DEFAULT_DEMO_SEED = 20261204;
export const DEMO_ADMIN_EMAIL = `admin@${DEMO_DOMAIN}`;

// About one post in thirty-three has nobody in it.
const VACANT_SHARE = 0.03;
// Each body needs a few people below its head to have a tree at all.
const MIN_PEOPLE = 60;
const ADMIN_BODY = 'ddps';

interface PlannedBody {
  spec: BodySpec;
  body: DemoBody;
  parentProjects: readonly string[];
  units: UnitSpec[];
  weight: number;
}

/**
 * Invents the demo organisation: the same options always give the same
 * departments, posts and people, down to the last phone number.
 */
export function generateOrganisation(
  options: GenerateOptions,
): DemoOrganisation {
  if (!Number.isInteger(options.people) || options.people < MIN_PEOPLE) {
    throw new RangeError(`the demo needs at least ${MIN_PEOPLE} people`);
  }
  const random = new Random(options.seed);
  const emails = new EmailBook();
  const planned = planBodies(random);
  // Everybody heads or works in a body, so each gets one person first.
  const staffing = apportion(
    options.people - planned.length,
    planned.map((body) => body.weight),
  ).map((share) => share + 1);

  const posts: DemoPost[] = [];
  const people: DemoPerson[] = [];
  for (const [index, body] of planned.entries()) {
    const staff = staffing[index] ?? 1;
    const vacancies = Math.round((staff * VACANT_SHARE) / (1 - VACANT_SHARE));
    const plans = planPosts(
      random,
      staff + vacancies,
      body.units,
      body.body.parentKey !== null,
    );
    // A small body has fewer deputy directors than planned units; only the
    // units someone works in are kept, so no unit page is empty.
    const used = new Set(plans.flatMap((plan) => plan.unit?.name ?? []));
    body.body.units = body.body.units.filter((name) => used.has(name));
    const vacant = new Set(
      random.sample(
        plans.map((_, i) => i).filter((i) => i > 0),
        vacancies,
      ),
    );
    const first = posts.length;
    plans.forEach((plan, i) => {
      posts.push(toPost(body.body, plan, i, vacant.has(i)));
      if (!vacant.has(i)) {
        const details = inventStaff(
          random,
          emails,
          body.spec,
          body.parentProjects,
          plan,
        );
        people.push({ ...details, role: 'member', post: first + i });
      }
    });
  }
  addAdministrator(posts, people);
  return { bodies: planned.map((body) => body.body), posts, people };
}

function planBodies(random: Random): PlannedBody[] {
  const planned: PlannedBody[] = [];
  const plan = (
    spec: BodySpec,
    parentKey: string | null,
    units: UnitSpec[],
    weight: number,
    parentProjects: readonly string[] = [],
  ) => {
    const body: DemoBody = {
      key: spec.key,
      name: spec.name,
      parentKey,
      units: units.map((unit) => unit.name),
    };
    planned.push({ spec, body, parentProjects, units, weight });
  };
  for (const department of DEPARTMENTS) {
    const { agency } = department;
    const share = agency?.share ?? 0;
    const own = department.units.length;
    const total = random.int(Math.max(5, own), Math.min(10, own + 3));
    const corporate = random.sample(CORPORATE_UNITS, total - own);
    plan(
      department,
      null,
      [...department.units, ...corporate],
      department.weight * (1 - share),
    );
    if (agency) {
      plan(
        agency,
        department.key,
        [...agency.units, ...random.sample(CORPORATE_UNITS, 2)],
        department.weight * share,
        department.projects,
      );
    }
  }
  return planned;
}

function reference(body: DemoBody, index: number): string {
  return `${body.key.toUpperCase()}-${String(index + 1).padStart(5, '0')}`;
}

function toPost(
  body: DemoBody,
  plan: PostPlan,
  index: number,
  vacant: boolean,
): DemoPost {
  return {
    reference: reference(body, index),
    bodyKey: body.key,
    unit: plan.unit?.name ?? null,
    jobTitle: plan.jobTitle,
    grade: plan.grade,
    profession:
      plan.profession === 'leadership'
        ? 'Senior Leadership'
        : PROFESSIONS[plan.profession].label,
    reportsTo: plan.manager === null ? null : reference(body, plan.manager),
    depth: plan.depth,
    vacant,
    pay: PAY_RANGES[plan.grade],
  };
}

/**
 * The one account that can administer the demo site: a person like any
 * other, holding a post in the digital department's first unit.
 */
function addAdministrator(posts: DemoPost[], people: DemoPerson[]): void {
  const own = posts.filter((post) => post.bodyKey === ADMIN_BODY);
  const top = own[0];
  if (!top) {
    throw new Error(`the demo has no ${ADMIN_BODY} department`);
  }
  const unit = own.find((post) => post.unit !== null)?.unit ?? null;
  const manager =
    own.find((post) => post.grade === 'G7' && post.unit === unit) ??
    own.find((post) => post.grade === 'G7') ??
    top;
  posts.push({
    reference: `${ADMIN_BODY.toUpperCase()}-${String(own.length + 1).padStart(5, '0')}`,
    bodyKey: ADMIN_BODY,
    unit: manager.unit ?? unit,
    jobTitle: 'Digital Workplace Administrator',
    grade: 'HEO',
    profession: PROFESSIONS.digital.label,
    reportsTo: manager.reference,
    depth: manager.depth + 1,
    vacant: false,
    pay: PAY_RANGES.HEO,
  });
  people.push({
    displayName: 'Demo Administrator',
    email: DEMO_ADMIN_EMAIL,
    phone: '020 7946 0000',
    location: 'London',
    about:
      'I look after this demonstration of CivilMedia. Everyone here is ' +
      'made up, so feel free to look around, edit profiles and try things.',
    skills: ['Service management', 'User support', 'Accessibility'],
    interests: ['Open data'],
    projects: ['Single Sign-On Rollout'],
    role: 'admin',
    post: posts.length - 1,
  });
}
