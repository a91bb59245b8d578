// The entry of the thread that reads PDFs (./pdf-thread.ts). A worker
// thread does not inherit the parent's TypeScript loader, so it
// registers tsx itself before loading the TypeScript that does the work.
import { register } from 'tsx/esm/api';

register();
await import('./pdf-worker-main.ts');
