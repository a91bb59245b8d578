import type { Db } from '../../database.ts';
import {
  actorOf,
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
 * listDeliverableNotifications (service.ts) for many recipients in one
 * query: each recipient's part is the same query asked as that
 * person, and the parts are joined with UNION ALL, so a batch of digests
 * costs one round trip instead of one each.
 * Returns each active recipient's notifications, oldest first; a person
 * who is not active, or asks for no kinds, has none.
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
    .select(['id', 'role', 'display_name'])
    .where(
      'id',
      'in',
      asked.map((request) => request.personId),
    )
    .where('status', '=', 'active')
    .execute();
  const byId = new Map(people.map((person) => [person.id, person]));
  const parts = asked.flatMap((request) => {
    const person = byId.get(request.personId);
    if (!person) {
      return [];
    }
    return [
      withActors(readableNotifications(db, actorOf(person), request.until))
        .where('n.created_at', '>', request.since)
        .where('n.kind', 'in', [...request.kinds]),
    ];
  });
  const [first, ...rest] = parts;
  if (!first) {
    return result;
  }
  const rows = await rest
    .reduce((union, part) => union.unionAll(part), first)
    .execute();
  rows.sort((a, b) => a.id - b.id);
  for (const row of rows) {
    const list = result.get(row.person_id) ?? [];
    list.push(toNotification(row));
    result.set(row.person_id, list);
  }
  return result;
}
