import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readWxr } from './reader.ts';

// The importer keeps each page's title and each author's login after the
// item is gone, for the wiki's titles and the report. sax hands out text
// as slices of the chunk it reads, so a kept slice would keep the chunk,
// and memory would grow with the file instead of staying flat.

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const ITEMS = 2_000;
const FILLER = 'Lorem ipsum dolor sit amet. '.repeat(150);

async function* exportInChunks(): AsyncGenerator<Uint8Array> {
  yield Buffer.from(
    '<rss xmlns:wp="http://wordpress.org/export/1.2/" ' +
      'xmlns:content="http://purl.org/rss/1.0/modules/content/" ' +
      'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>\n',
  );
  let chunk = '';
  for (let n = 0; n < ITEMS; n += 1) {
    chunk +=
      `<item><title>A page title number ${n}</title>` +
      `<dc:creator>author${n}</dc:creator><wp:post_id>${n}</wp:post_id>` +
      '<wp:post_type>page</wp:post_type><wp:status>publish</wp:status>' +
      `<content:encoded><![CDATA[<p>${FILLER}</p>]]></content:encoded></item>\n`;
    if (chunk.length > 60_000) {
      yield Buffer.from(chunk);
      chunk = '';
    }
  }
  yield Buffer.from(`${chunk}</channel></rss>\n`);
}

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

test('titles and logins kept after reading do not keep the text around them', async () => {
  const before = heapUsed();
  const kept: string[] = [];
  for await (const event of readWxr(exportInChunks())) {
    if (event.kind === 'item') {
      kept.push(event.item.title, event.item.creator);
    }
  }
  const grown = heapUsed() - before;
  assert.equal(kept.length, ITEMS * 2);
  assert.equal(kept.at(-2), `A page title number ${ITEMS - 1}`);
  // 4,000 short strings take about 1 MB; kept chunks would be 8.5 MB.
  assert.ok(grown < 2_500_000, `the heap grew by ${grown} bytes`);
});
