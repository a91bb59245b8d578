import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import {
  addGroupMember,
  buildCaller,
  buildGroup,
  callApi,
} from '../../test-support/groups.ts';
import type { ApiCaller } from '../../test-support/groups.ts';
import { buildDocx } from '../files/process/fixtures.ts';
import { processVersion } from '../files/process/job.ts';
import { memoryBlobStore } from '../files/process/memory-store.ts';
import { saveUploads } from '../files/service.ts';

// A file in search results, through the page and the API: labelled
// "File", linked to its page, offered as a kind to filter by, and
// absent for someone outside its secret group.

await describeEachDatabase('files in the search page and API', (database) => {
  let app: FastifyInstance;
  let member: ApiCaller;
  let outsider: ApiCaller;
  let fileId: number;

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    member = await buildCaller(db, { displayName: 'Mina Member' });
    outsider = await buildCaller(db, { displayName: 'Otto Outsider' });
    const group = await buildGroup(db, member.id, { visibility: 'secret' });
    const other = await buildGroup(db, outsider.id);
    await addGroupMember(db, other, member.id);
    const store = memoryBlobStore(db);
    const blob = await store.put(
      Readable.from([Buffer.from(buildDocx([['Ptarmigan routes for 2027']]))]),
      { maxBytes: 1e6 },
    );
    const [recorded] = await saveUploads(
      db,
      {
        kind: 'person',
        id: member.id,
        role: 'member',
        displayName: 'Mina',
        via: 'token',
      },
      {
        container: { kind: 'group', groupId: group.id },
        folderId: null,
        title: 'Routes',
        description: '',
        comment: '',
      },
      [{ name: 'routes.docx', blob }],
      {
        maxBytes: 1e6,
        groupQuotaBytes: 1e7,
        personQuotaBytes: 1e7,
        maxFilesPerRequest: 1,
      },
    );
    assert.ok(recorded);
    fileId = recorded.fileId;
    await processVersion(db, store, recorded.versionId);
  });

  after(async () => {
    await app.close();
  });

  it('answers a file found by its words with its kind and address', async () => {
    const url = '/api/v1/search?q=ptarmigan&kind=file';
    const response = await callApi(app, member, 'GET', url);
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.total, 1);
    assert.deepEqual(
      body.items.map(
        (item: { kind: string; id: number; url: string; title: string }) => ({
          kind: item.kind,
          id: item.id,
          url: item.url,
          title: item.title,
        }),
      ),
      [{ kind: 'file', id: fileId, url: `/files/${fileId}`, title: 'Routes' }],
    );
    assert.match(body.items[0].snippetHtml, /<mark>Ptarmigan<\/mark> routes/);
  });

  it('finds nothing for someone outside the secret group', async () => {
    const response = await callApi(
      app,
      outsider,
      'GET',
      '/api/v1/search?q=ptarmigan',
    );
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(
      { total: response.json().total, items: response.json().items },
      { total: 0, items: [] },
    );
  });

  it('shows a file result labelled File and offers File as a kind', async () => {
    const headers = { authorization: member.authorization };
    const page = await app.inject({ url: '/search?q=ptarmigan', headers });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /1 result\b/);
    assert.match(page.body, /govuk-tag--grey">\s*File\s*</);
    assert.match(page.body, new RegExp(`href="/files/${fileId}">Routes</a>`));
    assert.match(page.body, /name="kind" type="checkbox" value="file"/);
  });
});
