import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  orderComments,
  placeComment,
  placePost,
  slugOf,
  tagsOf,
} from './posts.ts';
import type { WxrComment, WxrItem } from './reader.ts';

function item(overrides: Partial<WxrItem>): WxrItem {
  return {
    line: 1,
    id: 7,
    type: 'post',
    status: 'publish',
    guid: '',
    title: '',
    creator: '',
    content: '',
    excerpt: '',
    postName: '',
    date: '',
    dateGmt: '',
    password: '',
    attachmentUrl: '',
    terms: [],
    comments: [],
    ...overrides,
  };
}

function comment(overrides: Partial<WxrComment>): WxrComment {
  return {
    author: 'A',
    authorEmail: '',
    date: '',
    dateGmt: '',
    content: '',
    approved: '1',
    type: '',
    ...overrides,
  };
}

describe('WordPress posts in our terms', () => {
  it('maps each WordPress status to ours or refuses it', () => {
    assert.deepEqual(placePost('future'), {
      status: 'scheduled',
      private: false,
    });
    assert.deepEqual(placePost('auto-draft'), {
      status: 'draft',
      private: false,
    });
    assert.deepEqual(placePost('private'), {
      status: 'published',
      private: true,
    });
    assert.ok('refused' in placePost('trash'));
    assert.ok('refused' in placePost('inherit'));
  });

  it('keeps approved and waiting comments and leaves out the rest', () => {
    assert.deepEqual(placeComment(comment({ approved: '0' })), {
      status: 'pending',
    });
    assert.deepEqual(placeComment(comment({ approved: 'spam' })), {
      leftOut: 'spam',
    });
    assert.deepEqual(placeComment(comment({ type: 'pingback' })), {
      leftOut: 'pingback',
    });
  });

  it('takes categories and tags as tags once each, not post formats', () => {
    assert.deepEqual(
      tagsOf([
        { domain: '', name: 'Alpha' },
        { domain: 'category', name: 'alpha' },
        { domain: 'tag', name: ' News  today ' },
        { domain: 'post_format', name: 'post-format-aside' },
        { domain: 'post_tag', name: '远征手记' },
      ]),
      [
        { tag: 'Alpha', key: 'alpha' },
        { tag: 'News today', key: 'news today' },
        { tag: '远征手记', key: '远征手记' },
      ],
    );
  });

  it('slugs from the post name, decoded and without bidi controls', () => {
    assert.equal(
      slugOf(
        item({ postName: '%ce%b5%cf%80%ce%af%cf%80%ce%b5%ce%b4%ce%bf-2' }),
      ),
      'επίπεδο-2',
    );
    assert.equal(
      slugOf(item({ postName: 'hello-w\u202Eorld\u202C-utf8-💫-test' })),
      'hello-world-utf8-test',
    );
    assert.equal(slugOf(item({ title: 'Q&A' })), 'q-a');
    assert.equal(slugOf(item({ title: '🚀' })), 'post-7');
  });

  it('puts replies after their parents, skipping left-out ancestors', () => {
    const all = [
      { id: 3, parent: 2 },
      { id: 2, parent: 1 },
      { id: 1, parent: 0 },
      { id: 4, parent: 9 },
    ];
    const kept = [all[0], all[2], all[3]].filter(
      (entry): entry is { id: number; parent: number } => entry !== undefined,
    );
    const ordered = orderComments(kept, [...all, { id: 9, parent: 0 }]);
    assert.deepEqual(
      ordered.map(({ comment: { id }, parentId }) => [id, parentId]),
      [
        [1, undefined],
        [4, undefined],
        [3, 1],
      ],
    );
  });
});
