import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import type { Group } from '../../features/groups/groups.ts';
import { buildAccount, TestBrowser } from '../../test-support/app.ts';
import { describeEachDatabase } from '../../test-support/databases.ts';
import { addGroupMember, buildGroup } from '../../test-support/groups.ts';
import {
  buildFilesApp,
  multipart,
  TEST_FILE_MAX_BYTES,
} from './files-testing.ts';
import type { FormPart } from './files-testing.ts';

// The files pages as a person uses them, without JavaScript: the upload
// form with its CSRF token, versions, the details, move, delete and
// restore forms, and a secret group's file that an outsider cannot
// reach by any address.

/** A signed-in browser that can also post multipart forms. */
class FileBrowser {
  readonly browser: TestBrowser;
  private token = '';

  constructor(private readonly app: FastifyInstance) {
    this.browser = new TestBrowser(app);
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const response = await this.browser.get(url);
    this.token =
      /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? this.token;
    return response;
  }

  post(url: string, form: Record<string, string>) {
    return this.browser.post(url, form);
  }

  /** Posts a multipart form; `_csrf` leads unless `tokenFirst` is false. */
  upload(
    url: string,
    parts: readonly FormPart[],
    options: { tokenFirst?: boolean; header?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const token = { name: '_csrf', value: this.token };
    const all = options.tokenFirst === false ? parts : [token, ...parts];
    const body = multipart(all);
    const cookies = ['cm_session', 'cm_csrf']
      .map((name) => `${name}=${this.browser.cookie(name) ?? ''}`)
      .join('; ');
    return this.app.inject({
      method: 'POST',
      url,
      headers: {
        cookie: cookies,
        'content-type': body.contentType,
        ...(options.header ? { 'x-csrf-token': this.token } : {}),
      },
      payload: body.payload,
    });
  }
}

function fileIdFrom(body: string, title: string): number {
  const match = new RegExp(`href="/files/(\\d+)">${title}<`).exec(body);
  assert.ok(match, `${title} is listed`);
  return Number(match[1]);
}

await describeEachDatabase('the files pages', (database) => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let group: Group;
  let member: FileBrowser;
  let outsider: FileBrowser;
  let memberId: number;

  before(async () => {
    const { db } = database();
    ({ app, close } = await buildFilesApp(database()));
    const owner = await buildAccount(db, { displayName: 'Olive Owner' });
    const mo = await buildAccount(db, { displayName: 'Mo Member' });
    const otto = await buildAccount(db, { displayName: 'Otto Outsider' });
    group = await buildGroup(db, owner.id, {
      visibility: 'secret',
      name: 'Hidden Harbour',
    });
    await addGroupMember(db, group, mo.id);
    memberId = mo.id;
    member = new FileBrowser(app);
    await member.browser.signIn(mo.email);
    outsider = new FileBrowser(app);
    await outsider.browser.signIn(otto.email);
  });
  after(async () => {
    await close();
  });

  function listPath(): string {
    return `/groups/${group.slug}/files`;
  }

  it('uploads through the plain form, token first, and lists the file', async () => {
    const page = await member.get(listPath());

    const posted = await member.upload(listPath(), [
      { name: 'title', value: 'Harbour plan' },
      { name: 'file', filename: 'plan.txt', content: 'x'.repeat(1500) },
    ]);
    const listed = await member.get(listPath());

    assert.equal(page.statusCode, 200);
    assert.match(page.body, /enctype="multipart\/form-data"/);
    assert.match(page.body, /becomes a new version of it/);
    assert.match(
      page.body,
      /<script type="module" src="\/assets\/file-drop\.js">/,
    );
    assert.equal((await app.inject('/assets/file-drop.js')).statusCode, 200);
    assert.equal(posted.statusCode, 303, posted.body);
    assert.equal(posted.headers.location, `${listPath()}?done=uploaded`);
    assert.match(listed.body, /href="\/files\/\d+">Harbour plan</);
    assert.match(listed.body, /1\.5 KB/);
  });

  it('refuses a form whose file comes before its token, storing nothing', async () => {
    await member.get(listPath());

    const refused = await member.upload(
      listPath(),
      [
        { name: 'file', filename: 'early.txt', content: 'too early' },
        { name: '_csrf', value: 'ignored' },
      ],
      { tokenFirst: false },
    );
    const withHeader = await member.upload(
      listPath(),
      [{ name: 'file', filename: 'dropped.txt', content: 'from a drop' }],
      { tokenFirst: false, header: true },
    );
    const listed = await member.get(listPath());

    assert.equal(refused.statusCode, 403);
    assert.doesNotMatch(listed.body, /early\.txt/);
    assert.equal(withHeader.statusCode, 303, withHeader.body);
    assert.match(listed.body, />dropped\.txt</);
  });

  it('shows version 2 after an upload of the same name, each downloadable', async () => {
    await member.get(listPath());
    await member.upload(listPath(), [
      { name: 'file', filename: 'notes.txt', content: 'first notes' },
    ]);
    await member.get(listPath());
    await member.upload(listPath(), [
      { name: 'file', filename: 'notes.txt', content: 'second notes' },
    ]);
    const id = fileIdFrom((await member.get(listPath())).body, 'notes.txt');

    const page = await member.get(`/files/${id}`);
    const one = await member.get(`/files/${id}/versions/1/download`);
    const current = await member.get(`/files/${id}/download`);

    assert.match(page.body, /Upload a new version/);
    assert.match(page.body, /<h2 class="govuk-heading-m">Versions<\/h2>/);
    assert.match(page.body, /\/files\/\d+\/versions\/2\/download/);
    assert.match(page.body, /\/files\/\d+\/versions\/1\/revert/);
    assert.equal(one.body, 'first notes');
    assert.equal(current.body, 'second notes');
  });

  it('uploads a new version, reverts, renames, deletes and restores through forms', async () => {
    await member.get(listPath());
    await member.upload(listPath(), [
      { name: 'file', filename: 'draft.txt', content: 'one' },
    ]);
    await member.get(listPath());
    await member.upload(listPath(), [
      { name: 'file', filename: 'other.txt', content: 'other' },
    ]);
    const id = fileIdFrom((await member.get(listPath())).body, 'draft.txt');
    await member.get(`/files/${id}`);

    const version = await member.upload(`/files/${id}/versions`, [
      { name: 'comment', value: 'Fixed a typo' },
      { name: 'file', filename: 'anything.txt', content: 'two' },
    ]);
    await member.get(`/files/${id}`);
    const reverted = await member.post(`/files/${id}/versions/1/revert`, {});
    const afterRevert = await member.get(`/files/${id}/download`);
    await member.get(`/files/${id}`);
    const taken = await member.post(`/files/${id}/edit`, {
      name: 'OTHER.txt',
      title: 'Draft',
      description: '',
    });
    const renamed = await member.post(`/files/${id}/edit`, {
      name: 'final.txt',
      title: 'Final',
      description: 'Agreed',
    });
    const deleted = await member.post(`/files/${id}/delete`, {});
    const listed = await member.get(listPath());
    await member.get(`/files/${id}`);
    const restored = await member.post(`/files/${id}/restore`, {});
    const page = await member.get(`/files/${id}`);

    assert.equal(version.statusCode, 303, version.body);
    assert.equal(reverted.statusCode, 303);
    assert.equal(afterRevert.body, 'one');
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /<title>Error: /);
    assert.match(taken.body, /There is already a file with that name/);
    assert.equal(renamed.statusCode, 303);
    assert.equal(deleted.statusCode, 303);
    assert.doesNotMatch(listed.body, />Final</);
    assert.equal(restored.statusCode, 303);
    assert.match(
      page.body,
      /<h1 class="govuk-heading-l app-break-words">Final<\/h1>/,
    );
    assert.match(page.body, /final\.txt/);
    assert.match(page.body, /Fixed a typo/);
  });

