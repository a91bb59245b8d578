import { count, plain } from './inline.ts';
import type { InlineContext } from './inline.ts';
import { fenced } from './stash.ts';

// Wikitext tables ({| … |}) become Markdown tables when each cell is one
// line of text; a table with nested tables, merged cells or cells that
// run over several lines is kept as written in a fenced block.

interface Cell {
  header: boolean;
  text: string;
}

/** Converts the lines of one table, from `{|` to `|}`. */
export function convertTable(lines: string[], context: InlineContext): string {
  const rows = parseRows(lines.slice(1, -1));
  const caption = rows === undefined ? undefined : rows.caption;
  const cells = rows?.rows.filter((row) => row.length > 0) ?? [];
  const rendered = cells.map((row) =>
    row.map((cell) => {
      const text = context.stash.markdown(plain(cell.text, context)).trim();
      return cell.header && row !== cells[0] && text ? `**${text}**` : text;
    }),
  );
  if (
    rows === undefined ||
    rendered.length === 0 ||
    rendered.some((row) => row.some((text) => text.includes('\n')))
  ) {
    count(context, 'table', 'verbatim');
    return fenced(context.stash.original(lines.join('\n')), 'wikitext');
  }
  count(context, 'table', 'converted');
  const width = Math.max(...rendered.map((row) => row.length));
  const line = (row: string[]) =>
    `| ${Array.from({ length: width }, (_, i) =>
      (row[i] ?? '').replace(/(?<!\\)\|/g, '\\|'),
    ).join(' | ')} |`;
  const [head = [], ...body] = rendered;
  const table = [
    line(head),
    `|${' --- |'.repeat(width)}`,
    ...body.map(line),
  ].join('\n');
  const title = caption
    ? `**${context.stash.markdown(plain(caption, context))}**\n\n`
    : '';
  return `${title}${table}`;
}

function parseRows(
  lines: string[],
): { rows: Cell[][]; caption?: string } | undefined {
  const rows: Cell[][] = [[]];
  let caption: string | undefined;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') {
      continue;
    }
    if (line.startsWith('{|') || /\b(?:rowspan|colspan)\s*=/i.test(line)) {
      return undefined;
    }
    if (line.startsWith('|+')) {
      caption = withoutAttributes(line.slice(2));
    } else if (line.startsWith('|-')) {
      rows.push([]);
    } else if (line.startsWith('!') || line.startsWith('|')) {
      const header = line.startsWith('!');
      const separator = header ? /!!|\|\|/ : /\|\|/;
      const row = rows.at(-1);
      for (const part of line.slice(1).split(separator)) {
        row?.push({ header, text: withoutAttributes(part) });
      }
    } else {
      // A cell that goes on over more lines: not a Markdown table cell.
      return undefined;
    }
  }
  return { rows, caption };
}

/** `style="…" | text` → `text`; a bar inside [[…]] is not a separator. */
function withoutAttributes(cell: string): string {
  let depth = 0;
  for (let at = 0; at < cell.length; at += 1) {
    if (cell.startsWith('[[', at)) {
      depth += 1;
      at += 1;
    } else if (cell.startsWith(']]', at)) {
      depth = Math.max(0, depth - 1);
      at += 1;
    } else if (cell[at] === '|' && depth === 0) {
      const attributes = cell.slice(0, at);
      if (/^\s*[\w-]+\s*=/.test(attributes) || attributes.trim() === '') {
        return cell.slice(at + 1).trim();
      }
      return cell.trim();
    }
  }
  return cell.trim();
}
