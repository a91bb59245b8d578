import type { MarkdownIt, RendererRule } from 'markdown-it';
import type { WikiLink } from '../wikilinks.ts';
import { isSafeLinkTarget } from './links.ts';
import { tokenWikiLink } from './wikilink-rule.ts';

/** Where wikilinks lead and whether their page exists yet. */
export interface WikiLinkResolver {
  resolve(link: WikiLink): { href: string; exists: boolean };
}

/** The render environment: renderMarkdown's options, per call. */
export type RenderEnv = { wikiLinks?: WikiLinkResolver };

const MISSING_HINT =
  '<span class="govuk-visually-hidden"> (page does not exist yet)</span>';

/**
 * Renders a wikilink as a link when the caller gave a resolver, and as its
 * text otherwise. The href comes from our own code, yet it is checked like
 * any other link: a title is user text that the resolver may have copied.
 */
export function wikiLinkRenderPlugin(md: MarkdownIt): void {
  const escape = md.utils.escapeHtml;
  const render: RendererRule = (tokens, index, _options, env) => {
    const token = tokens[index];
    const link = token === undefined ? null : tokenWikiLink(token);
    const text = escape(token?.content ?? '');
    const resolver = (env as RenderEnv | undefined)?.wikiLinks;
    if (link === null || resolver === undefined) {
      return text;
    }

    const { href, exists } = resolver.resolve(link);
    if (!isSafeLinkTarget(href)) {
      return text;
    }
    const classes = exists
      ? 'app-wikilink'
      : 'app-wikilink app-wikilink--missing';
    return (
      `<a href="${escape(href)}" class="${classes}">${text}` +
      `${exists ? '' : MISSING_HINT}</a>`
    );
  };
  md.renderer.rules['wikilink'] = render;
}