  it('refuses another member’s upload of a taken name in the error summary', async () => {
    const { db } = database();
    const ann = await buildAccount(db, { displayName: 'Ann Another' });
    await addGroupMember(db, group, ann.id);
    const another = new FileBrowser(app);
    await another.browser.signIn(ann.email);
    await member.get(listPath());
    await member.upload(listPath(), [
      { name: 'file', filename: 'rota.txt', content: 'mine' },
    ]);
    const id = fileIdFrom((await member.get(listPath())).body, 'rota.txt');
    await another.get(listPath());

    const refused = await another.upload(listPath(), [
      { name: 'file', filename: 'rota.txt', content: 'theirs' },
    ]);
    const filePage = await another.get(`/files/${id}`);
    const download = await member.get(`/files/${id}/download`);

    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /govuk-error-summary/);
    assert.ok(
      refused.body.includes(
        '<a href="#file">A file called ‘rota.txt’ is already in this ' +
          'folder, and only the person who uploaded it or the people who ' +
          'run this space can add versions: rename your file and upload ' +
          'it again.</a>',
      ),
    );
    assert.doesNotMatch(filePage.body, /action="\/files\/\d+\/versions"/);
    assert.equal(download.body, 'mine');
  });

  it('refuses a file over the limit with the error summary, keeping nothing', async () => {
    await member.get(listPath());

    const refused = await member.upload(listPath(), [
      { name: 'title', value: 'Too big' },
      {
        name: 'file',
        filename: 'huge.txt',
        content: 'z'.repeat(TEST_FILE_MAX_BYTES + 1),
      },
    ]);
    const listed = await member.get(listPath());

    assert.equal(refused.statusCode, 413);
    assert.match(refused.body, /<title>Error: /);
    assert.match(refused.body, /govuk-error-summary/);
    assert.match(
      refused.body,
      /‘huge\.txt’ is larger than 2 KB, the most one file can be/,
    );
    assert.doesNotMatch(listed.body, /huge\.txt/);
  });

  it('shows an image inline with the alternative text it is given', async () => {
    const png = await sharp({
      create: { width: 2, height: 2, channels: 3, background: '#00703c' },
    })
      .png()
      .toBuffer();
    await member.get(listPath());
    await member.upload(listPath(), [
      { name: 'file', filename: 'chart.png', content: png },
    ]);
    const id = fileIdFrom((await member.get(listPath())).body, 'chart.png');
    await member.get(`/files/${id}`);

    const saved = await member.post(`/files/${id}/edit`, {
      name: 'chart.png',
      title: 'Chart',
      description: '',
      altText: 'Bar chart of replies by month',
    });
    const page = await member.get(`/files/${id}`);

    assert.equal(saved.statusCode, 303);
    assert.match(
      page.body,
      new RegExp(
        `<img class="app-file-preview" src="/files/${id}/download" ` +
          'alt="Bar chart of replies by month">',
      ),
    );
    assert.match(
      page.body,
      /<dd class="govuk-summary-list__value">\s*PNG image\s*<\/dd>/,
    );
  });

  it('makes folders and uploads into them', async () => {
    await member.get(listPath());
    const made = await member.post(`/groups/${group.slug}/folders`, {
      name: 'Minutes',
    });
    const top = await member.get(listPath());
    const folderId = Number(/\?folder=(\d+)/.exec(top.body)?.[1]);
    const inside = await member.get(`${listPath()}?folder=${folderId}`);

    const posted = await member.upload(listPath(), [
      { name: 'folder', value: String(folderId) },
      { name: 'file', filename: 'june.txt', content: 'June' },
    ]);
    const after = await member.get(`${listPath()}?folder=${folderId}`);

    assert.equal(made.statusCode, 303);
    assert.match(
      inside.body,
      /<h1 class="govuk-heading-l app-break-words">Minutes<\/h1>/,
    );
    assert.equal(posted.statusCode, 303, posted.body);
    assert.match(after.body, />june\.txt</);
  });

  it('links the group’s and a person’s files, and keeps a person’s files from guests', async () => {
    const { db } = database();
    const guest = await buildAccount(db, { role: 'guest' });
    const guestBrowser = new FileBrowser(app);
    await guestBrowser.browser.signIn(guest.email);
    const own = `/people/${memberId}/files`;

    const groupPage = await member.get(`/groups/${group.slug}`);
    const profile = await member.get(`/people/${memberId}`);
    await member.get(own);
    const posted = await member.upload(own, [
      { name: 'file', filename: 'cv.txt', content: 'my cv' },
    ]);
    const seen = await outsider.get(own);
    const guestSees = await guestBrowser.get(own);

    assert.match(groupPage.body, new RegExp(`href="${listPath()}"`));
    assert.match(profile.body, new RegExp(`href="${own}"`));
    assert.equal(posted.statusCode, 303, posted.body);
    assert.match(seen.body, />cv\.txt</);
    assert.doesNotMatch(seen.body, /Upload files/);
    assert.equal(guestSees.statusCode, 404);
  });

  it('answers 404 to an outsider on the page, download, display, thumbnail and API', async () => {
    await member.get(listPath());
    await member.upload(listPath(), [
      { name: 'file', filename: 'secret.txt', content: 'sealed' },
    ]);
    const id = fileIdFrom((await member.get(listPath())).body, 'secret.txt');
    const urls = [
      listPath(),
      `/files/${id}`,
      `/files/${id}/download`,
      `/files/${id}/versions/1/download`,
      `/files/${id}/display`,
      `/files/${id}/thumbnail`,
      `/api/v1/groups/${group.slug}/files/${id}`,
    ];

    const answers = [];
    for (const url of urls) {
      const response = await outsider.get(url);
      answers.push(response.statusCode);
      assert.doesNotMatch(
        response.body,
        /sealed|secret\.txt|Hidden Harbour/,
        url,
      );
    }
    await outsider.get('/');
    const rename = await outsider.post(`/files/${id}/edit`, {
      name: 'mine.txt',
      title: 'Mine',
    });

    assert.deepEqual(
      answers,
      urls.map(() => 404),
    );
    assert.equal(rename.statusCode, 404);
  });
});
