import assert from 'node:assert/strict';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { it } from 'node:test';
import { takeTurn } from './turns.ts';

const CONNECTIONS = 20;
const ANSWERS_EACH = 5;

/**
 * Opens CONNECTIONS connections at once to a server whose every request
 * does a little synchronous work, each asking again as soon as it is
 * answered, and gives the connections' numbers in the order answered.
 */
async function answerOrder(takingTurns: boolean): Promise<number[]> {
  const server = createServer((incoming, outgoing) => {
    void (takingTurns ? takeTurn() : Promise.resolve()).then(() => {
      const until = performance.now() + 1;
      while (performance.now() < until) {
        // A page's synchronous work: SQLite statements and rendering.
      }
      outgoing.end('answer');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const order: number[] = [];
  const ask = (agent: Agent) =>
    new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, agent }, (response) => {
        response.resume();
        response.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async (_, connection) => {
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        for (let n = 0; n < ANSWERS_EACH; n += 1) {
          await ask(agent);
          order.push(connection);
        }
        agent.destroy();
      }),
    );
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  return order;
}

/** How many answers went out before every connection had its first. */
function answersBeforeAllServed(order: readonly number[]): number {
  const seen = new Set<number>();
  const index = order.findIndex((connection) => {
    seen.add(connection);
    return seen.size === CONNECTIONS;
  });
  return index + 1;
}

it('lets a new connection in as its turn comes, not after the busy ones', async () => {
  const order = await answerOrder(true);
  assert.equal(order.length, CONNECTIONS * ANSWERS_EACH);
  // Taking turns, a connection is let in each time a request is
  // answered and then waits behind the requests already queued, so the
  // last is first answered after about twice as many answers as there
  // are connections (38 here). Without turns it was 80: each turn served
  // the connections already in again, and let one more in.
  assert.ok(
    answersBeforeAllServed(order) <= 2.5 * CONNECTIONS,
    `every connection answered only after ${answersBeforeAllServed(order)}`,
  );
});

it('starts requests in the order they arrived', async () => {
  const started: number[] = [];
  await Promise.all(
    [1, 2, 3, 4].map((n) => takeTurn().then(() => started.push(n))),
  );
  assert.deepEqual(started, [1, 2, 3, 4]);
});
