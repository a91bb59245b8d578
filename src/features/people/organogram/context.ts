import type { Db } from '../../../database.ts';
import { nameKey } from '../../../platform/text.ts';
import { ensureDepartment, ensureUnit } from '../departments.ts';
import type { Department } from '../departments.ts';
import type { FieldChange } from '../history.ts';
import { recordChange } from '../history.ts';
import type { ChangeKind, ChangeSubject } from '../tables.ts';
import type { ImportReport } from './report.ts';

/**
 * Thrown inside a file's transaction to refuse the whole file: it rolls
 * back, and the message is the report's one-line reason.
 */
export class ImportRefusal extends Error {}

/** What every step of one file's import shares, inside its transaction. */
export class ImportContext {
  /** People and posts whose search entries must be rebuilt at the end. */
  readonly peopleToReindex = new Set<number>();
  readonly postsToReindex = new Set<number>();
  /** People this import took off a post, who may now hold none. */
  readonly peopleUnlinked = new Set<number>();
  private readonly departments = new Map<string, Department>();
  private readonly units = new Map<string, number>();

  constructor(
    readonly db: Db,
    readonly now: string,
    readonly runId: number,
    readonly report: ImportReport,
    readonly options: { allowEndingMost: boolean },
  ) {}

  /**
   * The body called `name`, created if new, with `parentName`'s body as
   * its parent when it is created under a different parent department.
   */
  async department(
    name: string,
    parentName: string | null = null,
  ): Promise<Department> {
    const key = nameKey(name);
    const known = this.departments.get(key);
    if (known) {
      return known;
    }
    let parentId: number | null = null;
    if (parentName && nameKey(parentName) !== key) {
      parentId = (await this.department(parentName)).id;
    }
    const result = await ensureDepartment(this.db, name, this.now, parentId);
    if (result.created) {
      this.report.departmentsCreated += 1;
    }
    this.departments.set(key, result.department);
    return result.department;
  }

  /** The id of a department's unit called `name`, created if new. */
  async unitId(
    departmentId: number,
    name: string | null,
  ): Promise<number | null> {
    if (name === null) {
      return null;
    }
    const key = `${departmentId}:${nameKey(name)}`;
    let id = this.units.get(key);
    if (id === undefined) {
      id = (await ensureUnit(this.db, departmentId, name, this.now)).id;
      this.units.set(key, id);
    }
    return id;
  }

  /** Keeps a record of a change this import made. */
  async record(
    subject: ChangeSubject,
    subjectId: number,
    change: ChangeKind,
    fields: Record<string, FieldChange>,
  ): Promise<void> {
    await recordChange(
      this.db,
      { subject, subjectId, change, fields, importRunId: this.runId },
      this.now,
    );
  }

  warn(message: string): void {
    this.report.warnings.push(message);
  }
}

/**
 * The organisation most rows name, which is whose return the file is; on
 * a tie, the one named first. Null when no row names one.
 */
export function mostNamedOrganisation(
  rows: readonly { organisation: string | null }[],
): string | null {
  const tally = new Map<string, { name: string; count: number }>();
  for (const row of rows) {
    if (row.organisation !== null) {
      const key = nameKey(row.organisation);
      const entry = tally.get(key) ?? { name: row.organisation, count: 0 };
      entry.count += 1;
      tally.set(key, entry);
    }
  }
  let best: { name: string; count: number } | null = null;
  for (const entry of tally.values()) {
    if (!best || entry.count > best.count) {
      best = entry;
    }
  }
  return best?.name ?? null;
}

/** Each column whose value differs, with its old and new value. */
export function diffColumns<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): Record<string, FieldChange> {
  const diff: Record<string, FieldChange> = {};
  for (const [column, value] of Object.entries(after)) {
    if (value !== undefined && before[column] !== value) {
      diff[column] = [before[column], value];
    }
  }
  return diff;
}

/** A sum of FTE values without float noise (0.1 + 0.2 is 0.3 here). */
export function addFte(a: number, b: number): number {
  return Math.round((a + b) * 1e6) / 1e6;
}
