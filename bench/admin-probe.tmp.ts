import { preloadStore } from './preload.ts';
import { mkdtemp, cp } from 'node:fs/promises';
import { join } from 'node:path';
const dir = await mkdtemp('/tmp/probe-');
await cp('data', dir, { recursive: true, filter: (f) => !f.includes('/store') });
await preloadStore(join(dir, 'store'), Number(process.argv[2] ?? 1_000_000));
console.log(dir);
