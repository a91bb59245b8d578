import type { Actor, PersonActor } from '../../../access/actor.ts';
import type { Db } from '../../../database.ts';
import {
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../../platform/errors.ts';
import type { PageRequest } from '../../../platform/pagination.ts';
import { recordAudit } from '../../audit/audit.ts';
import { auditActorOf } from '../../groups/groups.ts';
import { mayAppointIn, placeOf } from '../places.ts';
import type { Place } from '../places.ts';
import { assertModerates } from './actions.ts';
import { asksForApproval } from './approval.ts';

// The people appointed to moderate one category, beside those who
// moderate it by their role (site administrators, a group's owners and
// admins). Those who may appoint: site administrators for site
// categories, a group's owners and admins for its discussions. Whoever
// is appointed must be able to read the place: staff for a site
// category, a member for a group's.

export interface Moderator {
  personId: number;
  name: string;
  addedAt: string;
}

function notAppointer(place: Place): ForbiddenError {
  return new ForbiddenError(
    'TALK_FORBIDDEN',
    place.group
      ? 'Only the group’s owners and admins can appoint its moderators'
      : 'Only site administrators can appoint moderators here',
  );
}

/** Refuses unless `actor` may appoint the moderators of `place`. */
export function assertMayAppoint(actor: Actor, place: Place): void {
  if (!mayAppointIn(actor, place)) {
    throw notAppointer(place);
  }
}

/** A page of the place's appointed moderators, for its moderators. */
export async function listModerators(
  db: Db,
  place: Place,
  page: PageRequest,
): Promise<{ items: Moderator[]; total: number }> {
  assertModerates(place);
  const query = db
    .selectFrom('talk_moderators as m')
    .innerJoin('people as p', 'p.id', 'm.person_id')
    .where('m.category_id', '=', place.category.id);
  const [count, rows] = await Promise.all([
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
    query
      .select(['m.person_id', 'p.display_name', 'm.created_at'])
      .orderBy('p.sort_name')
      .orderBy('m.person_id')
      .limit(page.pageSize)
      .offset(page.offset)
      .execute(),
  ]);
  return {
    items: rows.map((row) => ({
      personId: row.person_id,
      name: row.display_name,
      addedAt: row.created_at,
    })),
    total: Number(count.total),
  };
}

function noSuchPerson(): NotFoundError {
  return new NotFoundError('PERSON_NOT_FOUND', 'There is no such person');
}

/**
 * Appoints `personId` as a moderator of `place`; appointing someone
 * already appointed changes nothing and writes nothing.
 */
export async function appointModerator(
  db: Db,
  actor: PersonActor,
  place: Place,
  personId: number,
  now = new Date().toISOString(),
): Promise<{ added: boolean; name: string }> {
  assertMayAppoint(actor, place);
  const person = await db
    .selectFrom('people')
    .select(['id', 'display_name', 'role', 'status'])
    .where('id', '=', personId)
    .executeTakeFirst();
  if (!person || person.status !== 'active') {
    throw noSuchPerson();
  }
  const candidate: PersonActor = {
    kind: 'person',
    id: person.id,
    role: person.role,
    displayName: person.display_name,
    via: 'session',
  };
  const theirs = await placeOf(db, candidate, place.category);
  const member = place.group === null || (theirs.group?.role ?? null) !== null;
  if (!theirs.mayRead || !member) {
    throw new ValidationError({
      person: place.group
        ? 'Only a member of the group can moderate its discussions'
        : 'Only staff can moderate a site category',
    });
  }
  const inserted = await db
    .insertInto('talk_moderators')
    .values({
      category_id: place.category.id,
      person_id: person.id,
      added_by: actor.id,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['category_id', 'person_id']).doNothing())
    .executeTakeFirst();
  const added = Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
  if (added) {
    await recordAudit(
      db,
      {
        action: 'talk.moderator.added',
        actor: auditActorOf(actor),
        subject: { type: 'person', id: person.id },
        details: { categoryId: place.category.id },
      },
      now,
    );
  }
  return { added, name: person.display_name };
}

/** Removes an appointed moderator; 404 when they are not one. */
export async function removeModerator(
  db: Db,
  actor: PersonActor,
  place: Place,
  personId: number,
  now = new Date().toISOString(),
): Promise<void> {
  assertMayAppoint(actor, place);
  const removed = await db
    .deleteFrom('talk_moderators')
    .where('category_id', '=', place.category.id)
    .where('person_id', '=', personId)
    .executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) {
    throw new NotFoundError(
      'MODERATOR_NOT_FOUND',
      'That person is not a moderator here',
    );
  }
  await recordAudit(
    db,
    {
      action: 'talk.moderator.removed',
      actor: auditActorOf(actor),
      subject: { type: 'person', id: personId },
      details: { categoryId: place.category.id },
    },
    now,
  );
}

/** Switches approval of new members' first posts on or off. */
export async function setApproval(
  db: Db,
  actor: PersonActor,
  place: Place,
  required: boolean,
  now = new Date().toISOString(),
): Promise<void> {
  assertMayAppoint(actor, place);
  if ((await asksForApproval(db, place)) === required) {
    return;
  }
  await db
    .updateTable('talk_categories')
    .set({ approve_first_posts: required ? 1 : 0 })
    .where('id', '=', place.category.id)
    .execute();
  await recordAudit(
    db,
    {
      action: 'talk.approval.changed',
      actor: auditActorOf(actor),
      subject: { type: 'talk-category', id: place.category.id },
      details: { required },
    },
    now,
  );
}
