import type { GroupThing } from '../groups.ts';
import type { RouteAccess } from '../../platform/route-config.ts';
import type { MatrixActor } from './actors.ts';
import type { Marker } from './content.ts';
import { hiddenMarkers, refusalStatus } from './expectations.ts';
import { isApi } from './requests.ts';
import type { Outcome, Target } from './requests.ts';
import type { GroupKey } from './world.ts';
import { isFeedUrl } from '../../platform/error-handling.ts';

// Each check reads the outcomes of the whole run and returns one line per
// failure, so a failing run names every route, actor and marker at once.

function label(target: Target): string {
  return `${target.route.method} ${target.url}`;
}

/** Markers in responses to actors the group rule keeps them from. */
export function leaks(
  outcomes: readonly Outcome[],
  groupsByActor: Map<MatrixActor, Record<GroupKey, GroupThing>>,
  markers: readonly Marker[],
): string[] {
  const failures: string[] = [];
  for (const outcome of outcomes) {
    const groups = groupsByActor.get(outcome.actor);
    if (!groups) {
      throw new Error(`no groups for ${outcome.actor.spec.key}`);
    }
    const hidden = new Set(hiddenMarkers(outcome.actor.rule, groups, markers));
    for (const marker of outcome.found.filter((found) => hidden.has(found))) {
      failures.push(
        `${label(outcome.target)} as ${outcome.actor.spec.key} ` +
          `(${outcome.status}) shows ${marker.text}, the ${marker.where} ` +
          `of the ${marker.group} group, which needs ${marker.action}`,
      );
    }
  }
  return failures;
}

/**
 * Statuses that contradict the route's declared access: an actor the gate
 * must turn away who was not, and any server error.
 */
export function wrongStatuses(outcomes: readonly Outcome[]): string[] {
  const failures: string[] = [];
  for (const { target, actor, status, location } of outcomes) {
    const access = target.route.config.access ?? 'staff';
    // A feed, like the API, answers 401 rather than a sign-in page.
    const api = isApi(target.url) || isFeedUrl(target.url);
    const method = target.route.method;
    const expected = actor.spec.deactivated
      ? deactivatedStatus(access, { method, api })
      : refusalStatus(actor.rule, access, { method, api });
    const toSignIn = expected !== 303 || location?.startsWith('/sign-in?');
    if (status >= 500 || (expected && (status !== expected || !toSignIn))) {
      failures.push(
        `${label(target)} as ${actor.spec.key} (access ${access}) ` +
          `answered ${status}${expected ? `, not ${expected}` : ''}`,
      );
    }
  }
  return failures;
}

/**
 * A deactivated person's token is refused outright wherever the app reads
 * tokens; their session cookie counts for nothing, so a page treats them
 * as signed out.
 */
function deactivatedStatus(
  access: RouteAccess,
  request: { method: string; api: boolean },
): number | undefined {
  if (access === 'credentials') {
    return undefined;
  }
  if (request.api) {
    return 401;
  }
  if (access === 'public') {
    return undefined;
  }
  return request.method === 'GET' ? 303 : 401;
}

/**
 * HEAD must answer as GET does, or it tells what GET hides. The gate
 * sends only a GET to the sign-in page; a HEAD that needs signing in is
 * told 401, which says the same.
 */
export function headsUnlikeGets(outcomes: readonly Outcome[]): string[] {
  const answer = (outcome: Outcome) =>
    outcome.status === 303 && outcome.location?.startsWith('/sign-in?')
      ? 401
      : outcome.status;
  const gets = new Map<string, number>();
  for (const outcome of outcomes) {
    if (outcome.target.route.method === 'GET') {
      gets.set(
        `${outcome.actor.spec.key} ${outcome.target.url}`,
        answer(outcome),
      );
    }
  }
  const failures: string[] = [];
  for (const outcome of outcomes) {
    const get = gets.get(`${outcome.actor.spec.key} ${outcome.target.url}`);
    const head = outcome.target.route.method === 'HEAD';
    if (head && get !== undefined && get !== answer(outcome)) {
      failures.push(
        `${label(outcome.target)} as ${outcome.actor.spec.key} ` +
          `answered ${outcome.status} where GET answered ${get}`,
      );
    }
  }
  return failures;
}

/**
 * Markers that no actor allowed to see them saw anywhere: each is a check
 * that cannot fail, because nothing shows its content yet.
 */
export function unseenMarkers(
  outcomes: readonly Outcome[],
  groupsByActor: Map<MatrixActor, Record<GroupKey, GroupThing>>,
  markers: readonly Marker[],
): string[] {
  const seen = new Set<Marker>();
  for (const outcome of outcomes) {
    const groups = groupsByActor.get(outcome.actor);
    const hidden = new Set(
      groups ? hiddenMarkers(outcome.actor.rule, groups, markers) : markers,
    );
    for (const marker of outcome.found) {
      if (!hidden.has(marker)) {
        seen.add(marker);
      }
    }
  }
  return markers
    .filter((marker) => !seen.has(marker))
    .map(
      (marker) =>
        `${marker.text} (the ${marker.where} of the ${marker.group} group) ` +
        'is in no response at all',
    );
}
