import { PostgresAdapter } from 'kysely';
import type { ColumnDefinitionBuilder, Kysely } from 'kysely';

// The job queue, and what e-mail keeps: each person's choices, when their
// next digests are due, and one row per message sent to a person for an
// event, which is what stops a message going twice.
//
// A job is claimable once `available_at` has passed: for a queued job
// that is when it may run, for a running one when its worker's lease
// ends, so a job whose worker died is taken again by the same indexed
// scan. `key` is an optional idempotency key: one job per key, ever.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const time = pg ? 'timestamptz' : 'text';
  const id = (c: ColumnDefinitionBuilder) =>
    pg
      ? c.primaryKey().generatedByDefaultAsIdentity()
      : c.primaryKey().autoIncrement();
  const person = (c: ColumnDefinitionBuilder) =>
    c.notNull().references('people.id').onDelete('cascade');

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'integer', id)
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.unique())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('available_at', time, (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('finished_at', time)
    .execute();
  await db.schema
    .createIndex('jobs_claimable')
    .on('jobs')
    .columns(['state', 'available_at'])
    .execute();

  await db.schema
    .createTable('email_settings')
    .addColumn('person_id', 'integer', (c) => person(c).primaryKey())
    .addColumn('digest_hour', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('weekly_day', 'integer', (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .execute();

  // Only choices that differ from the defaults are stored.
  await db.schema
    .createTable('email_preferences')
    .addColumn('person_id', 'integer', person)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_preferences_pk', ['person_id', 'kind'])
    .execute();

  // Each person's next daily and weekly digest, due at `next_at` (UTC);
  // the digest covers what happened from `last_at` until then.
  await db.schema
    .createTable('email_schedules')
    .addColumn('person_id', 'integer', person)
    .addColumn('frequency', 'text', (c) => c.notNull())
    .addColumn('last_at', time, (c) => c.notNull())
    .addColumn('next_at', time, (c) => c.notNull())
    .addPrimaryKeyConstraint('email_schedules_pk', ['person_id', 'frequency'])
    .execute();
  await db.schema
    .createIndex('email_schedules_due')
    .on('email_schedules')
    .column('next_at')
    .execute();

  await db.schema
    .createTable('email_deliveries')
    .addColumn('id', 'integer', id)
    .addColumn('person_id', 'integer', person)
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempt', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('created_at', time, (c) => c.notNull())
    .addColumn('updated_at', time, (c) => c.notNull())
    .addUniqueConstraint('email_deliveries_once', ['person_id', 'key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('email_deliveries').execute();
  await db.schema.dropTable('email_schedules').execute();
  await db.schema.dropTable('email_preferences').execute();
  await db.schema.dropTable('email_settings').execute();
  await db.schema.dropTable('jobs').execute();
}
