import { sql } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { Db } from '../../database.ts';
import type { PersonRole } from '../people/tables.ts';
import {
  readableNotifications,
  toNotification,
  withActors,
} from './service.ts';
import type { DeliverableNotification, NotificationKind } from './service.ts';

/** One recipient's request: what listDeliverableNotifications takes. */
export interface DeliverableRequest {
  personId: number;
  since: string;
  until: string;
  kinds: readonly NotificationKind[];
}

/**
 * The reader as the read rule sees each row of `notifications as n`: a
 * person of `role` whose id is the row's own recipient. The rule's list
 * conditions only ever place the id into SQL, never compare it in
 * JavaScript, so one query, planned once, asks the same question as
 * each recipient in turn. Asking it as each person with a UNION ALL of
 * their queries cost PostgreSQL 1.4 s to plan for 100 people.
 */
function eachRecipient(role: PersonRole): PersonActor {
  return {
    kind: 'person',
    role,
    displayName: '',
    via: 'session',
    id: sql.ref('n.person_id') as unknown as number,
  };
}

/**
 * listDeliverableNotifications (service.ts) for many recipients: one
 * query for each role among them (the rule's shape depends on the
 * role), each row checked as its own recipient. Readability is judged at
 * the latest `until` asked; each person's period and kinds are applied
 * to the rows afterwards. Returns each active recipient's notifications,
 * oldest first; a person who is not active, or asks for no kinds, has
 * none.
 */
export async function listDeliverableNotificationsFor(
  db: Db,
  requests: readonly DeliverableRequest[],
): Promise<Map<number, DeliverableNotification[]>> {
  const result = new Map<number, DeliverableNotification[]>();
  const asked = requests.filter((request) => request.kinds.length > 0);
  if (asked.length === 0) {
    return result;
  }
  const people = await db
    .selectFrom('people')
    .select(['id', 'role'])
    .where(
      'id',
      'in',
      asked.map((request) => request.personId),
    )
    .where('status', '=', 'active')
    .execute();
  const roles = new Map<PersonRole, number[]>();
  for (const person of people) {
    roles.set(person.role, [...(roles.get(person.role) ?? []), person.id]);
  }
  const latest = asked.reduce((a, r) => (r.until > a ? r.until : a), '');
  const earliest = asked.reduce((a, r) => (r.since < a ? r.since : a), latest);
  const kinds = [...new Set(asked.flatMap((request) => request.kinds))];
  const rows = (
    await Promise.all(
      [...roles].map(([role, ids]) =>
        withActors(readableNotifications(db, eachRecipient(role), latest))
          .where('n.person_id', 'in', ids)
          .where('n.created_at', '>', earliest)
          .where('n.kind', 'in', kinds)
          .execute(),
      ),
    )
  ).flat();
  rows.sort((a, b) => a.id - b.id);
  const byPerson = new Map<number, DeliverableRequest[]>();
  for (const request of asked) {
    const list = byPerson.get(request.personId) ?? [];
    list.push(request);
    byPerson.set(request.personId, list);
  }
  for (const row of rows) {
    const wanted = (byPerson.get(row.person_id) ?? []).some(
      (request) =>
        row.created_at > request.since &&
        row.created_at <= request.until &&
        request.kinds.includes(row.kind as NotificationKind),
    );
    if (wanted) {
      const list = result.get(row.person_id) ?? [];
      list.push(toNotification(row));
      result.set(row.person_id, list);
    }
  }
  return result;
}
