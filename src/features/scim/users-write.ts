import type { Db } from '../../database.ts';
import { sortKey } from '../../platform/text.ts';
import { recordAudit } from '../audit/audit.ts';
import { deactivateAccount, reactivateAccount } from '../auth/lifecycle.ts';
import type { LifecycleCause } from '../auth/lifecycle.ts';
import { removeIdentityLinks } from '../auth/oidc/links.ts';
import { closePerson, createPerson, emailKey } from '../people/accounts.ts';
import { ensureDepartment } from '../people/departments.ts';
import { reindexPerson } from '../people/directory-index.ts';
import { recordChange } from '../people/history.ts';
import type { FieldChange } from '../people/history.ts';
import { invalidValue } from './errors.ts';
import { touchGroupsOf } from './group-members.ts';
import { assertUnique, checkManager } from './user-checks.ts';
import type { ScimClient } from './tokens.ts';
import type { UserFields } from './user-fields.ts';
import { scimPeople, userNameKey } from './users-query.ts';

// Writes to people go through the people feature's functions where it has
// them (createPerson, ensureDepartment, reindexPerson, recordChange); the
// columns only SCIM sets (userName, externalId, employee number, manager)
// are written here.

/** Who asked for a change over SCIM, for the audit log and lifecycle. */
export function scimCause(
  client: ScimClient,
  clientAddress: string | null,
): LifecycleCause {
  return {
    actor: { personId: null, label: `SCIM client ${client.name}` },
    via: 'SCIM',
    clientAddress,
  };
}

async function departmentId(
  db: Db,
  name: string | null,
  now: string,
): Promise<number | null> {
  return name ? (await ensureDepartment(db, name, now)).department.id : null;
}

/** Adds a person from SCIM: source 'scim', no password. Returns their id. */
export async function createUser(
  db: Db,
  fields: UserFields,
  cause: LifecycleCause,
  now = new Date(),
): Promise<number> {
  const at = now.toISOString();
  await assertUnique(db, fields, null);
  const managerId = await checkManager(db, fields.managerId, null);
  const id = await createPerson(
    db,
    {
      displayName: fields.displayName,
      email: fields.email,
      phone: fields.phone,
      jobTitle: fields.jobTitle,
      departmentId: await departmentId(db, fields.department, at),
      location: fields.location,
      source: 'scim',
    },
    at,
  );
  await db
    .updateTable('people')
    .set({
      user_name: fields.userName,
      user_name_key: userNameKey(fields.userName),
      external_id: fields.externalId,
      employee_number: fields.employeeNumber,
      manager_id: managerId,
    })
    .where('id', '=', id)
    .execute();
  await db
    .insertInto('scim_users')
    .values({
      person_id: id,
      given_name: fields.givenName,
      family_name: fields.familyName,
      deleted_at: null,
    })
    .execute();
  await recordAudit(
    db,
    {
      action: 'account.created',
      actor: cause.actor,
      subject: { type: 'person', id },
      clientAddress: cause.clientAddress ?? null,
      details: { via: cause.via, userName: fields.userName },
    },
    at,
  );
  if (fields.active === false) {
    await deactivateAccount(db, id, cause, now);
  }
  return id;
}

/**
 * Makes a person what `fields` says (PUT, and PATCH once applied). What
 * SCIM does not manage (password, role, about, tags, unit within the same
 * department) stays. Returns false when SCIM cannot see the person.
 */
