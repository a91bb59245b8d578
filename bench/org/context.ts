// What every part of the organisation-scale seed shares: the shape of
// the data at each scale, the people and groups made first, and the
// scenarios each part hands the runner. See bench/org/seed.ts for the
// order the parts run in.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/database.ts';
import type { GroupVisibility } from '../../src/features/groups/tables.ts';
import type { TextMaker } from '../search-text.ts';

export type OrgScale = 'small' | 'org' | 'org5';

/** How much of everything one scale holds. */
export interface OrgShape {
  people: number;
  /** Groups in all, the demo's own included. */
  groups: number;
  threads: number;
  replies: number;
  /** Replies in the one long thread (counted in `replies`). */
  longThreadReplies: number;
  /** People watching the busy thread. */
  threadWatchers: number;
  wikiPages: number;
  wikiRevisions: number;
  /** Pages in the one big space (counted in `wikiPages`). */
  bigSpacePages: number;
  blogPosts: number;
  blogComments: number;
  activityEvents: number;
}

const ORG: OrgShape = {
  people: 21_000,
  groups: 2_000,
  threads: 20_000,
  replies: 200_000,
  longThreadReplies: 5_000,
  threadWatchers: 1_000,
  wikiPages: 20_000,
  wikiRevisions: 200_000,
  bigSpacePages: 5_000,
  blogPosts: 50_000,
  blogComments: 150_000,
  activityEvents: 2_000_000,
};

export const SHAPES: Record<OrgScale, OrgShape> = {
  // Seconds to seed; CI runs it to keep the suite working.
  small: {
    people: 100,
    groups: 20,
    threads: 1_000,
    replies: 3_300,
    longThreadReplies: 300,
    threadWatchers: 50,
    wikiPages: 300,
    wikiRevisions: 900,
    bigSpacePages: 100,
    blogPosts: 300,
    blogComments: 900,
    activityEvents: 5_000,
  },
  org: ORG,
  // Five times org; the long thread, the big space and the busy thread's
  // watchers stay the same, so their pages compare like with like.
  org5: {
    ...ORG,
    people: ORG.people * 5,
    groups: ORG.groups * 5,
    threads: ORG.threads * 5,
    replies: ORG.replies * 5,
    wikiPages: ORG.wikiPages * 5,
    wikiRevisions: ORG.wikiRevisions * 5,
    blogPosts: ORG.blogPosts * 5,
    blogComments: ORG.blogComments * 5,
    activityEvents: ORG.activityEvents * 5,
  },
};

/** A group and the containers its content goes in. */
export interface Place {
  groupId: number;
  slug: string;
  visibility: GroupVisibility;
  /** Members' person ids, the bench member first when a member. */
  members: number[];
  categoryId: number;
  blogId: number;
  spaceId: number;
}

/** The site-wide containers, outside any group. */
export interface SitePlace {
  categoryId: number;
  blogId: number;
  spaceId: number;
}

/** What the base seed made, handed to every other part. */
export interface SeedContext {
  db: Kysely<Database>;
  shape: OrgShape;
  /** Deterministic text and choices (bench/search-text.ts). */
  text: TextMaker;
  /** Active people's ids, in id order. */
  people: number[];
  /** The person every scenario is signed in as: staff, not an admin. */
  memberId: number;
  /** The group of all staff (every person a member). */
  allStaff: Place;
  /** Open groups, all staff included; content goes here 40% of the time. */
  open: Place[];
  /** Closed and secret groups; about 30% of content goes here. */
  restricted: Place[];
  site: SitePlace;
  /**
   * Where a new piece of content goes: 30% restricted, 40% open groups,
   * 30% site-wide (null).
   */
  pickPlace(): Place | null;
  /** A random moment within the seeded two years, oldest first by index. */
  at(): string;
}

/** A page the signed-in member opens. */
/**
 * Every scenario the organisation suite measures, by the id `--only`
 * matches; the seed parts may give no others.
 */
export const SCENARIO_IDS = [
  'profile',
  'directory',
  'members-1',
  'members-deep',
  'search-rare',
  'search-common',
  'thread',
  'thread-long-1',
  'thread-long-deep',
  'talk-latest',
  'blog-post-50',
  'wiki-10k',
  'wiki-500k',
  'wiki-tree',
  'home',
  'unread',
  'profile-activity',
  'reply-watched',
  'thread-new',
  'wiki-save',
  'sign-in',
  'fanout',
] as const;

export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** The scenarios that change data: a kept database (--reuse) runs none. */
export const WRITE_SCENARIO_IDS: readonly ScenarioId[] = [
  'reply-watched',
  'thread-new',
  'wiki-save',
  'sign-in',
  'fanout',
];

export interface ReadScenario {
  id: ScenarioId;
  name: string;
  /** Path and query string. */
  path: string;
}

/** How the runner signs a write request in. */
export interface BenchAuth {
  /** `Cookie` header value of a signed-in session. */
  cookie: string;
  /** A CSRF token valid for that session's forms. */
  csrfToken: string;
  /** An API token of the same person, for `Authorization: Bearer`. */
  bearer: string;
}

/** One request a write scenario sends. */
export interface WriteRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A write the runner sends with several writers at once. */
export interface WriteScenario {
  id: ScenarioId;
  name: string;
  /** The `n`th request (from 0); each may differ, e.g. another page. */
  request(n: number, auth: BenchAuth): WriteRequest;
}

/** What each part of the seed hands back. */
export interface SeedPart {
  reads: ReadScenario[];
  writes: WriteScenario[];
  /** Rows written by kind, for the report. */
  counts: Record<string, number>;
}
