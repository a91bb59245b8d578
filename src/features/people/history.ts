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

/** One changed field as a person reads it. */
export interface ChangedField {
  label: string;
  /** Old and new values, when they mean something shown as text. */
  before?: string;
  after?: string;
}

const FIELD_LABELS: Record<string, string> = {
  display_name: 'Name',
  job_title: 'Job title',
  job_function: 'What the post does',
  grade: 'Grade',
  organisation: 'Organisation',
  department_id: 'Department',
  unit_id: 'Unit',
  reports_to_post_id: 'Reporting line',
  reports_to_reference: 'Reports to (reference)',
  holder_kind: 'Held by',
  holders: 'Post holders',
  fte: 'Full-time equivalent',
  pay_floor: 'Pay band',
  pay_ceiling: 'Pay band',
  payscale_min: 'Pay scale',
  payscale_max: 'Pay scale',
  professional_group: 'Profession',
  phone: 'Phone',
  email: 'E-mail',
  location: 'Location',
  about_md: 'About me',
  skills: 'Skills',
  interests: 'Interests',
  projects: 'Projects',
  status: 'Status',
};

const HOLDER_WORDS: Record<string, string> = {
  named: 'a named person',
  vacant: 'vacant',
  undisclosed: 'name not disclosed',
  eliminated: 'post eliminated',
};

// Ids, lists and long text say only that they changed; the page they
// belong to shows what they are now.
const WITHOUT_VALUES = new Set([
  'department_id',
  'unit_id',
  'reports_to_post_id',
  'holders',
  'job_function',
  'about_md',
  'senior_post_id',
]);

function shown(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '') {
    return 'none';
  }
  if (field === 'holder_kind') {
    return HOLDER_WORDS[String(value)] ?? String(value);
  }
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/**
 * A change's fields in words: "Grade: SCS1 → SCS2", or "Unit" where the
 * value is an id. Fields that share a label (pay floor and ceiling) are
 * listed once.
 */
export function describeFields(change: DirectoryChange): ChangedField[] {
  const seen = new Set<string>();
  const described: ChangedField[] = [];
  for (const [field, [before, after]] of Object.entries(change.fields)) {
    const label = FIELD_LABELS[field] ?? field.replace(/_/g, ' ');
    if (seen.has(label)) {
      continue;
    }
    seen.add(label);
    described.push(
      WITHOUT_VALUES.has(field) || label === 'Pay band' || label === 'Pay scale'
        ? { label }
        : { label, before: shown(field, before), after: shown(field, after) },
    );
  }
  return described;
}
