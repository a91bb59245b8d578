import { TEST_DATA_DIR } from '../../test-support/app.ts';
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../actor.ts';
import type { FileContainer } from '../files.ts';
import type { Database } from '../../database.ts';
import { makeFolder, saveUploads } from '../../features/files/service.ts';
import { openBlobStore } from '../../platform/storage/index.ts';
import type { ContentBuilder, Marker } from './content.ts';
import { GROUP_KEYS } from './world.ts';
import type { GroupKey } from './world.ts';

// A file and a folder in each group's files and in the owner's own
// files, with markers in the file's title, description, name and bytes
// and in the folder's name, so every file route (pages, downloads,
// previews, the API) is checked against the group rule.

/** The file and folder written in each place ('site': the owner's own). */
export const fileIds: Partial<Record<GroupKey | 'site', number>> = {};
export const folderIds: Partial<Record<GroupKey | 'site', number>> = {};

// The bytes go where the matrix's app reads them: buildTestApp's data
// folder and the disk store.
const MATRIX_STORE = { dataDir: TEST_DATA_DIR, fileStorage: 'disk' } as const;

const PARTS = ['TITLE', 'DESC', 'NAME', 'BODY', 'FOLDER'] as const;

export const filesContent: ContentBuilder = {
  name: 'files and folders',
  async build(db, world) {
    const owner: PersonActor = {
      kind: 'person',
      id: world.owner.id,
      role: 'member',
      displayName: 'Owen Owner',
      via: 'session',
    };
    const store = openBlobStore(MATRIX_STORE, db as Kysely<Database>);
    const places: [GroupKey | 'site', FileContainer][] = [
      ...GROUP_KEYS.map((key): [GroupKey, FileContainer] => [
        key,
        { kind: 'group', groupId: world.groups[key].id },
      ]),
      ['site', { kind: 'person', personId: world.owner.id }],
    ];
    const markers: Marker[] = [];
    for (const [key, container] of places) {
      const tag = key === 'site' ? 'PROFILE' : key.toUpperCase();
      const text = (part: string) => `${tag}FILE${part}-6JX`;
      const blob = await store.put(
        Readable.from([Buffer.from(`What the file says: ${text('BODY')}\n`)]),
        { maxBytes: 10_000 },
      );
      const notFound = () => new Error(`no ${key} files`);
      const folder = await makeFolder(
        db as Kysely<Database>,
        owner,
        container,
        { name: text('FOLDER'), parentId: null },
        notFound,
      );
      const [file] = await saveUploads(
        db as Kysely<Database>,
        owner,
        {
          container,
          folderId: null,
          title: `Report ${text('TITLE')}`,
          description: `About ${text('DESC')}`,
          comment: '',
        },
        [{ name: `${text('NAME')}.txt`, blob }],
        {
          maxBytes: 10_000,
          groupQuotaBytes: 1_000_000,
          personQuotaBytes: 1_000_000,
          maxFilesPerRequest: 1,
        },
      );
      fileIds[key] = file?.fileId;
      folderIds[key] = folder.id;
      for (const part of PARTS) {
        markers.push({
          text: text(part),
          group: key,
          action: 'group.read',
          where: `file ${part.toLowerCase()}`,
        });
      }
    }
    return markers;
  },
};
