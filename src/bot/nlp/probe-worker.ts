// A training's helper thread (parallel.ts): computes the calibration cases of the probes it is asked for and posts
// them back, while the thread that asked trains the other probes and the final model. It stays for the next
// training, its code compiled and warm.
import { parentPort } from 'node:worker_threads';
import { probeCasesOf, type TrainOptions } from './classifier.ts';
import type { Example } from './datasets.ts';

export interface ProbeJob {
  id: number;
  examples: Example[];
  options: TrainOptions;
  probes: number[];
}

parentPort?.on('message', ({ id, examples, options, probes }: ProbeJob) => {
  try {
    parentPort?.postMessage({ id, cases: probeCasesOf(examples, options, probes) });
  } catch (error) {
    parentPort?.postMessage({ id, failed: (error as Error).message });
  }
});
