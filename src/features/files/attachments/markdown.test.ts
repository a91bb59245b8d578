import assert from 'node:assert/strict';
import { it } from 'node:test';
import { renderMarkdown } from '../../../platform/markdown.ts';
import { attachmentView } from './service.ts';
import type { Attachment } from './service.ts';

// The Markdown an attachment offers must survive the site's renderer and
// sanitiser as an image with a relative address and its alternative
// text, or as a link, and nothing more.

function attachment(overrides: Partial<Attachment>): Attachment {
  return {
    id: 123,
    container: { kind: 'attached', attachedKind: 'wiki_page', attachedId: 7 },
    folderId: null,
    name: 'chart.png',
    nameKey: 'chart.png',
    title: 'chart.png',
    description: '',
    altText: 'Costs by month',
    currentVersionId: 1,
    versionCount: 1,
    size: 70,
    mime: 'image/png',
    createdBy: 1,
    createdAt: '2026-12-05T10:00:00.000Z',
    updatedAt: '2026-12-05T10:00:00.000Z',
    deletedAt: null,
    hasDisplay: true,
    ...overrides,
  };
}

it("keeps an attached image's relative address and alternative text", () => {
  const { markdown } = attachmentView(attachment({}));

  assert.equal(markdown, '![Costs by month](/files/123/display)');
  assert.equal(
    renderMarkdown(markdown),
    '<p><img src="/files/123/display" alt="Costs by month" /></p>\n',
  );
});

it('keeps a decorative image with an empty alternative text', () => {
  const { markdown } = attachmentView(attachment({ altText: '' }));

  assert.equal(
    renderMarkdown(markdown),
    '<p><img src="/files/123/display" alt="" /></p>\n',
  );
});

it('escapes brackets and markup in alternative text, so it stays text', () => {
  const alt = 'Q3 [draft] <b>bold</b> *not* emphasis';
  const { markdown } = attachmentView(attachment({ altText: alt }));

  assert.equal(
    renderMarkdown(markdown),
    '<p><img src="/files/123/display" ' +
      'alt="Q3 [draft] &lt;b&gt;bold&lt;/b&gt; *not* emphasis" /></p>\n',
  );
});

it('links any other file to its page by name', () => {
  const { markdown } = attachmentView(
    attachment({ name: 'minutes_[v2].pdf', mime: 'application/pdf' }),
  );

  assert.equal(markdown, '[minutes\\_\\[v2\\].pdf](/files/123)');
  assert.equal(
    renderMarkdown(markdown),
    '<p><a href="/files/123">minutes_[v2].pdf</a></p>\n',
  );
});

it('still drops an image whose address is a javascript: URL', () => {
  assert.equal(
    renderMarkdown('![x](javascript:alert(1))'),
    '<p>![x](javascript:alert(1))</p>\n',
  );
});
