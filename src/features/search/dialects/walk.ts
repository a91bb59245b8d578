/**
 * How a page of the title tier or of the body tier is found. 'sort':
 * every visible match is read and sorted (few matches). 'list' and 'lookup': search_documents is
 * walked newest first and each row checked, stopping when the page is
 * full (many matches); on SQLite 'list' checks a row against a copy of
 * every match's id and 'lookup' asks the full-text index for that one
 * row. PostgreSQL checks each row's own vector either way.
 */
export type Walk = 'sort' | 'list' | 'lookup';
