import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readWxr } from './reader.ts';
import type { WxrEvent, WxrItem } from './reader.ts';
import { BUG_19 } from './file-facts.ts';

// The reader on its own: namespaces of every WXR version, CDATA as XML
// defines it (BUG-19), any chunking, and damage reported, not thrown.

async function* chunks(text: string, size: number) {
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length; at += size) {
    yield bytes.subarray(at, at + size);
  }
}

async function read(text: string, size = 1 << 16): Promise<WxrEvent[]> {
  const events: WxrEvent[] = [];
  for await (const event of readWxr(chunks(text, size))) {
    events.push(event);
  }
  return events;
}

function itemsOf(events: WxrEvent[]): WxrItem[] {
  return events.flatMap((event) => (event.kind === 'item' ? [event.item] : []));
}

describe('WXR reader', () => {
  it('reads CDATA after a line break without its markers (BUG-19)', async () => {
    const [first, second] = itemsOf(await read(BUG_19));
    assert.equal(first?.content, '<p>Hello <b>world</b></p>');
    assert.equal(first?.excerpt, '');
    assert.equal(second?.content, '<p>The marker ]]> ends CDATA.</p>');
  });

  it('gives the same items when the bytes arrive one at a time', async () => {
    const whole = itemsOf(await read(BUG_19));
    const bytewise = itemsOf(await read(BUG_19, 1));
    assert.deepEqual(bytewise, whole);
  });

  it('matches WXR 1.0 and https 1.2 namespaces and other prefixes', async () => {
    for (const uri of [
      'http://wordpress.org/export/1.0/',
      'https://wordpress.org/export/1.2/',
    ]) {
      const text = BUG_19.replace(
        'xmlns:wp="http://wordpress.org/export/1.2/"',
        `xmlns:w="${uri}"`,
      ).replace(/<(\/?)wp:/g, '<$1w:');
      const [first] = itemsOf(await read(text));
      assert.equal(first?.type, 'post', uri);
      assert.equal(first?.status, 'publish', uri);
      assert.equal(first?.id, 1, uri);
    }
  });

  it('reads the channel once, before the first item', async () => {
    const events = await read(BUG_19);
    assert.equal(events[0]?.kind, 'channel');
    assert.deepEqual(events[0]?.kind === 'channel' && events[0].channel, {
      title: 'Peer',
      link: 'https://peer.example/',
      baseSiteUrl: '',
      baseBlogUrl: '',
      version: '1.2',
      authors: [],
    });
    assert.equal(events.filter((e) => e.kind === 'channel').length, 1);
  });

  it('reports an item cut off by the end of the file and keeps the rest', async () => {
    const cut = BUG_19.slice(0, BUG_19.indexOf('<title>Split section'));
    const events = await read(cut);
    assert.deepEqual(
      itemsOf(events).map((item) => item.title),
      ['CDATA spacing'],
    );
    const damage = events.filter((event) => event.kind === 'damage');
    assert.ok(
      damage.some(
        (event) =>
          event.kind === 'damage' &&
          event.reason === 'the file ends inside this item',
      ),
    );
  });

  it('skips an item with broken XML and reads the next one', async () => {
    const broken = BUG_19.replace(
      '<title>CDATA spacing</title>',
      '<title>CDATA spacing</title><bad attr=x>',
    );
    const events = await read(broken);
    assert.deepEqual(
      itemsOf(events).map((item) => item.title),
      ['Split section'],
    );
  });
});
