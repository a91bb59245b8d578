import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const SOURCE = fileURLToPath(new URL('./assets/app.scss', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'civilmedia');

export interface Stylesheet {
  css: string;
  etag: string;
}

let building: Promise<Stylesheet> | undefined;

/**
 * Our stylesheet, built from GOV.UK Frontend's Sass and our own on first
 * use. Building takes a few seconds, so the result is kept in memory and
 * on disk under node_modules/.cache, keyed by the source and the
 * govuk-frontend version; a fresh clone builds it once.
 */
export function getStylesheet(): Promise<Stylesheet> {
  building ??= loadOrBuild().catch((error: unknown) => {
    building = undefined;
    throw error;
  });
  return building;
}

async function loadOrBuild(): Promise<Stylesheet> {
  const source = await readFile(SOURCE, 'utf8');
  const govukVersion = (
    require('govuk-frontend/package.json') as { version: string }
  ).version;
  const key = createHash('sha256')
    .update(source)
    .update(govukVersion)
    .digest('hex')
    .slice(0, 16);
  const cached = join(CACHE, `app-${key}.css`);
  try {
    return { css: await readFile(cached, 'utf8'), etag: `"${key}"` };
  } catch {
    // Not built yet for this source: build below.
  }
  const sass = await import('sass');
  const result = await sass.compileAsync(SOURCE, {
    importers: [new sass.NodePackageImporter(ROOT)],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  });
  await mkdir(CACHE, { recursive: true });
  await writeFile(cached, result.css);
  return { css: result.css, etag: `"${key}"` };
}
