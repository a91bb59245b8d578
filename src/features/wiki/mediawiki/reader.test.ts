import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { describe, test } from 'node:test';
import { sharedDataPath } from '../../../test-support/shared-data.ts';
import { readExport } from './reader.ts';
import type { ExportEvent, Revision, SiteInfo } from './reader.ts';
import { mediaWikiSha1 } from './sha1.ts';

interface FileSummary {
  site?: SiteInfo;
  pages: number;
  revisions: Revision[];
  /** Pages per namespace number; 'none' when the page has no <ns>. */
  pagesByNamespace: Record<string, number>;
  redirects: number;
  sha1Matches: number;
  sha1Mismatches: number;
  damage: string[];
}

async function summarise(
  events: AsyncIterable<ExportEvent>,
): Promise<FileSummary> {
  const summary: FileSummary = {
    pages: 0,
    revisions: [],
    pagesByNamespace: {},
    redirects: 0,
    sha1Matches: 0,
    sha1Mismatches: 0,
    damage: [],
  };
  for await (const event of events) {
    if (event.kind === 'siteinfo') {
      summary.site = event.site;
    } else if (event.kind === 'revision') {
      const { revision } = event;
      summary.revisions.push(revision);
      if (revision.sha1 !== undefined) {
        const same = mediaWikiSha1(revision.text) === revision.sha1;
        summary[same ? 'sha1Matches' : 'sha1Mismatches'] += 1;
      }
    } else if (event.kind === 'pageEnd') {
      summary.pages += 1;
      const ns = String(event.page.ns ?? 'none');
      summary.pagesByNamespace[ns] = (summary.pagesByNamespace[ns] ?? 0) + 1;
      summary.redirects += event.page.redirect === undefined ? 0 : 1;
    } else {
      summary.damage.push(event.reason);
    }
  }
  return summary;
}

function readShared(name: string): Promise<FileSummary> {
  const path = sharedDataPath('mediawiki', name);
  return summarise(readExport(createReadStream(path)));
}

async function* chunks(
  bytes: Uint8Array,
  size: number,
): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) {
    yield bytes.subarray(at, at + size);
  }
}

function readText(xml: string, size = 7): Promise<FileSummary> {
  return summarise(readExport(chunks(Buffer.from(xml, 'utf8'), size)));
}

describe('reading the real MediaWiki exports', () => {
  test('ldnont-full.xml: 112 pages, 268 revisions, sha1 all intact', async () => {
    const file = await readShared('ldnont-full.xml');
    assert.equal(file.site?.dbName, 'ldnont');
    assert.equal(file.site?.namespaces.length, 18);
    assert.equal(file.pages, 112);
    assert.equal(file.revisions.length, 268);
    assert.deepEqual(file.pagesByNamespace, {
      '0': 32,
      '4': 2,
      '8': 1,
      '10': 4,
      '14': 73,
    });
    assert.equal(file.redirects, 5);
    assert.equal(file.sha1Matches, 268);
    assert.equal(file.sha1Mismatches, 0);
    assert.equal(file.revisions.filter((r) => r.minor).length, 13);
    assert.equal(file.revisions.filter((r) => r.comment !== '').length, 135);
    const imported = file.revisions.filter((r) =>
      r.contributor.username?.startsWith('imported>'),
    );
    assert.equal(imported.length, 260);
    assert.deepEqual(file.damage, []);
  });

  test('smallwiki: 2,004 pages, 195 redirects, 655 stale sha1 values', async () => {
    const file = await readShared('smallwiki-latest-pages-articles.xml');
    assert.equal(file.site?.dbName, 'ltgwiki');
    assert.equal(
      file.site?.namespaces.find((ns) => ns.key === 3)?.name,
      'Sprīža ap lītuotuoju',
    );
    assert.equal(file.pages, 2004);
    assert.equal(file.revisions.length, 2004);
    assert.deepEqual(file.pagesByNamespace, {
      '0': 1050,
      '4': 28,
      '8': 12,
      '10': 347,
      '14': 539,
      '828': 28,
    });
    assert.equal(file.redirects, 195);
    assert.equal(file.sha1Matches, 1349);
    assert.equal(file.sha1Mismatches, 655);
    const models: Record<string, number> = {};
    for (const revision of file.revisions) {
      const model = revision.model ?? 'none';
      models[model] = (models[model] ?? 0) + 1;
    }
    assert.deepEqual(models, {
      wikitext: 1968,
      Scribunto: 28,
      css: 4,
      javascript: 4,
    });
    const anonymous = file.revisions.filter((r) => r.contributor.ip);
    assert.ok(
      anonymous.every(
        (r) =>
          r.contributor.ip?.startsWith('198.51') ||
          r.contributor.ip?.startsWith('192.0.2') ||
          r.contributor.ip?.startsWith('203.0.113'),
      ),
    );
  });

  test('pair-0.10.xml: an article and its Talk page, two revisions each', async () => {
    const file = await readShared('pair-0.10.xml');
    assert.equal(file.pages, 2);
    assert.equal(file.revisions.length, 4);
    assert.deepEqual(file.pagesByNamespace, { '0': 1, '1': 1 });
    assert.equal(file.redirects, 0);
    assert.equal(file.sha1Matches, 4);
    assert.equal(
      file.revisions[0]?.comment,
      'moved [[Çullu, Agdam]] to [[Çullu, Quzanlı]]:&#32;dab',
    );
  });

  test('article-pyrus-utf16.xml: UTF-16 without a BOM reads intact', async () => {
    const file = await readShared('article-pyrus-utf16.xml');
    assert.equal(file.site?.namespaces.length, 20);
    assert.equal(file.pages, 1);
    assert.deepEqual(file.pagesByNamespace, { none: 1 });
    assert.equal(file.redirects, 1);
    // Schema 0.3 stores no <sha1>; these were computed from the file with
    // another XML parser (Python's expat).
    assert.deepEqual(
      file.revisions.map((r) => [r.id, mediaWikiSha1(r.text)]),
      [
        [104997415, 't9ipn0dkudqmdd6kysjbai66z1d2aoa'],
        [104997738, '4356f433m07n921qnkykwpqs32iuxa7'],
        [189729426, 'qe892k66bf6cq6bkkxg7b26eopspz6j'],
        [190346463, '4356f433m07n921qnkykwpqs32iuxa7'],
        [238138507, '5so746l8h99wuxmyb84nkqmxvnyii5o'],
        [238392911, '4356f433m07n921qnkykwpqs32iuxa7'],
      ],
    );
    assert.equal(
      new Set(file.revisions.map((r) => r.contributor.username)).size,
      5,
    );
  });
});

