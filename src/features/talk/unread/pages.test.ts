import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PersonActor } from '../../../access/actor.ts';
import { ANONYMOUS } from '../../../access/actor.ts';
import { threadPageUnread } from './pages.ts';

// The "New since your last visit" divider, worked out from the reader's
// marker and the page alone. Page 2 of a thread here holds posts 30 and
// 31 (positions in the order of posting); the shown post before it is
// 28, and post 29 was deleted.

const member: PersonActor = {
  kind: 'person',
  id: 7,
  role: 'member',
  displayName: 'Mira',
  via: 'session',
};

const page = {
  posts: [
    { id: 11, position: 30 },
    { id: 12, position: 31 },
  ],
  positionBefore: 28,
};

const HERE = '/talk/threads/3?page=2';

function dividerFor(readTo: number | null): number | null {
  return threadPageUnread(member, 3, page, readTo, HERE)?.dividerBefore ?? null;
}

describe('the unread divider on a thread page', () => {
  it('goes before the page’s first post when the reader stopped just before the page', () => {
    assert.equal(dividerFor(28), 11);
  });

  it('goes before the page’s first post when the reader stopped on a reply since deleted', () => {
    assert.equal(dividerFor(29), 11);
  });

  it('is not on this page when the first unread post is on the page before', () => {
    assert.equal(dividerFor(27), null);
  });

  it('goes before the first post after the marker within the page', () => {
    assert.equal(dividerFor(30), 12);
  });

  it('is not shown once the whole page is read, and the page needs no marking', () => {
    const unread = threadPageUnread(member, 3, page, 31, HERE);

    assert.equal(unread?.dividerBefore, null);
    assert.equal(unread?.unreadHere, false);
  });

  it('is not shown on a first visit, though the page counts as unread', () => {
    const unread = threadPageUnread(member, 3, page, null, HERE);

    assert.deepEqual(unread, {
      dividerBefore: null,
      action: '/talk/threads/3/read',
      position: 31,
      returnTo: HERE,
      readTo: 0,
      unreadHere: true,
      posts: '[[11,30],[12,31]]',
    });
  });

  it('gives guests and signed-out readers no markers at all', () => {
    const guest: PersonActor = { ...member, role: 'guest' };

    assert.equal(threadPageUnread(guest, 3, page, 28, HERE), null);
    assert.equal(threadPageUnread(ANONYMOUS, 3, page, null, HERE), null);
  });
});
