import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { runJobs } from '../../../platform/jobs.ts';
import { openBlobStore } from '../../../platform/storage/index.ts';
import { buildTestApp } from '../../../test-support/app.ts';
import { describeEachDatabase } from '../../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
} from '../../../test-support/groups.ts';
import type { ApiCaller } from '../../../test-support/groups.ts';
import { multipart } from '../files-testing.ts';
import { buildDocx } from '../process/fixtures.ts';
import { processFilesJob } from '../process/job.ts';
import { PROCESS_JOB } from '../versions.ts';
import { buildPng } from './hostile-files.ts';

// A secret group's files reach no one outside it: not the file's page,
// its downloads, its previews, the API, nor search, where it is not even
// counted. Each address is first shown to work for a member, so a 404
// for the outsider means the file was hidden, not that the address was
// wrong.

const WORD = 'Quokkaburrow';

await describeEachDatabase("a secret group's files", (database) => {
  let dataDir: string;
  let app: FastifyInstance;
  let member: ApiCaller;
  let outsider: ApiCaller;
  let slug: string;
  const ids = { docx: 0, png: 0 };

  before(async () => {
    const { db } = database();
    dataDir = await mkdtemp(join(tmpdir(), 'civilmedia-secret-'));
    app = await buildTestApp(database(), { DATA_DIR: dataDir });
    const owner = await buildCaller(db, { displayName: 'Sage Secret' });
    member = await buildCaller(db, { displayName: 'Mae Member' });
    outsider = await buildCaller(db, { displayName: 'Otis Outsider' });
    const group = await buildGroup(db, owner.id, { visibility: 'secret' });
    await addGroupMember(db, group, member.id);
    // The outsider shares another group with the member.
    const open = await buildGroup(db, outsider.id);
    await addGroupMember(db, open, member.id);
    slug = group.slug;

    const body = multipart([
      { name: 'title', value: `Plans ${WORD}` },
      {
        name: 'file',
        filename: 'plans.docx',
        content: Buffer.from(buildDocx([[`The ${WORD} survey route`]])),
      },
      { name: 'file', filename: 'map.png', content: await buildPng(40, 30) },
    ]);
    const made = await app.inject({
      method: 'POST',
      url: `/api/v1/groups/${slug}/files`,
      headers: {
        authorization: owner.authorization,
        'content-type': body.contentType,
      },
      payload: body.payload,
    });
    assert.equal(made.statusCode, 201, made.body);
    [ids.docx, ids.png] = made
      .json()
      .items.map((item: { id: number }) => item.id);

    const config = { dataDir, fileStorage: 'disk' as const };
    const handlers = {
      [PROCESS_JOB]: processFilesJob((on) => openBlobStore(config, on)),
    };
    assert.equal(await runJobs(db, handlers, { workerId: 'secret' }), 2);
  });

  after(async () => {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = (caller: ApiCaller, url: string) =>
    app.inject({ url, headers: { authorization: caller.authorization } });

  /** Every address that shows the files or their bytes. */
  function addresses(): string[] {
    const api = `/api/v1/groups/${slug}`;
    const each = (id: number) => [
      `/files/${id}`,
      `/files/${id}/download`,
      `/files/${id}/versions/1/download`,
      `${api}/files/${id}`,
      `${api}/files/${id}/versions`,
      `${api}/files/${id}/versions/1/content`,
    ];
    return [
      `/groups/${slug}/files`,
      `${api}/files`,
      `${api}/folders`,
      ...each(ids.docx),
      ...each(ids.png),
      `/files/${ids.png}/display`,
      `/files/${ids.png}/thumbnail`,
      `/files/${ids.docx}/thumbnail`,
    ];
  }

  it('shows a member every address', async () => {
    for (const url of addresses()) {
      const response = await get(member, url);
      const expected = url === `/files/${ids.docx}/thumbnail` ? 404 : 200;
      assert.equal(response.statusCode, expected, url);
    }
  });

  it('answers 404 to an outsider at every address, saying nothing of the file', async () => {
    for (const url of addresses()) {
      const response = await get(outsider, url);
      assert.equal(response.statusCode, 404, url);
      assert.ok(!response.body.includes('plans.docx'), url);
      assert.ok(!response.body.includes(WORD), url);
      assert.equal(response.headers['content-disposition'], undefined, url);
    }
  });

  it('answers 404 to an outsider changing the files, and changes nothing', async () => {
    const { db } = database();
    const snapshot = () =>
      db
        .selectFrom('files')
        .select(['id', 'name', 'title', 'deleted_at', 'current_version_id'])
        .orderBy('id')
        .execute();
    const rowsBefore = await snapshot();
    const api = `/api/v1/groups/${slug}`;
    const id = ids.docx;
    const writes: [string, string, object | Buffer | undefined][] = [
      ['PATCH', `${api}/files/${id}`, { name: 'mine.docx' }],
      ['DELETE', `${api}/files/${id}`, undefined],
      ['POST', `${api}/files/${id}/restore`, undefined],
      ['POST', `${api}/files/${id}/versions/1/revert`, undefined],
      ['POST', `${api}/files/${id}/versions?name=x.txt`, Buffer.from('x')],
      ['POST', `${api}/files?name=x.txt`, Buffer.from('x')],
      ['POST', `${api}/folders`, { name: 'Mine' }],
    ];
    for (const [method, url, payload] of writes) {
      const response = await app.inject({
        method: method as 'POST',
        url,
        headers: {
          authorization: outsider.authorization,
          ...(Buffer.isBuffer(payload)
            ? { 'content-type': 'application/octet-stream' }
            : {}),
        },
        ...(payload === undefined ? {} : { payload }),
      });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
    }
    assert.deepEqual(await snapshot(), rowsBefore);
  });

  it('finds the file by its words for a member, not even counted for others', async () => {
    const url = `/api/v1/search?q=${WORD.toLowerCase()}`;
    const mine = (await get(member, url)).json();
    assert.equal(mine.total, 1);
    assert.deepEqual(
      mine.items.map((item: { kind: string; id: number }) => [
        item.kind,
        item.id,
      ]),
      [['file', ids.docx]],
    );

    const theirs = await get(outsider, url);
    assert.equal(theirs.statusCode, 200);
    assert.deepEqual(
      { total: theirs.json().total, items: theirs.json().items },
      { total: 0, items: [] },
    );
    const kind = await get(outsider, `${url}&kind=file`);
    assert.equal(kind.json().total, 0);
    const page = await get(outsider, `/search?q=${WORD.toLowerCase()}`);
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes(WORD), 'the search page shows the word');
    assert.ok(!page.body.includes(`/files/${ids.docx}`));
  });
});
