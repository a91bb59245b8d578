import assert from 'node:assert/strict';
import { it } from 'node:test';

// What `civilmedia serve` loads must leave the engine's built-in methods
// alone. pdf.js's legacy build, once loaded, put a polyfill of its own in
// place of Array.prototype.push for the whole process, slowing every
// page (and made it print as native code); PDFs are read in threads of
// their own (features/files/process/pdf-thread.ts).

const BUILT_INS = [Array, String, Object, Promise, Map, Set, Function];

/** Every built-in method, by where it hangs and its name. */
function builtInMethods(): Map<string, unknown> {
  const methods = new Map<string, unknown>();
  for (const type of BUILT_INS) {
    for (const [owner, mark] of [
      [type, '.'],
      [type.prototype, '#'],
    ] as const) {
      for (const name of Object.getOwnPropertyNames(owner)) {
        const value = Object.getOwnPropertyDescriptor(owner, name)?.value;
        if (typeof value === 'function') {
          methods.set(`${type.name}${mark}${name}`, value);
        }
      }
    }
  }
  return methods;
}

it('loads the server and its job handlers without replacing built-in methods', async () => {
  const before = builtInMethods();
  await import('./app.ts');
  await import('./job-handlers.ts');
  await import('./workers.ts');

  const replaced = [...builtInMethods()]
    .filter(([name, method]) => before.get(name) !== method)
    .map(([name]) => name);
  assert.deepEqual(replaced, []);
});
