// Pieces of finished Markdown set aside while the rest of a text is
// converted, so that later steps (escaping, bold and italic, list
// markers) cannot touch them. A piece is stood in for by a private-use
// character pair around its number; the input is cleaned of those first.

const OPEN = '\uE000';
const CLOSE = '\uE001';
const TOKEN = /\uE000(\d+)\uE001/g;

/** Finished pieces, each with the wikitext it came from. */
export class Stash {
  private readonly pieces: { markdown: string; original: string }[] = [];

  /** Sets a piece aside and returns its stand-in. */
  put(markdown: string, original: string): string {
    this.pieces.push({ markdown, original });
    return `${OPEN}${this.pieces.length - 1}${CLOSE}`;
  }

  /** The text with every stand-in replaced by its Markdown. */
  markdown(text: string): string {
    return this.expand(text, 'markdown');
  }

  /** The text with every stand-in replaced by its original wikitext. */
  original(text: string): string {
    return this.expand(text, 'original');
  }

  private expand(text: string, which: 'markdown' | 'original'): string {
    let out = text;
    for (let pass = 0; pass < 50 && out.includes(OPEN); pass += 1) {
      out = out.replace(
        TOKEN,
        (_, index: string) => this.pieces[Number(index)]?.[which] ?? '',
      );
    }
    return out;
  }
}

/** The input without the characters the stash uses. */
export function withoutStandIns(text: string): string {
  return text.replace(/[\uE000\uE001]/g, '');
}

/** A fenced code block that no backtick run inside it can close. */
export function fenced(text: string, language = ''): string {
  const longest = Math.max(
    2,
    ...[...text.matchAll(/`+/g)].map((run) => run[0].length),
  );
  const fence = '`'.repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n+$/, '')}\n${fence}`;
}

/** An inline code span holding the text as written. */
export function codeSpan(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const longest = Math.max(
    0,
    ...[...flat.matchAll(/`+/g)].map((run) => run[0].length),
  );
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}
