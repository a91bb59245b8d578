// The wiki's service in one place, for the pages, the API and the
// importer: each function lives in the module named beside it.

export {
  ensureSpace,
  requireSpaceFor,
  spaceFor,
  SITE_SPACE,
} from './spaces.ts';
export type { Space, SpaceAction, SpaceRow } from './spaces.ts';
export { getPage, savePage, WikiConflictError } from './editing.ts';
export type {
  ConflictDetails,
  OpenedPage,
  PageEdit,
  SavedPage,
} from './editing.ts';
export {
  deletePage,
  getRevision,
  listRevisions,
  renamePage,
  restorePage,
  revertTo,
} from './history.ts';
export { backlinks, listPages, pageTree, recentChanges } from './listing.ts';
export type { ListedPage, RecentChange } from './listing.ts';
export { resolveLinks } from './links.ts';
export { importRevision } from './import.ts';
export type { ImportedRevision, ImportOutcome } from './import.ts';
export { unwatch, watchesOf, watchPage, watchSpace } from './watches.ts';
export { MAX_BODY_BYTES } from './pages.ts';
export type { Revision, RevisionSummary, WikiPage } from './pages.ts';
