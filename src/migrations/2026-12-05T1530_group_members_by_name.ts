import { PostgresAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';

// A group's member list is shown by role, then by name. The name lived only
// on `people`, so every page of All staff fetched and sorted the whole
// membership (105,000 rows at five times organisation scale) to show 25.
// Each membership now carries its person's sort key, and an index on
// (group, role, sort key, person) holds the list's order, so a page reads
// only the entries before it. The database keeps the copy in step, so no
// path that adds a member or renames a person (forms, SCIM, the organogram
// import, a seed, an operator's SQL) can leave it stale. The new index
// serves everything the old (group, role) index did.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .alterTable('group_members')
    .addColumn('sort_name', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`
    update group_members set sort_name = (
      select p.sort_name from people p where p.id = group_members.person_id
    )`.execute(db);
  await db.schema
    .createIndex('group_members_by_name')
    .on('group_members')
    .columns(['group_id', 'role', 'sort_name', 'person_id'])
    .execute();
  await db.schema.dropIndex('group_members_role').execute();
  if (pg) {
    await postgresTriggers(db);
  } else {
    await sqliteTriggers(db);
  }
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function group_members_take_name() returns trigger
    language plpgsql as $$
    begin
      new.sort_name := (select sort_name from people where id = new.person_id);
      return new;
    end $$`.execute(db);
  await sql`
    create trigger group_members_take_name
    before insert or update of person_id on group_members
    for each row execute function group_members_take_name()`.execute(db);
  await sql`
    create function people_rename_in_groups() returns trigger
    language plpgsql as $$
    begin
      update group_members set sort_name = new.sort_name
        where person_id = new.id;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger people_rename_in_groups
    after update of sort_name on people
    for each row when (old.sort_name is distinct from new.sort_name)
    execute function people_rename_in_groups()`.execute(db);
}

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  // SQLite has no BEFORE trigger that sets the new row, nor one trigger
  // for two events: the copy is written after the row, once for each.
  for (const [name, event] of [
    ['group_members_take_name', sql`insert`],
    ['group_members_take_name_on_move', sql`update of person_id`],
  ] as const) {
    await sql`
      create trigger ${sql.id(name)}
      after ${event} on group_members
      begin
        update group_members
          set sort_name = (
            select sort_name from people where id = new.person_id
          )
          where group_id = new.group_id and person_id = new.person_id;
      end`.execute(db);
  }
  await sql`
    create trigger people_rename_in_groups
    after update of sort_name on people
    when old.sort_name is not new.sort_name
    begin
      update group_members set sort_name = new.sort_name
        where person_id = new.id;
    end`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`drop trigger people_rename_in_groups on people`.execute(db);
    await sql`drop function people_rename_in_groups()`.execute(db);
    await sql`drop trigger group_members_take_name on group_members`.execute(
      db,
    );
    await sql`drop function group_members_take_name()`.execute(db);
  } else {
    await sql`drop trigger people_rename_in_groups`.execute(db);
    await sql`drop trigger group_members_take_name`.execute(db);
    await sql`drop trigger group_members_take_name_on_move`.execute(db);
  }
  await db.schema
    .createIndex('group_members_role')
    .on('group_members')
    .columns(['group_id', 'role'])
    .execute();
  await db.schema.dropIndex('group_members_by_name').execute();
  await db.schema.alterTable('group_members').dropColumn('sort_name').execute();
}
