// The wiki at organisation scale: pages in every kind of place, each with
// a history of revisions (about ten on average, a few pages with hundreds),
// and one big space of all staff whose pages form a tree several levels
// deep, with a page of about 10 KB and one of about 500 KB. Rows are the
// ones savePage would leave: titles and keys, parent keys, linear revision
// numbers with parents, sizes and deltas, the current revision, and the
// links of each page's current text. Each revision grows the page a little
// from its first draft to its present text, as pages mostly grow.
import { sql } from 'kysely';
import type { Db } from '../../src/database.ts';
import { dialectOf } from '../../src/platform/db/dialect.ts';
import { linkedKeys } from '../../src/features/wiki/links.ts';
import { wikiPagePath } from '../../src/features/wiki/rendering.ts';
import type { RevisionKind } from '../../src/features/wiki/tables.ts';
import type { TextMaker } from '../search-text.ts';
import type { BenchAuth, Place, SeedContext, SeedPart } from './context.ts';
import type { WriteRequest } from './context.ts';

/** Pages a transaction; their revisions go in statements of ROW_BATCH. */
const PAGE_BATCH = 100;
const ROW_BATCH = 1_000;
/** No page but the two large ones has more revisions than this. */
const MOST_REVISIONS = 400;
/** The big space's tree: pages deeper than this are not made. */
const DEEPEST = 6;
const LONGEST = 200;
/** Revisions of each of the two large pages. */
const LARGE_REVISIONS = 4;
const SUMMARIES = [
  '',
  '',
  'Added a section',
  'Brought up to date',
  'Fixed links',
  'Reworded',
  'Added the contacts',
  'Tidied the list',
];

interface PagePlan {
  spaceId: number;
  title: string;
  /** Who edits the page: one to four people of its place. */
  editors: number[];
  revisions: number;
  /** About how long a large page is; absent for the others. */
  bytes?: number;
  /** The body of each revision, oldest first; made when written. */
  bodies?: string[];
}

interface SpacePlan {
  spaceId: number;
  authors: readonly number[];
  /** Keys of the titles used, so no two pages of a space share one. */
  keys: Set<string>;
  titles: string[];
}

/** Every page of the wiki with its space, editors and revision count. */
function planPages(ctx: SeedContext) {
  const spaces = new Map<number, SpacePlan>();
  const spaceOf = (spaceId: number, authors: readonly number[]) => {
    let space = spaces.get(spaceId);
    if (!space) {
      space = { spaceId, authors, keys: new Set(), titles: [] };
      spaces.set(spaceId, space);
    }
    return space;
  };
  const big = spaceOf(ctx.allStaff.spaceId, ctx.allStaff.members);
  const tree = planTree(ctx.text, big, ctx.shape.bigSpacePages - 2);
  const root = tree[0] ?? 'Handbooks';
  const large = addTitle(big, `${root}/Staff handbook`);
  const medium = addTitle(big, `${root}/Travel guide`);
  const plans: PagePlan[] = tree.map((title) => ({
    spaceId: big.spaceId,
    title,
    editors: [],
    revisions: 0,
  }));
  for (const [title, bytes] of [
    [large, 500_000],
    [medium, 10_000],
  ] as const) {
    plans.push({
      spaceId: big.spaceId,
      title,
      editors: [],
      revisions: LARGE_REVISIONS,
      bytes,
    });
  }
  for (let n = plans.length; n < ctx.shape.wikiPages; n += 1) {
    const place = pickOtherPlace(ctx);
    const space = place
      ? spaceOf(place.spaceId, place.members)
      : spaceOf(ctx.site.spaceId, ctx.people);
    plans.push({
      spaceId: space.spaceId,
      title: planTitle(ctx.text, space),
      editors: [],
      revisions: 0,
    });
  }
  assignRevisions(
    ctx.text,
    plans.filter((plan) => plan.bytes === undefined),
    ctx.shape.wikiRevisions - 2 * LARGE_REVISIONS,
  );
  for (const plan of plans) {
    const space = spaces.get(plan.spaceId);
    const pool = space && space.authors.length > 0 ? space.authors : ctx.people;
    const editors = 1 + Math.floor(ctx.text.random() ** 2 * 4);
    plan.editors = Array.from({ length: editors }, () => ctx.text.choose(pool));
  }
  return { plans, spaces, big, large, medium };
}

