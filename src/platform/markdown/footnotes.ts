import type { MarkdownIt, RendererRule } from 'markdown-it';
import footnote from 'markdown-it-footnote';

// markdown-it-footnote numbers its ids (fn1, fnref1); ours read fn-1 and
// fnref-1 so the sanitizer can tell them from any other id by a pattern.

/** A matching id is one the footnote renderer made. */
export const FOOTNOTE_ID = /^fn(ref)?-\d{1,5}(:\d{1,5})?$/;

/** CommonMark footnotes: `text[^note]` and `[^note]: the note`. */
export function footnotePlugin(md: MarkdownIt): void {
  md.use(footnote);
  const anchorName: RendererRule = (tokens, index) => {
    const id = Number(tokens[index]?.meta?.['id'] ?? 0) + 1;
    return `-${id}`;
  };
  md.renderer.rules['footnote_anchor_name'] = anchorName;

  // The plugin's back link is a bare arrow, which a screen reader reads
  // as "right arrow curving left"; ours says where it goes.
  const backLink: RendererRule = (tokens, index, options, env, renderer) => {
    const meta = tokens[index]?.meta;
    const id = anchorName(tokens, index, options, env, renderer);
    const subId = Number(meta?.['subId'] ?? 0);
    const target = subId > 0 ? `${id}:${subId}` : id;
    const number = Number(meta?.['id'] ?? 0) + 1;
    return (
      ` <a href="#fnref${target}" class="footnote-backref">↩︎` +
      `<span class="govuk-visually-hidden"> back to reference ${number}` +
      `</span></a>`
    );
  };
  md.renderer.rules['footnote_anchor'] = backLink;
}
