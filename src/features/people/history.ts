import type { Db } from '../../database.ts';
import type { ChangeKind, ChangeSubject } from './tables.ts';

/** One field's value before and after a change. */
export type FieldChange = [before: unknown, after: unknown];

export interface DirectoryChange {
  id: number;
  change: ChangeKind;
  fields: Record<string, FieldChange>;
  importRunId: number | null;
  importSource: string | null;
  actor: { id: number; name: string } | null;
  createdAt: string;
}

/** Keeps a record of a change to a post, person or junior team. */
export async function recordChange(
  db: Db,
  change: {
    subject: ChangeSubject;
    subjectId: number;
    change: ChangeKind;
    fields: Record<string, FieldChange>;
    importRunId?: number | null;
    actorId?: number | null;
  },
  now: string,
): Promise<void> {
  await db
    .insertInto('directory_changes')
    .values({
      import_run_id: change.importRunId ?? null,
      actor_person_id: change.actorId ?? null,
      subject: change.subject,
      subject_id: change.subjectId,
      change: change.change,
      details: JSON.stringify(change.fields),
      created_at: now,
    })
    .execute();
}

/** The latest changes to one thing, newest first. */
export async function listChanges(
  db: Db,
  subject: ChangeSubject,
  subjectId: number,
  limit = 20,
): Promise<DirectoryChange[]> {
  const rows = await db
    .selectFrom('directory_changes as c')
    .leftJoin('import_runs as r', 'r.id', 'c.import_run_id')
    .leftJoin('people as p', 'p.id', 'c.actor_person_id')
    .select([
      'c.id',
      'c.change',
      'c.details',
      'c.import_run_id',
      'c.created_at',
      'r.source_name',
      'p.id as actor_id',
      'p.display_name as actor_name',
    ])
    .where('c.subject', '=', subject)
    .where('c.subject_id', '=', subjectId)
    .orderBy('c.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    change: row.change,
    fields: JSON.parse(row.details) as Record<string, FieldChange>,
    importRunId: row.import_run_id,
    importSource: row.source_name,
    actor:
      row.actor_id !== null && row.actor_name !== null
        ? { id: row.actor_id, name: row.actor_name }
        : null,
    createdAt: row.created_at,
  }));
}
