import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { readKept } from './run.ts';

// `--reuse` of a file --keep did not write says so in one line, whether
// the file is JSON of another shape or not JSON at all.

it('refuses a file that --keep did not write, JSON or not, in one line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kept-'));
  try {
    const text = join(dir, 'notes.txt');
    const other = join(dir, 'other.json');
    await writeFile(text, 'plain text\n');
    await writeFile(other, '{"a":1}\n');

    for (const file of [text, other]) {
      await assert.rejects(readKept(file), {
        name: 'SyntaxError',
        message: `${file} is not a file that --keep wrote`,
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
