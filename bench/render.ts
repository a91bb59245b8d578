// Rendering wiki Markdown: a page with 100 wikilinks, 1,000 times, and a
// 500 KB page. Prints p50/p95 in milliseconds; asserts nothing. Run alone
// with `node --import tsx bench/render.ts`; bench/run.ts can call
// measureRendering().
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { renderMarkdown } from '../src/platform/markdown.ts';
import type { RenderOptions } from '../src/platform/markdown.ts';
import { extractWikiLinks } from '../src/platform/wikilinks.ts';

export interface RenderTiming {
  name: string;
  /** Milliseconds. */
  p50: number;
  /** Milliseconds. */
  p95: number;
}

const LINKED_PAGE_RUNS = 1_000;
const LARGE_PAGE_RUNS = 20;
const LARGE_PAGE_BYTES = 500 * 1024;

/** A page of prose, lists and a table holding `links` wikilinks. */
function linkedPage(links: number): string {
  const parts = ['# Onboarding\n'];
  for (let index = 0; index < links; index += 1) {
    if (index % 10 === 0) {
      parts.push(`\n## Week ${index / 10 + 1}\n\n`);
    }
    parts.push(
      `Read [[Policies/Page ${index}#Section ${index % 3}|page ${index}]] ` +
        'before your **first** meeting, and see the *notes*[^n]. ',
    );
    if (index % 5 === 4) {
      parts.push('\n\n- [ ] ask your manager\n- [x] get a badge\n\n');
    }
  }
  parts.push('\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n[^n]: A note.\n');
  return parts.join('');
}

/** Ordinary Markdown of about `bytes` bytes, with a link now and then. */
function largePage(bytes: number): string {
  const section =
    '## A heading\n\nA paragraph of ordinary text with **bold**, *italic*, ' +
    '`code` and a [link](https://www.example.org/path) and ' +
    '[[Another page]].\n\n- one\n- two\n  - nested\n\n' +
    '> quoted text\n\n```\nconst x = 1;\n```\n\n';
  return section.repeat(Math.ceil(bytes / section.length));
}

const OPTIONS: RenderOptions = {
  wikiLinks: {
    resolve: (link) => ({
      href: `/wiki/site/${encodeURIComponent(link.title)}`,
      exists: link.title.length % 2 === 0,
    }),
  },
};

function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(
    sorted.length - 1,
    Math.ceil(fraction * sorted.length) - 1,
  );
  return sorted[Math.max(0, index)] ?? 0;
}

function time(name: string, runs: number, work: () => void): RenderTiming {
  for (let warm = 0; warm < Math.min(runs, 20); warm += 1) {
    work();
  }
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const start = performance.now();
    work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
  };
}

/** Times rendering and link extraction; all numbers in milliseconds. */
export async function measureRendering(): Promise<RenderTiming[]> {
  const linked = linkedPage(100);
  const large = largePage(LARGE_PAGE_BYTES);
  await Promise.resolve();
  return [
    time('render a page with 100 wikilinks', LINKED_PAGE_RUNS, () =>
      renderMarkdown(linked, OPTIONS),
    ),
    time('extract 100 wikilinks from a page', LINKED_PAGE_RUNS, () =>
      extractWikiLinks(linked),
    ),
    time('render a 500 KB page', LARGE_PAGE_RUNS, () =>
      renderMarkdown(large, OPTIONS),
    ),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const { name, p50, p95 } of await measureRendering()) {
    process.stdout.write(
      `${name.padEnd(36)} p50 ${p50.toFixed(2).padStart(8)} ms` +
        `  p95 ${p95.toFixed(2).padStart(8)} ms\n`,
    );
  }
}
