import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { PersonActor } from '../../access/actor.ts';
import type { Database } from '../../database.ts';
import type { BlobStore } from '../../platform/storage/blob-store.ts';
import { findGroupAccess } from '../groups/groups.ts';
import { listMembers } from '../groups/members.ts';
import { makeFolder, saveUploads } from './service.ts';
import type { FileLimits } from './quota.ts';

// Two small files for the demo, written by this code rather than copied
// from anywhere: a note (in two versions) and a table in the data
// community's files, so a first visitor sees a folder, a file's page and
// its versions.

const DEMO_GROUP = 'data-and-analysis-community';

const DEMO_LIMITS: FileLimits = {
  maxBytes: 1024 * 1024,
  groupQuotaBytes: 1024 * 1024 * 1024,
  personQuotaBytes: 1024 * 1024 * 1024,
  maxFilesPerRequest: 2,
};

function note(version: number): string {
  return [
    'How we share data in this group',
    '',
    '1. Say where the data came from and when it was taken.',
    '2. Remove names and anything else that identifies a person.',
    version > 1
      ? '3. Put tables in CSV, one header row, dates as 2026-12-05.'
      : '3. Put tables in CSV.',
    '',
  ].join('\n');
}

function table(): string {
  const rows = [['department', 'respondents', 'satisfied (%)']];
  const departments = ['Health', 'Transport', 'Education', 'Justice'];
  departments.forEach((department, index) => {
    rows.push([department, String(120 + index * 37), String(61 + index * 4)]);
  });
  return rows.map((row) => row.join(',')).join('\n') + '\n';
}

async function stored(store: BlobStore, text: string) {
  return store.put(Readable.from([Buffer.from(text)]), {
    maxBytes: DEMO_LIMITS.maxBytes,
  });
}

/**
 * Adds the demo's files once the demo's groups exist, uploaded by the
 * group's owner; `admin` finds the group. Returns how many files it
 * made: none when the group or its owner is missing.
 */
export async function seedDemoFiles(
  db: Kysely<Database>,
  store: BlobStore,
  admin: PersonActor,
): Promise<number> {
  const group = await findGroupAccess(db, admin, DEMO_GROUP);
  const owners = group
    ? await listMembers(
        db,
        group.id,
        { page: 1, pageSize: 1, offset: 0 },
        {
          role: 'owner',
        },
      )
    : { items: [] };
  const owner = owners.items[0];
  if (!group || !owner) {
    return 0;
  }
  const author: PersonActor = {
    kind: 'person',
    id: owner.personId,
    role: 'member',
    displayName: owner.displayName,
    via: 'session',
  };
  const container = { kind: 'group' as const, groupId: group.id };
  const folder = await makeFolder(
    db,
    author,
    container,
    { name: 'Guidance', parentId: null },
    () => new Error('the demo group is not readable'),
  );
  const target = {
    container,
    title: null,
    description: null,
    comment: '',
  };
  await saveUploads(
    db,
    author,
    {
      ...target,
      folderId: folder.id,
      title: 'How we share data',
      description: 'The group’s agreed habits, in three lines.',
    },
    [{ name: 'sharing-data.txt', blob: await stored(store, note(1)) }],
    DEMO_LIMITS,
  );
  await saveUploads(
    db,
    author,
    { ...target, folderId: folder.id, comment: 'Said how to write dates' },
    [{ name: 'sharing-data.txt', blob: await stored(store, note(2)) }],
    DEMO_LIMITS,
  );
  await saveUploads(
    db,
    author,
    {
      ...target,
      folderId: null,
      title: 'Staff survey 2026: satisfaction by department',
    },
    [{ name: 'staff-survey-2026.csv', blob: await stored(store, table()) }],
    DEMO_LIMITS,
  );
  return 2;
}
