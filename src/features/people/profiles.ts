import type { Actor } from '../../access/actor.ts';
import { can } from '../../access/policy.ts';
import type { PersonThing } from '../../access/policy.ts';
import type { Db } from '../../database.ts';
import { AppError, ForbiddenError } from '../../platform/errors.ts';
import { sortKey } from '../../platform/text.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { emailKey } from './accounts.ts';
import {
  ensureUnit,
  findDepartmentBySlug,
  findUnitByName,
} from './departments.ts';
import { reindexPerson } from './directory-index.ts';
import { recordChange } from './history.ts';
import type { FieldChange } from './history.ts';
import { getTags, setTags } from './people.ts';
import type { TagKind } from './tables.ts';

/**
 * The limits of profile fields, counted in Unicode code points after
 * trimming. The same limits hold for forms, the API and imports.
 */
export const PROFILE_LIMITS = {
  displayName: 128,
  jobTitle: 255,
  grade: 64,
  unit: 255,
  location: 100,
  phone: 40,
  about: 10_000,
  tag: 100,
  tags: 50,
} as const;

/** Profile fields as a form or an API body names them. */
export interface ProfileChanges {
  displayName?: string;
  jobTitle?: string | null;
  grade?: string | null;
  departmentId?: number | null;
  unitId?: number | null;
  /** A unit for an administrator to add to the department when saved. */
  newUnitName?: string;
  location?: string | null;
  phone?: string | null;
  email?: string | null;
  about?: string;
  skills?: string[];
  interests?: string[];
  projects?: string[];
}

const PHONE = /^[0-9+()\-.\s]+(?:\s*(?:ext\.?|x)\s*\d+)?$/i;

/**
 * Checks a profile form or API body. With `partial`, only the fields
 * present are checked and changed (PATCH); otherwise every field is read
 * and an absent one means empty (a full form). Throws a ValidationError
 * naming each bad field; nothing is saved by this function.
 */
export async function readProfileChanges(
  db: Db,
  actor: Actor,
  person: PersonThing,
  input: Record<string, unknown>,
  partial: boolean,
): Promise<ProfileChanges> {
  const form = new FieldValidator(input);
  const present = (field: string) => !partial || form.has(field);
  const changes: ProfileChanges = {};
  // Job title, grade, department and unit are the organisation's structure;
  // someone who may not set them (a guest) is refused if they try.
  const mayPlace = can(actor, { name: 'person.editPlacement', person });
  const placed = (field: string) => {
    if (mayPlace) {
      return present(field);
    }
    if (form.has(field) && input[field] !== '' && input[field] !== null) {
      form.fail(field, 'Only an administrator can change this for a guest');
    }
    return false;
  };

  if (present('displayName')) {
    const name = form.text('displayName', {
      label: 'Full name',
      max: PROFILE_LIMITS.displayName,
      required: true,
    });
    if (name) {
      changes.displayName = name;
    }
  }
  if (placed('jobTitle')) {
    changes.jobTitle = form.text('jobTitle', {
      label: 'Job title',
      max: PROFILE_LIMITS.jobTitle,
    });
  }
  if (placed('grade')) {
    changes.grade = form.text('grade', {
      label: 'Grade',
      max: PROFILE_LIMITS.grade,
    });
  }
  if (placed('department') || placed('unit')) {
    await readPlacement(db, actor, form, changes, partial);
  }
  if (present('location')) {
    changes.location = form.text('location', {
      label: 'Location',
      max: PROFILE_LIMITS.location,
    });
  }
  if (present('phone')) {
    const phone = form.text('phone', {
      label: 'Phone',
      max: PROFILE_LIMITS.phone,
    });
    if (phone && !PHONE.test(phone)) {
      form.fail(
        'phone',
        'Enter a phone number, like 020 7946 0000 or +44 20 7946 0000',
      );
    }
    changes.phone = phone;
  }
  if (present('email') && form.has('email')) {
    await readEmail(db, actor, person, form, changes);
  }
  if (present('about')) {
    changes.about =
      form.text('about', {
        label: 'About me',
        max: PROFILE_LIMITS.about,
        multiline: true,
      }) ?? '';
  }
  for (const [field, label, itemLabel] of [
    ['skills', 'Skills', 'skill'],
    ['interests', 'Interests', 'interest'],
    ['projects', 'Projects', 'project'],
  ] as const) {
    if (present(field)) {
      changes[field] = form.list(field, {
        label,
        itemLabel,
        maxItems: PROFILE_LIMITS.tags,
        maxLength: PROFILE_LIMITS.tag,
      });
    }
  }

  form.done();
  return changes;
}

