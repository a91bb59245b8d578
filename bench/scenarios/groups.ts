import type { Kysely } from 'kysely';
import type { Database } from '../../src/database.ts';

/**
 * Group pages a member opens all day: the directory, a group's home and
 * the member list of the group of everyone, at its first page and deep in
 * it (page 400 at organisation scale, where the list is 21,000 long).
 */
export interface GroupScenario {
  id: string;
  name: string;
  paths: string[];
}

const PAGE_SIZE = 25;
const DEEP_PAGE = 400;
const SEARCH_WORDS = ['network', 'community', 'staff', 'data', 'club'];

/** The group scenarios for the seeded site, with their paths. */
export async function groupScenarios(
  db: Kysely<Database>,
): Promise<GroupScenario[]> {
  const everyone = await db
    .selectFrom('groups')
    .select(['slug', 'member_count'])
    .orderBy('member_count', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const slug = encodeURIComponent(everyone.slug);
  const lastPage = Math.ceil(Number(everyone.member_count) / PAGE_SIZE);
  const deep = Math.min(DEEP_PAGE, lastPage);
  return [
    { id: 'groups-page', name: 'group directory (page)', paths: ['/groups'] },
    {
      id: 'groups-search-api',
      name: 'group search (API)',
      paths: SEARCH_WORDS.map((word) => `/api/v1/groups?q=${word}`),
    },
    {
      id: 'group-home',
      name: `group home, ${everyone.member_count} members (page)`,
      paths: [`/groups/${slug}`],
    },
    {
      id: 'group-members-1',
      name: 'member list, page 1 (API)',
      paths: [`/api/v1/groups/${slug}/members`],
    },
    {
      id: 'group-members-deep',
      name: `member list, page ${deep} (API)`,
      paths: [`/api/v1/groups/${slug}/members?page=${deep}`],
    },
    {
      id: 'group-members-deep-page',
      name: `member list, page ${deep} (page)`,
      paths: [`/groups/${slug}/members?page=${deep}`],
    },
  ];
}
