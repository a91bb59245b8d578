import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, it } from 'node:test';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { dumpTime, parseTags, readComments, readPosts } from './reader.ts';
import type {
  CommentEvent,
  DumpComment,
  DumpPost,
  PostEvent,
} from './reader.ts';

// The expected numbers are the files' own, as ../shared/data/SOURCES.md
// (section forum/) gives them.

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const event of events) {
    all.push(event);
  }
  return all;
}

async function* bytesOf(
  text: string,
  chunkSize = Infinity,
): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  const size = Math.min(chunkSize, bytes.length);
  for (let at = 0; at < bytes.length; at += size) {
    yield bytes.subarray(at, at + size);
  }
}

function postsOf(events: PostEvent[]): DumpPost[] {
  return events.flatMap((event) => (event.kind === 'post' ? [event.post] : []));
}

function commentsOf(events: CommentEvent[]): DumpComment[] {
  return events.flatMap((event) =>
    event.kind === 'comment' ? [event.comment] : [],
  );
}

describe('the real History Stack Exchange Meta dump', async () => {
  const postEvents = await collect(
    readPosts(createReadStream(sharedDataPath('forum', 'Posts.xml'))),
  );
  const commentEvents = await collect(
    readComments(createReadStream(sharedDataPath('forum', 'Comments.xml'))),
  );
  const posts = postsOf(postEvents);
  const questions = posts.filter((post) => post.kind === 'question');
  const answers = posts.filter((post) => post.kind === 'answer');
  const comments = commentsOf(commentEvents);

  it('reads 1,657 rows: 556 questions, 1,095 answers, 6 tag wiki entries', () => {
    assert.equal(postEvents.length, 1657);
    assert.equal(questions.length, 556);
    assert.equal(answers.length, 1095);
    assert.equal(postEvents.filter((e) => e.kind === 'tagWiki').length, 6);
    assert.equal(postEvents.filter((e) => e.kind === 'skipped').length, 0);
  });

  it("resolves every answer's ParentId to a question", () => {
    const questionIds = new Set(questions.map((question) => question.id));
    const orphans = answers.filter(
      (answer) => !questionIds.has(answer.parentId ?? 0),
    );
    assert.deepEqual(orphans, []);
  });

  it('finds 181 accepted answers, each an answer to its own question', () => {
    const byId = new Map(answers.map((answer) => [answer.id, answer]));
    const accepting = questions.filter((q) => q.acceptedAnswerId);
    assert.equal(accepting.length, 181);
    for (const question of accepting) {
      const answer = byId.get(question.acceptedAnswerId ?? 0);
      assert.equal(answer?.parentId, question.id, `question ${question.id}`);
    }
  });

  it('reads closed, community wiki and edited posts and deleted owners', () => {
    assert.equal(posts.filter((post) => post.closedAt).length, 8);
    assert.equal(posts.filter((post) => post.communityOwnedAt).length, 20);
    // 802 with the 6 tag wiki rows, which were all edited.
    assert.equal(posts.filter((post) => post.lastEditedAt).length, 796);
    assert.equal(posts.filter((post) => post.owner.displayName).length, 52);
    assert.equal(
      posts.filter((post) => post.owner.userId === undefined).length,
      46,
    );
  });

  it('reads the first question whole, its HTML body unescaped once', () => {
    const first = questions[0];
    assert.equal(first?.id, 1);
    assert.equal(first.title, 'Should we include sources in answers?');
    assert.deepEqual(first.tags, ['discussion', 'answers']);
    assert.equal(first.score, 18);
    assert.equal(first.createdAt, '2011-10-11T19:42:20.713Z');
    assert.deepEqual(first.owner, { userId: 12 });
    assert.match(first.body, /^<p>As a historian I know/);
    assert.ok(first.body.endsWith('</p>\n'));
  });

  it('reads 3,454 comments, all on posts that exist, 142 by deleted users', () => {
    const postIds = new Set(posts.map((post) => post.id));
    assert.equal(commentEvents.length, 3454);
    assert.equal(comments.length, 3454);
    assert.deepEqual(
      comments.filter((comment) => !postIds.has(comment.postId)),
      [],
    );
    const deleted = comments.filter((c) => c.author.userId === undefined);
    assert.equal(deleted.length, 142);
    assert.ok(deleted.every((comment) => comment.author.displayName));
    // SOURCES.md says 312 distinct users; the file has 311 user ids and
    // 14 names of deleted users.
    const ids = new Set(comments.map((comment) => comment.author.userId));
    ids.delete(undefined);
    assert.equal(ids.size, 311);
  });
});

