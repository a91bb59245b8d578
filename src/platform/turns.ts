// Requests take turns: one starts in each turn of the event loop, in the
// order they arrived.
//
// Why: since libuv 1.45 (Node 20), a listening socket accepts one new
// connection in each turn of the event loop. Left alone, one turn runs
// every request its open connections have sent; on a busy server whose
// pages take about 10 ms of work each, that is a few hundred milliseconds
// a turn, so fifty connections opened at once were let in one every
// 250 ms or so and the last waited seven seconds for its first answer
// while the first few were served again and again (bench/RESULTS.md,
// "the long tail"). Taking turns makes a turn run one request's
// synchronous work, so new connections come in as fast as requests are
// answered, and every request waits behind those that came before it.

const waiting: (() => void)[] = [];
let pumping = false;

/** Resolves when it is this request's turn to start. */
export function takeTurn(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    if (!pumping) {
      pumping = true;
      setImmediate(startNext);
    }
  });
}

// An immediate queued from within an immediate runs in the next turn,
// after the event loop has polled for connections and data again.
function startNext(): void {
  waiting.shift()?.();
  if (waiting.length > 0) {
    setImmediate(startNext);
  } else {
    pumping = false;
  }
}