/**
 * Seeds the wiki and hands back its scenarios: the two large pages and
 * the big space's index as the member reads them, and saving a page of
 * the big space through the edit form.
 */
export async function seedWiki(ctx: SeedContext): Promise<SeedPart> {
  const names = await displayNames(ctx.db);
  const { plans, spaces, big, large, medium } = planPages(ctx);

  const counts = { pages: 0, revisions: 0, links: 0 };
  for (let from = 0; from < plans.length; from += PAGE_BATCH) {
    const batch = plans.slice(from, from + PAGE_BATCH);
    for (const plan of batch) {
      const space = spaces.get(plan.spaceId) ?? big;
      plan.bodies =
        plan.bytes === undefined
          ? pageBodies(ctx.text, space, plan.revisions)
          : largeBodies(ctx.text, space, plan.bytes, plan.revisions);
    }
    const written = await ctx.db
      .transaction()
      .execute((trx) => writePages(trx, ctx, names, batch));
    counts.pages += batch.length;
    counts.revisions += written.revisions;
    counts.links += written.links;
    for (const plan of batch) {
      delete plan.bodies;
    }
  }

  const slug = ctx.allStaff.slug;
  const editable = await editablePages(ctx.db, big.spaceId, [large, medium]);
  const slots = saveSlots(editable);
  return {
    reads: [
      {
        id: 'wiki-10k',
        name: 'Wiki page of 10 KB',
        path: wikiPagePath(slug, medium),
      },
      {
        id: 'wiki-500k',
        name: 'Wiki page of 500 KB',
        path: wikiPagePath(slug, large),
      },
      {
        id: 'wiki-tree',
        name: `Wiki space of ${big.titles.length} pages, its tree`,
        path: `/wiki/${encodeURIComponent(slug)}`,
      },
    ],
    writes: [
      {
        id: 'wiki-save',
        name: 'Save a wiki page of the big space',
        request: (n, auth) => saveRequest(slug, editable, slots, n, auth),
      },
    ],
    counts: {
      'wiki pages': counts.pages,
      'wiki revisions': counts.revisions,
      'wiki links': counts.links,
    },
  };
}

/** A place by ctx.pickPlace, drawn again when it is the big space. */
function pickOtherPlace(ctx: SeedContext): Place | null {
  for (;;) {
    const place = ctx.pickPlace();
    if (place?.spaceId !== ctx.allStaff.spaceId) {
      return place;
    }
  }
}

async function displayNames(db: Db): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'display_name'])
    .execute();
  return new Map(rows.map((row) => [row.id, row.display_name]));
}

/** A leaf name of two or three words, capitalised. */
function leafOf(text: TextMaker): string {
  const words = text
    .title()
    .split(' ')
    .slice(0, 2 + Math.floor(text.random() * 2));
  return words.join(' ');
}

/** Records a title in its space, made unique by a number when taken. */
function addTitle(space: SpacePlan, wanted: string): string {
  let title = wanted;
  for (let n = 2; space.keys.has(title.toLowerCase()); n += 1) {
    title = `${wanted} ${n}`;
  }
  space.keys.add(title.toLowerCase());
  space.titles.push(title);
  return title;
}

/** A title in a space: a quarter of them under a page already there. */
function planTitle(text: TextMaker, space: SpacePlan): string {
  const parent =
    space.titles.length > 0 && text.random() < 0.25
      ? text.choose(space.titles)
      : null;
  const leaf = leafOf(text);
  const title =
    parent && parent.split('/').length < 4 ? `${parent}/${leaf}` : leaf;
  return addTitle(space, title);
}

/**
 * A tree of `count` titles: about one page in eighty at the top (so the
 * top level runs to more than one page of the index), each other page
 * under a page made before it, no deeper than DEEPEST. Early pages gather
 * more children, as the first pages of a real space do.
 */
function planTree(text: TextMaker, space: SpacePlan, count: number): string[] {
  const top = Math.max(3, Math.round(count / 80));
  const titles: string[] = [];
  const depths: number[] = [];
  for (let n = 0; n < count; n += 1) {
    let parent: string | null = null;
    let depth = 1;
    if (n >= top) {
      for (;;) {
        const index = Math.floor(text.random() * n);
        // Titles stay well within the 255 characters a title may have.
        const room = (titles[index]?.length ?? LONGEST) < LONGEST;
        if ((depths[index] ?? DEEPEST) < DEEPEST && room) {
          parent = titles[index] ?? null;
          depth = (depths[index] ?? 0) + 1;
          break;
        }
      }
    }
    const leaf = leafOf(text);
    titles.push(addTitle(space, parent ? `${parent}/${leaf}` : leaf));
    depths.push(depth);
  }
  return titles;
}

