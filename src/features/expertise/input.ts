import { ValidationError } from '../../platform/errors.ts';
import {
  characterCount,
  cleanLine,
  hasControlCharacters,
  isBlank,
} from '../../platform/text.ts';
import type { ExpertQuery } from './finder.ts';
import { topicOf, TOPIC_MAX_CHARACTERS } from './words.ts';

// The expertise finder's query string, read the same way for the page
// and the API: `q`, the topic, and `otherDepartments`, true or false.

/** What the form shows back: the values as sent. */
export interface ExpertValues {
  q: string;
  otherDepartments: boolean;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The form's values from a query string, whatever they hold. */
export function expertValues(query: Record<string, unknown>): ExpertValues {
  return {
    q: text(query.q),
    otherDepartments: text(query.otherDepartments) === 'true',
  };
}

/** The query, or a 400 ValidationError keyed by field. */
export function readExpertQuery(query: Record<string, unknown>): ExpertQuery {
  const errors: Record<string, string> = {};
  const q = cleanLine(text(query.q));
  if (Array.isArray(query.q) || isBlank(q)) {
    errors.q = 'Enter a topic, skill or subject';
  } else if (characterCount(q) > TOPIC_MAX_CHARACTERS) {
    errors.q = `The topic must be ${TOPIC_MAX_CHARACTERS} characters or fewer`;
  } else if (hasControlCharacters(q)) {
    errors.q = 'The topic must not contain control characters';
  }
  const other = query.otherDepartments;
  if (other !== undefined && other !== 'true' && other !== 'false') {
    errors.otherDepartments = 'Other departments only must be true or false';
  }
  if (Object.keys(errors).length > 0) {
    throw new ValidationError(errors, 'The search is not valid', 400);
  }
  return { topic: topicOf(q), otherDepartments: other === 'true' };
}
