import type { GroupKey, World } from './world.ts';
import { GROUP_KEYS } from './world.ts';
import {
  BLOG_MATRIX_POST,
  blogSlugs,
  movedTalkIds,
  STATUS_MATRIX_TAG,
  statusPostIds,
  TALK_SITE_CATEGORY,
  talkPostIds,
  talkThreadIds,
  WIKI_MATRIX_TITLE,
  wikiRevisionIds,
} from './content.ts';
import { fileIds, folderIds } from './files.ts';
import {
  attachedItems,
  attachmentKinds,
  isAttachmentRoute,
} from './attachments.ts';

// How the matrix turns a route's path into addresses it can request: each
// parameter is filled by its name from PARAMETERS. A route with a name not
// in the table fails the matrix, on purpose: the next engineer adds a line
// here rather than the route going unchecked.

/**
 * Stands for the requesting actor's own feed token in a filled address;
 * requestAll puts the token in, since addresses are filled once for all.
 */
export const OWN_FEED_TOKEN = 'matrix-own-feed-token';

/** One value for a parameter, and the group it puts the address in. */
export interface Filling {
  value: string;
  group?: GroupKey;
}

interface FillContext {
  /** The route's path, with its parameters still in it. */
  url: string;
  world: World;
  /** The group an earlier parameter of the same path chose. */
  group: GroupKey | undefined;
  /** The address with the earlier parameters filled in. */
  filled: string;
}

type Filler = (context: FillContext) => Filling[];

function isGroupRoute(url: string): boolean {
  return /^(\/api\/v1)?(\/talk)?\/groups\//.test(url);
}

/** Every group in turn, so each route is tried on every kind. */
const eachGroup: Filler = ({ world }) =>
  GROUP_KEYS.map((group) => ({ value: world.groups[group].slug, group }));

/**
 * In a group's address, the group's guest member, whose name is that
 * group's member marker; elsewhere the owner of every group.
 */
const person: Filler = ({ world, group }) => [
  {
    value: String(group ? world.groupGuests[group] : world.owner.id),
    group,
  },
];

/** The thread moved into the secret group, or its reply, where it fits. */
function movedInto(group: GroupKey | undefined, id: number | undefined) {
  return group === undefined || group === 'secret'
    ? [{ value: String(id ?? 0), group: 'secret' as const }]
    : [];
}

/**
 * The id written in each place: in a group's address only that group's,
 * elsewhere every group's and the owner's own ('site').
 */
function inPlaces(
  group: GroupKey | undefined,
  ids: Partial<Record<GroupKey | 'site', number>>,
): Filling[] {
  return (group ? [group] : [...GROUP_KEYS, 'site' as const]).map((key) => ({
    value: String(ids[key] ?? 0),
    ...(key === 'site' ? {} : { group: key }),
  }));
}

