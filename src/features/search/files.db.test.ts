import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { before, it } from 'node:test';
import type { Kysely } from 'kysely';
import { ANONYMOUS } from '../../access/actor.ts';
import type { Actor, PersonActor } from '../../access/actor.ts';
import type { FileContainer } from '../../access/files.ts';
import type { Database } from '../../database.ts';
import { buildAccount } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import { buildPdf } from '../files/process/fixtures.ts';
import { processVersion } from '../files/process/job.ts';
import { memoryBlobStore } from '../files/process/memory-store.ts';
import type { FileLimits } from '../files/quota.ts';
import { saveUploads, setFileDeleted, updateFile } from '../files/service.ts';
import { searchIndex } from './query.ts';
import type { SearchRequest } from './query.ts';
import { reindexEverything } from './reindex.ts';
import { indexFiles, removeFiles } from './sources.ts';

// Files in the one search: found by the words inside them once the
// processing job has read them, and only by those who may read their
// container; a deleted file is found by no one.

const LIMITS: FileLimits = {
  maxBytes: 10_000_000,
  groupQuotaBytes: 100_000_000,
  personQuotaBytes: 100_000_000,
  maxFilesPerRequest: 5,
};

await describeEachDatabase('searching files', (database) => {
  let member: PersonActor;
  let outsider: PersonActor;
  let secret: FileContainer;
  let secretSlug: string;
  let open: FileContainer;
  let store: ReturnType<typeof memoryBlobStore>;

  const person = async (db: Kysely<Database>): Promise<PersonActor> => {
    const { id } = await buildAccount(db, { role: 'member' });
    return {
      kind: 'person',
      id,
      role: 'member',
      displayName: `P${id}`,
      via: 'session',
    };
  };

  before(async () => {
    const { db } = database();
    member = await person(db);
    outsider = await person(db);
    const secretGroup = await buildGroup(db, member.id, {
      visibility: 'secret',
    });
    secret = { kind: 'group', groupId: secretGroup.id };
    secretSlug = secretGroup.slug;
    const openGroup = await buildGroup(db, member.id, { visibility: 'open' });
    await addGroupMember(db, openGroup, outsider.id);
    open = { kind: 'group', groupId: openGroup.id };
    store = memoryBlobStore(db);
  });

  const upload = async (
    container: FileContainer,
    name: string,
    bytes: Uint8Array,
    title: string | null = null,
  ) => {
    const { db } = database();
    const blob = await store.put(Readable.from([Buffer.from(bytes)]), {
      maxBytes: 1e8,
    });
    const [recorded] = await saveUploads(
      db,
      member,
      {
        container,
        folderId: null,
        title,
        description: 'Filed by the team',
        comment: '',
      },
      [{ name, blob }],
      LIMITS,
    );
    assert.ok(recorded);
    await processVersion(db, store, recorded.versionId);
    return recorded;
  };

  const find = async (request: SearchRequest, actor: Actor) => {
    const { db } = database();
    const page = { page: 1, pageSize: 25, offset: 0 };
    const result = await searchIndex(db, actor, request, page);
    return {
      total: result.total,
      hits: result.items.map((item) => `${item.kind}:${item.title}`),
    };
  };

  it('finds a PDF by a word inside it once the job has read it', async () => {
    await upload(
      open,
      'minutes.pdf',
      buildPdf([['Agenda'], ['The sandpiper survey']]),
    );
    assert.deepEqual(await find({ text: 'sandpiper' }, outsider), {
      total: 1,
      hits: ['file:minutes.pdf'],
    });
    assert.deepEqual(
      await find({ text: 'sandpiper', kinds: ['file'] }, member),
      {
        total: 1,
        hits: ['file:minutes.pdf'],
      },
    );
    assert.deepEqual(
      await find({ text: 'sandpiper', kinds: ['wiki_page'] }, member),
      {
        total: 0,
        hits: [],
      },
    );
  });

  it("keeps a secret group's file, and its count, from outsiders", async () => {
    await upload(
      secret,
      'plan.txt',
      Buffer.from('The kittiwake plan'),
      'Kittiwake',
    );
    await upload(
      open,
      'open.txt',
      Buffer.from('A kittiwake was seen'),
      'Sighting',
    );
    assert.deepEqual(await find({ text: 'kittiwake' }, member), {
      total: 2,
      hits: ['file:Kittiwake', 'file:Sighting'],
    });
    assert.deepEqual(await find({ text: 'kittiwake' }, outsider), {
      total: 1,
      hits: ['file:Sighting'],
    });
    assert.deepEqual(await find({ text: 'kittiwake' }, ANONYMOUS), {
      total: 0,
      hits: [],
    });
  });

  it("filters a group's files by the group", async () => {
    await upload(secret, 'log.txt', Buffer.from('Turnstone log'));
    const { db } = database();
    const group = await db
      .selectFrom('groups')
      .select('id')
      .where('slug', '=', secretSlug)
      .executeTakeFirstOrThrow();
    assert.deepEqual(
      await find({ text: 'turnstone', groupId: group.id }, member),
      {
        total: 1,
        hits: ['file:log.txt'],
      },
    );
  });

  it('finds a deleted file for no one, and again once restored', async () => {
    const { fileId } = await upload(
      open,
      'old.txt',
      Buffer.from('Dunlin counts'),
    );
    const { db } = database();
    await setFileDeleted(db, member, fileId, true);
    await indexFiles(db, [fileId]);
    assert.deepEqual(await find({ text: 'dunlin' }, member), {
      total: 0,
      hits: [],
    });
    await setFileDeleted(db, member, fileId, false);
    await indexFiles(db, [fileId]);
    assert.deepEqual(await find({ text: 'dunlin' }, member), {
      total: 1,
      hits: ['file:old.txt'],
    });
  });

  it('drops a file from the index when it is removed', async () => {
    const { fileId } = await upload(
      open,
      'gone.txt',
      Buffer.from('Godwit tallies'),
    );
    assert.equal((await find({ text: 'godwit' }, member)).total, 1);
    const { db } = database();
    await removeFiles(db, [fileId]);
    assert.deepEqual(await find({ text: 'godwit' }, member), {
      total: 0,
      hits: [],
    });
  });

  it('puts files back in the index when everything is reindexed', async () => {
    const { fileId } = await upload(
      open,
      'curlew.txt',
      Buffer.from('Curlew nests'),
    );
    const { db } = database();
    await removeFiles(db, [fileId]);
    const report = await reindexEverything(db);
    const files = await db.selectFrom('files').select('id').execute();
    assert.equal(report.file, files.length);
    assert.deepEqual(await find({ text: 'curlew' }, member), {
      total: 1,
      hits: ['file:curlew.txt'],
    });
  });

  it('finds a file by its title as soon as it is uploaded, and by a new one', async () => {
    const { db } = database();
    const blob = await store.put(Readable.from([Buffer.from('x')]), {
      maxBytes: 1e8,
    });
    const [recorded] = await saveUploads(
      db,
      member,
      {
        container: open,
        folderId: null,
        title: 'Pratincole rota',
        description: '',
        comment: '',
      },
      [{ name: 'rota.bin', blob }],
      LIMITS,
    );
    assert.ok(recorded);
    assert.deepEqual(await find({ text: 'pratincole' }, outsider), {
      total: 1,
      hits: ['file:Pratincole rota'],
    });
    await updateFile(db, member, recorded.fileId, { title: 'Phalarope rota' });
    assert.deepEqual(await find({ text: 'pratincole' }, outsider), {
      total: 0,
      hits: [],
    });
    assert.equal((await find({ text: 'phalarope' }, outsider)).total, 1);
    await setFileDeleted(db, member, recorded.fileId, true);
    const rows = await db
      .selectFrom('search_documents')
      .select('kind')
      .where('kind', '=', 'file')
      .where('ref_id', '=', recorded.fileId)
      .execute();
    assert.deepEqual(rows, [{ kind: 'file' }]);
  });
});
