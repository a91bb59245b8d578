// The pages about people and groups, and search, on what the base seed
// made: a profile, the directory, the all-staff member list near its
// start and deep in it, and search for a rare word and a common one
// (bench/search-text.ts plants both at known rates).
import type { ReadScenario, SeedContext, SeedPart } from './context.ts';

const MEMBERS_PAGE_SIZE = 25;
const DEEP_MEMBERS_PAGE = 400;

export async function peopleScenarios(ctx: SeedContext): Promise<SeedPart> {
  const { db } = ctx;
  const member = await db
    .selectFrom('people')
    .select(['id', 'manager_id'])
    .where('id', '=', ctx.memberId)
    .executeTakeFirstOrThrow();
  // Someone the member would look up: their manager, or a colleague.
  const profileId = member.manager_id ?? ctx.people[1] ?? ctx.memberId;
  // The commonest surname among the first two thousand people: a
  // directory search with many answers.
  const names = await db
    .selectFrom('people')
    .select('display_name')
    .orderBy('id')
    .limit(2000)
    .execute();
  const tally = new Map<string, number>();
  for (const { display_name } of names) {
    const last = display_name.split(' ').at(-1) ?? display_name;
    tally.set(last, (tally.get(last) ?? 0) + 1);
  }
  const surname = {
    name: [...tally].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'Smith',
  };
  const lastPage = Math.ceil(ctx.allStaff.members.length / MEMBERS_PAGE_SIZE);
  const deep = Math.min(DEEP_MEMBERS_PAGE, lastPage);
  const members = `/groups/${ctx.allStaff.slug}/members`;
  const reads: ReadScenario[] = [
    { id: 'profile', name: 'profile', path: `/people/${profileId}` },
    {
      id: 'directory',
      name: `directory search "${surname.name}"`,
      path: `/people?q=${encodeURIComponent(surname.name)}`,
    },
    { id: 'members-1', name: 'all-staff members, page 1', path: members },
    {
      id: 'members-deep',
      name: `all-staff members, page ${deep}${deep < DEEP_MEMBERS_PAGE ? ' (last)' : ''}`,
      path: `${members}?page=${deep}`,
    },
    {
      id: 'search-rare',
      name: 'search, rare word',
      path: '/search?q=zanzibar',
    },
    {
      id: 'search-common',
      name: 'search, word in 30% of content',
      path: '/search?q=policy',
    },
  ];
  return { reads, writes: [], counts: {} };
}
