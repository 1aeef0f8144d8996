// Starts the NLP's threads (training, evaluation, a training's helper).
import { Worker } from 'node:worker_threads';

export type ThreadName = 'trainer-worker' | 'eval-worker' | 'probe-worker';

/**
 * Starts a thread. Built (dist/), this module is JavaScript and so is the worker; run from the TypeScript source
 * (under tsx, or vitest's own transform), the worker registers tsx itself to import it.
 *
 *     const worker = startWorker('trainer-worker', { examples, background });
 */
export function startWorker(name: ThreadName, workerData: object): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL(`./${name}.js`, import.meta.url), { workerData });
  const entry = new URL(`./${name}.ts`, import.meta.url).href;
  return new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`, {
    eval: true,
    workerData,
  });
}
