import type { Actor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import { renderMarkdown } from '../../../platform/markdown.ts';
import type { Place } from '../places.ts';
import type { Thread } from '../threads.ts';
import { mayAppointIn } from '../places.ts';

// What moderation adds to a thread's page: the moderator's tools, and
// the posts readers are not shown that this reader may see there: to a
// moderator, the held and hidden posts of the thread; to an author, their
// own posts awaiting approval.

// A thread with more unshown posts than this shows the first ones; the
// rest wait in the queue.
const UNSHOWN_SHOWN = 50;

export async function threadModerationView(
  db: Db,
  actor: Actor,
  thread: Thread,
  place: Place,
  query: Record<string, unknown>,
) {
  const readerId = actor.kind === 'person' ? actor.id : null;
  let unshown = db
    .selectFrom('talk_posts as p')
    .leftJoin('people as a', 'a.id', 'p.author_id')
    .select([
      'p.id',
      'p.position',
      'p.body',
      'p.created_at',
      'p.awaiting_approval',
      'p.hidden_at',
      'p.hidden_reason',
    ])
    .select((eb) =>
      eb.fn.coalesce('a.display_name', 'p.author_name').as('author'),
    )
    .where('p.thread_id', '=', thread.id)
    .where('p.shown_position', 'is', null)
    .where('p.deleted_at', 'is', null);
  if (place.mayModerate) {
    unshown = unshown.where((eb) =>
      eb.or([
        eb('p.awaiting_approval', '=', 1),
        eb('p.hidden_at', 'is not', null),
      ]),
    );
  } else {
    unshown = unshown
      .where('p.awaiting_approval', '=', 1)
      .where('p.author_id', '=', readerId ?? 0);
  }
  const rows =
    readerId === null
      ? []
      : await unshown.orderBy('p.position').limit(UNSHOWN_SHOWN).execute();
  const flagged = typeof query.flagged === 'string' ? query.flagged : '';
  return {
    mayModerate: place.mayModerate,
    mayAppoint: mayAppointIn(actor, place),
    mayFlag: readerId !== null,
    readerId,
    thread: {
      id: thread.id,
      hidden: thread.hidden,
      hiddenReason: place.mayModerate ? thread.hiddenReason : null,
      awaitingApproval: thread.awaitingApproval,
      pinned: thread.pinned,
      locked: thread.locked,
    },
    moderatorsPath: `/talk/categories/${encodeURIComponent(place.category.slug)}/moderators`,
    flaggedNotice: /^\d{1,10}$/.test(flagged),
    unshown: rows.map((row) => ({
      id: row.id,
      position: row.position,
      author: row.author,
      createdAt: row.created_at,
      html: renderMarkdown(row.body),
      awaitingApproval: Boolean(row.awaiting_approval),
      hidden: row.hidden_at !== null,
      hiddenReason: row.hidden_reason,
    })),
  };
}