/**
 * Shares `total` revisions among the pages, at least one each, skewed as a
 * Pareto law: most pages have a few, some have hundreds.
 */
function assignRevisions(text: TextMaker, plans: PagePlan[], total: number) {
  // A Pareto draw less its least value: about a quarter of pages are
  // never edited after they are made.
  const weights = plans.map(() => (1 - text.random()) ** (-1 / 1.6) - 1);
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = Math.max(0, total - plans.length);
  let given = 0;
  plans.forEach((plan, i) => {
    const extra = Math.floor((spare * (weights[i] ?? 0)) / sum);
    plan.revisions = 1 + Math.min(MOST_REVISIONS - 1, extra);
    given += plan.revisions;
  });
  // Rounding and the cap leave some over: one more each, in turn, to
  // the pages edited after they were made, so the others stay at one.
  const weighed = plans.map((plan, i) => ({ plan, weight: weights[i] ?? 0 }));
  const edited = weighed.filter(({ plan }) => plan.revisions > 1);
  const order = (edited.length > 0 ? edited : weighed)
    .sort((a, b) => b.weight - a.weight)
    .map(({ plan }) => plan);
  for (let i = 0; given < total; i = (i + 1) % order.length) {
    const plan = order[i];
    if (plan && plan.revisions < MOST_REVISIONS) {
      plan.revisions += 1;
      given += 1;
    }
  }
}

/**
 * The words of one body() call laid out as Markdown (paragraphs, headings,
 * lists, links to other pages of the space), as pieces each of which ends
 * where the text may stop. Keeping to one call keeps the search bench's
 * planted words at their rates.
 */
function markdownPieces(text: TextMaker, space: SpacePlan, words: number) {
  const source = text.body(words).split(' ');
  const pieces: string[] = [];
  let mode: 'paragraph' | 'list' = 'paragraph';
  let left = 20 + Math.floor(text.random() * 30);
  for (let i = 0; i < source.length; i += 1) {
    const word = source[i] ?? '';
    // The phrase "annual leave" stays whole, for the phrase search.
    const joined = word === 'leave' && source[i - 1] === 'annual';
    const joinsNext = word === 'annual' && source[i + 1] === 'leave';
    if (i === 0) {
      pieces.push(word.charAt(0).toUpperCase() + word.slice(1));
    } else if (left <= 0 && !joined) {
      const roll = text.random();
      if (roll < 0.3) {
        pieces.push(`\n\n## ${leafOf(text)}\n\n${word}`);
        mode = 'paragraph';
      } else if (roll < 0.55) {
        pieces.push(`\n\n- ${word}`);
        mode = 'list';
      } else if (mode === 'list' && roll < 0.85) {
        pieces.push(`\n- ${word}`);
      } else {
        pieces.push(`\n\n${word}`);
        mode = 'paragraph';
      }
      left = mode === 'list' ? 4 + Math.floor(text.random() * 8) : 25;
    } else {
      pieces.push(` ${word}`);
    }
    left -= 1;
    if (space.titles.length > 1 && text.random() < 0.02 && !joinsNext) {
      pieces.push(` (see ${linkTo(text, space)})`);
    }
  }
  return pieces;
}

/**
 * A link to a page of the space, shown by its last part as people write
 * them; one link in twenty names a page nobody has written yet.
 */
function linkTo(text: TextMaker, space: SpacePlan): string {
  if (text.random() < 0.05) {
    return `[[${leafOf(text)}]]`;
  }
  const title = text.choose(space.titles);
  const slash = title.lastIndexOf('/');
  return slash < 0 ? `[[${title}]]` : `[[${title}|${title.slice(slash + 1)}]]`;
}

/**
 * The bodies of a page's revisions: its present text of 60 to 360 words
 * (more for a page of many revisions), and before it prefixes that grow
 * from about a third of it, each longer than the one before.
 */
function pageBodies(text: TextMaker, space: SpacePlan, revisions: number) {
  const words = Math.max(60 + Math.floor(text.random() * 300), revisions + 10);
  const pieces = markdownPieces(text, space, words);
  const last = pieces.length;
  const first = Math.max(
    1,
    Math.min(Math.round(last / 3), last - revisions + 1),
  );
  return Array.from({ length: revisions }, (_, k) => {
    const cut =
      revisions === 1
        ? last
        : first + Math.round(((last - first) * k) / (revisions - 1));
    return pieces.slice(0, cut).join('');
  });
}

