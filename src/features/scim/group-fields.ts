import { FieldValidator } from '../../platform/validation.ts';
import { isObject } from './documents.ts';
import type { JsonObject } from './documents.ts';
import { invalidValue, throwIfFailed } from './errors.ts';

export const GROUP_LIMITS = { displayName: 255, externalId: 255 } as const;

/** A Group as stored: what a POST or PUT sets. */
export interface GroupFields {
  displayName: string;
  externalId: string | null;
  /** The people in it, by id, each once. */
  members: number[];
}

/** Reads a Group in canonical form; bad attributes are 400 invalidValue. */
export function readGroupFields(group: JsonObject): GroupFields {
  const form = new FieldValidator({
    displayName: group.displayName,
    externalId: group.externalId,
  });
  const displayName = form.text('displayName', {
    label: 'displayName',
    max: GROUP_LIMITS.displayName,
  });
  if (displayName === null && !form.errors.displayName) {
    form.fail('displayName', 'displayName is required');
  }
  const externalId = form.text('externalId', {
    label: 'externalId',
    max: GROUP_LIMITS.externalId,
  });
  throwIfFailed(form);
  return {
    displayName: displayName ?? '',
    externalId,
    members: readMemberIds(group.members),
  };
}

/** One attribute of a Group from a PATCH, checked as a POST would be. */
export function readGroupText(
  name: 'displayName' | 'externalId',
  value: unknown,
): string | null {
  const form = new FieldValidator({ [name]: value });
  const text = form.text(name, { label: name, max: GROUP_LIMITS[name] });
  if (text === null && name === 'displayName' && !form.errors[name]) {
    form.fail(name, 'displayName is required');
  }
  throwIfFailed(form);
  return text;
}

/**
 * The User ids of a `members` value: a list of `{ value }`, or one. Only
 * Users can be members; whether they exist is checked when stored.
 */
export function readMemberIds(value: unknown): number[] {
  if (value === undefined || value === null) {
    return [];
  }
  const ids = new Set<number>();
  for (const member of [value].flat()) {
    if (!isObject(member)) {
      throw invalidValue('members must be a list of objects with a value');
    }
    const type = member.type;
    if (typeof type === 'string' && type.toLowerCase() !== 'user') {
      throw invalidValue(`members: only Users can be members, not a ${type}`);
    }
    const id =
      typeof member.value === 'number' ? String(member.value) : member.value;
    if (typeof id !== 'string' || !/^\d{1,15}$/.test(id.trim())) {
      const shown = JSON.stringify(member.value ?? null);
      throw invalidValue(`members: there is no User with the id ${shown}`);
    }
    ids.add(Number(id.trim()));
  }
  return [...ids];
}
