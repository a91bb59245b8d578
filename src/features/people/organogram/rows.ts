import { characterCount, nameKey } from '../../../platform/text.ts';
import { FieldValidator } from '../../../platform/validation.ts';
import type { HolderKind } from '../tables.ts';
import { LIMITS, RowCells, normaliseReference, showsNothing } from './cells.ts';
import type { CsvRecord } from './csv.ts';
import type { Header } from './format.ts';

// Turns the records under an organogram header into typed rows, or into
// skipped rows with the line number and the reason.

/** A row that was not imported, and why. */
export interface SkippedRow {
  line: number;
  reason: string;
  /** The row's post reference, when it could be read. */
  reference?: string;
}

/** One senior post row, cleaned. */
export interface SeniorRow {
  line: number;
  reference: string;
  holderKind: HolderKind;
  /** The holder's name when `holderKind` is named. */
  name: string | null;
  grade: string | null;
  jobTitle: string;
  jobFunction: string | null;
  parentDepartment: string | null;
  organisation: string | null;
  unit: string | null;
  phone: string | null;
  /** A well-formed address, or null. */
  email: string | null;
  /** The post this one reports to; null for a top post. */
  reportsTo: string | null;
  fte: number | null;
  payFloor: number | null;
  payCeiling: number | null;
  professionalGroup: string | null;
}

/** One junior staff row: a number of posts under a senior post. */
export interface JuniorRow {
  line: number;
  seniorReference: string;
  grade: string;
  jobTitle: string;
  unit: string | null;
  professionalGroup: string | null;
  payscaleMin: number | null;
  payscaleMax: number | null;
  fte: number;
  parentDepartment: string | null;
  organisation: string | null;
}

export interface ReadRows<Row> {
  rows: Row[];
  /** Data rows under the header, blank ones not counted. */
  rowsRead: number;
  skipped: SkippedRow[];
  warnings: string[];
}

// Name cells that describe the post rather than name a person.
const HOLDER_MARKERS: Record<string, HolderKind> = {
  vacant: 'vacant',
  'n/d': 'undisclosed',
  eliminated: 'eliminated',
};
// "Reports to" values that mean the post is at the top.
const ROOT_MARKERS = new Set(['', 'xx', 'n/a']);

/** Reads every data row under the header with `readRow`. */
function readAll<Row>(
  header: Header,
  records: CsvRecord[],
  readRow: (cells: RowCells, record: CsvRecord) => Row,
  referenceOf: (cells: RowCells) => string,
): ReadRows<Row> {
  const result: ReadRows<Row> = {
    rows: [],
    rowsRead: 0,
    skipped: [],
    warnings: [],
  };
  for (const record of records.slice(header.position + 1)) {
    if (record.cells.every(showsNothing)) {
      continue;
    }
    result.rowsRead += 1;
    const cells = new RowCells(header.columns, record);
    const row = readRow(cells, record);
    if (cells.reason === undefined) {
      result.rows.push(row);
      result.warnings.push(...cells.warnings);
      continue;
    }
    const reference = referenceOf(cells);
    result.skipped.push({
      line: record.line,
      reason: cells.reason,
      ...(reference && characterCount(reference) <= LIMITS.reference
        ? { reference }
        : {}),
    });
  }
  return result;
}

/** The organisation names a file mentions, folded, for spotting them. */
function organisationNames(header: Header, records: CsvRecord[]): Set<string> {
  const names = new Set<string>();
  for (const record of records.slice(header.position + 1)) {
    for (const column of ['Organisation', 'Parent Department']) {
      const name = nameKey(header.columns.cell(record.cells, column));
      if (name) {
        names.add(name);
      }
    }
  }
  return names;
}

