import type { Db } from '../../database.ts';
import { nameKey } from '../../platform/text.ts';
import { GROUP_MODEL } from './attributes.ts';
import { isObject, resolvePath } from './documents.ts';
import type { JsonObject } from './documents.ts';
import {
  invalidFilter,
  invalidPath,
  invalidSyntax,
  invalidValue,
  ScimError,
} from './errors.ts';
import { assertPatchable, readOp } from './patch.ts';
import type { Op } from './patch.ts';
import { parsePatchPath } from './paths.ts';
import type { Filter } from './filter.ts';
import { readGroupText, readMemberIds } from './group-fields.ts';
import { addMembers, removeMembers } from './group-members.ts';
import { assertGroupNameFree } from './groups-store.ts';

// PATCH on a Group is applied straight to the database, one operation at
// a time, rather than to the Group as JSON the way Users are: that would
// read every member of a group of thousands to add one more, which is
// what identity providers send most.

/** Applies PATCH operations to a group in the caller's transaction. */
export async function patchGroup(
  db: Db,
  groupId: number,
  operations: JsonObject[],
  now = new Date().toISOString(),
): Promise<void> {
  for (const operation of operations) {
    const op = readOp(operation);
    const path = operation.path;
    if (path !== undefined && typeof path !== 'string') {
      throw invalidSyntax('"path" must be a string');
    }
    if (path !== undefined && path.trim() !== '') {
      assertPatchable(GROUP_MODEL, path.trim());
      await applyAt(db, groupId, op, path.trim(), operation.value, now);
      continue;
    }
    if (op === 'remove') {
      throw new ScimError(400, 'A remove operation needs a "path"', 'noTarget');
    }
    if (!isObject(operation.value)) {
      throw invalidValue(
        `An ${op} without a "path" needs an object as its value`,
      );
    }
    for (const [key, value] of Object.entries(operation.value)) {
      await applyAt(db, groupId, op, key, value, now);
    }
  }
  await db
    .updateTable('scim_groups')
    .set({ updated_at: now })
    .where('id', '=', groupId)
    .execute();
}

async function applyAt(
  db: Db,
  groupId: number,
  op: Op,
  text: string,
  value: unknown,
  now: string,
): Promise<void> {
  const target = parsePatchPath(text);
  const resolved = resolvePath(GROUP_MODEL, target.path, target.sub);
  if (!resolved?.def || resolved.def.mutability === 'readOnly') {
    return; // an attribute we do not know, or may not change: ignored
  }
  const { def, sub } = resolved;
  if (op !== 'remove' && value === undefined) {
    throw invalidValue(`The ${op} of ${text} needs a "value"`);
  }
  if (def.name === 'members') {
    await changeMembers(
      db,
      groupId,
      op,
      target.filter,
      sub !== undefined,
      value,
    );
    return;
  }
  if (target.filter || sub) {
    throw invalidPath(`${def.name} has no sub-attributes or values to filter`);
  }
  // Removing the name is refused as a required value gone missing.
  const checked = readGroupText(
    def.name === 'displayName' ? 'displayName' : 'externalId',
    op === 'remove' ? null : value,
  );
  if (def.name === 'displayName') {
    await rename(db, groupId, checked ?? '', now);
  } else {
    await db
      .updateTable('scim_groups')
      .set({ external_id: checked })
      .where('id', '=', groupId)
      .execute();
  }
}

async function rename(
  db: Db,
  groupId: number,
  name: string,
  now: string,
): Promise<void> {
  await assertGroupNameFree(db, name, groupId);
  await db
    .updateTable('scim_groups')
    .set({
      display_name: name,
      display_name_key: nameKey(name),
      updated_at: now,
    })
    .where('id', '=', groupId)
    .execute();
}

async function changeMembers(
  db: Db,
  groupId: number,
  op: Op,
  filter: Filter | null,
  hasSub: boolean,
  value: unknown,
): Promise<void> {
  if (hasSub) {
    throw invalidPath(
      'Members are added and removed whole, not by sub-attribute',
    );
  }
  if (filter) {
    if (op !== 'remove') {
      throw invalidPath(
        `To ${op} members, give them as the value of "members"`,
      );
    }
    await removeMembers(db, groupId, idsInFilter(filter));
    return;
  }
  if (op === 'remove') {
    // A value names who to take out (Azure AD sends it so); none, everyone.
    await removeMembers(
      db,
      groupId,
      value === undefined ? undefined : readMemberIds(value),
    );
    return;
  }
  if (op === 'replace') {
    await removeMembers(db, groupId);
  }
  await addMembers(db, groupId, readMemberIds(value));
}

/** The ids `members[value eq "1" or value eq "2"]` names. */
function idsInFilter(filter: Filter): number[] {
  if (filter.kind === 'or') {
    return [...idsInFilter(filter.left), ...idsInFilter(filter.right)];
  }
  const isValue =
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.attr.toLowerCase() === 'value' &&
    filter.path.sub === null;
  if (!isValue) {
    throw invalidFilter(
      'Members are picked by value eq "id", joined by or if several',
    );
  }
  const id = String(filter.value ?? '');
  return /^\d{1,15}$/.test(id) ? [Number(id)] : [];
}
