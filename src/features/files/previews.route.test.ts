import assert from 'node:assert/strict';
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
import { runJobs } from '../../platform/jobs.ts';
import { openBlobStore } from '../../platform/storage/index.ts';
import {
  attachRaw,
  buildWikiPage,
  tinyPng,
} from './attachments/attachments-testing.ts';
import { buildFilesApp } from './files-testing.ts';
import { processFilesJob } from './process/job.ts';
import { PROCESS_JOB } from './versions.ts';

// An image's display address before and after the background job has
// drawn its copies, what the copies are called when saved, and how an
// image's own page and an attachment's page describe it.

await describeEachDatabase('file previews', (database) => {
  let app: FastifyInstance;
  let dataDir: string;
  let close: () => Promise<void>;
  let member: ApiCaller;
  let group: Group;

  before(async () => {
    const { db } = database();
    ({ app, dataDir, close } = await buildFilesApp(database()));
    const owner = await buildCaller(db, { displayName: 'Olive Owner' });
    member = await buildCaller(db, { displayName: 'Mo Member' });
    group = await buildGroup(db, owner.id, { visibility: 'secret' });
    await addGroupMember(db, group, member.id);
  });
  after(async () => {
    await close();
  });

  function get(url: string): Promise<LightMyRequestResponse> {
    return app.inject({
      method: 'GET',
      url,
      headers: { authorization: member.authorization },
    });
  }

  async function runQueue(): Promise<void> {
    const { db } = database();
    const store = openBlobStore(
      { dataDir, fileStorage: 'disk' } as Parameters<typeof openBlobStore>[0],
      db,
    );
    await runJobs(
      db,
      { [PROCESS_JOB]: processFilesJob(() => store) },
      { workerId: 'previews-test' },
    );
  }

  it('sends an image’s original from its display address until the copy is drawn', async () => {
    const png = await tinyPng();
    const files = `/api/v1/groups/${group.slug}/files`;
    const image = await attachRaw(app, member, `${files}?name=red.png`, png);
    const text = await attachRaw(app, member, `${files}?name=n.txt`, 'notes');
    const imageId = image.json().items[0].id;
    const textId = text.json().items[0].id;

    const early = await get(`/files/${imageId}/display`);
    const notImage = await get(`/files/${textId}/display`);
    const noThumbnail = await get(`/files/${imageId}/thumbnail`);
    await runQueue();
    const display = await get(`/files/${imageId}/display`);
    const thumbnail = await get(`/files/${imageId}/thumbnail`);

    assert.equal(early.statusCode, 200);
    assert.deepEqual(early.rawPayload, png);
    assert.equal(
      early.headers['content-disposition'],
      'attachment; filename="red.png"; filename*=UTF-8\'\'red.png',
    );
    assert.equal(notImage.statusCode, 404);
    assert.equal(noThumbnail.statusCode, 404);
    assert.equal(display.statusCode, 200);
    assert.match(
      String(display.headers['content-disposition']),
      /^inline; filename="red-display\.(png|jpg)"/,
    );
    assert.equal(
      thumbnail.headers['content-disposition'],
      'inline; filename="red-thumbnail.png"; filename*=UTF-8\'\'red-thumbnail.png',
    );
  });

  it('gives an image with no alternative text its title as alt on its own page', async () => {
    const png = await tinyPng();
    const made = await attachRaw(
      app,
      member,
      `/api/v1/groups/${group.slug}/files?name=dot.png&title=Green%20dot`,
      png,
    );
    const id = made.json().items[0].id;

    const page = await get(`/files/${id}`);

    assert.match(
      page.body,
      new RegExp(
        `<img class="app-file-preview" src="/files/${id}/download" ` +
          'alt="Green dot">',
      ),
    );
  });

  it('links an attached file’s page back to the item it is attached to', async () => {
    const { db } = database();
    const pageId = await buildWikiPage(app, db, member, group.slug, 'Tides');
    const made = await attachRaw(
      app,
      member,
      `/api/v1/attachments/wiki-page/${pageId}?name=times.txt`,
      'High water 06:14',
    );
    const id = made.json().items[0].id;

    const page = await get(`/files/${id}`);

    assert.equal(made.statusCode, 201, made.body);
    assert.match(
      page.body,
      new RegExp(
        `Attached to <a class="govuk-link" href="/wiki/${group.slug}/Tides">Tides</a>`,
      ),
    );
    assert.match(
      page.body,
      new RegExp(
        `<a class="govuk-breadcrumbs__link" href="/wiki/${group.slug}/Tides">Tides</a>`,
      ),
    );
  });
});
