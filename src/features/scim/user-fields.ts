import { characterCount, cleanLine } from '../../platform/text.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { PROFILE_LIMITS } from '../people/profiles.ts';
import { isObject, isPrimary } from './documents.ts';
import type { JsonObject } from './documents.ts';
import { invalidValue, throwIfFailed } from './errors.ts';
import { ENTERPRISE_SCHEMA } from './urns.ts';

/**
 * Limits of the attributes the profile has no limit for, counted in code
 * points after trimming like every other. 128 characters hold any
 * e-mail-shaped sign-in name an identity provider sends (a UPN stops at
 * 113); three stops a stray initial becoming someone's userName.
 */
export const SCIM_LIMITS = {
  userName: { min: 3, max: 128 },
  externalId: 255,
  employeeNumber: 64,
  department: 200,
} as const;

/** A User as the profile stores it: what a POST, PUT or PATCH sets. */
export interface UserFields {
  userName: string;
  externalId: string | null;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  phone: string | null;
  jobTitle: string | null;
  location: string | null;
  /** Undefined when the request does not say: the status stays. */
  active: boolean | undefined;
  department: string | null;
  managerId: number | null;
  employeeNumber: string | null;
}

/**
 * Reads a User in canonical form (see canonicalize) with the limits and
 * rules of profiles. Every bad attribute is named in one 400 invalidValue;
 * nothing is looked up or stored here.
 */
export function readUserFields(user: JsonObject): UserFields {
  const name = objectAttribute(user, 'name');
  const enterprise = objectAttribute(user, ENTERPRISE_SCHEMA);
  const form = new FieldValidator({
    userName: user.userName,
    externalId: user.externalId,
    displayName: user.displayName,
    'name.formatted': name.formatted,
    'name.givenName': name.givenName,
    'name.familyName': name.familyName,
    emails: chosenValue(user, 'emails'),
    phoneNumbers: chosenValue(user, 'phoneNumbers'),
    title: user.title,
    'addresses.locality': chosenValue(user, 'addresses', 'locality'),
    employeeNumber: enterprise.employeeNumber,
    department: enterprise.department,
  });
  const text = (field: string, max: number, min?: number) =>
    form.text(field, { label: field, max, ...(min ? { min } : {}) });

  const userName = text(
    'userName',
    SCIM_LIMITS.userName.max,
    SCIM_LIMITS.userName.min,
  );
  if (userName === null && !form.errors.userName) {
    form.fail('userName', 'userName is required');
  }
  const displayName = text('displayName', PROFILE_LIMITS.displayName);
  const formatted = text('name.formatted', PROFILE_LIMITS.displayName);
  const givenName = text('name.givenName', PROFILE_LIMITS.displayName);
  const familyName = text('name.familyName', PROFILE_LIMITS.displayName);
  const fields = {
    externalId: text('externalId', SCIM_LIMITS.externalId),
    email: form.email('emails', { label: 'emails' }),
    phone: text('phoneNumbers', PROFILE_LIMITS.phone),
    jobTitle: text('title', PROFILE_LIMITS.jobTitle),
    location: text('addresses.locality', PROFILE_LIMITS.location),
    employeeNumber: text('employeeNumber', SCIM_LIMITS.employeeNumber),
    department: text('department', SCIM_LIMITS.department),
  };

  // The display name wins, then the formatted name, then the parts.
  const parts = cleanLine([givenName, familyName].filter(Boolean).join(' '));
  const shown = displayName ?? formatted ?? (parts || null) ?? userName;
  if (characterCount(shown ?? '') > PROFILE_LIMITS.displayName) {
    form.fail(
      'name',
      `name must be ${PROFILE_LIMITS.displayName} characters or fewer`,
    );
  }
  const active = readActive(user.active);
  const managerId = readManager(enterprise.manager);
  throwIfFailed(form);

  return {
    ...fields,
    userName: userName ?? '',
    displayName: shown ?? '',
    givenName,
    familyName,
    active,
    managerId,
  };
}

function objectAttribute(user: JsonObject, name: string): JsonObject {
  const value = user[name];
  if (value === undefined || value === null) {
    return {};
  }
  if (!isObject(value)) {
    throw invalidValue(`${name} must be an object`);
  }
  return value;
}

const ONE_OF: Readonly<Record<string, string>> = {
  emails: 'e-mail',
  phoneNumbers: 'phone number',
  addresses: 'address',
};

/**
 * The one value of a list the profile keeps: the primary, else the first
 * of type work, else the first of all.
 */
function chosenValue(
  user: JsonObject,
  name: string,
  subAttribute = 'value',
): unknown {
  const list = user[name];
  if (list === undefined || list === null) {
    return null;
  }
  if (!Array.isArray(list) || !list.every(isObject)) {
    throw invalidValue(`${name} must be a list of objects`);
  }
  const primaries = list.filter(isPrimary);
  if (primaries.length > 1) {
    // RFC 7643 section 2.4: true "MUST appear no more than once".
    throw invalidValue(
      `${name}: only one ${ONE_OF[name] ?? name} may be primary`,
    );
  }
  const primary = primaries[0];
  const work = list.find(
    (item) =>
      typeof item.type === 'string' && item.type.toLowerCase() === 'work',
  );
  const chosen = primary ?? work ?? list[0];
  return chosen?.[subAttribute] ?? null;
}

/**
 * true or false. Some identity providers send the strings "True" and
 * "False" in PATCH; those are read as the booleans they mean.
 */
function readActive(value: unknown): boolean | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value === 'boolean') {
    return value;
  }
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) {
    return value.trim().toLowerCase() === 'true';
  }
  throw invalidValue('active must be true or false');
}

/** The manager's User id, from `{ value }` or, leniently, a bare id. */
function readManager(value: unknown): number | null {
  const id = isObject(value) ? value.value : value;
  if (id === undefined || id === null || id === '') {
    return null;
  }
  const text = typeof id === 'number' ? String(id) : id;
  if (typeof text !== 'string' || !/^\d{1,15}$/.test(text.trim())) {
    throw invalidValue(
      `manager: there is no User with the id ${JSON.stringify(id)}`,
    );
  }
  return Number(text.trim());
}
