import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../../platform/errors.ts';
import {
  handlesOf,
  readStatusBody,
  renderStatus,
  tagKey,
  tagsOf,
} from './text.ts';

function fieldError(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof AppError);
    assert.equal(error.status, 422);
    return error.fields?.body;
  }
  assert.fail('expected a validation error');
}

describe('the length of a status post', () => {
  it('takes 500 characters and refuses 501', () => {
    assert.equal(readStatusBody('a'.repeat(500)).length, 500);
    assert.equal(
      fieldError(() => readStatusBody('a'.repeat(501))),
      'The post must be 500 characters or fewer',
    );
  });

  it('counts code points, so 500 emoji or CJK characters fit', () => {
    assert.equal(readStatusBody('😀'.repeat(500)), '😀'.repeat(500));
    assert.equal(readStatusBody('名'.repeat(500)), '名'.repeat(500));
    assert.ok(fieldError(() => readStatusBody('名'.repeat(501))));
  });

  it('trims before counting', () => {
    const body = `  \n${'b'.repeat(500)} \n `;

    assert.equal(readStatusBody(body), 'b'.repeat(500));
  });

  it('refuses an empty, invisible or control-character body', () => {
    assert.equal(
      fieldError(() => readStatusBody('   ')),
      'Enter the text of the post',
    );
    assert.ok(fieldError(() => readStatusBody('\u200B\u200B')));
    assert.ok(fieldError(() => readStatusBody('a\u0000b')));
    assert.ok(fieldError(() => readStatusBody(42)));
  });
});

describe('tags in a status post', () => {
  it('folds case, so #Brexit and #brexit are one tag', () => {
    assert.deepEqual(tagsOf('#Brexit talks, #brexit again, #BREXIT!'), [
      { key: 'brexit', tag: 'Brexit' },
    ]);
  });

  it('finds tags in any script', () => {
    const body = '#Привет #日本語 #مرحبا #हिन्दी #Ελλάδα #ภาษาไทย #café';

    assert.deepEqual(
      tagsOf(body).map((tag) => tag.key),
      ['привет', '日本語', 'مرحبا', 'हिन्दी', 'ελλάδα', 'ภาษาไทย', 'café'],
    );
  });

  it('folds full-width letters and Greek and Cyrillic capitals', () => {
    assert.equal(tagKey('#ＢＲＥＸＩＴ'), 'brexit');
    assert.equal(tagKey('ΕΛΛΆΔΑ'), tagKey('ελλάδα'));
    assert.equal(tagKey('ПРИВЕТ'), 'привет');
  });

  it('reads #c++, #C#, #node.js and #go-live as a thread tag field would', () => {
    const body = 'Learning #c++ and #C#, with #node.js for #go-live. #a+b';

    assert.deepEqual(tagsOf(body), [
      { key: 'c++', tag: 'c++' },
      { key: 'c#', tag: 'C#' },
      { key: 'node.js', tag: 'node.js' },
      { key: 'go-live', tag: 'go-live' },
      { key: 'a', tag: 'a' },
    ]);
  });

  it('takes no tag from a number, an address fragment or C#', () => {
    const body = 'Issue #42, see https://example.org/page#Section and C#';

    assert.deepEqual(tagsOf(body), []);
  });
});

describe('mentions in a status post', () => {
  it('finds handles and whole addresses, not e-mail addresses in text', () => {
    const body =
      '@bob and @Alice.Smith, @jo@partner.nhs.uk; write to carol@example.org.';

    assert.deepEqual(handlesOf(body), [
      'bob',
      'alice.smith',
      'jo@partner.nhs.uk',
    ]);
  });

  it('renders a handle as plain text unless its person may be linked', () => {
    const body = '@bob performance review moved to Friday, @alice';
    const alice = new Map([['alice', { id: 7, name: 'Alice' }]]);

    assert.equal(
      renderStatus(body, alice),
      '@bob performance review moved to Friday, ' +
        '<a class="app-status-mention" href="/people/7">@alice</a>',
    );
  });
});

describe('rendering a status post', () => {
  it('escapes markup so nothing in a post can run', () => {
    const body =
      '<script>alert(1)</script> <img src=x onerror="alert(1)"> & \'quote\'';

    assert.equal(
      renderStatus(body, new Map()),
      '&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x ' +
        'onerror=&quot;alert(1)&quot;&gt; &amp; &#39;quote&#39;',
    );
  });

  it('links web addresses and tags, leaving the full stop out', () => {
    const body =
      'See https://gov.uk/brexit?a=1&b=2. #Brexit\nand www.example.org';

    assert.equal(
      renderStatus(body, new Map()),
      'See <a href="https://gov.uk/brexit?a=1&amp;b=2" rel="nofollow noopener">' +
        'https://gov.uk/brexit?a=1&amp;b=2</a>. ' +
        '<a class="app-status-tag" href="/talk/tags/brexit">#Brexit</a><br>and ' +
        '<a href="https://www.example.org/" rel="nofollow noopener">' +
        'www.example.org</a>',
    );
  });

  it('links no address but http and https', () => {
    const body =
      'javascript:alert(1) data:text/html,<b>x</b> https://x.org/" onmouseover="a';
    const html = renderStatus(body, new Map());

    assert.doesNotMatch(html, /href="(?!https:)/);
    assert.doesNotMatch(html, /<[^>]+ on\w+=/);
    assert.match(html, /<a href="https:\/\/x\.org\/" rel="nofollow noopener">/);
  });

  it('percent-encodes a tag key in its link', () => {
    assert.equal(
      renderStatus('#日本', new Map()),
      '<a class="app-status-tag" href="/talk/tags/%E6%97%A5%E6%9C%AC">#日本</a>',
    );
  });
});
