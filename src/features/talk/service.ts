// Talk's discussions in one place, for the API, the pages and the
// importer: each function lives in the module named beside it.

export {
  categoryNotFound,
  findCategoryRow,
  GROUP_CATEGORY_PREFIX,
  listReadableCategories,
  placeOf,
  requireReadablePlace,
} from './places.ts';
export type { Category, Place } from './places.ts';
export {
  createSiteCategory,
  ensureGroupCategory,
  ensureSiteCategory,
} from './categories.ts';
export {
  assertOpenForReplies,
  createThread,
  findThread,
  findThreadByImportKey,
  listThreads,
  requireThreadFor,
  setThreadLocked,
  setThreadPinned,
  threadNotFound,
} from './threads.ts';
export type {
  ListedThread,
  NewThread,
  Thread,
  ThreadFilter,
} from './threads.ts';
export {
  appendPost,
  countShownPosts,
  findPost,
  listPostRevisions,
  recountThread,
  shownPostsBetween,
} from './posts.ts';
export type { NewPost, Post } from './posts.ts';
export {
  acceptAnswer,
  deletePost,
  editPost,
  replyToThread,
  requirePostFor,
  startThread,
} from './discussions.ts';
export type { ReadablePost } from './discussions.ts';
export {
  IMPORTED_SCORE,
  react,
  reactionsOf,
  REACTION_KINDS,
  setImportedScore,
  unreact,
} from './reactions.ts';
export type { ReactionKind, ReactionSummary } from './reactions.ts';
export {
  clearWatch,
  lastReadPosition,
  markRead,
  setWatch,
  watchLevelOf,
} from './reading.ts';
export { MAX_BODY, MAX_TITLE } from './input.ts';
