import { count } from './inline.ts';
import type { InlineContext } from './inline.ts';
import { codeSpan, fenced } from './stash.ts';

// Template calls and their relatives. We cannot run templates, so a call
// becomes a visible placeholder: a link to the template's page (imported
// under Template/, and "what links here" then lists where it is used)
// followed by its arguments as written. Parser functions ({{#if:…}}),
// magic words ({{PAGENAME}}) and parameters ({{{1}}}) stay as written.

// Variables and functions of core MediaWiki written without "#".
const MAGIC = new Set(
  [
    '!',
    '=',
    'defaultsort',
    'defaultsortkey',
    'displaytitle',
    'lc',
    'lcfirst',
    'uc',
    'ucfirst',
    'urlencode',
    'anchorencode',
    'fullurl',
    'localurl',
    'canonicalurl',
    'filepath',
    'int',
    'formatnum',
    'padleft',
    'padright',
    'plural',
    'grammar',
    'gender',
    'subst',
    'safesubst',
    'msgnw',
    'ns',
    'nse',
    'tag',
    'language',
    'special',
  ].map((name) => name),
);

const PARAMETER = /\{\{\{(?:(?!\{\{|\}\})[\s\S])*?\}\}\}/g;
const INNERMOST = /\{\{(?:(?!\{\{|\}\})[\s\S])*?\}\}/g;

/** Replaces every {{…}} in the text by a stand-in, innermost first. */
export function replaceTemplates(text: string, context: InlineContext): string {
  let out = text;
  for (let pass = 0; pass < 40; pass += 1) {
    const before = out;
    out = out.replace(PARAMETER, (whole) => {
      count(context, 'template parameter', 'verbatim');
      return verbatim(whole, context);
    });
    out = out.replace(INNERMOST, (whole) => templateCall(whole, context));
    if (out === before) {
      break;
    }
  }
  return out;
}

function templateCall(whole: string, context: InlineContext): string {
  const inner = whole.slice(2, -2);
  const parts = splitArguments(inner);
  const head = (parts[0] ?? '').trim();
  const colon = head.indexOf(':');
  const prefix = (colon < 0 ? head : head.slice(0, colon)).trim();
  if (head.startsWith('#')) {
    count(context, 'parser function', 'verbatim');
    return verbatim(whole, context);
  }
  if (
    MAGIC.has(prefix.toLowerCase()) ||
    (/^[A-Z0-9]+$/.test(prefix) && /[A-Z]/.test(prefix))
  ) {
    count(context, 'magic word', 'verbatim');
    return verbatim(whole, context);
  }
  const original = context.stash.original(head).replace(/_/g, ' ');
  const name = original.replace(/^(?:msg|raw)\s*:/i, '').trim();
  if (name === '' || /[[\]{}|<>#\n]/.test(name)) {
    count(context, 'template', 'verbatim');
    return verbatim(whole, context);
  }
  count(context, 'template', 'converted');
  const target = name.startsWith(':')
    ? context.namespaces.resolveLink(name)
    : context.namespaces.resolveLink(
        hasNamespace(name, context) ? name : `Template:${name}`,
      );
  const title =
    target.kind === 'category' ? `Category/${target.name}` : target.title;
  const args = parts
    .slice(1)
    .map((part) => context.stash.original(part).replace(/\s+/g, ' ').trim());
  const label = `Template: ${name.replace(/^:/, '')}`;
  const link = `[[${title}|${label.replace(/[\\`*_[\]<>~]/g, '\\$&')}]]`;
  const placeholder =
    args.length > 0 ? `${link} ${codeSpan(`(${args.join(', ')})`)}` : link;
  return context.stash.put(placeholder, whole);
}

function hasNamespace(name: string, context: InlineContext): boolean {
  const resolved = context.namespaces.resolveLink(name);
  return resolved.kind !== 'page' || resolved.title !== name;
}

/** Wikitext kept as written: a code span, or a fenced block if it spans lines. */
export function verbatim(whole: string, context: InlineContext): string {
  const original = context.stash.original(whole);
  const markdown = original.includes('\n')
    ? `\n\n${fenced(original, 'wikitext')}\n\n`
    : codeSpan(original);
  return context.stash.put(markdown, whole);
}

/** Splits a template's inside on the bars not inside [[…]]. */
function splitArguments(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let at = 0; at < inner.length; at += 1) {
    if (inner.startsWith('[[', at)) {
      depth += 1;
      at += 1;
    } else if (inner.startsWith(']]', at) && depth > 0) {
      depth -= 1;
      at += 1;
    } else if (inner[at] === '|' && depth === 0) {
      parts.push(inner.slice(start, at));
      start = at + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}