/**
 * A long reference page of about `bytes` bytes: sections with headings,
 * paragraphs, lists, tables and links. Its revisions grow a section or
 * more at a time.
 */
function largeBodies(
  text: TextMaker,
  space: SpacePlan,
  bytes: number,
  revisions: number,
) {
  const sections: string[] = [`${text.body(40)}`];
  let size = 0;
  for (let n = 1; size < bytes; n += 1) {
    const parts = [`## ${n}. ${leafOf(text)}`, text.body(60)];
    for (let sub = 1; sub <= 2; sub += 1) {
      parts.push(`### ${n}.${sub} ${leafOf(text)}`, text.body(50));
      parts.push(
        Array.from(
          { length: 3 + Math.floor(text.random() * 4) },
          () => `- ${text.body(8)} See ${linkTo(text, space)}.`,
        ).join('\n'),
      );
    }
    if (n % 2 === 0) {
      const rows = Array.from(
        { length: 4 + Math.floor(text.random() * 6) },
        () => `| ${leafOf(text)} | ${text.body(6)} | ${n * 10} |`,
      );
      parts.push(
        ['| Item | What it is | Days |', '| --- | --- | ---: |', ...rows].join(
          '\n',
        ),
      );
    }
    parts.push(text.body(40));
    const section = parts.join('\n\n');
    sections.push(section);
    size += Buffer.byteLength(section, 'utf8') + 2;
  }
  return Array.from({ length: revisions }, (_, k) => {
    const cut = Math.round((sections.length * (k + 1)) / revisions);
    return sections.slice(0, Math.max(1, cut)).join('\n\n');
  });
}

/**
 * One batch of pages with their revisions and links, in a transaction.
 * The revisions' ids are taken first, so each revision is written with
 * its parent and each page with its current revision: no row is written
 * twice (an update in PostgreSQL would copy every body).
 */
async function writePages(
  trx: Db,
  ctx: SeedContext,
  names: Map<number, string>,
  batch: PagePlan[],
): Promise<{ revisions: number; links: number }> {
  const times = batch.map((plan) =>
    Array.from({ length: plan.revisions }, () => ctx.at()).sort(),
  );
  const total = batch.reduce((sum, plan) => sum + plan.revisions, 0);
  const revisionIds = await reserveRevisionIds(trx, total);
  const firstIds: number[] = [];
  let taken = 0;
  for (const plan of batch) {
    firstIds.push(taken);
    taken += plan.revisions;
  }
  const idAt = (i: number, k: number) =>
    revisionIds[(firstIds[i] ?? 0) + k] ?? 0;

  const pages = await trx
    .insertInto('wiki_pages')
    .values(
      batch.map((plan, i) => ({
        space_id: plan.spaceId,
        title: plan.title,
        title_key: plan.title.toLowerCase(),
        parent_key: parentKey(plan.title),
        current_revision_id: idAt(i, plan.revisions - 1),
        redirect_to_key: null,
        deleted_at: null,
        created_at: times[i]?.[0] ?? '',
        updated_at: times[i]?.at(-1) ?? '',
      })),
    )
    .returning(['id', 'space_id', 'title_key'])
    .execute();
  const idOf = new Map(
    pages.map((page) => [`${page.space_id} ${page.title_key}`, page.id]),
  );
  const ids = batch.map(
    (plan) => idOf.get(`${plan.spaceId} ${plan.title.toLowerCase()}`) ?? 0,
  );

  const revisions = batch.flatMap((plan, i) => {
    let previous = 0;
    return (plan.bodies ?? []).map((body, k) => {
      const size = Buffer.byteLength(body, 'utf8');
      const delta = size - previous;
      previous = size;
      const author = plan.editors[k % plan.editors.length] ?? ctx.memberId;
      const kind: RevisionKind = k === 0 ? 'create' : 'edit';
      return {
        id: idAt(i, k),
        page_id: ids[i] ?? 0,
        parent_id: k === 0 ? null : idAt(i, k - 1),
        number: k + 1,
        author_id: author,
        author_name: names.get(author) ?? 'Former member of staff',
        created_at: times[i]?.[k] ?? '',
        summary: k === 0 ? '' : ctx.text.choose(SUMMARIES),
        body,
        size,
        size_delta: delta,
        kind,
        minor: k > 0 && ctx.text.random() < 0.2 ? 1 : 0,
        import_key: null,
      };
    });
  });
  for (let start = 0; start < revisions.length; start += ROW_BATCH) {
    await trx
      .insertInto('wiki_revisions')
      .values(revisions.slice(start, start + ROW_BATCH))
      .execute();
  }

  const links = batch.flatMap((plan, i) =>
    linkedKeys(plan.bodies?.at(-1) ?? '').map((key) => ({
      from_page_id: ids[i] ?? 0,
      to_space_id: plan.spaceId,
      to_title_key: key,
    })),
  );
  for (let start = 0; start < links.length; start += ROW_BATCH) {
    await trx
      .insertInto('wiki_links')
      .values(links.slice(start, start + ROW_BATCH))
      .execute();
  }
  return { revisions: revisions.length, links: links.length };
}