export function readSeniorRows(
  header: Header,
  records: CsvRecord[],
): ReadRows<SeniorRow> {
  const organisations = organisationNames(header, records);
  return readAll(
    header,
    records,
    (cells, record) => {
      const reference = normaliseReference(
        cells.text('Post Unique Reference', LIMITS.reference, {
          required: true,
        }) ?? '',
      );
      const holder = readHolder(cells, organisations, reference);
      const reportsTo = normaliseReference(
        cells.line('Reports to Senior Post'),
      );
      if (characterCount(reportsTo) > LIMITS.reference) {
        cells.fail(
          `Reports to Senior Post is longer than ${LIMITS.reference} characters`,
        );
      }
      return {
        line: record.line,
        reference,
        ...holder,
        grade: cells.text('Grade', LIMITS.grade, { notGiven: true }),
        jobTitle:
          cells.text('Job Title', LIMITS.jobTitle, { required: true }) ?? '',
        jobFunction: cells.paragraph('Job/Team Function', LIMITS.jobFunction),
        parentDepartment: cells.text('Parent Department', LIMITS.organisation),
        organisation: cells.text('Organisation', LIMITS.organisation),
        unit: cells.text('Unit', LIMITS.unit, { notGiven: true }),
        phone: cells.text('Contact Phone', LIMITS.phone, { notGiven: true }),
        email: readEmail(cells),
        reportsTo: ROOT_MARKERS.has(reportsTo.toLowerCase()) ? null : reportsTo,
        fte: readFte(cells),
        payFloor: cells.number('Actual Pay Floor', true),
        payCeiling: cells.number('Actual Pay Ceiling', true),
        professionalGroup: cells.text(
          'Professional/Occupational Group',
          LIMITS.professionalGroup,
          { notGiven: true },
        ),
      };
    },
    (cells) => normaliseReference(cells.line('Post Unique Reference')),
  );
}

function readHolder(
  cells: RowCells,
  organisations: Set<string>,
  reference: string,
): { holderKind: HolderKind; name: string | null } {
  const name = cells.line('Name');
  const marker = HOLDER_MARKERS[name.toLowerCase()];
  if (marker) {
    return { holderKind: marker, name: null };
  }
  if (name === '') {
    cells.warn(`post ${reference} has no Name; it is taken as undisclosed`);
    return { holderKind: 'undisclosed', name: null };
  }
  // A return sometimes puts the organisation's own name where a person's
  // would go; that names nobody, so the post counts as undisclosed.
  if (organisations.has(nameKey(name))) {
    cells.warn(
      `post ${reference} gives the organisation "${name}" as its Name; it is taken as undisclosed`,
    );
    return { holderKind: 'undisclosed', name: null };
  }
  return {
    holderKind: 'named',
    name: cells.text('Name', LIMITS.name, { required: true }),
  };
}

function readEmail(cells: RowCells): string | null {
  const value = cells.text('Contact E-mail', LIMITS.email, { notGiven: true });
  if (value === null) {
    return null;
  }
  const form = new FieldValidator({ email: value });
  const email = form.email('email', { label: 'Contact E-mail' });
  if (email === null) {
    cells.warn(`Contact E-mail "${value}" is not an address; it is left empty`);
  }
  return email;
}

function readFte(cells: RowCells): number | null {
  const fte = cells.number('FTE', false);
  if (fte !== null && fte < 0) {
    cells.warn(`FTE ${fte} is below zero; it is left empty`);
    return null;
  }
  return fte;
}

export function readJuniorRows(
  header: Header,
  records: CsvRecord[],
): ReadRows<JuniorRow> {
  return readAll(
    header,
    records,
    (cells, record) => {
      const senior = normaliseReference(cells.line('Reporting Senior Post'));
      if (ROOT_MARKERS.has(senior.toLowerCase())) {
        cells.fail('Reporting Senior Post is empty');
      } else if (characterCount(senior) > LIMITS.reference) {
        cells.fail(
          `Reporting Senior Post is longer than ${LIMITS.reference} characters`,
        );
      }
      const fte = cells.number('Number of Posts in FTE', false);
      if (fte === null || fte < 0) {
        cells.fail('Number of Posts in FTE is not a number of posts');
      }
      return {
        line: record.line,
        seniorReference: senior,
        grade: cells.text('Grade', LIMITS.grade, { required: true }) ?? '',
        jobTitle:
          cells.text('Generic Job Title', LIMITS.jobTitle, {
            required: true,
          }) ?? '',
        unit: cells.text('Unit', LIMITS.unit, { notGiven: true }),
        professionalGroup: cells.text(
          'Professional/Occupational Group',
          LIMITS.professionalGroup,
          { notGiven: true },
        ),
        payscaleMin: cells.number('Payscale Minimum', true),
        payscaleMax: cells.number('Payscale Maximum', true),
        fte: fte ?? 0,
        parentDepartment: cells.text('Parent Department', LIMITS.organisation),
        organisation: cells.text('Organisation', LIMITS.organisation),
      };
    },
    () => '',
  );
}
