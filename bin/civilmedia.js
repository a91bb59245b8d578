#!/usr/bin/env node
// The `civilmedia` command. The source is TypeScript, run through tsx's
// loader, so there is no build step between a clone and a running site.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
