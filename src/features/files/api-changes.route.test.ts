import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
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
import { buildFilesApp } from './files-testing.ts';

// The files API's deleted lists, PATCH bodies that change nothing or name
// fields it does not have, and the refusal of an upload to someone
// else's own files.

await describeEachDatabase(
  'changes and deleted lists in the files API',
  (database) => {
    let app: FastifyInstance;
    let close: () => Promise<void>;
    let owner: ApiCaller;
    let member: ApiCaller;
    let reader: ApiCaller;

    before(async () => {
      const { db } = database();
      ({ app, close } = await buildFilesApp(database()));
      owner = await buildCaller(db, { displayName: 'Olive Owner' });
      member = await buildCaller(db, { displayName: 'Mo Member' });
      reader = await buildCaller(db, { displayName: 'Rita Reader' });
    });
    after(async () => {
      await close();
    });

    async function newGroup(
      visibility: 'open' | 'secret' = 'open',
    ): Promise<Group> {
      const { db } = database();
      const group = await buildGroup(db, owner.id, { visibility });
      await addGroupMember(db, group, member.id);
      return group;
    }

    function send(
      caller: ApiCaller,
      method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
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

    function namesOf(response: LightMyRequestResponse): string[] {
      return response.json().items.map((each: { name: string }) => each.name);
    }

    it('lists deleted files and folders to those who may restore them', async () => {
      const group = await newGroup();
      const base = `/api/v1/groups/${group.slug}`;
      for (const [caller, name] of [
        [owner, 'olive.txt'],
        [member, 'mo.txt'],
        [member, 'kept.txt'],
      ] as const) {
        const made = await uploadRaw(
          caller,
          `${base}/files?name=${name}`,
          name,
        );
        if (name !== 'kept.txt') {
          await send(
            caller,
            'DELETE',
            `${base}/files/${made.json().items[0].id}`,
          );
        }
      }
      for (const [caller, name] of [
        [owner, 'Old'],
        [member, 'Mine'],
      ] as const) {
        const made = await send(caller, 'POST', `${base}/folders`, { name });
        await send(caller, 'DELETE', `${base}/folders/${made.json().id}`);
      }

      const managerFiles = await send(
        owner,
        'GET',
        `${base}/files?deleted=true`,
      );
      const memberFiles = await send(
        member,
        'GET',
        `${base}/files?deleted=true`,
      );
      const readerFiles = await send(
        reader,
        'GET',
        `${base}/files?deleted=true`,
      );
      const managerFolders = await send(
        owner,
        'GET',
        `${base}/folders?deleted=true`,
      );
      const memberFolders = await send(
        member,
        'GET',
        `${base}/folders?deleted=true`,
      );
      const readerFolders = await send(
        reader,
        'GET',
        `${base}/folders?deleted=true`,
      );
      const bad = await send(owner, 'GET', `${base}/files?deleted=yes`);

      assert.deepEqual(namesOf(managerFiles), ['mo.txt', 'olive.txt']);
      assert.equal(managerFiles.json().total, 2);
      assert.equal(managerFiles.json().items[0].deleted, true);
      assert.deepEqual(namesOf(memberFiles), ['mo.txt']);
      assert.equal(readerFiles.statusCode, 403);
      assert.equal(readerFiles.json().error.code, 'FILE_FORBIDDEN');
      assert.deepEqual(namesOf(managerFolders), ['Mine', 'Old']);
      assert.deepEqual(namesOf(memberFolders), ['Mine']);
      assert.equal(readerFolders.statusCode, 403);
      assert.equal(bad.statusCode, 422);
      assert.deepEqual(bad.json().error.fields, {
        deleted: 'Send deleted=true or deleted=false',
      });
    });

    it('answers 404 for a secret group’s deleted list to someone outside it', async () => {
      const group = await newGroup('secret');

      const files = await send(
        reader,
        'GET',
        `/api/v1/groups/${group.slug}/files?deleted=true`,
      );
      const folders = await send(
        reader,
        'GET',
        `/api/v1/groups/${group.slug}/folders?deleted=true`,
      );

      assert.deepEqual([files.statusCode, folders.statusCode], [404, 404]);
    });

    it('keeps updatedAt on a PATCH that changes nothing; refuses unknown fields', async () => {
      const group = await newGroup();
      const files = `/api/v1/groups/${group.slug}/files`;
      const made = await uploadRaw(
        member,
        `${files}?name=same.txt&title=Same`,
        's',
      );
      const id = made.json().items[0].id;
      const before = (await send(member, 'GET', `${files}/${id}`)).json();
      await sleep(15);

      const same = await send(member, 'PATCH', `${files}/${id}`, {
        name: 'same.txt',
        title: 'Same',
        description: '',
      });
      const empty = await send(member, 'PATCH', `${files}/${id}`, {});
      const unknown = await send(member, 'PATCH', `${files}/${id}`, {
        titel: 'Typo',
        colour: 'red',
      });
      const folder = await send(
        member,
        'POST',
        `/api/v1/groups/${group.slug}/folders`,
        {
          name: 'F',
        },
      );
      const folderUnknown = await send(
        member,
        'PATCH',
        `/api/v1/groups/${group.slug}/folders/${folder.json().id}`,
        { parentId: null },
      );
      const after = (await send(member, 'GET', `${files}/${id}`)).json();

      assert.deepEqual([same.statusCode, empty.statusCode], [200, 200]);
      assert.equal(same.json().updatedAt, before.updatedAt);
      assert.equal(after.updatedAt, before.updatedAt);
      assert.equal(unknown.statusCode, 422);
      assert.deepEqual(unknown.json().error.fields, {
        titel:
          'There is no field titel to change: send name, title, description, altText, folder',
        colour:
          'There is no field colour to change: send name, title, description, altText, folder',
      });
      assert.equal(after.title, 'Same');
      assert.equal(folderUnknown.statusCode, 422);
      assert.deepEqual(folderUnknown.json().error.fields, {
        parentId: 'There is no field parentId to change: send name, parent',
      });
    });

    it('tells someone uploading to another person’s files whose they are', async () => {
      const refused = await uploadRaw(
        reader,
        `/api/v1/people/${member.id}/files?name=gift.txt`,
        'gift',
      );
      const own = await uploadRaw(
        member,
        `/api/v1/people/${member.id}/files?name=mine.txt`,
        'mine',
      );

      assert.equal(refused.statusCode, 403);
      assert.deepEqual(refused.json().error, {
        code: 'UPLOAD_FORBIDDEN',
        message: 'Only Mo Member can add files to their own files',
      });
      assert.equal(own.statusCode, 201, own.body);
    });
  },
);
