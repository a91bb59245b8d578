import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import { cleanLine, sortKey } from '../../platform/text.ts';
import { reindexPerson } from './directory-index.ts';
import { setTags } from './people.ts';
import type { PersonRole, PersonStatus, TagKind } from './tables.ts';

/** A new person. Only the name is required. */
export interface NewPerson {
  displayName: string;
  email?: string | null;
  phone?: string | null;
  jobTitle?: string | null;
  grade?: string | null;
  departmentId?: number | null;
  unitId?: number | null;
  location?: string | null;
  about?: string;
  role?: PersonRole;
  passwordHash?: string | null;
  source: string;
  sourceKey?: string | null;
  tags?: Partial<Record<TagKind, string[]>>;
}

/** The lower-case form of an address that accounts are matched on. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Adds a person and their directory entry. The caller owns the
 * transaction; a clash on e-mail address is the database's unique error.
 */
export async function createPerson(
  db: Db,
  person: NewPerson,
  now = new Date().toISOString(),
): Promise<number> {
  const name = cleanLine(person.displayName);
  const row = await db
    .insertInto('people')
    .values({
      display_name: name,
      sort_name: sortKey(name),
      email: person.email ?? null,
      email_key: person.email ? emailKey(person.email) : null,
      phone: person.phone ?? null,
      job_title: person.jobTitle ?? null,
      grade: person.grade ?? null,
      department_id: person.departmentId ?? null,
      unit_id: person.unitId ?? null,
      location: person.location ?? null,
      about_md: person.about ?? '',
      role: person.role ?? 'member',
      password_hash: person.passwordHash ?? null,
      source: person.source,
      source_key: person.sourceKey ?? null,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const [kind, labels] of Object.entries(person.tags ?? {})) {
    await setTags(db, row.id, kind as TagKind, labels);
  }
  await reindexPerson(db, row.id);
  return row.id;
}

/** What signing in needs to know about an account. */
export interface Account {
  id: number;
  displayName: string;
  email: string | null;
  role: PersonRole;
  active: boolean;
  passwordHash: string | null;
}

/** The `people` columns an Account is made from (see toAccount). */
export function accountQuery(db: Db) {
  return db
    .selectFrom('people')
    .select(['id', 'display_name', 'email', 'role', 'status', 'password_hash']);
}

/** An account from a row of its `people` columns (see accountQuery). */
export function toAccount(row: {
  id: number;
  display_name: string;
  email: string | null;
  role: PersonRole;
  status: string;
  password_hash: string | null;
}): Account {
  return {
    id: row.id,
    displayName: row.display_name,
    email: row.email,
    role: row.role,
    active: row.status === 'active',
    passwordHash: row.password_hash,
  };
}

/** The account with this e-mail address, compared without case. */
export async function findAccountByEmail(
  db: Db,
  email: string,
): Promise<Account | undefined> {
  const row = await accountQuery(db)
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
  return row && toAccount(row);
}

export async function findAccountById(
  db: Db,
  id: number,
): Promise<Account | undefined> {
  const row = await accountQuery(db).where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

/** Changes what someone may do on the site (a guest leaves the directory). */
export async function setRole(
  db: Db,
  personId: number,
  role: PersonRole,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('people')
    .set({ role, updated_at: now })
    .where('id', '=', personId)
    .execute();
  await reindexPerson(db, personId);
}

/** Sets or clears the hash of a person's local password. */
export async function setPasswordHash(
  db: Db,
  personId: number,
  passwordHash: string | null,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('people')
    .set({ password_hash: passwordHash, updated_at: now })
    .where('id', '=', personId)
    .execute();
}

/** Whether anyone has been added yet: the demo seeds only an empty site. */
export async function hasAnyPerson(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('people')
    .select('id')
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Marks a person active or deactivated and updates the directory. Returns
 * false when they were already in that state. Sessions and tokens are the
 * auth feature's to end: see deactivateAccount there.
 */
export async function setPersonStatus(
  db: Db,
  personId: number,
  status: PersonStatus,
  now = new Date().toISOString(),
): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set({
      status,
      deactivated_at: status === 'deactivated' ? now : null,
      updated_at: now,
    })
    .where('id', '=', personId)
    .where('status', '!=', status)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) {
    return false;
  }
  await reindexPerson(db, personId);
  return true;
}

/** An account as the administrators' list shows it. */
export interface AccountSummary {
  id: number;
  displayName: string;
  email: string | null;
  role: PersonRole;
  status: PersonStatus;
  source: string;
  deactivatedAt: string | null;
}

export interface AccountFilter {
  /** The start of a name or an e-mail address. */
  text?: string;
  role?: PersonRole;
  status?: PersonStatus;
}

/**
 * Accounts by name a page at a time, deactivated ones included. The text
 * matches the start of the sort name or of the e-mail address, so both
 * lookups use an index.
 */
export async function listAccounts(
  db: Db,
  filter: AccountFilter,
  limit: number,
  offset: number,
): Promise<{ items: AccountSummary[]; total: number }> {
  let query = db.selectFrom('people');
  const text = filter.text?.trim().toLowerCase();
  if (text) {
    const prefix = `${escapeLike(sortKey(text))}%`;
    const emailPrefix = `${escapeLike(text)}%`;
    // Both databases take backslash as the escape character only when told.
    query = query.where(
      sql<boolean>`(sort_name like ${prefix} escape '\\'
        or email_key like ${emailPrefix} escape '\\')`,
    );
  }
  if (filter.role) {
    query = query.where('role', '=', filter.role);
  }
  if (filter.status) {
    query = query.where('status', '=', filter.status);
  }
  const [count, rows] = await Promise.all([
    query
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow(),
    query
      .select([
        'id',
        'display_name',
        'email',
        'role',
        'status',
        'source',
        'deactivated_at',
      ])
      .orderBy('sort_name')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute(),
  ]);
  return {
    items: rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      email: row.email,
      role: row.role,
      status: row.status,
      source: row.source,
      deactivatedAt: row.deactivated_at,
    })),
    total: count.total,
  };
}

/**
 * How many active administrators there are, up to `enough`. On PostgreSQL
 * their rows stay locked until the transaction ends, so two administrators
 * demoting each other at once cannot both see the other still there.
 * (SQLite transactions already run one at a time.)
 */
export async function countActiveAdmins(db: Db, enough = 2): Promise<number> {
  let query = db
    .selectFrom('people')
    .select('id')
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .orderBy('id');
  if (dialectOf(db) === 'postgres') {
    query = query.forUpdate();
  }
  const rows = await query.execute();
  return Math.min(rows.length, enough);
}

/** Marks a person removed by the identity provider; see closed_at. */
export async function closePerson(
  db: Db,
  personId: number,
  now = new Date().toISOString(),
): Promise<void> {
  await db
    .updateTable('people')
    .set({ closed_at: now, updated_at: now })
    .where('id', '=', personId)
    .execute();
}

/** Whether the identity provider has removed this person for good. */
export async function isClosed(db: Db, personId: number): Promise<boolean> {
  const row = await db
    .selectFrom('people')
    .select('closed_at')
    .where('id', '=', personId)
    .executeTakeFirst();
  return Boolean(row?.closed_at);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`);
}