const PAGE = (title: string, text: string, id = 1) => `
  <page><title>${title}</title><ns>0</ns><id>${id}</id>
    <revision><id>${id}0</id><timestamp>2020-01-01T00:00:00Z</timestamp>
      <contributor><ip>192.0.2.1</ip></contributor>
      <text xml:space="preserve">${text}</text></revision>
  </page>`;

const EXPORT = (pages: string) =>
  `<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10">
  <siteinfo><dbname>t</dbname><namespaces>
    <namespace key="0" case="first-letter" /></namespaces></siteinfo>
  ${pages}
</mediawiki>`;

describe('reading damaged and awkward exports', () => {
  test('entities and CDATA come back as the text they stand for', async () => {
    const file = await readText(
      EXPORT(PAGE('A &amp; B', 'x &lt;b&gt; &#233;<![CDATA[ <i>&amp;</i> ]]>')),
    );
    assert.equal(file.revisions[0]?.text, 'x <b> é <i>&amp;</i> ');
  });

  test('UTF-16 little-endian with a BOM, split at odd bytes, reads intact', async () => {
    const xml = EXPORT(PAGE('Ünïcode 𝔘', 'astral 🚀 and Ç'));
    const bytes = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(xml, 'utf16le'),
    ]);
    const file = await summarise(readExport(chunks(bytes, 3)));
    assert.equal(file.revisions[0]?.text, 'astral 🚀 and Ç');
    assert.equal(file.pages, 1);
  });

  test('bad XML inside one revision skips that revision and keeps the rest', async () => {
    const file = await readText(
      EXPORT(
        PAGE('First', 'fine', 1) +
          PAGE('Second', 'broken <b', 2) +
          PAGE('Third', 'fine too', 3),
      ),
    );
    assert.deepEqual(
      file.revisions.map((r) => r.text),
      ['fine', 'fine too'],
    );
    assert.equal(file.pages, 3);
    assert.equal(file.damage.length, 1);
    assert.match(
      file.damage[0] ?? '',
      /^a revision was skipped: line 13: Invalid character in tag name$/,
    );
  });

  test('a file cut short keeps the pages read and reports the cut', async () => {
    const whole = EXPORT(PAGE('First', 'one', 1) + PAGE('Second', 'two', 2));
    const cut = whole.slice(0, whole.indexOf('two') + 1);
    const file = await readText(cut);
    assert.deepEqual(
      file.revisions.map((r) => r.text),
      ['one'],
    );
    assert.equal(file.pages, 2);
    assert.ok(file.damage.includes('the file ends inside a revision'));
  });
});
