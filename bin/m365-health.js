#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Node caches the compiled modules (TypeScript already stripped of its types) on disk, in the temporary directory
// unless NODE_COMPILE_CACHE says where: later starts skip that work and never load the type stripper, ~25 MB of
// memory. Where the cache cannot be written, Node goes on without it. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache();
const { runMain } = await import('../src/main.ts');
await runMain();
