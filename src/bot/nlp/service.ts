// The intent model in service: trained from DATA_DIR/nlp/*.yaml (and the background sentences, see
// background.ts) in a worker thread, cached on disk by the data's hash (a restart does not retrain), retrained
// when the files change while the old model keeps answering, and kept as it is when an edit breaks a file.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { logged, type FileError } from '../../shared/file-error.ts';
import { Reloader } from '../../shared/reloader.ts';
import { BACKGROUND_FILE, loadBackground } from './background.ts';
import { loadModel, type Model, type Neighbour, type SavedModel } from './classifier.ts';
import type { DataEvaluation, SkippedEvaluation } from './cross-validation.ts';
import type { Example } from './datasets.ts';
import { startWorker } from './threads.ts';
import { loadTrainingData, TrainingDataError } from './training-data.ts';

/**
 * Bump when the features, the model or its calibration change, so caches made by older code are not used
 * (the model format can stay: `/4.1` was the background weighed by script, `/4.2` the Arabic function words,
 * `/4.3` the Arabic consonant skeletons, `/4.4` the softmax as a product of a word and a character expert).
 */
const CACHE_VERSION = 'switchboard-intents/4.4';

export interface IntentServiceOptions {
  /** The folder of training files (`DATA_DIR/nlp`). */
  dir: string;
  /** Where trained models are cached (`DATA_DIR/store/nlp-cache`). */
  cacheDir: string;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };
  /** Follow changes of the training files (default true). */
  watch?: boolean;
  /**
   * Cross-validate the data after each training, in another worker thread, at this confidence threshold (the
   * dashboard's eval figures, cached beside the model); default off.
   */
  evaluateAt?: number;
}

/** The eval figures of the data a model was trained on: when they were computed, and that data's hash. */
export type IntentEvaluation = (DataEvaluation | SkippedEvaluation) & { at: string; dataHash: string };

/**
 * Classifies texts with the current model; `classify` answers undefined until the first model is ready.
 *
 *     const intents = await IntentService.start({ dir: 'data/nlp', cacheDir: 'data/store/nlp-cache', log });
 *     await intents.whenServing(); intents.classify('I was charged twice'); // { intent: 'billing', confidence: 0.93 }
 */
export class IntentService {
  #model: Model | undefined;
  #hash: string | undefined;
  #errors: FileError[] = [];
  #trainings = 0;
  #worker: Worker | undefined;
  #evaluation: IntentEvaluation | undefined;
  #evaluator: Worker | undefined;
  /** The data (its hash) whose eval figures could not be computed: computed again at the next read (Retrain). */
  #evaluationFailed: string | undefined;
  /** The load (or training) under way, if any. */
  #preparing: Promise<void> | undefined;
  /** Whether the last load (or training) failed: no model of the data as it is now is coming until the next one. */
  #failed = false;
  #closed = false;
  readonly #reloader: Reloader;

  private constructor(private readonly options: IntentServiceOptions) {
    this.#reloader = new Reloader({ read: () => this.#track(this.#read()), label: 'NLP training data', log: options.log });
  }

