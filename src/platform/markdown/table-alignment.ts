import type { MarkdownIt, StateCore } from 'markdown-it';

// markdown-it aligns table cells with a style attribute, and the sanitizer
// removes every style attribute; GOV.UK's override classes do the same job.
const ALIGNMENT = /^text-align:(left|center|right)$/;
const CLASSES: Record<string, string> = {
  left: 'govuk-!-text-align-left',
  center: 'govuk-!-text-align-centre',
  right: 'govuk-!-text-align-right',
};

/** The class names a table cell may carry for its alignment. */
export const ALIGNMENT_CLASSES = Object.values(CLASSES);

function alignCells(state: StateCore): void {
  for (const token of state.tokens) {
    if (token.type !== 'th_open' && token.type !== 'td_open') {
      continue;
    }
    const match = ALIGNMENT.exec(String(token.attrGet('style') ?? ''));
    token.attrs = null;
    const alignment = match?.[1];
    if (alignment !== undefined) {
      token.attrSet('class', CLASSES[alignment] ?? '');
    }
  }
}

/** Turns markdown-it's table cell alignment into GOV.UK classes. */
export function tableAlignmentPlugin(md: MarkdownIt): void {
  md.core.ruler.push('table_alignment', alignCells);
}
