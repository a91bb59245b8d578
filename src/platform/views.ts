import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import type { FastifyReply, FastifyRequest } from 'fastify';

const require = createRequire(import.meta.url);
const SRC = fileURLToPath(new URL('..', import.meta.url));

/** Where GOV.UK Frontend keeps its templates, macros and built files. */
export const GOVUK_DIST = join(
  dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
);

export type PageContext = Record<string, unknown>;

/**
 * The template environment: our own layout and components first, then each
 * feature's views (named `people/views/profile.njk`), then GOV.UK Frontend.
 * Templates are compiled once and kept, since rendering is the main cost of
 * a page.
 */
export function createViewEnvironment(): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(
    [join(SRC, 'platform', 'views'), join(SRC, 'features'), GOVUK_DIST],
    { noCache: false, watch: false },
  );
  const env = new nunjucks.Environment(loader, {
    autoescape: true,
    throwOnUndefined: false,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('date', formatDate);
  env.addFilter('dateTime', formatDateTime);
  env.addFilter('number', formatNumber);
  env.addFilter('plural', plural);
  env.addFilter('withQuery', withQuery);
  env.addFilter('isolate', isolate);
  env.addFilter('isolateTexts', isolateTexts);
  env.addFilter('selectItems', selectItems);
  env.addFilter(
    'basename',
    (path: string) => path.split(/[\\/]/).pop() ?? path,
  );
  return env;
}

const DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  // en-GB with hour12 counts 0 to 11 ("0:27am"); GOV.UK style is 12:27am.
  hourCycle: 'h12',
  timeZone: 'Europe/London',
});

/** "4 December 2026", the GOV.UK style for dates. */
export function formatDate(value: string | null | undefined): string {
  return value ? DATE.format(new Date(value)) : '';
}

/** "4 December 2026 at 2:47pm". */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) {
    return '';
  }
  const parts = DATE_TIME.formatToParts(new Date(value));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const period = get('dayPeriod').toLowerCase().replace(/\s/g, '');
  return `${get('day')} ${get('month')} ${get('year')} at ${get('hour')}:${get('minute')}${period}`;
}

const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });

export function formatNumber(value: number | null | undefined): string {
  return typeof value === 'number' ? NUMBER.format(value) : '';
}

/** `3 | plural('post')` gives "3 posts"; pass the plural when it is irregular. */
export function plural(count: number, one: string, many?: string): string {
  return `${formatNumber(count)} ${count === 1 ? one : (many ?? `${one}s`)}`;
}

const EMBEDDINGS = new Set(['\u202a', '\u202b', '\u202d', '\u202e']);
const POP_EMBEDDING = '\u202c';
const ISOLATES = new Set(['\u2066', '\u2067', '\u2068']);
const POP_ISOLATE = '\u2069';
// Right-to-left scripts and the direction marks and controls. Text without
// any of them reads the same isolated or not on our left-to-right pages.
const NEEDS_ISOLATING = new RegExp(
  '[' +
    [
      '\\u0590-\\u08ff', // Hebrew, Arabic, Syriac, Thaana, N'Ko …
      '\\ufb1d-\\ufdff\\ufe70-\\ufefe', // their presentation forms
      '\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069', // marks and controls
      '\\u{10800}-\\u{10fff}\\u{1e800}-\\u{1efff}', // historic scripts
    ].join('') +
    ']',
  'u',
);

/**
 * Wraps user text shown inline in a first-strong isolate so that its
 * direction controls cannot reorder the page's own words around it. An
 * override or isolate the text leaves open would otherwise run on past it,
 * and a stray pop could close our isolate early, so open ones are closed
 * and unmatched pops dropped. `<bdi>` would do the same for markup, but
 * this also works in `<title>` and attributes. Text with no right-to-left
 * letters and no direction controls cannot disturb anything around it, so
 * it comes back as it was.
 */
