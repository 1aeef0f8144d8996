// The evaluation thread: cross-validates the examples it is given (cross-validation.ts: several trainings) and
// posts the figures. Runs in a worker so it never blocks the bot's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { crossValidate } from './cross-validation.ts';
import type { Example } from './datasets.ts';

const { examples, background, threshold } = workerData as { examples: Example[]; background: string[]; threshold: number };
parentPort?.postMessage({ type: 'done', evaluation: crossValidate(examples, background, { threshold }) });
