import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PersonActor } from './actor.ts';
import { ANONYMOUS } from './actor.ts';
import { canInBlog } from './blogs.ts';
import type { BlogPostThing, BlogThing } from './blogs.ts';

// What people may do to a post beyond reading it; reading is checked
// against the list form in blogs.db.test.ts.

const NOW = '2026-12-01T12:00:00.000Z';

function person(id: number, role: PersonActor['role'] = 'member'): PersonActor {
  return { kind: 'person', id, role, displayName: `P${id}`, via: 'session' };
}

const openGroup = (role: 'owner' | 'admin' | 'member' | null): BlogThing => ({
  kind: 'group',
  personId: null,
  group: { id: 1, visibility: 'open', role },
  commentPolicy: 'open',
});

function post(blog: BlogThing, extra: Partial<BlogPostThing> = {}) {
  return {
    blog,
    status: 'published',
    audience: 'everyone',
    publishAt: '2026-11-01T00:00:00.000Z',
    deletedAt: null,
    authorIds: [1],
    ...extra,
  } satisfies BlogPostThing;
}

test('an author edits their post in a group only while a member', () => {
  assert.equal(
    canInBlog(person(1), 'post.edit', post(openGroup('member')), NOW),
    true,
  );
  assert.equal(
    canInBlog(person(1), 'post.edit', post(openGroup(null)), NOW),
    false,
  );
});

test('a group admin deletes and moderates a post but does not edit it', () => {
  const thing = post(openGroup('admin'));

  assert.equal(canInBlog(person(2), 'post.edit', thing, NOW), false);
  assert.equal(canInBlog(person(2), 'post.delete', thing, NOW), true);
  assert.equal(canInBlog(person(2), 'post.moderate', thing, NOW), true);
});

test('nobody comments on a closed blog, a draft or signed out', () => {
  const closed = { ...openGroup('member'), commentPolicy: 'closed' as const };

  assert.equal(canInBlog(person(2), 'post.comment', post(closed), NOW), false);
  assert.equal(
    canInBlog(
      person(1),
      'post.comment',
      post(openGroup('member'), { status: 'draft', publishAt: null }),
      NOW,
    ),
    false,
  );
  assert.equal(
    canInBlog(ANONYMOUS, 'post.comment', post(openGroup(null)), NOW),
    false,
  );
  assert.equal(
    canInBlog(person(2), 'post.comment', post(openGroup('member')), NOW),
    true,
  );
});

test('staff who are not members read an open group blog but do not comment there', () => {
  const thing = post(openGroup(null));

  assert.equal(canInBlog(person(3), 'post.read', thing, NOW), true);
  assert.equal(canInBlog(person(3), 'post.comment', thing, NOW), false);
});

test('a site administrator deletes no private post they cannot read', () => {
  const thing = post(openGroup(null), { audience: 'private' });

  assert.equal(canInBlog(person(9, 'admin'), 'post.read', thing, NOW), false);
  assert.equal(canInBlog(person(9, 'admin'), 'post.delete', thing, NOW), false);
});

test('a personal blog is written by its owner, not by a guest or others', () => {
  const mine: BlogThing = { kind: 'person', personId: 5, group: null };

  assert.equal(canInBlog(person(5), 'blog.write', mine), true);
  assert.equal(canInBlog(person(6), 'blog.write', mine), false);
  assert.equal(canInBlog(person(5, 'guest'), 'blog.write', mine), false);
  assert.equal(canInBlog(person(6), 'blog.manage', mine), false);
});

test('only administrators write in a site blog', () => {
  const site: BlogThing = { kind: 'site', personId: null, group: null };

  assert.equal(canInBlog(person(9, 'admin'), 'blog.write', site), true);
  assert.equal(canInBlog(person(1), 'blog.write', site), false);
  assert.equal(canInBlog(person(1), 'blog.read', site), true);
  assert.equal(canInBlog(person(1, 'guest'), 'blog.read', site), false);
});

test('a deleted post is for nobody, its author included', () => {
  const thing = post(openGroup('member'), { deletedAt: NOW });

  assert.equal(canInBlog(person(1), 'post.read', thing, NOW), false);
  assert.equal(canInBlog(person(9, 'admin'), 'post.delete', thing, NOW), false);
});
