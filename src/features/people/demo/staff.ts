import { searchWords } from '../../../platform/text.ts';
import type { BodySpec } from './bodies.ts';
import { SHARED_PROJECTS } from './bodies.ts';
import { NAME_GROUPS } from './names.ts';
import type { NameGroup } from './names.ts';
import { dramaPhoneNumber } from './places.ts';
import type { Random } from './random.ts';
import type { PostPlan } from './tree.ts';
import {
  GENERAL_SKILLS,
  INTERESTS,
  LEADERSHIP_SKILLS,
  PROFESSIONS,
} from './work.ts';

/** The made-up details of one person, apart from the post they hold. */
export interface StaffDetails {
  displayName: string;
  email: string;
  phone: string;
  location: string;
  /** A few lines of Markdown, or '' for the many who never wrote any. */
  about: string;
  skills: string[];
  interests: string[];
  projects: string[];
}

/** Every e-mail address the demo has handed out, so none repeats. */
export class EmailBook {
  readonly #taken = new Set<string>();

  /** `local@domain`, or with 2, 3 … after `local` if that is taken. */
  claim(local: string, domain: string): string {
    for (let n = 1; ; n += 1) {
      const address = `${local}${n === 1 ? '' : n}@${domain}`;
      if (!this.#taken.has(address)) {
        this.#taken.add(address);
        return address;
      }
    }
  }
}

export const DEMO_DOMAIN = 'demo.civilmedia.example';

const GROUP_WEIGHTS = NAME_GROUPS.map((group) => group.weight);
// Most people's family name comes from the same group as their given name.
const SAME_GROUP = 0.85;
const AT_HEADQUARTERS = 0.5;
const WROTE_ABOUT = 0.6;
const OWN_PROJECT = 0.6;

/** Invents a person to hold `post` in `body`. */
export function inventStaff(
  random: Random,
  emails: EmailBook,
  body: BodySpec,
  parentProjects: readonly string[],
  post: PostPlan,
): StaffDetails {
  const group = NAME_GROUPS[random.weightedIndex(GROUP_WEIGHTS)] as NameGroup;
  const given = random.pick(group.givenNames);
  const familyGroup = random.chance(SAME_GROUP)
    ? group
    : (NAME_GROUPS[random.weightedIndex(GROUP_WEIGHTS)] as NameGroup);
  const family = random.pick(familyGroup.familyNames);
  const email = emails.claim(
    `${emailWord(given)}.${emailWord(family)}`,
    `${body.key}.${DEMO_DOMAIN}`,
  );
  const location = random.chance(AT_HEADQUARTERS)
    ? body.headquarters
    : random.pick(body.offices);
  const phone = dramaPhoneNumber(location, random.int(0, 999));
  const skills = chooseSkills(random, post);
  const interests = random.sample(INTERESTS, random.int(1, 4));
  const projects = chooseProjects(random, [
    ...body.projects,
    ...parentProjects,
  ]);
  const about = random.chance(WROTE_ABOUT)
    ? aboutMe(random, { body, post, location, skills, interests, projects })
    : '';
  return {
    displayName: `${given} ${family}`,
    email,
    phone,
    location,
    about,
    skills,
    interests,
    projects,
  };
}

/** A name as one lower-case word of an address: O'Brien → obrien. */
function emailWord(name: string): string {
  return searchWords(name).join('');
}

function chooseSkills(random: Random, post: PostPlan): string[] {
  const count = random.int(2, 6);
  const own =
    post.profession === 'leadership'
      ? LEADERSHIP_SKILLS
      : PROFESSIONS[post.profession].skills;
  const chosen = random.sample(own, Math.ceil(count * 0.6));
  const keys = new Set(chosen.map((skill) => skill.toLowerCase()));
  for (const skill of random.sample(GENERAL_SKILLS, count)) {
    if (chosen.length === count) {
      break;
    }
    if (!keys.has(skill.toLowerCase())) {
      keys.add(skill.toLowerCase());
      chosen.push(skill);
    }
  }
  return chosen;
}

function chooseProjects(random: Random, own: readonly string[]): string[] {
  const chosen: string[] = [];
  const count = random.int(0, 3);
  for (let i = 0; i < count; i += 1) {
    const project = random.chance(OWN_PROJECT)
      ? random.pick(own)
      : random.pick(SHARED_PROJECTS);
    if (!chosen.includes(project)) {
      chosen.push(project);
    }
  }
  return chosen;
}

interface AboutFacts {
  body: BodySpec;
  post: PostPlan;
  location: string;
  skills: string[];
  interests: string[];
  projects: string[];
}

/** A short "about me" in Markdown, from a handful of sentence shapes. */
function aboutMe(random: Random, facts: AboutFacts): string {
  const { body, post, location, skills, interests, projects } = facts;
  const team = post.unit
    ? `${post.unit.name} in the ${body.name}`
    : `the ${body.name}`;
  const year = random.int(2004, 2026);
  const opening = random.pick([
    `I work in ${team}, based in ${location}.`,
    `I joined the ${body.name} in ${year} and now work in ` +
      `${post.unit?.name ?? 'its leadership team'}.`,
    `${location}-based, working across ${team}.`,
  ]);
  const [first = '', second = first] = skills;
  const help = random.pick([
    `Ask me about **${first}** or **${second}**.`,
    `I can help with:\n\n${skills.map((skill) => `- ${skill}`).join('\n')}`,
    `Happy to share what I know about **${first}** with anyone who asks.`,
  ]);
  const paragraphs = [opening, help];
  if (projects[0]) {
    paragraphs.push(`Most of my time at the moment goes on ${projects[0]}.`);
  }
  if (random.chance(0.4)) {
    paragraphs.push(`Away from my desk: ${interests.join(', ')}.`);
  }
  return paragraphs.join('\n\n');
}
