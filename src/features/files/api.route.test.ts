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
import {
  buildFilesApp,
  multipart,
  TEST_FILE_MAX_BYTES,
} from './files-testing.ts';
import type { FormPart } from './files-testing.ts';

// The files API through inject(): uploads stream in as a form or a raw
// body, names make versions, bytes come back as they went in, and a
// secret group's files answer 404 to anyone outside it.

/** Every file the store holds, so a test can say nothing was kept. */
async function storedFiles(dataDir: string): Promise<string[]> {
  const blobs = join(dataDir, 'files', 'blobs');
  try {
    const entries = await readdir(blobs, { recursive: true });
    return entries.filter((entry) => /[0-9a-f]{64}$/.test(entry));
  } catch {
    return [];
  }
}

await describeEachDatabase('the files API', (database) => {
  let app: FastifyInstance;
  let dataDir: string;
  let close: () => Promise<void>;
  let owner: ApiCaller;
  let member: ApiCaller;
  let outsider: ApiCaller;
  let secret: Group;

  before(async () => {
    const { db } = database();
    ({ app, dataDir, close } = await buildFilesApp(database()));
    owner = await buildCaller(db, { displayName: 'Olive Owner' });
    member = await buildCaller(db, { displayName: 'Mo Member' });
    outsider = await buildCaller(db, { displayName: 'Otto Outsider' });
    secret = await buildGroup(db, owner.id, { visibility: 'secret' });
    await addGroupMember(db, secret, member.id);
  });
  after(async () => {
    await close();
  });

  function base(group: Group = secret): string {
    return `/api/v1/groups/${group.slug}`;
  }

  function send(
    caller: ApiCaller | null,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ): Promise<LightMyRequestResponse> {
    return app.inject({
      method,
      url,
      headers: caller ? { authorization: caller.authorization } : {},
      ...(payload === undefined ? {} : { payload }),
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

  function uploadRaw(
    caller: ApiCaller,
    url: string,
    content: Buffer | string,
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

  it('makes an upload of the same name version 2, and gives each back byte for byte', async () => {
    const first = Buffer.from([0, 1, 2, 250, 251, 252, 13, 10]);
    const second = 'the second version\n';

    const made = await uploadForm(member, `${base()}/files`, [
      { name: 'title', value: 'Budget' },
      { name: 'file', filename: 'budget.bin', content: first },
    ]);
    const again = await uploadRaw(
      member,
      `${base()}/files?name=Budget.BIN&description=${encodeURIComponent('Costs')}`,
      second,
    );
    const [file] = made.json().items;
    const versions = await send(
      member,
      'GET',
      `${base()}/files/${file.id}/versions`,
    );
    const one = await send(
      member,
      'GET',
      `${base()}/files/${file.id}/versions/1/content`,
    );
    const current = await send(member, 'GET', `/files/${file.id}/download`);

    assert.equal(made.statusCode, 201, made.body);
    assert.deepEqual(
      [file.name, file.title, file.version, file.created, file.size],
      ['budget.bin', 'Budget', 1, true, 8],
    );
    assert.equal(again.statusCode, 201, again.body);
    const [next] = again.json().items;
    assert.deepEqual(
      [next.id, next.version, next.created, next.description],
      [file.id, 2, false, 'Costs'],
    );
    assert.deepEqual(
      versions.json().items.map((v: { number: number }) => v.number),
      [2, 1],
    );
    assert.equal(versions.json().total, 2);
    assert.equal(one.statusCode, 200);
    assert.deepEqual(one.rawPayload, first);
    assert.match(String(one.headers['content-disposition']), /^attachment;/);
    assert.equal(current.rawPayload.toString(), second);
  });

  it('reverts to version 1 with a third version holding its bytes', async () => {
    const made = await uploadRaw(member, `${base()}/files?name=r.txt`, 'first');
    const { id } = made.json().items[0];
    await uploadRaw(member, `${base()}/files?name=r.txt`, 'second');

    const reverted = await send(
      member,
      'POST',
      `${base()}/files/${id}/versions/1/revert`,
    );
    const content = await send(member, 'GET', `/files/${id}/download`);

    assert.equal(reverted.statusCode, 201, reverted.body);
    assert.equal(reverted.json().number, 3);
    assert.equal(reverted.json().comment, 'Reverted to version 1');
    assert.equal(content.body, 'first');
  });

  it('renames, moves, deletes and restores, refusing a taken name', async () => {
    const a = (
      await uploadRaw(member, `${base()}/files?name=a.txt`, 'a')
    ).json().items[0];
    const b = (
      await uploadRaw(member, `${base()}/files?name=b.txt`, 'b')
    ).json().items[0];
    const folder = await send(member, 'POST', `${base()}/folders`, {
      name: 'Minutes',
    });

    const taken = await send(member, 'PATCH', `${base()}/files/${b.id}`, {
      name: 'A.TXT',
    });
    const moved = await send(member, 'PATCH', `${base()}/files/${b.id}`, {
      name: 'a.txt',
      folder: folder.json().id,
    });
    const deleted = await send(member, 'DELETE', `${base()}/files/${a.id}`);
    const listed = await send(
      member,
      'GET',
      `${base()}/files?folder=${folder.json().id}`,
    );
    await send(member, 'PATCH', `${base()}/files/${b.id}`, { folder: null });
    const blocked = await send(
      member,
      'POST',
      `${base()}/files/${a.id}/restore`,
    );
    await send(member, 'PATCH', `${base()}/files/${b.id}`, { name: 'b.txt' });
    const restored = await send(
      member,
      'POST',
      `${base()}/files/${a.id}/restore`,
    );

    assert.equal(folder.statusCode, 201, folder.body);
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().error.code, 'NAME_TAKEN');
    assert.equal(moved.statusCode, 200, moved.body);
    assert.deepEqual(
      [moved.json().name, moved.json().folder],
      ['a.txt', folder.json().id],
    );
    assert.equal(deleted.json().deleted, true);
    assert.deepEqual(
      listed.json().items.map((f: { name: string }) => f.name),
      ['a.txt'],
    );
    assert.equal(blocked.statusCode, 409);
    assert.equal(blocked.json().error.code, 'NAME_TAKEN');
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(restored.json().deleted, false);
  });

  it('refuses a file over the limit before storing it, and stores nothing', async () => {
    const before = await storedFiles(dataDir);
    const big = 'x'.repeat(TEST_FILE_MAX_BYTES + 1);

    const raw = await uploadRaw(member, `${base()}/files?name=big.txt`, big);
    const form = await uploadForm(member, `${base()}/files`, [
      { name: 'file', filename: 'small.txt', content: 'small and new' },
      { name: 'file', filename: 'big.txt', content: big },
    ]);
    const listed = await send(member, 'GET', `${base()}/files?pageSize=100`);

    assert.equal(raw.statusCode, 413);
    assert.equal(raw.json().error.code, 'FILE_TOO_LARGE');
    assert.equal(form.statusCode, 413);
    assert.equal(form.json().error.code, 'FILE_TOO_LARGE');
    const names = listed.json().items.map((f: { name: string }) => f.name);
    assert.ok(!names.includes('small.txt'));
    assert.ok(!names.includes('big.txt'));
    assert.deepEqual(await storedFiles(dataDir), before);
  });

  it('refuses a form with more than 20 files and keeps none of them', async () => {
    const { db } = database();
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    const files = Array.from({ length: 21 }, (_, n) => ({
      name: 'file',
      filename: `part${n}.txt`,
      content: `part ${n}`,
    }));

    const refused = await uploadForm(owner, `${base(group)}/files`, files);
    const listed = await send(owner, 'GET', `${base(group)}/files`);

    assert.equal(refused.statusCode, 422);
    assert.deepEqual(refused.json().error.fields, {
      file: 'Select 20 files or fewer at a time',
    });
    assert.equal(listed.json().total, 0);
  });

  it('refuses an upload past the group’s quota with QUOTA_EXCEEDED', async () => {
    const { db } = database();
    const group = await buildGroup(db, owner.id, { visibility: 'closed' });
    for (const n of [1, 2]) {
      const filled = await uploadRaw(
        owner,
        `${base(group)}/files?name=fill${n}.txt`,
        String(n).repeat(TEST_FILE_MAX_BYTES),
      );
      assert.equal(filled.statusCode, 201, filled.body);
    }

    const over = await uploadRaw(
      owner,
      `${base(group)}/files?name=over.txt`,
      'y'.repeat(TEST_FILE_MAX_BYTES),
    );

    assert.equal(over.statusCode, 413);
    assert.equal(over.json().error.code, 'QUOTA_EXCEEDED');
  });

  it('answers 404 to an outsider for every route of a secret group’s file', async () => {
    const made = await uploadRaw(
      member,
      `${base()}/files?name=s.txt`,
      'secret',
    );
    const { id } = made.json().items[0];
    const urls = [
      `${base()}/files`,
      `${base()}/files/${id}`,
      `${base()}/files/${id}/versions`,
      `${base()}/files/${id}/versions/1/content`,
      `${base()}/folders`,
      `/files/${id}`,
      `/files/${id}/download`,
      `/files/${id}/versions/1/download`,
      `/files/${id}/display`,
      `/files/${id}/thumbnail`,
    ];

    const statuses = [];
    for (const url of urls) {
      const response = await send(outsider, 'GET', url);
      statuses.push(response.statusCode);
      assert.doesNotMatch(response.body, /secret|s\.txt/, url);
    }
    const patched = await send(outsider, 'PATCH', `${base()}/files/${id}`, {
      name: 'mine.txt',
    });
    const posted = await uploadRaw(outsider, `${base()}/files?name=x.txt`, 'x');

    assert.deepEqual(
      statuses,
      urls.map(() => 404),
    );
    assert.equal(patched.statusCode, 404);
    assert.equal(posted.statusCode, 404);
  });

  it('cleans hostile file names before they are kept or sent', async () => {
    const names = [
      '../../etc/passwd',
      '..\\..\\boot.ini',
      'bell\u0007\u202egpj.exe',
    ];

    const kept = [];
    for (const raw of names) {
      const made = await uploadRaw(
        member,
        `${base()}/files?name=${encodeURIComponent(raw)}`,
        raw,
      );
      const file = made.json().items[0];
      const download = await send(member, 'GET', `/files/${file.id}/download`);
      kept.push(file.name);
      assert.doesNotMatch(
        String(download.headers['content-disposition']),
        /[\u0000-\u001f\u007f]|\.\.\//,
      );
    }

    assert.deepEqual(kept, ['passwd', 'boot.ini', 'bellgpj.exe']);
  });

  it('lists a place’s files a page at a time in the API’s list shape', async () => {
    const { db } = database();
    const group = await buildGroup(db, owner.id, { visibility: 'open' });
    for (const name of ['c.txt', 'a.txt', 'b.txt']) {
      await uploadRaw(owner, `${base(group)}/files?name=${name}`, name);
    }

    const page = await send(
      owner,
      'GET',
      `${base(group)}/files?page=2&pageSize=2`,
    );

    assert.equal(page.statusCode, 200);
    assert.deepEqual(
      {
        names: page.json().items.map((f: { name: string }) => f.name),
        total: page.json().total,
        page: page.json().page,
        pageSize: page.json().pageSize,
      },
      { names: ['c.txt'], total: 3, page: 2, pageSize: 2 },
    );
  });
});
