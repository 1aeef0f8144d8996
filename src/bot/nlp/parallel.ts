// Training on two threads: the calibration's probes are independent of each other and of the final model, so a
// helper thread computes half of them while this one computes the rest and trains the final model. The model
// is the same as `trainClassifier`'s (the same cases in the same order, the same fits); only the wall time
// changes (README, NLP: training time). The helper stays for the next training, so that its code is compiled
// and warm; it does not keep the process alive.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { probeCasesOf, probeCount, trainClassifier, trainClassifierWith, type CalibrationCase, type Model, type TrainOptions } from './classifier.ts';
import type { Example } from './datasets.ts';
import type { ProbeJob } from './probe-worker.ts';
import { startWorker } from './threads.ts';

type Reply = { id: number; cases: CalibrationCase[][] } | { id: number; failed: string };

interface Helper {
  worker: Worker;
  waiting: Map<number, { resolve: (cases: CalibrationCase[][]) => void; reject: (error: Error) => void }>;
}

let helper: Helper | undefined;
let nextJob = 0;

/**
 * `trainClassifier` on two threads when the machine has two cores or more and the calibration trains several
 * probes (small data); otherwise on this one.
 *
 *     const model = await trainClassifierInParallel(examples, { background });
 */
export async function trainClassifierInParallel(examples: Example[], options: TrainOptions = {}): Promise<Model> {
  const probes = probeCount(examples);
  const nothingToTrain = !examples.some((e) => e.intent !== '');
  // Nothing to train on: trainClassifier says so, before any work is handed out.
  if (nothingToTrain || availableParallelism() < 2 || probes < 2 || options.calibration === false) return trainClassifier(examples, options);
  // The helper takes the odd probes; this thread has the final model to train besides its own.
  const elsewhere = Array.from({ length: probes }, (_, r) => r).filter((r) => r % 2 === 1);
  const { onProgress, ...cloneable } = options;
  // Should the helper fail (it could not start, it died), this thread computes its probes too: slower, the
  // same model.
  const cases = ask({ examples, options: cloneable, probes: elsewhere }).catch(() => probeCasesOf(examples, cloneable, elsewhere));
  // Awaited by trainClassifierWith; should that throw before it gets there, a failure here is not left unhandled.
  cases.catch(() => {});
  return trainClassifierWith(examples, { ...cloneable, onProgress }, { probes: elsewhere, cases });
}

function ask(job: Omit<ProbeJob, 'id'>): Promise<CalibrationCase[][]> {
  const current = helper ?? startHelper();
  const id = nextJob++;
  return new Promise((resolve, reject) => {
    current.waiting.set(id, { resolve, reject });
    // Held while a job is out, so that the process waits for its answer; let go when idle (see startHelper).
    current.worker.ref();
    current.worker.postMessage({ id, ...job });
  });
}

function startHelper(): Helper {
  const started: Helper = { worker: startWorker('probe-worker', {}), waiting: new Map() };
  const stop = (error: Error) => {
    if (helper === started) helper = undefined;
    for (const { reject } of started.waiting.values()) reject(error);
    started.waiting.clear();
  };
  started.worker.on('message', (reply: Reply) => {
    const waiting = started.waiting.get(reply.id);
    started.waiting.delete(reply.id);
    if (started.waiting.size === 0) started.worker.unref();
    if ('failed' in reply) waiting?.reject(new Error(`the training's helper thread failed: ${reply.failed}`));
    else waiting?.resolve(reply.cases);
  });
  started.worker.on('error', stop);
  started.worker.on('exit', (code) => stop(new Error(`the training's helper thread stopped (exit code ${code})`)));
  // An idle helper does not keep the process alive. (After the listeners: adding one holds the worker again.)
  started.worker.unref();
  helper = started;
  return started;
}
