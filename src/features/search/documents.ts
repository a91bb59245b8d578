import { sql } from 'kysely';
import type { SqlBool } from 'kysely';
import type { Db } from '../../database.ts';
import { dialectOf } from '../../platform/db/dialect.ts';
import type { SearchKind } from './tables.ts';
import { termsOf, titleKeyOf } from './terms.ts';

// Writing the index: every feature's write path hands its changed rows
// to ./sources.ts, which reads them back and lands here, inside the
// caller's transaction, so the index never runs ahead of or behind the
// content.

/** A searchable thing as its feature describes it. */
export interface SourceDocument {
  kind: SearchKind;
  refId: number;
  groupId: number | null;
  authorId: number | null;
  title: string;
  /** Plain text or Markdown; punctuation only separates words. */
  body: string;
  createdAt: string;
  updatedAt: string;
}

// PostgreSQL keeps positions up to 16383 and at most 256 of one lexeme;
// the terms are cut to the same limits for SQLite, so both match alike.
const MAX_POSITION = 16_000;
const MAX_OCCURRENCES = 256;
const MAX_TITLE_TERMS = 200;
// Enough text around any hit in all but the longest wiki pages.
const MAX_BODY = 20_000;
const CHUNK = 100;

/** Adds or replaces the index rows of `documents`. */
export async function putDocuments(
  db: Db,
  documents: readonly SourceDocument[],
): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  for (let i = 0; i < documents.length; i += CHUNK) {
    const rows = documents.slice(i, i + CHUNK).map(indexRow);
    const made = await db
      .insertInto('search_documents')
      .values(
        rows.map(({ meta, text }) =>
          pg
            ? {
                ...meta,
                search: sql`cast(${vectorOf(text)} as tsvector)`,
                title_search: sql`cast(${titleVectorOf(text)} as tsvector)`,
              }
            : meta,
        ),
      )
      .onConflict((oc) =>
        oc.columns(['kind', 'ref_id']).doUpdateSet((eb) => ({
          group_id: eb.ref('excluded.group_id'),
          author_id: eb.ref('excluded.author_id'),
          title_key: eb.ref('excluded.title_key'),
          created_at: eb.ref('excluded.created_at'),
          updated_at: eb.ref('excluded.updated_at'),
          ...(pg
            ? {
                search: sql`excluded.search`,
                title_search: sql`excluded.title_search`,
              }
            : {}),
        })),
      )
      .returning(['id', 'kind', 'ref_id'])
      .execute();
    const idOf = new Map(
      made.map((row) => [`${row.kind}:${row.ref_id}`, row.id]),
    );
    const texts = rows.map(({ meta, text }) => ({
      document_id: idOf.get(`${meta.kind}:${meta.ref_id}`) ?? 0,
      ...text,
    }));
    await db
      .insertInto('search_texts')
      .values(texts)
      .onConflict((oc) =>
        oc
          .column('document_id')
          .doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            body: eb.ref('excluded.body'),
            title_terms: eb.ref('excluded.title_terms'),
            body_terms: eb.ref('excluded.body_terms'),
          }))
          // A thing indexed again with the same words, as a thread is on
          // each reply for its new last activity, keeps its row. Rewritten,
          // SQLite takes the row out of both full-text indexes and puts it
          // back (the triggers of migration 2026-12-04T1600_search.ts).
          .where(
            sql<SqlBool>`search_texts.title <> excluded.title
              or search_texts.body <> excluded.body
              or search_texts.title_terms <> excluded.title_terms
              or search_texts.body_terms <> excluded.body_terms`,
          ),
      )
      .execute();
  }
}

/** Takes things out of the index; ids not in it are no matter. */
export async function removeDocuments(
  db: Db,
  kind: SearchKind,
  refIds: readonly number[],
): Promise<void> {
  for (let i = 0; i < refIds.length; i += CHUNK) {
    const chunk = refIds.slice(i, i + CHUNK);
    const ids = db
      .selectFrom('search_documents')
      .select('id')
      .where('kind', '=', kind)
      .where('ref_id', 'in', chunk);
    await db
      .deleteFrom('search_texts')
      .where('document_id', 'in', ids)
      .execute();
    await db
      .deleteFrom('search_documents')
      .where('kind', '=', kind)
      .where('ref_id', 'in', chunk)
      .execute();
  }
}

function indexRow(doc: SourceDocument) {
  const titleTerms = termsOf(doc.title).slice(0, MAX_TITLE_TERMS);
  const room = MAX_POSITION - titleTerms.length - 1;
  const bodyTerms = capOccurrences(titleTerms, termsOf(doc.body), room);
  return {
    meta: {
      kind: doc.kind,
      ref_id: doc.refId,
      group_id: doc.groupId,
      author_id: doc.authorId,
      title_key: titleKeyOf(doc.title),
      created_at: doc.createdAt,
      updated_at: doc.updatedAt,
    },
    text: {
      title: doc.title,
      body: doc.body.slice(0, MAX_BODY),
      title_terms: titleTerms.join(' '),
      body_terms: bodyTerms.join(' '),
    },
  };
}

/**
 * The body's terms up to `room` positions, leaving out occurrences of a
 * term past the 256th (title included), which PostgreSQL would drop.
 */
function capOccurrences(
  title: readonly string[],
  body: readonly string[],
  room: number,
): string[] {
  const seen = new Map<string, number>();
  for (const term of title) {
    seen.set(term, (seen.get(term) ?? 0) + 1);
  }
  const kept: string[] = [];
  for (const term of body.slice(0, room)) {
    const count = (seen.get(term) ?? 0) + 1;
    seen.set(term, count);
    if (count <= MAX_OCCURRENCES) {
      kept.push(term);
    }
  }
  return kept;
}

/**
 * The tsvector of a row as PostgreSQL's input syntax: title terms at
 * positions 1… weighted A, body terms after a gap (so no phrase spans
 * the two) unweighted.
 */
function vectorOf(row: { title_terms: string; body_terms: string }): string {
  const positions = new Map<string, string[]>();
  const add = (term: string, position: string) => {
    const list = positions.get(term) ?? [];
    list.push(position);
    positions.set(term, list);
  };
  const title = row.title_terms ? row.title_terms.split(' ') : [];
  const body = row.body_terms ? row.body_terms.split(' ') : [];
  title.forEach((term, i) => add(term, `${i + 1}A`));
  body.forEach((term, i) => add(term, `${title.length + i + 2}`));
  return [...positions]
    .map(([term, at]) => `${lexeme(term)}:${at.join(',')}`)
    .join(' ');
}

/** The title's terms alone, for telling title matches apart cheaply. */
function titleVectorOf(row: { title_terms: string }): string {
  return vectorOf({ title_terms: row.title_terms, body_terms: '' });
}

/** A term quoted for tsvector and tsquery input. */
export function lexeme(term: string): string {
  return `'${term.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