describe('reading dump rows', () => {
  it('reads a file cut into single bytes, BOM and DOCTYPE included', async () => {
    const file =
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n' +
      "<!DOCTYPE posts SYSTEM 'posts.dtd'>\n<posts>\n" +
      '  <row Id="7" PostTypeId="1" CreationDate="2012-01-02T03:04:05.060" ' +
      'Score="-2" Title="Ωμέγα &amp; more" Body="&lt;p&gt;x&lt;/p&gt;" ' +
      'Tags="|a|b-c|" OwnerDisplayName="Gone User" />\n</posts>\n';
    const posts = postsOf(await collect(readPosts(bytesOf(file, 1))));
    assert.deepEqual(posts, [
      {
        id: 7,
        kind: 'question',
        score: -2,
        title: 'Ωμέγα & more',
        body: '<p>x</p>',
        tags: ['a', 'b-c'],
        createdAt: '2012-01-02T03:04:05.060Z',
        owner: { displayName: 'Gone User' },
      },
    ]);
  });

  it('skips damaged rows with a reason and keeps the rest', async () => {
    const file =
      '<posts>\n' +
      '<row Id="1" PostTypeId="2" CreationDate="2012-01-01T00:00:00" />\n' +
      '<row Id="2" PostTypeId="1" CreationDate="yesterday" Title="t" />\n' +
      '<row PostTypeId="1" />\n' +
      '<row Id="3" PostTypeId="3" />\n' +
      '<row Id="4" PostTypeId="2" ParentId="9" Body="&bogus;" ' +
      'CreationDate="2012-01-01T00:00:00" />\n' +
      '<row Id="5" PostTypeId="2" ParentId="9" Body="ok" ' +
      'CreationDate="2012-01-01T00:00:00" />\n</posts>';
    const events = await collect(readPosts(bytesOf(file)));
    const skipped = events.flatMap((event) =>
      event.kind === 'skipped' ? [`${event.row.id}: ${event.row.reason}`] : [],
    );
    assert.deepEqual(skipped.slice(0, 4), [
      '1: the answer has no ParentId',
      '2: the post has no readable CreationDate',
      'undefined: the row has no Id',
      '3: post type 3 is not imported',
    ]);
    assert.match(skipped[4] ?? '', /^undefined: Invalid character entity/);
    assert.deepEqual(
      postsOf(events).map((post) => post.id),
      [4, 5],
    );
  });

  it('reads comments by deleted users by their display name', async () => {
    const file =
      '<comments><row Id="9" PostId="3" Score="2" Text="@a *hi* `x`" ' +
      'CreationDate="2013-05-06T07:08:09.100" UserDisplayName="Old" />' +
      '<row Id="10" PostId="3" Text="" CreationDate="2013-05-06T07:08:09" />' +
      '</comments>';
    const events = await collect(readComments(bytesOf(file)));
    assert.deepEqual(events, [
      {
        kind: 'comment',
        comment: {
          id: 9,
          postId: 3,
          score: 2,
          text: '@a *hi* `x`',
          createdAt: '2013-05-06T07:08:09.100Z',
          author: { displayName: 'Old' },
        },
      },
      {
        kind: 'skipped',
        row: { line: 1, id: 10, reason: 'the comment has no Text' },
      },
    ]);
  });

  it('unpacks both tag forms and drops repeats', () => {
    assert.deepEqual(parseTags('<discussion><answers>'), [
      'discussion',
      'answers',
    ]);
    assert.deepEqual(parseTags('|c#|.net|c#|'), ['c#', '.net']);
    assert.deepEqual(parseTags(''), []);
  });

  it('reads dump times as UTC', () => {
    assert.equal(
      dumpTime('2011-10-11T19:42:20.713'),
      '2011-10-11T19:42:20.713Z',
    );
    assert.equal(dumpTime('2011-10-11T19:42:20'), '2011-10-11T19:42:20.000Z');
    assert.equal(dumpTime('2011-13-45T99:00:00'), undefined);
    assert.equal(dumpTime('11 Oct 2011'), undefined);
  });
});
