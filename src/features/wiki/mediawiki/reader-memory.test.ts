import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readExport } from './reader.ts';

// The importer keeps every page's title for its report, so a title must
// not hold on to the text around it: sax hands out text as slices of the
// chunk it is reading, and a kept slice keeps the whole chunk alive,
// which made the import's memory grow with the size of the file.

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const PAGES = 2_000;
const FILLER = 'Lorem ipsum dolor sit amet. '.repeat(150);

async function* exportInChunks(): AsyncGenerator<Uint8Array> {
  yield Buffer.from(
    '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/">\n',
  );
  let chunk = '';
  for (let n = 0; n < PAGES; n += 1) {
    chunk +=
      `<page><title>A page title number ${n}</title><ns>0</ns>` +
      `<id>${n + 1}</id><revision><id>${n + 1}</id>` +
      '<timestamp>2020-01-01T00:00:00Z</timestamp>' +
      '<contributor><username>Someone</username><id>1</id></contributor>' +
      `<text xml:space="preserve">${FILLER}</text></revision></page>\n`;
    if (chunk.length > 60_000) {
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  yield Buffer.from(`${chunk}</mediawiki>\n`);
}

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

test('titles kept after reading do not keep the text read with them', async () => {
  const before = heapUsed();
  const titles: string[] = [];
  for await (const event of readExport(exportInChunks())) {
    if (event.kind === 'pageEnd' && event.page.title !== undefined) {
      titles.push(event.page.title);
    }
  }
  const grown = heapUsed() - before;
  assert.equal(titles.length, PAGES);
  assert.equal(titles[PAGES - 1], `A page title number ${PAGES - 1}`);
  // 2,000 short titles take well under 1 MB; the file is 8.5 MB.
  assert.ok(grown < 1_000_000, `the heap grew by ${grown} bytes`);
});
