import type { Db } from '../../../database.ts';
import type { ImportReport } from './report.ts';

export async function importOrganogramFiles(
  _db: Db,
  files: string[],
): Promise<ImportReport[]> {
  return files.map((file) => ({ file, rejected: 'not written yet' }));
}
