import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The real public test files (organograms, wiki and blog exports) live
// outside the repository, in ../shared/data beside the checkout; they are
// never copied in. SHARED_DATA_DIR names another place, for a clone that
// sits elsewhere.

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

const CANDIDATES = [
  process.env.SHARED_DATA_DIR,
  join(REPOSITORY, '..', 'shared', 'data'),
  '/work/shared/data',
].filter((path): path is string => Boolean(path));

let found: string | undefined;

/**
 * The path of a file in the shared test data. Throws, naming the places
 * looked in, when the data is not there: a test that needs real data
 * must fail without it, never pass by reading nothing.
 */
export function sharedDataPath(...parts: string[]): string {
  found ??= CANDIDATES.map((path) => resolve(path)).find((path) =>
    existsSync(join(path, 'SOURCES.md')),
  );
  if (!found) {
    throw new Error(
      `the shared test data is not in any of ${CANDIDATES.join(', ')}; ` +
        'set SHARED_DATA_DIR to the folder that holds SOURCES.md',
    );
  }
  return join(found, ...parts);
}
