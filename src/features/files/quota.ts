import { sql } from 'kysely';
import type { FileContainer } from '../../access/files.ts';
import type { Db } from '../../database.ts';
import { AppError } from '../../platform/errors.ts';
import { cleanFileName } from '../../platform/storage/names.ts';
import { formatBytes } from '../../platform/storage/sizes.ts';

// How many bytes a group's or a person's files may hold. Every version
// counts its full size, deleted files too, even when its bytes are
// shared with another upload: a group's usage then depends only on what
// was uploaded to it, which its members can predict.

/** The limits an upload is held to, from the configuration. */
export interface FileLimits {
  /** The most bytes one file may have. */
  maxBytes: number;
  groupQuotaBytes: number;
  personQuotaBytes: number;
  /** The most files one request may carry. */
  maxFilesPerRequest: number;
}

/**
 * The refusal of a file over the per-file limit, naming the file when
 * it is known (a form's total size names none of its files).
 */
export function fileTooLarge(limits: FileLimits, name?: string): AppError {
  const most = formatBytes(limits.maxBytes);
  return new AppError(
    413,
    'FILE_TOO_LARGE',
    name === undefined
      ? `The file is too large: files can be at most ${most}`
      : `‘${cleanFileName(name)}’ is larger than ${most}, the most one file can be`,
  );
}

/** The refusal of an upload the space left cannot hold, naming its file. */
export function quotaExceeded(name?: string): AppError {
  const what = name === undefined ? 'this upload' : `‘${cleanFileName(name)}’`;
  return new AppError(
    413,
    'QUOTA_EXCEEDED',
    `There is not enough space left for ${what}: delete old files ` +
      'or ask an administrator for more space',
  );
}

/** The container's quota; files attached to an item have none of their own. */
export function quotaOf(container: FileContainer, limits: FileLimits): number {
  switch (container.kind) {
    case 'group':
      return limits.groupQuotaBytes;
    case 'person':
      return limits.personQuotaBytes;
    case 'attached':
      // TODO: files attached to wiki pages, Talk posts and blog posts count
      // against no quota; only the per-file limit holds them.
      return Number.POSITIVE_INFINITY;
  }
}

/** The bytes a group's or a person's files hold now. */
export async function usedBytes(
  db: Db,
  container: FileContainer,
): Promise<number> {
  if (container.kind === 'attached') {
    return 0;
  }
  const row = await db
    .selectFrom('file_usage')
    .select('bytes')
    .$if(container.kind === 'group', (qb) =>
      qb.where('group_id', '=', (container as { groupId: number }).groupId),
    )
    .$if(container.kind === 'person', (qb) =>
      qb.where('person_id', '=', (container as { personId: number }).personId),
    )
    .executeTakeFirst();
  return Number(row?.bytes ?? 0);
}

/** The bytes still free in the container, before an upload is read. */
export async function remainingBytes(
  db: Db,
  container: FileContainer,
  limits: FileLimits,
): Promise<number> {
  const quota = quotaOf(container, limits);
  if (!Number.isFinite(quota)) {
    return quota;
  }
  return Math.max(0, quota - (await usedBytes(db, container)));
}

/**
 * Adds `bytes` to the container's usage in the caller's transaction and
 * throws QUOTA_EXCEEDED, undoing it with the transaction, when that goes
 * over the quota. The row is locked by the update, so two uploads at
 * once cannot both take the last free bytes.
 */
export async function chargeUsage(
  db: Db,
  container: FileContainer,
  bytes: number,
  limits: FileLimits,
): Promise<void> {
  if (container.kind === 'attached') {
    return;
  }
  const group = container.kind === 'group';
  const row = await db
    .insertInto('file_usage')
    .values({
      group_id: group ? container.groupId : null,
      person_id: group ? null : container.personId,
      bytes,
    })
    .onConflict((oc) =>
      oc
        .column(group ? 'group_id' : 'person_id')
        .doUpdateSet({ bytes: sql`file_usage.bytes + ${bytes}` }),
    )
    .returning('bytes')
    .executeTakeFirstOrThrow();
  if (Number(row.bytes) > quotaOf(container, limits)) {
    throw quotaExceeded();
  }
}