export const PARAMETERS: Record<string, Filler> = {
  slug: (context) =>
    isGroupRoute(context.url)
      ? eachGroup(context)
      : [{ value: context.world.departmentSlug }],
  unit: ({ world }) => [{ value: world.unitSlug }],
  id: (context) => {
    if (isAttachmentRoute(context.url)) {
      return attachedItems(context.filled, context.group);
    }
    return /\/posts\/:id/.test(context.url)
      ? [{ value: String(context.world.postId) }]
      : person(context);
  },
  personId: person,
  // No identity provider is configured in tests: this is one that is not.
  provider: () => [{ value: 'matrix-no-such-provider' }],
  // A personal feed address takes the requesting actor's own feed token,
  // put in when the request is sent. No invitation is made, so elsewhere
  // this tries a link that is not one.
  token: ({ url }) => [
    {
      value: url.startsWith('/feeds/:token/')
        ? OWN_FEED_TOKEN
        : 'matrix-no-such-token',
    },
  ],
  // Each group's wiki, and the site's, which is for staff only.
  space: (context) => [...eachGroup(context), { value: 'site' }],
  title: () => [{ value: WIKI_MATRIX_TITLE }],
  revision: ({ group }) => [
    { value: String(wikiRevisionIds[group ?? 'site'] ?? 0), group },
  ],
  // Talk: each group's discussions and a site category, and the thread
  // and reply written in each.
  category: ({ world }) => [
    ...GROUP_KEYS.map((group) => ({
      value: `group-${world.groups[group].slug}`,
      group,
    })),
    { value: TALK_SITE_CATEGORY },
  ],
  threadId: ({ group }) => [
    ...(group ? [group] : [...GROUP_KEYS, 'site' as const]).map((key) => ({
      value: String(talkThreadIds[key] ?? 0),
      ...(key === 'site' ? {} : { group: key }),
    })),
    ...movedInto(group, movedTalkIds.threadId),
  ],
  postId: ({ group }) => [
    ...(group ? [group] : [...GROUP_KEYS, 'site' as const]).map((key) => ({
      value: String(talkPostIds[key] ?? 0),
      ...(key === 'site' ? {} : { group: key }),
    })),
    ...movedInto(group, movedTalkIds.postId),
  ],
  // A reaction's kind; the kind of item an attachments route lists.
  kind: ({ url }) =>
    isAttachmentRoute(url) ? attachmentKinds() : [{ value: 'like' }],
  // Status posts: the one in each group and the one on a profile.
  statusId: ({ group }) =>
    (group ? [group] : [...GROUP_KEYS, 'site' as const]).map((key) => ({
      value: String(statusPostIds[key] ?? 0),
      ...(key === 'site' ? {} : { group: key }),
    })),
  tag: () => [{ value: STATUS_MATRIX_TAG }],
  // Each group's blog, and the post the matrix wrote in it.
  blog: () =>
    GROUP_KEYS.map((group) => ({ value: blogSlugs[group] ?? '', group })),
  post: () => [{ value: BLOG_MATRIX_POST }],
  // Files: the file and the folder written in each group and in the
  // owner's own files, and the file's first version.
  fileId: ({ group }) => inPlaces(group, fileIds),
  folderId: ({ group }) => inPlaces(group, folderIds),
  number: () => [{ value: '1' }],
  // Fastify's name for a wildcard: a file under /assets/, a path elsewhere.
  '*': () => [{ value: 'civilmedia-icon.svg' }],
};

/**
 * Routes that answer a page of results only when asked something: the
 * query the matrix sends them. "matrix" is a word of the wiki page each
 * group holds (WIKI_MATRIX_TITLE), so who knows about it is counted from
 * every group's content, as each actor may read it.
 */
const QUERIES: Record<string, string> = {
  '/people/experts': 'q=matrix',
  '/api/v1/experts': 'q=matrix',
};

/** A route's address filled in, with the group it is about, if any. */
export interface FilledRoute {
  url: string;
  group?: GroupKey;
}

/**
 * Every address the route's path stands for in the matrix's world. Throws
 * for a parameter PARAMETERS does not know.
 */
export function fillRoute(url: string, world: World): FilledRoute[] {
  const names = [...url.matchAll(/:([A-Za-z0-9_]+)|\*/g)];
  let filled: FilledRoute[] = [{ url }];
  for (const match of names) {
    const name = match[1] ?? '*';
    const filler = PARAMETERS[name];
    if (!filler) {
      throw new Error(
        `The access matrix cannot fill :${name} in ${url}: add a line for ` +
          `'${name}' to PARAMETERS in src/access/matrix/parameters.ts`,
      );
    }
    filled = filled.flatMap((partial) =>
      filler({ url, world, group: partial.group, filled: partial.url }).map(
        (filling) => ({
          url: partial.url.replace(match[0], encodeURIComponent(filling.value)),
          group: filling.group ?? partial.group,
        }),
      ),
    );
  }
  const query = QUERIES[url];
  return query
    ? filled.map((each) => ({ ...each, url: `${each.url}?${query}` }))
    : filled;
}
