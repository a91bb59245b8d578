import type { MatrixActor } from './actors.ts';
import type { Outcome } from './requests.ts';
import { GROUP_KEYS } from './world.ts';

interface Row {
  /** Where the row sorts: the route's path, its group, GET before HEAD. */
  order: [number, number, string];
  cells: string[];
  statuses: string[];
}

/**
 * The run as a table: one row per route (per group for a group's route),
 * its declared access, and the status each actor got; then the totals.
 */
export function matrixTable(
  outcomes: readonly Outcome[],
  actors: readonly MatrixActor[],
  routesInTable: number,
): string {
  const paths: string[] = [];
  const rows = new Map<string, Row>();
  for (const outcome of outcomes) {
    const { route, group } = outcome.target;
    if (!paths.includes(route.url)) {
      paths.push(route.url);
    }
    const key = `${route.method} ${route.url} ${group ?? ''}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        order: [
          paths.indexOf(route.url),
          group ? GROUP_KEYS.indexOf(group) : -1,
          route.method,
        ],
        cells: [
          route.method,
          group ? `${route.url} [${group}]` : route.url,
          route.config.access ?? '(none)',
        ],
        statuses: actors.map(() => ''),
      };
      rows.set(key, row);
    }
    row.statuses[actors.indexOf(outcome.actor)] = String(outcome.status);
  }

  const header = ['method', 'route', 'access', ...actors.map(keyOf)];
  const body = [...rows.values()].sort(byOrder).map(toCells);
  const lines = [header, ...body];
  const widths = header.map((_, column) =>
    Math.max(...lines.map((cells) => (cells[column] ?? '').length)),
  );
  const routes = new Set(outcomes.map((outcome) => outcome.target.route));
  return [
    ...lines.map((cells) =>
      cells
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    ),
    `${routes.size} routes (${rows.size} addresses) × ${actors.length} ` +
      `actors checked: ${outcomes.length} requests. The table's other ` +
      `${routesInTable - routes.size} routes (POST, PATCH, DELETE …) are ` +
      'not requested: route-audit.route.test.ts audits them.',
  ].join('\n');
}

function keyOf(actor: MatrixActor): string {
  return actor.spec.key;
}

function byOrder(a: Row, b: Row): number {
  const [pathA, groupA, methodA] = a.order;
  const [pathB, groupB, methodB] = b.order;
  return pathA - pathB || groupA - groupB || methodA.localeCompare(methodB);
}

function toCells(row: Row): string[] {
  return [...row.cells, ...row.statuses];
}
