import { ValidationError } from './errors.ts';
import {
  characterCount,
  cleanLine,
  hasControlCharacters,
  isBlank,
} from './text.ts';

/** Options for one text field. Lengths count code points, after trimming. */
export interface TextRule {
  label: string;
  max: number;
  min?: number;
  required?: boolean;
  /** Keep line breaks (for Markdown); otherwise spaces are folded. */
  multiline?: boolean;
}

// A conservative address check: one @, a dot in the domain, no spaces or
// angle brackets. Whether an address works is for delivery to find out.
const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/u;

/**
 * Checks the fields of one form or API body, collecting a message per
 * field in the order they are checked, so the error summary lists them in
 * page order. Call `done()` to throw when anything failed.
 */
export class FieldValidator {
  readonly errors: Record<string, string> = {};

  constructor(private readonly input: Record<string, unknown>) {}

  /** True when the body carries this field at all. */
  has(field: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.input, field);
  }

  /** A text value: trimmed, `null` when empty and not required. */
  text(field: string, rule: TextRule): string | null {
    const raw = this.input[field];
    if (raw === undefined || raw === null) {
      return this.empty(field, rule);
    }
    if (typeof raw !== 'string') {
      this.fail(field, `${rule.label} must be text`);
      return null;
    }
    if (hasControlCharacters(raw)) {
      this.fail(field, `${rule.label} must not contain control characters`);
      return null;
    }
    const value = rule.multiline
      ? raw.replace(/\r\n?/g, '\n').trim()
      : cleanLine(raw);
    if (isBlank(value)) {
      return this.empty(field, rule);
    }
    const length = characterCount(value);
    if (length > rule.max) {
      this.fail(
        field,
        `${rule.label} must be ${rule.max.toLocaleString('en-GB')} characters or fewer`,
      );
      return null;
    }
    if (rule.min !== undefined && length < rule.min) {
      this.fail(field, `${rule.label} must be ${rule.min} characters or more`);
      return null;
    }
    return value;
  }

  /** An e-mail address, lower-cased domain kept as typed. */
  email(field: string, rule: Omit<TextRule, 'max'>): string | null {
    const value = this.text(field, { ...rule, max: 254 });
    if (value !== null && !EMAIL.test(value)) {
      this.fail(
        field,
        `Enter ${rule.label.toLowerCase()} in the correct format, like name@example.gov.uk`,
      );
      return null;
    }
    return value;
  }

  /**
   * A list of short labels, from an array or from text with one per line
   * or separated by commas. Blank entries and repeats are dropped.
   */
  list(
    field: string,
    rule: {
      label: string;
      itemLabel: string;
      maxItems: number;
      maxLength: number;
    },
  ): string[] {
    const raw = this.input[field];
    let items: unknown[];
    if (raw === undefined || raw === null || raw === '') {
      items = [];
    } else if (Array.isArray(raw)) {
      items = raw;
    } else if (typeof raw === 'string') {
      items = raw.split(/[\n,]/);
    } else {
      this.fail(field, `${rule.label} must be a list`);
      return [];
    }
    const result: string[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      if (typeof item !== 'string') {
        this.fail(
          field,
          `Each of the ${rule.label.toLowerCase()} must be text`,
        );
        return [];
      }
      if (hasControlCharacters(item)) {
        this.fail(field, `${rule.label} must not contain control characters`);
        return [];
      }
      const value = cleanLine(item);
      if (isBlank(value)) {
        continue;
      }
      if (characterCount(value) > rule.maxLength) {
        this.fail(
          field,
          `Each ${rule.itemLabel} must be ${rule.maxLength} characters or fewer`,
        );
        return [];
      }
      const key = value.toLowerCase();
      if (!seen.has(key)) {
        seen.add(key);
        result.push(value);
      }
    }
    if (result.length > rule.maxItems) {
      this.fail(
        field,
        `Enter ${rule.maxItems} ${rule.label.toLowerCase()} or fewer`,
      );
      return [];
    }
    return result;
  }

  /** Records a failure found by the caller's own check. */
  fail(field: string, message: string): void {
    this.errors[field] ??= message;
  }

  get failed(): boolean {
    return Object.keys(this.errors).length > 0;
  }

  /** Throws a ValidationError naming every failed field, if any failed. */
  done(): void {
    if (this.failed) {
      throw new ValidationError({ ...this.errors });
    }
  }

  private empty(field: string, rule: TextRule): null {
    if (rule.required) {
      this.fail(field, `Enter ${rule.label.toLowerCase()}`);
    }
    return null;
  }
}
