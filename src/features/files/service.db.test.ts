import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { FileContainer } from '../../access/files.ts';
import type { Database, Db } from '../../database.ts';
import type { StoredBlob } from '../../platform/storage/blob-store.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { deleteFile } from './changes.ts';
import { findFile, findFolder, findVersion } from './files.ts';
import { deleteFolder, restoreFolder } from './folders.ts';
import { listDeletedFiles, listFolderContents } from './listing.ts';
import type { FileLimits } from './quota.ts';
import { usedBytes } from './quota.ts';
import {
  makeFolder,
  openFile,
  revertFile,
  saveUploads,
  setFileDeleted,
  setFolderDeleted,
  updateFile,
  updateFolder,
} from './service.ts';
import type { UploadTarget } from './versions.ts';

// The files service on both databases: uploads become files or versions,
// quotas hold inside the transaction, names stay unique among live files,
// and folders take their content with them when deleted and restored.

const LIMITS: FileLimits = {
  maxBytes: 1000,
  groupQuotaBytes: 100,
  personQuotaBytes: 100,
  maxFilesPerRequest: 5,
};

const FIRST_PAGE = { page: 1, pageSize: 25, offset: 0 };

/** Bytes as if the blob store had kept them: its row in file_blobs. */
async function stored(db: Db, text: string): Promise<StoredBlob> {
  const sha256 = createHash('sha256').update(text).digest('hex');
  const size = Buffer.byteLength(text);
  await db
    .insertInto('file_blobs')
    .values({
      sha256,
      size,
      mime: 'text/plain',
      stored_in: 'disk',
      created_at: new Date().toISOString(),
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return { sha256, size, mime: 'text/plain', created: true };
}

async function person(
  db: Db,
  role: 'member' | 'admin' = 'member',
): Promise<PersonActor> {
  const { id } = await buildAccount(db, { role });
  return { kind: 'person', id, role, displayName: `P${id}`, via: 'session' };
}

/** A secret group with an owner and a plain member. */
async function secretGroup(db: Db) {
  const owner = await person(db);
  const member = await person(db);
  const group = await buildGroup(db, owner.id, { visibility: 'secret' });
  await addGroupMember(db, group, member.id);
  const container: FileContainer = { kind: 'group', groupId: group.id };
  return { owner, member, group, container };
}

function target(
  container: FileContainer,
  overrides: Partial<UploadTarget> = {},
): UploadTarget {
  return {
    container,
    folderId: null,
    title: null,
    description: null,
    comment: '',
    ...overrides,
  };
}

async function upload(
  db: Kysely<Database>,
  actor: PersonActor,
  into: UploadTarget,
  name: string,
  text: string,
) {
  const [recorded] = await saveUploads(
    db,
    actor,
    into,
    [{ name, blob: await stored(db, text) }],
    LIMITS,
  );
  assert.ok(recorded);
  return recorded;
}

function code(expected: string) {
  return (error: unknown) => {
    assert.equal((error as { code?: string }).code, expected);
    return true;
  };
}

await describeEachDatabase('the files service', (database) => {
  it('makes a second upload of the same name version 2 of the file', async () => {
    const { db } = database();
    const { member, container } = await secretGroup(db);

    const first = await upload(
      db,
      member,
      target(container),
      'Plan.txt',
      'one',
    );
    const second = await upload(
      db,
      member,
      target(container),
      'plan.TXT',
      'two!',
    );
    const file = await findFile(db, first.fileId);
    const jobs = await db
      .selectFrom('jobs')
      .select(['type', 'payload'])
      .where('type', '=', 'files.process')
      .orderBy('id')
      .execute();

    assert.deepEqual(
      [
        first.created,
        first.versionNumber,
        second.created,
        second.versionNumber,
      ],
      [true, 1, false, 2],
    );
    assert.equal(second.fileId, first.fileId);
    assert.equal(file?.name, 'Plan.txt');
    assert.equal(file?.title, 'Plan.txt');
    assert.equal(file?.versionCount, 2);
    assert.equal(file?.size, 4);
    assert.equal(file?.currentVersionId, second.versionId);
    assert.deepEqual(
      jobs.slice(-2).map((job) => JSON.parse(job.payload)),
      [{ versionId: first.versionId }, { versionId: second.versionId }],
    );
    assert.equal(await usedBytes(db, container), 7);
  });

  it('gives several files uploaded at once their own names as titles', async () => {
    const { db } = database();
    const { member, container } = await secretGroup(db);

    const recorded = await saveUploads(
      db,
      member,
      target(container, { title: 'One title', description: 'Away day' }),
      [
        { name: 'one.txt', blob: await stored(db, 'one') },
        { name: 'two.txt', blob: await stored(db, 'two') },
      ],
      LIMITS,
    );
    const files = await Promise.all(
      recorded.map((each) => findFile(db, each.fileId)),
    );

    assert.deepEqual(
      files.map((file) => [file?.title, file?.description]),
      [
        ['one.txt', 'Away day'],
        ['two.txt', 'Away day'],
      ],
    );
  });

  it('refuses an upload over the quota and keeps nothing of it', async () => {
    const { db } = database();
    const { member, container } = await secretGroup(db);
    await upload(db, member, target(container), 'a.txt', 'x'.repeat(60));

    await assert.rejects(
      upload(db, member, target(container), 'b.txt', 'y'.repeat(41)),
      code('QUOTA_EXCEEDED'),
    );
    const listed = await listFolderContents(db, container, null, FIRST_PAGE);

    assert.deepEqual(
      listed.files.map((file) => file.name),
      ['a.txt'],
    );
    assert.equal(await usedBytes(db, container), 60);
  });

  it('hides a secret group’s file from outsiders; uploader or manager may change it', async () => {
    const { db } = database();
    const { owner, member, container } = await secretGroup(db);
    const outsider = await person(db);
    const other = await person(db);
    await addGroupMember(
      db,
      { id: container.kind === 'group' ? container.groupId : 0 },
      other.id,
    );
    const { fileId } = await upload(
      db,
      member,
      target(container),
      'x.txt',
      'x',
    );

    await assert.rejects(
      openFile(db, outsider, fileId),
      code('FILE_NOT_FOUND'),
    );
    await assert.rejects(
      updateFile(db, other, fileId, { title: 'Mine now' }),
      code('FILE_FORBIDDEN'),
    );
    await updateFile(db, member, fileId, { title: 'By the uploader' });
    await updateFile(db, owner, fileId, { description: 'By the owner' });
    const file = await findFile(db, fileId);

    assert.equal(file?.title, 'By the uploader');
    assert.equal(file?.description, 'By the owner');
  });

  it('renames only to a free name and restores only while the name is free', async () => {
    const { db } = database();
    const { member, container } = await secretGroup(db);
    const a = await upload(db, member, target(container), 'a.txt', 'a');
    const b = await upload(db, member, target(container), 'b.txt', 'b');

    await assert.rejects(
      updateFile(db, member, b.fileId, { name: 'A.txt' }),
      code('NAME_TAKEN'),
    );
    await setFileDeleted(db, member, a.fileId, true);
    await updateFile(db, member, b.fileId, { name: 'a.txt' });
    await assert.rejects(
      setFileDeleted(db, member, a.fileId, false),
      code('NAME_TAKEN'),
    );
    await updateFile(db, member, b.fileId, { name: 'c.txt' });
    const restored = await setFileDeleted(db, member, a.fileId, false);

    assert.equal(restored.deletedAt, null);
    assert.deepEqual(
      (await listFolderContents(db, container, null, FIRST_PAGE)).files.map(
        (file) => file.name,
      ),
      ['a.txt', 'c.txt'],
    );
  });

  it('reverts with a new version that points at the old bytes', async () => {
    const { db } = database();
    const { member, container } = await secretGroup(db);
    const first = await upload(db, member, target(container), 'r.txt', 'old');
    await upload(db, member, target(container), 'r.txt', 'newer');

    const reverted = await revertFile(db, member, first.fileId, 1, LIMITS);
    const one = await findVersion(db, first.fileId, 1);
    const three = await findVersion(db, first.fileId, 3);
    const file = await findFile(db, first.fileId);

    assert.equal(reverted.number, 3);
    assert.equal(three?.sha256, one?.sha256);
    assert.equal(three?.comment, 'Reverted to version 1');
    assert.equal(file?.currentVersionId, reverted.id);
    assert.equal(file?.size, 3);
    assert.equal(await usedBytes(db, container), 11);
  });

  it('moves a file only into a folder of its own container', async () => {
    const { db } = database();
    const mine = await secretGroup(db);
    const theirs = await secretGroup(db);
    const notFound = () => new Error('not found');
    const folder = await makeFolder(
      db,
      mine.member,
      mine.container,
      { name: 'Reports', parentId: null },
      notFound,
    );
    const elsewhere = await makeFolder(
      db,
      theirs.member,
      theirs.container,
      { name: 'Away', parentId: null },
      notFound,
    );
    const { fileId } = await upload(
      db,
      mine.member,
      target(mine.container),
      'm.txt',
      'm',
    );

    await assert.rejects(
      updateFile(db, mine.member, fileId, { folderId: elsewhere.id }),
      code('FOLDER_NOT_FOUND'),
    );
    const moved = await updateFile(db, mine.member, fileId, {
      folderId: folder.id,
    });

    assert.equal(moved.folderId, folder.id);
  });

  it('refuses a folder name taken beside it and a move into itself', async () => {
    const { db } = database();
    const { owner, container } = await secretGroup(db);
    const notFound = () => new Error('not found');
    const make = (name: string, parentId: number | null) =>
      makeFolder(db, owner, container, { name, parentId }, notFound);
    const top = await make('Top', null);
    const child = await make('Child', top.id);

    await assert.rejects(make('top', null), code('NAME_TAKEN'));
    await assert.rejects(
      updateFolder(
        db,
        owner,
        container,
        top.id,
        { parentId: child.id },
        notFound,
      ),
      code('VALIDATION_FAILED'),
    );
    await assert.rejects(
      updateFolder(
        db,
        owner,
        container,
        top.id,
        { parentId: top.id },
        notFound,
      ),
      code('VALIDATION_FAILED'),
    );
  });

  it('deletes a folder with its content and restores what went with it', async () => {
    const { db } = database();
    const { owner, container } = await secretGroup(db);
    const notFound = () => new Error('not found');
    const top = await makeFolder(
      db,
      owner,
      container,
      { name: 'Top', parentId: null },
      notFound,
    );
    const inner = await makeFolder(
      db,
      owner,
      container,
      { name: 'Inner', parentId: top.id },
      notFound,
    );
    const kept = await upload(
      db,
      owner,
      target(container, { folderId: inner.id }),
      'k.txt',
      'k',
    );
    const earlier = await upload(
      db,
      owner,
      target(container, { folderId: top.id }),
      'e.txt',
      'e',
    );
    await setFileDeleted(db, owner, earlier.fileId, true);

    await setFolderDeleted(db, owner, container, top.id, true, notFound);
    const whileDeleted = await findFile(db, kept.fileId);
    const deletedView = await listDeletedFiles(db, container, FIRST_PAGE);
    await setFolderDeleted(db, owner, container, top.id, false, notFound);

    assert.notEqual(whileDeleted?.deletedAt, null);
    assert.deepEqual(deletedView.items, []);
    assert.equal((await findFile(db, kept.fileId))?.deletedAt, null);
    assert.notEqual((await findFile(db, earlier.fileId))?.deletedAt, null);
    assert.deepEqual(
      (await listDeletedFiles(db, container, FIRST_PAGE)).items.map(
        (f) => f.name,
      ),
      ['e.txt'],
    );
  });

  it('keeps a file deleted in the same millisecond as its folder deleted on restore', async () => {
    const { db } = database();
    const { owner, container } = await secretGroup(db);
    const folder = await makeFolder(
      db,
      owner,
      container,
      { name: 'Same time', parentId: null },
      () => new Error('not found'),
    );
    const alone = await upload(
      db,
      owner,
      target(container, { folderId: folder.id }),
      'alone.txt',
      'alone',
    );
    const withIt = await upload(
      db,
      owner,
      target(container, { folderId: folder.id }),
      'with.txt',
      'with',
    );
    const at = '2026-12-05T10:00:00.000Z';
    const file = await findFile(db, alone.fileId);
    assert.ok(file);

    await deleteFile(db, owner, file, at);
    await deleteFolder(db, owner, folder, at);
    const deleted = await findFolder(db, folder.id);
    assert.ok(deleted);
    await restoreFolder(db, deleted);

    assert.notEqual((await findFile(db, alone.fileId))?.deletedAt, null);
    assert.equal((await findFile(db, withIt.fileId))?.deletedAt, null);
  });

  it('pages through a folder’s folders first, then its files', async () => {
    const { db } = database();
    const { owner, container } = await secretGroup(db);
    const notFound = () => new Error('not found');
    for (const name of ['Beta', 'Alpha']) {
      await makeFolder(
        db,
        owner,
        container,
        { name, parentId: null },
        notFound,
      );
    }
    for (const name of ['z.txt', 'y.txt', 'x.txt']) {
      await upload(db, owner, target(container), name, name);
    }

    const pages = [];
    for (const page of [1, 2, 3]) {
      const request = { page, pageSize: 2, offset: (page - 1) * 2 };
      const listed = await listFolderContents(db, container, null, request);
      pages.push([
        ...listed.folders.map((folder) => folder.name),
        ...listed.files.map((file) => file.name),
        listed.total,
      ]);
    }

    assert.deepEqual(pages, [
      ['Alpha', 'Beta', 5],
      ['x.txt', 'y.txt', 5],
      ['z.txt', 5],
    ]);
  });
});
