// The training thread: trains on the examples it is given and posts progress, then the saved model.
// Runs in a worker so a long training never blocks the bot's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import type { Example } from './datasets.ts';
import { trainClassifierInParallel } from './parallel.ts';

const { examples, background } = workerData as { examples: Example[]; background: string[] };
let reported = -1;
// Its calibration's probes are shared with a helper thread of its own (parallel.ts), ended with this one.
const model = await trainClassifierInParallel(examples, {
  background,
  onProgress: (fraction, stage) => {
    const step = Math.floor(fraction * 4);
    if (step === reported) return;
    reported = step;
    parentPort?.postMessage({ type: 'progress', fraction, stage });
  },
});
parentPort?.postMessage({ type: 'done', model: model.toJSON() });
