import { characterCount, cleanLine } from '../../../platform/text.ts';
import { PROFILE_LIMITS } from '../profiles.ts';
import type { CsvRecord } from './csv.ts';
import type { Columns } from './format.ts';

// Reading one cell of a row. A value over its limit is never cut short:
// the row is skipped and the report says which line and why (BUG-28).
// Limits count code points after the cell is cleaned, as the profile
// form does.

/** The longest value each column may hold, in code points. */
export const LIMITS = {
  reference: 64,
  name: PROFILE_LIMITS.displayName,
  grade: PROFILE_LIMITS.grade,
  jobTitle: PROFILE_LIMITS.jobTitle,
  unit: PROFILE_LIMITS.unit,
  phone: PROFILE_LIMITS.phone,
  email: 254,
  jobFunction: 5000,
  organisation: 255,
  professionalGroup: 255,
} as const;

// Cells that say "not given" in optional columns.
export const NOT_GIVEN = new Set([
  'n/a',
  'n/d',
  'n/k',
  'na',
  '-',
  'not applicable',
]);

// What a cell can hold and still show nothing: spaces, and characters
// that take no room or only steer others (zero-width spaces and joiners,
// variation selectors, Hangul fillers: Unicode's default-ignorable set),
// or the blank braille pattern.
const SHOWS_NOTHING = /^[\s\p{Default_Ignorable_Code_Point}\u2800]*$/u;

/** True when a cell would show nothing on screen, however long it is. */
export function showsNothing(value: string): boolean {
  return SHOWS_NOTHING.test(value);
}

/**
 * A post reference as written, trimmed; a number written as a float by a
 * spreadsheet ("2.0") is the same reference as "2".
 */
export function normaliseReference(raw: string): string {
  const value = cleanLine(raw.replace(/\uFEFF/g, ''));
  const float = /^(\d+)\.0+$/.exec(value);
  return float?.[1] ?? value;
}

/**
 * Reads a row's cells, keeping the first reason to skip the row and the
 * warnings about it (which matter only if the row is kept).
 */
export class RowCells {
  reason: string | undefined;
  readonly warnings: string[] = [];

  constructor(
    private readonly columns: Columns,
    private readonly record: CsvRecord,
  ) {}

  /** A cell on one line, trimmed; '' when it would show nothing. */
  line(column: string): string {
    const raw = this.columns.cell(this.record.cells, column);
    return showsNothing(raw) ? '' : cleanLine(raw.replace(/\uFEFF/g, ''));
  }

  /** Single-line text; null when empty or, if `notGiven`, a marker. */
  text(
    column: string,
    limit: number,
    options: { required?: boolean; notGiven?: boolean } = {},
  ): string | null {
    return this.checked(column, this.line(column), limit, options);
  }

  /** Free text such as a job description: line breaks kept, spaces tidied. */
  paragraph(column: string, limit: number): string | null {
    const raw = this.columns.cell(this.record.cells, column);
    const value = (showsNothing(raw) ? '' : raw)
      .replace(/\uFEFF/g, '')
      .replace(/\r\n?/g, '\n')
      .split('\n')
      .map(cleanLine)
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    return this.checked(column, value, limit, { notGiven: true });
  }

  /** A number; null when empty, a marker, or not a number (warned). */
  number(column: string, integer: boolean): number | null {
    const text = this.line(column).replace(/[£,\s]/g, '');
    if (text === '' || NOT_GIVEN.has(text.toLowerCase())) {
      return null;
    }
    if (!/^-?(\d+\.?\d*|\.\d+)$/.test(text)) {
      this.warn(`${column} "${text}" is not a number; it is left empty`);
      return null;
    }
    // Exports write whole numbers as floats ("90000.0").
    const value = Number(text);
    return integer ? Math.round(value) : value;
  }

  fail(reason: string): void {
    this.reason ??= reason;
  }

  warn(message: string): void {
    this.warnings.push(`line ${this.record.line}: ${message}`);
  }

  private checked(
    column: string,
    value: string,
    limit: number,
    options: { required?: boolean; notGiven?: boolean },
  ): string | null {
    if (
      value === '' ||
      (options.notGiven && NOT_GIVEN.has(value.toLowerCase()))
    ) {
      if (options.required) {
        this.fail(`${column} is empty`);
      }
      return null;
    }
    const length = characterCount(value);
    if (length > limit) {
      this.fail(`${column} has ${length} characters; the limit is ${limit}`);
      return null;
    }
    return value;
  }
}
