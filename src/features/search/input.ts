import type { Actor } from '../../access/actor.ts';
import { visibleGroupIds } from '../../access/groups.ts';
import type { Db } from '../../database.ts';
import { ValidationError } from '../../platform/errors.ts';
import { hasControlCharacters } from '../../platform/text.ts';
import { SEARCH_KINDS } from './query.ts';
import type { SearchRequest } from './query.ts';
import type { SearchKind } from './tables.ts';
import { MAX_PARTS, parseQuery } from './terms.ts';

// Reading a search from a query string, for the page and the API alike.
// Every bad value is a field error (VALIDATION_FAILED, 400), never
// quietly dropped: a filter the reader thinks applies always does.

/** The values as typed, to show back in the form. */
export interface SearchValues {
  q: string;
  kind: string[];
  group: string;
  author: string;
  from: string;
  to: string;
}

const MAX_QUERY = 200;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function text(value: unknown): string {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first.trim() : '';
}

function list(value: unknown): string[] {
  const all = Array.isArray(value) ? value : [value];
  return all
    .flatMap((item) => (typeof item === 'string' ? item.split(',') : []))
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The start of a day in UTC as an ISO instant, or null if no such day. */
function dayStart(value: string): string | null {
  const match = DAY.exec(value);
  if (!match) {
    return null;
  }
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== value
    ? null
    : date.toISOString();
}

/** The values typed, for a form shown before anything is searched. */
export function searchValues(query: Record<string, unknown>): SearchValues {
  return {
    q: text(query.q),
    kind: list(query.kind),
    group: text(query.group),
    author: text(query.author),
    from: text(query.from),
    to: text(query.to),
  };
}

/**
 * The search asked for by `query`, checked; a group must be one the
 * actor may see, or it is "not found" like any unknown slug.
 */
export async function readSearch(
  db: Db,
  actor: Actor,
  query: Record<string, unknown>,
): Promise<{ values: SearchValues; request: SearchRequest }> {
  const values = searchValues(query);
  const errors: Record<string, string> = {};
  const request: SearchRequest = { text: values.q };
  const qError = queryError(values.q);
  if (qError) {
    errors.q = qError;
  }
  const unknown = values.kind.filter(
    (kind) => !SEARCH_KINDS.includes(kind as SearchKind),
  );
  if (unknown.length > 0) {
    errors.kind = 'Choose what to search from the list';
  } else if (values.kind.length > 0) {
    request.kinds = values.kind as SearchKind[];
  }
  if (values.group) {
    const group = await db
      .selectFrom('groups')
      .select('id')
      .where('slug', '=', values.group)
      .where('id', 'in', visibleGroupIds(db, actor))
      .executeTakeFirst();
    if (group) {
      request.groupId = group.id;
    } else {
      errors.group = 'There is no group with that address';
    }
  }
  if (values.author) {
    if (/^[1-9]\d{0,9}$/.test(values.author)) {
      request.authorId = Number(values.author);
    } else {
      errors.author = 'Author must be the number of a person';
    }
  }
  readDates(values, request, errors);
  if (Object.keys(errors).length > 0) {
    throw new ValidationError(errors, 'The search is not valid', 400);
  }
  return { values, request };
}

// A lone half of a surrogate pair, which is what bad UTF-8 in an
// address can decode to, or the replacement character it may become.
const UNREADABLE = /[\uD800-\uDFFF\uFFFD]/u;

function queryError(q: string): string | null {
  if (hasControlCharacters(q) || UNREADABLE.test(q)) {
    return 'Search words must be letters, numbers and punctuation only';
  }
  if (q.length > MAX_QUERY) {
    return `Search words must be ${MAX_QUERY} characters or fewer`;
  }
  const parts = q ? parseQuery(q).length : 0;
  if (parts === 0) {
    return 'Enter words to search for';
  }
  if (parts > MAX_PARTS) {
    return `Use ${MAX_PARTS} words or fewer (a phrase in quotes is one)`;
  }
  return null;
}

function readDates(
  values: SearchValues,
  request: SearchRequest,
  errors: Record<string, string>,
): void {
  if (values.from) {
    const from = dayStart(values.from);
    if (from) {
      request.from = from;
    } else {
      errors.from = 'Date from must be a real date, like 2026-03-31';
    }
  }
  if (values.to) {
    const to = dayStart(values.to);
    if (to) {
      // "To" includes the whole of that day.
      request.to = new Date(Date.parse(to) + 86_400_000).toISOString();
    } else {
      errors.to = 'Date to must be a real date, like 2026-03-31';
    }
  }
  if (request.from && request.to && request.from >= request.to) {
    errors.to = 'Date to must be the same as or after date from';
  }
}
