import type { Kysely } from 'kysely';
import type { Database } from '../../../database.ts';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { importMediaWikiFile } from './import.ts';

/**
 * Import speed for `npm run bench`: imports the Latgalian Wikipedia
 * sample (2,004 revisions, the largest real export we have) into the
 * site space and answers the revisions stored per second. Give it a
 * fresh database: a second run adds nothing, and so measures nothing.
 */
export async function measureImport(
  db: Kysely<Database>,
  file = sharedDataPath('mediawiki', 'smallwiki-latest-pages-articles.xml'),
): Promise<number> {
  const report = await importMediaWikiFile(db, file);
  if (report.revisionsAdded === 0) {
    throw new Error(
      'the import added nothing: give measureImport a fresh database',
    );
  }
  return report.revisionsPerSecond;
}