  /**
   * Loads the cached model for the current data, or starts training it in the background: the caller decides
   * whether to wait for it (`whenServing`), a classify step meanwhile would ask its clarify question.
   */
  static async start(options: IntentServiceOptions): Promise<IntentService> {
    const service = new IntentService(options);
    // Tracked from here, not only once the reloader calls #read, so a whenServing() right after start waits.
    void service.#track(service.#reloader.reload()).catch((error: Error) => {
      if (!service.#closed) options.log.error({}, `the NLP model could not be prepared: ${error.message}`);
    });
    if (options.watch ?? true) service.#reloader.watch(options.dir, (name) => name === null || /\.ya?ml$/i.test(name) || BACKGROUND_FILE.test(name));
    return service;
  }

  /** The intent of `text`, or undefined while no model is ready. */
  classify(text: string): { intent: string; confidence: number } | undefined {
    const result = this.#model?.classify(text);
    return result && { intent: result.intent, confidence: result.confidence };
  }

  /**
   * The training examples nearest to `text` (the dashboard's "try a sentence"), or none while no model is ready.
   *
   *     intents.nearest('charged two times', 3); // [{ intent: 'billing', text: 'I was charged twice', similarity: 0.71 }, …]
   */
  nearest(text: string, count = 5): Neighbour[] {
    return this.#model?.nearest(text, { count }) ?? [];
  }

  /**
   * While no model serves yet and one is being loaded or trained, waits for it, at most `timeoutMs`; resolves
   * true when a model serves. Without a model in preparation (no data, or the data refused) it answers at once.
   *
   *     await intents.whenServing();      // start-up: the first model, however long its training takes
   *     await intents.whenServing(5_000); // a message arriving while the first model trains
   */
  async whenServing(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    const preparing = this.#preparing;
    if (this.#model || !preparing) return this.#model !== undefined;
    const settled = preparing.catch(() => undefined);
    if (Number.isFinite(timeoutMs)) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    } else {
      await settled;
    }
    return this.#model !== undefined;
  }

  /** Resolves once the data as it is now on disk is loaded (and trained, if it had to be). */
  ready(): Promise<void> {
    return this.#reloader.reload();
  }

  /** Training files refused (file, line, column, reason), empty when the data is good. */
  errors(): FileError[] {
    return this.#errors;
  }

  /**
   * Whether a model is in service: while the data is refused, the one trained before it was (none when it was
   * refused from the start).
   */
  serves(): boolean {
    return this.#model !== undefined;
  }

  /**
   * Whether the data is being read and, when it changed, trained on (`under way`), or the last such preparation
   * failed (`failed`: the log says why; the model in service, if any, is of older data).
   *
   *     intents.training(); // 'under way' while the first model trains, then undefined
   */
  training(): 'under way' | 'failed' | undefined {
    return this.#preparing ? 'under way' : this.#failed ? 'failed' : undefined;
  }

  /** The eval figures of the model in service, once computed (see `evaluateAt`). */
  evaluation(): IntentEvaluation | undefined {
    return this.#evaluation?.dataHash === this.#hash ? this.#evaluation : undefined;
  }

  /**
   * Whether the eval figures of the model in service could not be computed (their thread failed: the log says why):
   * none are coming until the data is read again (`ready()`, the dashboard's Retrain), which tries once more.
   */
  evaluationFailed(): boolean {
    return this.#hash !== undefined && this.#evaluationFailed === this.#hash;
  }

  /** How many trainings ran in this process (a cache hit trains nothing). */
  get trainings(): number {
    return this.#trainings;
  }

  /** Stops following the files and any training under way. */
  close(): void {
    this.#closed = true;
    this.#reloader.close();
    void this.#worker?.terminate();
    void this.#evaluator?.terminate();
  }

  /** Remembers `preparation` as the one under way until it settles. */
  #track(preparation: Promise<void>): Promise<void> {
    this.#preparing = preparation;
    const settled = (failed: boolean) => {
      if (this.#preparing !== preparation) return;
      this.#preparing = undefined;
      this.#failed = failed;
    };
    preparation.then(() => settled(false), () => settled(true));
    return preparation;
  }

  async #read(): Promise<void> {
    const { dir, log } = this.options;
    let examples: Example[];
    try {
      examples = await loadTrainingData(dir, `nlp`);
      this.#errors = [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#errors = [];
        return;
      }
      if (!(error instanceof TrainingDataError)) throw error;
      this.#errors = [error];
      const { fields, message } = logged(error);
      log.error(fields, `${message}${this.#model ? '; the previous model keeps serving' : ''}`);
      return;
    }
    if (examples.length === 0) return;
    const background = (await loadBackground(dir, 'nlp')).map((line) => line.text);
    const hash = createHash('sha256').update(CACHE_VERSION).update(JSON.stringify([examples, background])).digest('hex').slice(0, 16);
    if (hash === this.#hash) {
      // The same data: nothing to train, but figures that could not be computed are tried again.
      if (this.#evaluationFailed === hash && this.options.evaluateAt !== undefined) void this.#evaluate(hash, examples, background, this.options.evaluateAt);
      return;
    }
    const cached = await this.#cached(hash);
    const saved = cached ?? (await this.#train(examples, background));
    if (this.#closed) return;
    this.#model = loadModel(saved);
    this.#hash = hash;
    if (!cached) await this.#store(hash, saved);
    log.info({ intents: saved.intents.length, examples: examples.length, cached: Boolean(cached) }, `NLP model ${hash} in service`);
    if (this.options.evaluateAt !== undefined) void this.#evaluate(hash, examples, background, this.options.evaluateAt);
  }

  /** The eval figures of `hash`'s data: from the cache, else computed in a worker and cached. */
  async #evaluate(hash: string, examples: Example[], background: string[], threshold: number): Promise<void> {
    const file = join(this.options.cacheDir, `${hash}.eval.json`);
    this.#evaluationFailed = undefined; // being computed (again)
    try {
      this.#evaluation = JSON.parse(await readFile(file, 'utf8')) as IntentEvaluation;
      return;
    } catch {
      // Not computed yet for this data.
    }
    void this.#evaluator?.terminate(); // figures of older data are no longer wanted
    const worker = startWorker('eval-worker', { examples, background, threshold });
    this.#evaluator = worker;
    try {
      const figures = await new Promise<DataEvaluation | SkippedEvaluation>((resolve, reject) => {
        worker.once('message', (message: { evaluation: DataEvaluation | SkippedEvaluation }) => resolve(message.evaluation));
        worker.once('error', reject);
        worker.once('exit', () => reject(new Error('the evaluation thread stopped')));
      });
      void worker.terminate();
      if (this.#hash !== hash) return;
      this.#evaluation = { ...figures, at: new Date().toISOString(), dataHash: hash };
      await writeFile(`${file}.tmp`, JSON.stringify(this.#evaluation));
      await rename(`${file}.tmp`, file);
      this.options.log.info({ accuracy: 'accuracy' in figures ? figures.accuracy : undefined }, `NLP eval figures of ${hash} computed`);
    } catch (error) {
      if (!this.#closed && this.#evaluator === worker) {
        this.#evaluationFailed = hash;
        this.options.log.warn({}, `the NLP eval figures could not be computed: ${(error as Error).message}`);
      }
    }
  }

  async #cached(hash: string): Promise<SavedModel | undefined> {
    try {
      return JSON.parse(await readFile(join(this.options.cacheDir, `${hash}.json`), 'utf8')) as SavedModel;
    } catch {
      return undefined;
    }
  }

  /** Writes the model atomically and drops older cached models. */
  async #store(hash: string, saved: SavedModel): Promise<void> {
    const { cacheDir, log } = this.options;
    try {
      await mkdir(cacheDir, { recursive: true });
      const file = join(cacheDir, `${hash}.json`);
      await writeFile(`${file}.tmp`, JSON.stringify(saved));
      await rename(`${file}.tmp`, file);
      for (const name of await readdir(cacheDir)) {
        if (name !== basename(file) && name !== `${hash}.eval.json`) await rm(join(cacheDir, name), { force: true });
      }
    } catch (error) {
      log.warn({ cacheDir }, `could not cache the NLP model: ${(error as Error).message}`);
    }
  }

  #train(examples: Example[], background: string[]): Promise<SavedModel> {
    const { log } = this.options;
    this.#trainings++;
    const started = Date.now();
    log.info({ examples: examples.length, background: background.length }, 'training the NLP model');
    const worker = startWorker('trainer-worker', { examples, background });
    this.#worker = worker;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: { type: 'progress'; fraction: number; stage: string } | { type: 'done'; model: SavedModel }) => {
        if (message.type === 'progress') {
          log.info({ stage: message.stage }, `training the NLP model: ${Math.round(message.fraction * 100)}%`);
          return;
        }
        log.info({ ms: Date.now() - started }, 'NLP model trained');
        resolve(message.model);
        void worker.terminate();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        this.#worker = undefined;
        reject(new Error(this.#closed ? 'training stopped: the bot is shutting down' : `the training thread stopped (exit code ${code})`));
      });
    });
  }
}
