import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import { savePage } from './editing.ts';
import { spaceFor } from './spaces.ts';

/** A first page in the site-wide wiki for the demo, by the administrator. */
export async function seedDemoWiki(
  db: Db,
  admin: PersonActor,
  now = new Date().toISOString(),
): Promise<number> {
  const space = await spaceFor(db, admin, 'site');
  await savePage(
    db,
    admin,
    space,
    {
      title: 'Welcome',
      body: [
        '# Welcome to the wiki',
        '',
        'Pages here are for everyone in the organisation. Each group has',
        'a wiki of its own too.',
        '',
        '- [[Onboarding/First week]] — what to do in your first week',
        '- [[How to write a good page]]',
        '',
        'A link to a page that does not exist yet leads to creating it.',
        '',
      ].join('\n'),
      summary: 'First page',
      baseRevision: null,
    },
    now,
  );
  return 1;
}
