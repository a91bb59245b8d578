import type { FastifyInstance } from 'fastify';
import type { RouteEntry } from '../../app.ts';
import type { MatrixActor } from './actors.ts';
import type { Marker } from './content.ts';
import { fillRoute, OWN_FEED_TOKEN } from './parameters.ts';
import type { GroupKey, World } from './world.ts';

/** One address to request: a route with its parameters filled in. */
export interface Target {
  route: RouteEntry;
  url: string;
  group?: GroupKey;
}

/** What one actor got from one address. */
export interface Outcome {
  target: Target;
  actor: MatrixActor;
  status: number;
  location: string | undefined;
  /**
   * The markers found in the body or the redirect, whether or not they
   * may be there.
   */
  found: Marker[];
}

/** The methods the matrix requests: those that only read. */
const READS = new Set(['GET', 'HEAD']);

/** Every reading route of the table, filled in for the world. */
export function readTargets(
  routes: readonly RouteEntry[],
  world: World,
  markers: readonly Marker[] = [],
): Target[] {
  return routes
    .filter((route) => READS.has(route.method))
    .flatMap((route) =>
      fillRoute(route.url, world).flatMap((filled) =>
        SEARCHES.has(route.url)
          ? searchesFor(markers).map((query) => ({
              route,
              ...filled,
              url: `${filled.url}?q=${encodeURIComponent(query)}`,
            }))
          : [{ route, ...filled }],
      ),
    );
}

/** The routes that search everything: each is asked for every marker. */
const SEARCHES = new Set(['/search', '/api/v1/search']);

/**
 * A query that finds each marker without holding it: its words with a
 * space for the hyphen, so the query shown back in the search form is
 * never taken for the marker. A marker of one word cannot be searched
 * for that way and is left out.
 */
function searchesFor(markers: readonly Marker[]): string[] {
  return markers
    .filter((marker) => /[a-z0-9]-[a-z0-9]/i.test(marker.text))
    .map((marker) => marker.text.replace(/-/g, ' '));
}

export function isApi(url: string): boolean {
  return url.startsWith('/api/');
}

// Requests go out a few at a time: enough to overlap PostgreSQL's round
// trips, few enough not to queue behind its small test pool.
const BATCH = 8;

/** Requests every target as `actor` and notes the markers in each body. */
export async function requestAll(
  app: FastifyInstance,
  actor: MatrixActor,
  targets: readonly Target[],
  markers: readonly Marker[],
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let start = 0; start < targets.length; start += BATCH) {
    const batch = targets.slice(start, start + BATCH);
    outcomes.push(
      ...(await Promise.all(
        batch.map((target) => requestOne(app, actor, target, markers)),
      )),
    );
  }
  return outcomes;
}

async function requestOne(
  app: FastifyInstance,
  actor: MatrixActor,
  target: Target,
  markers: readonly Marker[],
): Promise<Outcome> {
  const response = await app.inject({
    method: target.route.method as 'GET' | 'HEAD',
    url: target.url.replace(OWN_FEED_TOKEN, actor.feedToken),
    headers: isApi(target.url) ? actor.apiHeaders : actor.pageHeaders,
  });
  // Compared without case: a folded copy of a name (a search index, a
  // sort key) leaks it just as well.
  const location = response.headers.location;
  // Search results mark the words found: the marker is read without them.
  const seen = `${String(location)}\n${response.body}`
    .replace(/<\/?mark>/g, '')
    .toLowerCase();
  return {
    target,
    actor,
    status: response.statusCode,
    location: typeof location === 'string' ? location : undefined,
    found: markers.filter((marker) => seen.includes(marker.text.toLowerCase())),
  };
}