export function isolate(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  if (!NEEDS_ISOLATING.test(text)) {
    return text;
  }
  // What is open, innermost last: "e" for an embedding or override, "i"
  // for an isolate.
  const open: ('e' | 'i')[] = [];
  let kept = '';
  for (const char of text) {
    if (EMBEDDINGS.has(char)) {
      open.push('e');
    } else if (ISOLATES.has(char)) {
      open.push('i');
    } else if (char === POP_EMBEDDING) {
      // A pop cannot reach out of the isolate it sits in.
      if (open.at(-1) !== 'e') {
        continue;
      }
      open.pop();
    } else if (char === POP_ISOLATE) {
      const at = open.lastIndexOf('i');
      if (at < 0) {
        continue;
      }
      // Closing an isolate also closes the embeddings opened inside it.
      open.length = at;
    }
    kept += char;
  }
  const closers = open
    .reverse()
    .map((kind) => (kind === 'e' ? POP_EMBEDDING : POP_ISOLATE))
    .join('');
  return `\u2068${kept}${closers}\u2069`;
}

/** Isolates each item's `text`, for lists such as breadcrumbs. */
export function isolateTexts(items: unknown): unknown {
  if (!Array.isArray(items)) {
    return items;
  }
  return items.map((item: unknown) => {
    if (!item || typeof item !== 'object') {
      return item;
    }
    const record = item as Record<string, unknown>;
    return typeof record.text === 'string'
      ? { ...record, text: isolate(record.text) }
      : record;
  });
}

/**
 * Sets or removes query parameters on a path: `url | withQuery({page: 2})`.
 * A null or empty value removes the parameter.
 */
export function withQuery(
  path: string,
  changes: Record<string, string | number | null | undefined>,
): string {
  const url = new URL(path, 'http://x');
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') {
      url.searchParams.delete(key);
    } else {
      url.searchParams.set(key, String(value));
    }
  }
  const query = url.searchParams.toString();
  return url.pathname + (query ? `?${query}` : '');
}

/**
 * The error summary's list from a page's `errors` (field id → message),
 * each linking to its field, in the order the fields were checked.
 */
function errorList(errors: unknown): { text: string; href: string }[] | null {
  if (!errors || typeof errors !== 'object') {
    return null;
  }
  const list = Object.entries(errors as Record<string, string>).map(
    ([field, text]) => ({ text, href: `#${field}` }),
  );
  return list.length > 0 ? list : null;
}

/**
 * Items for `govukSelect` from a list: objects (give the value and text
 * keys) or plain strings. `emptyText`, when given, comes first as "".
 */
export function selectItems(
  list: unknown[],
  valueKey: string | null,
  textKey: string | null,
  selected: unknown,
  emptyText?: string,
): { value: string; text: string; selected: boolean }[] {
  const items = list.map((entry) => {
    const record = entry as Record<string, unknown>;
    const value = String(valueKey ? record[valueKey] : entry);
    const text = String(textKey ? record[textKey] : entry);
    return { value, text, selected: value === String(selected ?? '') };
  });
  return emptyText === undefined
    ? items
    : [{ value: '', text: emptyText, selected: !selected }, ...items];
}

/** Builds the values every page needs: the reader, CSRF token, CSP nonce. */
export type PageContextBuilder = (
  request: FastifyRequest,
  reply: FastifyReply,
) => PageContext;

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page template with the shared page context and sends it. */
    render(
      template: string,
      context?: PageContext,
      status?: number,
    ): FastifyReply;
  }
}

/** Adds `reply.render()` to an app, rendering with `env` and `baseContext`. */
export function renderer(
  env: nunjucks.Environment,
  baseContext: PageContextBuilder,
) {
  return function render(
    this: FastifyReply,
    template: string,
    context: PageContext = {},
    status = this.statusCode,
  ): FastifyReply {
    const html = env.render(template, {
      ...baseContext(this.request, this),
      ...context,
      errorList: errorList(context.errors),
    });
    return this.code(status).type('text/html; charset=utf-8').send(html);
  };
}