/**
 * `count` new revision ids, ascending: from the table's own sequence in
 * PostgreSQL, and after the largest id in SQLite, where the transaction
 * is the only writer.
 */
async function reserveRevisionIds(trx: Db, count: number): Promise<number[]> {
  if (dialectOf(trx) === 'postgres') {
    const { rows } = await sql<{ id: number }>`
      select nextval(pg_get_serial_sequence('wiki_revisions', 'id'))::int as id
      from generate_series(1, ${count})`.execute(trx);
    return rows.map((row) => Number(row.id)).sort((a, b) => a - b);
  }
  const row = await trx
    .selectFrom('wiki_revisions')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  const after = Number(row?.id ?? 0);
  return Array.from({ length: count }, (_, i) => after + i + 1);
}

function parentKey(title: string): string {
  const slash = title.lastIndexOf('/');
  return slash < 0 ? '' : title.slice(0, slash).toLowerCase();
}

interface EditablePage {
  title: string;
  revisionId: number;
  lines: string[];
}

/** The big space's pages but the large ones, with their present text. */
async function editablePages(
  db: Db,
  spaceId: number,
  except: string[],
): Promise<EditablePage[]> {
  const rows = await db
    .selectFrom('wiki_pages as p')
    .innerJoin('wiki_revisions as r', 'r.id', 'p.current_revision_id')
    .select(['p.title', 'r.id', 'r.body'])
    .where('p.space_id', '=', spaceId)
    .where('p.title', 'not in', except)
    .orderBy('p.id')
    .execute();
  return rows.map((row) => ({
    title: row.title,
    revisionId: row.id,
    lines: row.body.split('\n'),
  }));
}

/**
 * What each save changes, in order: line 0 of every page, then line 1 of
 * every page that has one, and so on. A save always sends the seeded
 * revision as its base, so a later save of a page is merged with the
 * earlier ones; as each changes a line no other save of that page has
 * changed, none is a conflict. Past the last line of the last page
 * (about 2,500 saves at small scale, over 100,000 at org) the saves
 * start again and would conflict.
 */
function saveSlots(pages: EditablePage[]): { page: number; line: number }[] {
  const slots: { page: number; line: number }[] = [];
  const longest = Math.max(0, ...pages.map((page) => page.lines.length));
  for (let line = 0; line < longest; line += 1) {
    pages.forEach((page, index) => {
      if (line < page.lines.length) {
        slots.push({ page: index, line });
      }
    });
  }
  return slots;
}

/** The `n`th save: one line of a page of the big space added to. */
function saveRequest(
  spaceKey: string,
  pages: EditablePage[],
  slots: { page: number; line: number }[],
  n: number,
  auth: BenchAuth,
): WriteRequest {
  const slot = slots[n % slots.length];
  const page = slot ? pages[slot.page] : undefined;
  if (!slot || !page) {
    throw new Error('the big space has no page to edit');
  }
  const lines = [...page.lines];
  lines[slot.line] = `${lines[slot.line] ?? ''} (Checked, change ${n + 1}.)`;
  const form = new URLSearchParams({
    _csrf: auth.csrfToken,
    baseRevision: String(page.revisionId),
    body: lines.join('\n'),
    summary: `Bench change ${n + 1}`,
    action: 'save',
  });
  return {
    method: 'POST',
    path: `${wikiPagePath(spaceKey, page.title)}/edit`,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: auth.cookie,
    },
    body: form.toString(),
  };
}
