import { ValidationError } from './errors.ts';

/** Which page of a list to show, checked and turned into an offset. */
export interface PageRequest {
  page: number;
  pageSize: number;
  offset: number;
}

/** One page of a list, as every API list answers it (../DESIGN.md). */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const MAX_PAGE_SIZE = 100;
// Deep offsets make a database walk every row before them; past this a
// list must be narrowed by a search or a filter instead.
const MAX_PAGE = 10_000;

/**
 * Reads `page` and `pageSize` from a query string. Missing values take
 * their defaults; anything else that is not a whole number in range is a
 * validation error, never silently clamped.
 */
export function readPageRequest(
  query: Record<string, unknown>,
  defaultPageSize = 25,
): PageRequest {
  const errors: Record<string, string> = {};
  const page = readWhole(query.page, 1, 1, MAX_PAGE, 'page', errors);
  const pageSize = readWhole(
    query.pageSize,
    defaultPageSize,
    1,
    MAX_PAGE_SIZE,
    'pageSize',
    errors,
  );
  if (Object.keys(errors).length > 0) {
    throw new ValidationError(errors, 'The page requested is not valid', 400);
  }
  return { page, pageSize, offset: (page - 1) * pageSize };
}

function readWhole(
  raw: unknown,
  fallback: number,
  min: number,
  max: number,
  field: string,
  errors: Record<string, string>,
): number {
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value =
    typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    const label = field === 'page' ? 'Page number' : 'Page size';
    errors[field] =
      `${label} must be a whole number from ${min} to ${max.toLocaleString('en-GB')}`;
    return fallback;
  }
  return value;
}

/** A page of items in the API's list shape, each item turned into JSON. */
export function pageOf<T, R>(
  result: { items: T[]; total: number },
  request: PageRequest,
  toJson: (item: T) => R,
): Page<R> {
  return {
    items: result.items.map(toJson),
    total: result.total,
    page: request.page,
    pageSize: request.pageSize,
  };
}

/** How many pages `total` items fill; an empty list still has page 1. */
export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** The `govukPagination` parameters for a list, or null for one page. */
export function paginationParams(
  page: number,
  total: number,
  pageSize: number,
  hrefFor: (page: number) => string,
): Record<string, unknown> | null {
  const last = pageCount(total, pageSize);
  if (last <= 1) {
    return null;
  }
  const wanted = new Set([1, last, page - 1, page, page + 1]);
  const items: Record<string, unknown>[] = [];
  let previous = 0;
  for (const number of [...wanted].sort((a, b) => a - b)) {
    if (number < 1 || number > last) {
      continue;
    }
    if (number - previous > 1) {
      items.push({ ellipsis: true });
    }
    items.push({ number, href: hrefFor(number), current: number === page });
    previous = number;
  }
  return {
    items,
    previous: page > 1 ? { href: hrefFor(page - 1) } : undefined,
    next: page < last ? { href: hrefFor(page + 1) } : undefined,
  };
}
