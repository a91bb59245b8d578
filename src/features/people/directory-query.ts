import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { FieldValidator } from '../../platform/validation.ts';
import { findDepartmentBySlug, listChildDepartments } from './departments.ts';
import type { Department } from './departments.ts';
import type { DirectoryQuery } from './search.ts';

export interface ReadDirectoryQuery {
  query: DirectoryQuery;
  department: Department | undefined;
  /** The filters as given, to put back in the form. */
  values: Record<string, string>;
}

/**
 * Reads a directory search from a query string: `q`, `department` (a
 * slug; its agencies are included), `grade`, `location` and `type`
 * (`person` for people only). An unknown department is an error rather
 * than an empty result, so a mistyped link says what is wrong.
 */
export async function readDirectoryQuery(
  db: Db,
  input: Record<string, unknown>,
): Promise<ReadDirectoryQuery> {
  const form = new FieldValidator(input);
  const text = form.text('q', { label: 'Search', max: 200 }) ?? '';
  const slug = form.text('department', { label: 'Department', max: 200 });
  const grade = form.text('grade', { label: 'Grade', max: 64 });
  const location = form.text('location', { label: 'Location', max: 100 });
  const type = form.text('type', { label: 'Type', max: 10 });
  if (type !== null && type !== 'person' && type !== 'all') {
    form.fail('type', 'Type must be person or all');
  }
  const department = slug ? await findDepartmentBySlug(db, slug) : undefined;
  if (slug && !department) {
    form.fail('department', 'Choose a department from the list');
  }
  if (form.failed) {
    throw new ValidationError(
      { ...form.errors },
      'The search is not valid',
      400,
    );
  }

  const query: DirectoryQuery = { text };
  if (department) {
    const children = await listChildDepartments(db, department.id);
    query.departmentIds = [department.id, ...children.map((child) => child.id)];
  }
  if (grade) {
    query.grade = grade;
  }
  if (location) {
    query.location = location;
  }
  if (type === 'person') {
    query.peopleOnly = true;
  }
  return {
    query,
    department,
    values: {
      q: text,
      department: slug ?? '',
      grade: grade ?? '',
      location: location ?? '',
      type: type ?? '',
    },
  };
}
