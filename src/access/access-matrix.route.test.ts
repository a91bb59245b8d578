import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { GroupThing } from './groups.ts';
import { SYSTEM_ACTOR } from '../features/audit/audit.ts';
import { setSetting } from '../features/admin/settings.ts';
import { ROUTE_ACCESS } from '../platform/route-config.ts';
import { buildTestApp } from '../test-support/app.ts';
import { describeEachDatabase } from '../test-support/databases.ts';
import { prepareActors } from './matrix/actors.ts';
import type { MatrixActor } from './matrix/actors.ts';
import {
  headsUnlikeGets,
  leaks,
  unseenMarkers,
  wrongStatuses,
} from './matrix/checks.ts';
import { buildActivity } from './matrix/activity.ts';
import { buildContent } from './matrix/content.ts';
import { digestOutcomes } from './matrix/email.ts';
import type { Marker } from './matrix/content.ts';
import { groupsAsSeenBy } from './matrix/expectations.ts';
import { matrixTable } from './matrix/report.ts';
import { readTargets, requestAll } from './matrix/requests.ts';
import type { Outcome } from './matrix/requests.ts';
import { buildWorld, GROUP_SPECS } from './matrix/world.ts';
import type { GroupKey, World } from './matrix/world.ts';

// Every reading route of the app, from its own route table, requested as
// every kind of actor against an open, a closed and a secret group full of
// marker strings. What each actor may see comes from the group rule in
// ./groups.ts, so a route added later is checked without anyone editing
// this file; see ./matrix/ for the actors, the content and the parameters.

await describeEachDatabase('the access matrix', (database) => {
  let app: FastifyInstance;
  let world: World;
  let markers: Marker[];
  let actors: MatrixActor[];
  const groupsByActor = new Map<MatrixActor, Record<GroupKey, GroupThing>>();
  const outcomes: Outcome[] = [];

  before(async () => {
    const { db } = database();
    app = await buildTestApp(database());
    world = await buildWorld(db);
    markers = await buildContent(db, world);
    actors = await prepareActors(app, db, world);
    markers.push(...(await buildActivity(db, world)));
    for (const actor of actors) {
      groupsByActor.set(actor, await groupsAsSeenBy(db, actor.rule, world));
    }
  });
  after(async () => {
    await app.close();
  });

  /** What `actor` got from the route `url` filled in for `group`. */
  function outcomeOf(actor: string, url: string, group?: GroupKey) {
    const outcome = outcomes.find(
      (o) =>
        o.actor.spec.key === actor &&
        o.target.route.method === 'GET' &&
        o.target.route.url === url &&
        o.target.group === group,
    );
    assert.ok(outcome, `GET ${url} ${group ?? ''} was requested as ${actor}`);
    return outcome;
  }

  /** The run's outcomes; none means the run failed, not that all is well. */
  function ran(): Outcome[] {
    assert.ok(outcomes.length > 0, 'the routes were requested');
    return outcomes;
  }

  function texts(outcome: Outcome): string[] {
    return outcome.found.map((marker) => marker.text);
  }

  it('finds a known access level declared on every route', () => {
    const known: readonly string[] = ROUTE_ACCESS;
    const undeclared = app.routeTable
      .filter((route) => !known.includes(route.config.access ?? ''))
      .map((route) => `${route.method} ${route.url}`);

    assert.deepEqual(undeclared, []);
  });

  it('requests every reading route as every actor', async (t) => {
    const { db } = database();
    const targets = readTargets(app.routeTable, world, markers);
    assert.ok(targets.length > 40, 'the matrix sees the routes');

    for (const actor of actors) {
      const publicReading = actor.spec.publicReading === true;
      await setSetting(db, 'publicReading', publicReading, SYSTEM_ACTOR);
      outcomes.push(...(await requestAll(app, actor, targets, markers)));
    }
    await setSetting(db, 'publicReading', false, SYSTEM_ACTOR);

    const table = matrixTable(outcomes, actors, app.routeTable.length);
    for (const line of table.split('\n')) {
      t.diagnostic(line);
    }
    assert.equal(outcomes.length, targets.length * actors.length);
  });

  it('shows no actor a marker that the group rule keeps from them', () => {
    assert.deepEqual(leaks(ran(), groupsByActor, markers), []);
  });

  it('turns away at the gate whoever the route’s access excludes', () => {
    assert.deepEqual(wrongStatuses(ran()), []);
  });

  it('answers HEAD with the status GET gets', () => {
    assert.deepEqual(headsUnlikeGets(ran()), []);
  });

  it('shows every marker to someone allowed to see it', () => {
    assert.deepEqual(unseenMarkers(ran(), groupsByActor, markers), []);
  });

  it('shows a member the members of their closed group on its page', () => {
    const page = outcomeOf('member', '/groups/:slug', 'closed');

    assert.equal(page.status, 200);
    assert.ok(texts(page).includes(GROUP_SPECS.closed.memberMarker));
  });

  it('lists the secret group in the directory for a site administrator', () => {
    const directory = outcomeOf('site-admin', '/groups');

    assert.equal(directory.status, 200);
    assert.ok(texts(directory).includes(GROUP_SPECS.secret.nameMarker));
  });

  it("reads a personal feed as its token's owner, for nobody else", () => {
    const url = '/feeds/:token/talk/categories/:category/feed.atom';
    const member = outcomeOf('member', url, 'closed');

    assert.equal(member.status, 200);
    assert.ok(texts(member).includes('CLOSEDTALKTITLE-5QK'));
    for (const actor of ['non-member', 'deactivated', 'signed-out']) {
      const other = outcomeOf(actor, url, 'closed');
      assert.equal(other.status, 404, actor);
      assert.deepEqual(texts(other), [], actor);
    }
  });

  it('e-mails no actor a marker the group rule keeps from them', async () => {
    const mailed = await digestOutcomes(database().db, actors, markers);
    const mailedTexts = mailed.flatMap((outcome) => texts(outcome));
    assert.ok(mailed.length > 0, 'digests were sent');
    assert.ok(mailedTexts.some((text) => text.startsWith('OPENNOTICE')));
    assert.ok(mailedTexts.some((text) => text.startsWith('CLOSEDNOTICE')));
    assert.deepEqual(leaks(mailed, groupsByActor, markers), []);
  });

  it('finds a closed group’s content in search for its member only', () => {
    const searched = (actor: string, url: string) => {
      const outcome = ran().find(
        (o) => o.actor.spec.key === actor && o.target.url === url,
      );
      assert.ok(outcome, `${url} was requested as ${actor}`);
      return texts(outcome);
    };
    for (const route of ['/search', '/api/v1/search']) {
      const url = `${route}?q=${encodeURIComponent('CLOSEDBLOGTITLE 8PD')}`;
      assert.ok(searched('member', url).includes('CLOSEDBLOGTITLE-8PD'));
      assert.deepEqual(searched('non-member', url), [], route);
    }
  });

  it('lets the public read an open group, and only an open one', () => {
    const open = outcomeOf('public', '/groups/:slug', 'open');
    const closed = outcomeOf('public', '/groups/:slug', 'closed');
    const signedOut = outcomeOf('signed-out', '/groups/:slug', 'open');

    assert.equal(open.status, 200);
    assert.ok(texts(open).includes(GROUP_SPECS.open.descriptionMarker));
    // The content, not the staff list: members stay for signed-in readers.
    assert.ok(!texts(open).includes(GROUP_SPECS.open.memberMarker));
    assert.equal(closed.status, 404);
    assert.deepEqual(texts(closed), []);
    assert.equal(signedOut.status, 303);
  });
});
