import type { Token } from 'markdown-it';
import { markdownParser } from '../../platform/markdown/parser.ts';
import { tokenWikiLink } from '../../platform/markdown/wikilink-rule.ts';
import { wikiLinkText } from '../../platform/wikilinks.ts';

// What the index stores as a thing's body: the text a reader sees once
// its Markdown is rendered, on one line. It comes from the same parser
// as the pages (../../platform/markdown/parser.ts), so escapes
// ("\[gallery\]"), emphasis and headings are gone, a [[wikilink]] is
// the words it shows, and a link keeps its text and its address (so a
// URL finds the post that links to it, BUG-24). MediaWiki tables left
// over from an import ("{| style=… |}"), which render as text, lose
// their markup and keep their cells' words.

/** Markdown as the plain words it renders to, on one line. */
export function plainText(markdown: string): string {
  const tokens = markdownParser.parse(withoutWikiTables(markdown), {});
  const out: string[] = [];
  walk(tokens, out);
  return out.join('').replace(/\s+/g, ' ').trim();
}

function walk(tokens: readonly Token[], out: string[]): void {
  const links: { href: string; at: number }[] = [];
  for (const token of tokens) {
    const wikiLink = tokenWikiLink(token);
    if (wikiLink !== null) {
      out.push(wikiLinkText(wikiLink));
      continue;
    }
    switch (token.type) {
      case 'text':
      case 'code_inline':
        out.push(token.content);
        break;
      case 'code_block':
      case 'fence':
        out.push(' ', token.content, ' ');
        break;
      case 'softbreak':
      case 'hardbreak':
        out.push(' ');
        break;
      case 'link_open':
        links.push({
          href: String(token.attrGet('href') ?? ''),
          at: out.length,
        });
        break;
      case 'link_close': {
        const link = links.pop();
        if (link && !sameAddress(out.slice(link.at).join(''), link.href)) {
          out.push(' ', link.href, ' ');
        }
        break;
      }
      case 'image':
        out.push(' ');
        walk(token.children ?? [], out);
        out.push(' ', String(token.attrGet('src') ?? ''), ' ');
        break;
      default:
        if (token.children) {
          walk(token.children, out);
        } else if (token.nesting !== 0 || token.block) {
          out.push(' ');
        }
    }
  }
}

/** True for a link whose text is its address (an autolink). */
function sameAddress(text: string, href: string): boolean {
  return [text, `mailto:${text}`, `http://${text}`].includes(href);
}

/**
 * The Markdown with each MediaWiki table's markup taken out: its
 * opening and closing lines and row marks go, cell marks and cell
 * attributes ("style=… |") become spaces, the cells' text stays.
 */
function withoutWikiTables(markdown: string): string {
  if (!markdown.includes('{|')) {
    return markdown;
  }
  let depth = 0;
  const lines = markdown.split('\n').map((line) => {
    const trimmed = line.trim();
    if (trimmed.startsWith('{|')) {
      depth += 1;
      return '';
    }
    if (depth === 0) {
      return line;
    }
    if (trimmed.startsWith('|}')) {
      depth -= 1;
      return '';
    }
    if (trimmed.startsWith('|-')) {
      return '';
    }
    if (!/^[|!]/.test(trimmed)) {
      return line;
    }
    return trimmed
      .replace(/^\|\+?|^!/, '')
      .split(/\|\||!!/)
      .map((cell) => cell.replace(/^[^|[\]]*=[^|[\]]*\|(?!\|)/, ''))
      .join(' · ');
  });
  return lines.join('\n');
}