export async function replaceUser(
  db: Db,
  id: number,
  fields: UserFields,
  cause: LifecycleCause,
  now = new Date(),
): Promise<boolean> {
  const at = now.toISOString();
  const before = await scimPeople(db)
    .selectAll('p')
    .select(['s.given_name', 's.family_name'])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!before) {
    return false;
  }
  await assertUnique(db, fields, id);
  if (fields.email === null && before.password_hash !== null) {
    throw invalidValue(
      'emails: this account signs in with an e-mail address and password',
    );
  }
  const department = await departmentId(db, fields.department, at);
  const columns = {
    user_name: fields.userName,
    external_id: fields.externalId,
    display_name: fields.displayName,
    email: fields.email,
    phone: fields.phone,
    job_title: fields.jobTitle,
    location: fields.location,
    department_id: department,
    unit_id: department === before.department_id ? before.unit_id : null,
    employee_number: fields.employeeNumber,
    manager_id: await checkManager(db, fields.managerId, id),
  };
  const diff: Record<string, FieldChange> = {};
  for (const [column, value] of Object.entries(columns)) {
    const old = before[column as keyof typeof columns];
    if (value !== old) {
      diff[column] = [old, value];
    }
  }
  const names = {
    given_name: fields.givenName,
    family_name: fields.familyName,
  };
  const namesChanged =
    names.given_name !== before.given_name ||
    names.family_name !== before.family_name;

  if (Object.keys(diff).length > 0 || namesChanged) {
    await db
      .updateTable('people')
      .set({
        ...columns,
        sort_name: sortKey(fields.displayName),
        user_name_key: userNameKey(fields.userName),
        email_key: fields.email === null ? null : emailKey(fields.email),
        updated_at: at,
      })
      .where('id', '=', id)
      .execute();
    await db
      .insertInto('scim_users')
      .values({ person_id: id, ...names, deleted_at: null })
      .onConflict((oc) => oc.column('person_id').doUpdateSet(names))
      .execute();
  }
  if (diff.display_name) {
    await touchGroupsOf(db, id, at);
  }
  if (Object.keys(diff).length > 0) {
    await recordChange(
      db,
      { subject: 'person', subjectId: id, change: 'updated', fields: diff },
      at,
    );
    await reindexPerson(db, id);
    await recordAudit(
      db,
      {
        action: 'account.updated',
        actor: cause.actor,
        subject: { type: 'person', id },
        clientAddress: cause.clientAddress ?? null,
        details: { via: cause.via, fields: Object.keys(diff) },
      },
      at,
    );
  }
  if (fields.active === false) {
    await deactivateAccount(db, id, cause, now);
  } else if (fields.active === true) {
    await reactivateAccount(db, id, cause, now);
  }
  return true;
}

/**
 * DELETE /Users/{id}: the person is deactivated (sessions and tokens end
 * at once) and SCIM no longer sees them. They are not erased: what they
 * wrote belongs to the organisation's record and stays, shown as by a
 * former member. Their userName and e-mail address are freed, so the
 * provider can create someone new with them later (a rehire), and so are
 * their OpenID identities: left linked, the provider's next sign-in as
 * that person would find this account rather than the new one. The
 * account is closed, so nobody can switch it back on here either.
 */
export async function deleteUser(
  db: Db,
  id: number,
  cause: LifecycleCause,
  now = new Date(),
): Promise<boolean> {
  const at = now.toISOString();
  const found = await scimPeople(db)
    .select('p.id')
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!found) {
    return false;
  }
  await deactivateAccount(db, id, cause, now);
  await closePerson(db, id, at);
  const identityLinksRemoved = await removeIdentityLinks(db, id);
  await touchGroupsOf(db, id, at);
  await db
    .deleteFrom('scim_group_members')
    .where('person_id', '=', id)
    .execute();
  await db
    .insertInto('scim_users')
    .values({
      person_id: id,
      given_name: null,
      family_name: null,
      deleted_at: at,
    })
    .onConflict((oc) => oc.column('person_id').doUpdateSet({ deleted_at: at }))
    .execute();
  await db
    .updateTable('people')
    .set({ user_name_key: null, email_key: null, updated_at: at })
    .where('id', '=', id)
    .execute();
  await recordAudit(
    db,
    {
      action: 'account.deleted',
      actor: cause.actor,
      subject: { type: 'person', id },
      clientAddress: cause.clientAddress ?? null,
      details: { via: cause.via, identityLinksRemoved },
    },
    at,
  );
  return true;
}
