import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import type { Group } from '../../features/groups/groups.ts';
import { buildFilesApp, multipart } from './files-testing.ts';
import type { FormPart } from './files-testing.ts';

// What an upload may name and where it may go, through the API: names
// are refused rather than cut, limits name the file that passed them,
// a form's fields come before its files, and a member cannot replace
// another person's file by uploading one of the same name.

const TOO_LONG = 'File names must be at most 255 bytes: shorten the name';

async function storedFiles(dataDir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(dataDir, 'files', 'blobs'), {
      recursive: true,
    });
    return entries.filter((entry) => /[0-9a-f]{64}$/.test(entry));
  } catch {
    return [];
  }
}

await describeEachDatabase('upload rules in the files API', (database) => {
  let app: FastifyInstance;
  let dataDir: string;
  let close: () => Promise<void>;
  let owner: ApiCaller;
  let member: ApiCaller;
  let other: ApiCaller;

  before(async () => {
    const { db } = database();
    // A quota smaller than the per-file limit, as a small group may have.
    ({ app, dataDir, close } = await buildFilesApp(database(), {
      FILE_MAX_BYTES: '2048',
      FILE_GROUP_QUOTA_BYTES: '1000',
    }));
    owner = await buildCaller(db, { displayName: 'Olive Owner' });
    member = await buildCaller(db, { displayName: 'Mo Member' });
    other = await buildCaller(db, { displayName: 'Ada Other' });
  });
  after(async () => {
    await close();
  });

  async function newGroup(): Promise<Group> {
    const { db } = database();
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    await addGroupMember(db, group, member.id);
    await addGroupMember(db, group, other.id);
    return group;
  }

  function send(
    caller: ApiCaller,
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url,
      headers: { authorization: caller.authorization },
      ...(payload === undefined ? {} : { payload }),
    });
  }

  function uploadRaw(
    caller: ApiCaller,
    url: string,
    content: string,
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method: 'POST',
      url,
      headers: {
        authorization: caller.authorization,
        'content-type': 'application/octet-stream',
      },
      payload: content,
    });
  }

  function uploadForm(
    caller: ApiCaller,
    url: string,
    parts: readonly FormPart[],
  ): Promise<LightMyRequestResponse> {
    const body = multipart(parts);
    return app.inject({
      method: 'POST',
      url,
      headers: {
        authorization: caller.authorization,
        'content-type': body.contentType,
      },
      payload: body.payload,
    });
  }

  async function names(group: Group): Promise<string[]> {
    const listed = await send(
      owner,
      'GET',
      `/api/v1/groups/${group.slug}/files?pageSize=100`,
    );
    return listed.json().items.map((f: { name: string }) => f.name);
  }

  it('refuses names over 255 bytes instead of cutting them into one file', async () => {
    const group = await newGroup();
    const files = `/api/v1/groups/${group.slug}/files`;
    const before = await storedFiles(dataDir);

    const statuses = [];
    for (const length of [300, 1000, 2000]) {
      const refused = await uploadRaw(
        member,
        `${files}?name=${'b'.repeat(length)}.txt`,
        `${length}`,
      );
      statuses.push(refused.statusCode);
      assert.deepEqual(refused.json().error.fields, { name: TOO_LONG });
    }
    const form = await uploadForm(member, files, [
      { name: 'file', filename: `${'é'.repeat(126)}.txt`, content: 'x' },
    ]);
    const longest = await uploadRaw(
      member,
      `${files}?name=${'b'.repeat(251)}.txt`,
      'fits',
    );

    assert.deepEqual(statuses, [422, 422, 422]);
    assert.equal(form.statusCode, 422);
    assert.equal(form.json().error.code, 'VALIDATION_FAILED');
    assert.deepEqual(form.json().error.fields, { file: TOO_LONG });
    assert.equal(longest.statusCode, 201, longest.body);
    assert.deepEqual(await names(group), [`${'b'.repeat(251)}.txt`]);
    assert.equal((await storedFiles(dataDir)).length, before.length + 1);
  });

  it('refuses names that clean to nothing rather than calling them all file', async () => {
    const group = await newGroup();
    const files = `/api/v1/groups/${group.slug}/files`;

    const answers = [];
    for (const name of ['', '...', '..', '%20.%20']) {
      const refused = await uploadRaw(member, `${files}?name=${name}`, name);
      answers.push([refused.statusCode, refused.json().error.fields]);
    }
    const form = await uploadForm(member, files, [
      { name: 'file', filename: '...', content: 'dots' },
    ]);

    assert.deepEqual(
      answers,
      [0, 1, 2, 3].map(() => [422, { name: 'Give the file a name' }]),
    );
    assert.equal(form.statusCode, 422);
    assert.deepEqual(form.json().error.fields, {
      file: 'Give the file a name',
    });
    assert.deepEqual(await names(group), []);
  });

  it('refuses a rename to a name too long or empty and keeps the old one', async () => {
    const group = await newGroup();
    const files = `/api/v1/groups/${group.slug}/files`;
    const made = await uploadRaw(member, `${files}?name=keep.txt`, 'k');
    const id = made.json().items[0].id;

    const long = await send(member, 'PATCH', `${files}/${id}`, {
      name: `${'c'.repeat(300)}.txt`,
    });
    const dots = await send(member, 'PATCH', `${files}/${id}`, {
      name: '. .',
    });

    assert.equal(long.statusCode, 422);
    assert.deepEqual(long.json().error.fields, { name: TOO_LONG });
    assert.equal(dots.statusCode, 422);
    assert.deepEqual(dots.json().error.fields, {
      name: 'Give the file a name',
    });
    assert.deepEqual(await names(group), ['keep.txt']);
  });

  it('names a file over the per-file limit even where the quota is smaller', async () => {
    const group = await newGroup();
    const files = `/api/v1/groups/${group.slug}/files`;
    const before = await storedFiles(dataDir);

    const raw = await uploadRaw(
      member,
      `${files}?name=big.bin`,
      'x'.repeat(3000),
    );
    const form = await uploadForm(member, files, [
      { name: 'file', filename: 'big.bin', content: 'x'.repeat(3000) },
    ]);
    const rawMid = await uploadRaw(
      member,
      `${files}?name=mid.bin`,
      'y'.repeat(1500),
    );
    const formMid = await uploadForm(member, files, [
      { name: 'file', filename: 'small.bin', content: 'z'.repeat(600) },
      { name: 'file', filename: 'mid.bin', content: 'y'.repeat(1500) },
    ]);

    const tooLarge = {
      code: 'FILE_TOO_LARGE',
      message: '‘big.bin’ is larger than 2 KB, the most one file can be',
    };
    const noSpace = {
      code: 'QUOTA_EXCEEDED',
      message:
        'There is not enough space left for ‘mid.bin’: delete old files ' +
        'or ask an administrator for more space',
    };
    assert.deepEqual([raw.statusCode, raw.json().error], [413, tooLarge]);
    assert.deepEqual([form.statusCode, form.json().error], [413, tooLarge]);
    assert.deepEqual([rawMid.statusCode, rawMid.json().error], [413, noSpace]);
    assert.deepEqual(
      [formMid.statusCode, formMid.json().error],
      [413, noSpace],
    );
    assert.deepEqual(await names(group), []);
    assert.deepEqual(await storedFiles(dataDir), before);
  });

  it('refuses a form with a field after its file and keeps nothing', async () => {
    const group = await newGroup();
    const files = `/api/v1/groups/${group.slug}/files`;
    const before = await storedFiles(dataDir);

    const refused = await uploadForm(member, files, [
      { name: 'file', filename: 'late.txt', content: 'fields come late' },
      { name: 'title', value: 'Too late' },
    ]);

    assert.equal(refused.statusCode, 422);
    assert.deepEqual(refused.json().error.fields, {
      file: "Send the form's fields before its files",
    });
    assert.deepEqual(await names(group), []);
    assert.deepEqual(await storedFiles(dataDir), before);
  });

  it('turns only %22, %0D and %0A in a form file name back into characters', async () => {
    const group = await newGroup();

    const made = await uploadForm(
      member,
      `/api/v1/groups/${group.slug}/files`,
      [
        {
          name: 'file',
          filename: 'say %22hi%22%0D%0A %41 %25.txt',
          content: 'q',
        },
      ],
    );

    assert.equal(made.statusCode, 201, made.body);
    assert.equal(made.json().items[0].name, 'say "hi" %41 %25.txt');
  });

  it('lets only the uploader and managers add a version by uploading the same name', async () => {
    const group = await newGroup();
    const files = `/api/v1/groups/${group.slug}/files`;
    const made = await uploadRaw(member, `${files}?name=plan.txt`, 'mine');
    const id = made.json().items[0].id;

    const raw = await uploadRaw(other, `${files}?name=PLAN.txt`, 'theirs');
    const form = await uploadForm(other, files, [
      { name: 'file', filename: 'plan.txt', content: 'theirs' },
    ]);
    const explicit = await uploadRaw(other, `${files}/${id}/versions`, 'x');
    const own = await uploadRaw(member, `${files}?name=plan.txt`, 'mine 2');
    const managed = await uploadRaw(owner, `${files}?name=plan.txt`, 'fixed');
    const versions = await send(owner, 'GET', `${files}/${id}/versions`);

    const taken = {
      code: 'NAME_TAKEN',
      message:
        'A file called ‘plan.txt’ is already in this folder, and only the ' +
        'person who uploaded it or the people who run this space can add ' +
        'versions: rename your file and upload it again.',
    };
    assert.deepEqual([raw.statusCode, raw.json().error], [409, taken]);
    assert.deepEqual([form.statusCode, form.json().error], [409, taken]);
    assert.equal(explicit.statusCode, 403);
    assert.equal(explicit.json().error.code, 'FILE_FORBIDDEN');
    assert.deepEqual([own.statusCode, own.json().items[0].version], [201, 2]);
    assert.deepEqual(
      [managed.statusCode, managed.json().items[0].version],
      [201, 3],
    );
    assert.equal(versions.json().total, 3);
  });

  it('answers 422 VALIDATION_FAILED for a form with no file or too many', async () => {
    const group = await newGroup();
    const files = `/api/v1/groups/${group.slug}/files`;
    const many = Array.from({ length: 21 }, (_, n) => ({
      name: 'file',
      filename: `f${n}.txt`,
      content: 'f',
    }));

    const none = await uploadForm(member, files, [
      { name: 'title', value: 'Nothing' },
    ]);
    const tooMany = await uploadForm(member, files, many);

    assert.deepEqual(
      [none.statusCode, none.json().error.code, none.json().error.fields],
      [422, 'VALIDATION_FAILED', { file: 'Select a file' }],
    );
    assert.deepEqual(
      [tooMany.statusCode, tooMany.json().error.fields],
      [422, { file: 'Select 20 files or fewer at a time' }],
    );
  });
});