async function readPlacement(
  db: Db,
  actor: Actor,
  form: FieldValidator,
  changes: ProfileChanges,
  partial: boolean,
): Promise<void> {
  const slug = form.text('department', { label: 'Department', max: 200 });
  const unitName = form.text('unit', {
    label: 'Unit',
    max: PROFILE_LIMITS.unit,
  });
  if (partial && !form.has('department') && form.has('unit')) {
    form.fail('department', 'Give the department together with the unit');
    return;
  }
  if (slug === null) {
    changes.departmentId = null;
    changes.unitId = null;
    if (unitName) {
      form.fail('unit', 'Choose a department before giving a unit');
    }
    return;
  }
  const department = await findDepartmentBySlug(db, slug);
  if (!department) {
    form.fail('department', 'Choose a department from the list');
    return;
  }
  changes.departmentId = department.id;
  changes.unitId = null;
  if (!unitName) {
    return;
  }
  const unit = await findUnitByName(db, department.id, unitName);
  if (unit) {
    changes.unitId = unit.id;
  } else if (actor.kind === 'person' && actor.role === 'admin') {
    // Only administrators add units, so the list stays a real structure
    // rather than everyone's spelling of it. Created when saved.
    changes.newUnitName = unitName;
  } else {
    form.fail(
      'unit',
      `There is no unit called ${unitName} in ${department.name}`,
    );
  }
}

async function readEmail(
  db: Db,
  actor: Actor,
  person: PersonThing,
  form: FieldValidator,
  changes: ProfileChanges,
): Promise<void> {
  const email = form.email('email', { label: 'E-mail address' });
  const current = await db
    .selectFrom('people')
    .select(['email', 'password_hash'])
    .where('id', '=', person.id)
    .executeTakeFirst();
  if (email === (current?.email ?? null)) {
    return;
  }
  if (email === null && current?.password_hash) {
    form.fail(
      'email',
      'Enter an e-mail address: this account signs in with it and a password',
    );
    return;
  }
  if (!can(actor, { name: 'person.editAccount', person })) {
    form.fail('email', 'Only an administrator can change an e-mail address');
    return;
  }
  if (email) {
    const clash = await db
      .selectFrom('people')
      .select('id')
      .where('email_key', '=', emailKey(email))
      .where('id', '!=', person.id)
      .executeTakeFirst();
    if (clash) {
      form.fail('email', 'That e-mail address belongs to someone else');
      return;
    }
  }
  changes.email = email;
}

/**
 * Saves checked changes to a profile, records what changed and by whom,
 * and updates the directory index, all in the caller's transaction.
 * `expectedUpdatedAt`, when given, must still be the profile's last
 * change; otherwise someone else saved first and nothing is written.
 */
export async function saveProfile(
  db: Db,
  actor: Actor,
  person: PersonThing,
  changes: ProfileChanges,
  options: { expectedUpdatedAt?: string } = {},
  now = new Date().toISOString(),
): Promise<void> {
  if (!can(actor, { name: 'person.edit', person })) {
    throw new ForbiddenError();
  }
  const before = await db
    .selectFrom('people')
    .selectAll()
    .where('id', '=', person.id)
    .executeTakeFirstOrThrow();
  if (
    options.expectedUpdatedAt &&
    options.expectedUpdatedAt !== before.updated_at
  ) {
    throw new AppError(
      409,
      'PROFILE_CHANGED',
      'Someone else changed this profile after you opened it. Check the values and save again.',
    );
  }
  if (changes.newUnitName && changes.departmentId) {
    const unit = await ensureUnit(
      db,
      changes.departmentId,
      changes.newUnitName,
      now,
    );
    changes.unitId = unit.id;
  }

  const columns = {
    display_name: changes.displayName,
    job_title: changes.jobTitle,
    grade: changes.grade,
    department_id: changes.departmentId,
    unit_id: changes.unitId,
    location: changes.location,
    phone: changes.phone,
    email: changes.email,
    about_md: changes.about,
  };
  const diff: Record<string, FieldChange> = {};
  const update: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(columns)) {
    const old = before[column as keyof typeof before];
    if (value !== undefined && value !== old) {
      update[column] = value;
      diff[column] = column === 'about_md' ? ['…', '…'] : [old, value];
    }
  }
  if (update.display_name !== undefined) {
    update.sort_name = sortKey(String(update.display_name));
  }
  if (update.email !== undefined) {
    update.email_key = changes.email ? emailKey(changes.email) : null;
  }
  await saveTags(db, person.id, changes, diff);

  if (Object.keys(diff).length === 0) {
    return;
  }
  await db
    .updateTable('people')
    .set({ ...update, updated_at: now })
    .where('id', '=', person.id)
    .execute();
  await recordChange(
    db,
    {
      subject: 'person',
      subjectId: person.id,
      change: 'updated',
      fields: diff,
      actorId: actor.kind === 'person' ? actor.id : null,
    },
    now,
  );
  await reindexPerson(db, person.id);
}

async function saveTags(
  db: Db,
  personId: number,
  changes: ProfileChanges,
  diff: Record<string, FieldChange>,
): Promise<void> {
  const kinds: [TagKind, string[] | undefined][] = [
    ['skill', changes.skills],
    ['interest', changes.interests],
    ['project', changes.projects],
  ];
  if (kinds.every(([, labels]) => labels === undefined)) {
    return;
  }
  const current = await getTags(db, personId);
  for (const [kind, labels] of kinds) {
    if (
      labels !== undefined &&
      labels.join('\n') !== current[kind].join('\n')
    ) {
      await setTags(db, personId, kind, labels);
      diff[`${kind}s`] = [current[kind], labels];
    }
  }
}
