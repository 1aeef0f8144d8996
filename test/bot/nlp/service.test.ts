// The intent model in service: worker training, the disk cache, retraining on change, broken files.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IntentService } from '../../../src/bot/nlp/service.ts';
import { memoryLog } from '../../helpers.ts';

// A test may make the eval thread fail as a broken one does (it throws before posting figures); the others run it.
const evalThread = vi.hoisted(() => ({ fails: false }));
vi.mock('../../../src/bot/nlp/threads.ts', async (original) => {
  const real = await original<typeof import('../../../src/bot/nlp/threads.ts')>();
  return {
    ...real,
    startWorker: (name: Parameters<typeof real.startWorker>[0], data: object) =>
      name === 'eval-worker' && evalThread.fails ? new Worker('throw new Error("the eval thread broke")', { eval: true }) : real.startWorker(name, data),
  };
});

// Each test trains the shipped model once or twice in worker threads: 5-14 s with CI's other lane beside it, past the
// suite's 20 s when testers load the machine too.
vi.setConfig({ testTimeout: 60_000 });

const shipped = new URL('../../../data/nlp/intents.yaml', import.meta.url).pathname;
let root: string;
const services: IntentService[] = [];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'switchboard-nlp-'));
  await mkdir(join(root, 'nlp'));
  await copyFile(shipped, join(root, 'nlp', 'intents.yaml'));
});
afterEach(async () => {
  for (const service of services.splice(0)) service.close();
  await rm(root, { recursive: true, force: true });
});

// The model of the shipped examples, trained once for the tests about what happens after it serves (a retraining, a
// refused file, the eval figures): each of them trained the very same model again, seconds of CPU each.
let shippedModel: Promise<string> | undefined;
const kept = mkdtemp(join(tmpdir(), 'switchboard-nlp-kept-'));
afterAll(async () => rm(await kept, { recursive: true, force: true }));

/** Gives this test's cache the shipped examples' model, as after a restart (trained here the first time). */
async function withShippedModel(): Promise<void> {
  shippedModel ??= (async () => {
    // Trained over a folder of its own: a test that stops meanwhile removes only its own.
    const dir = await mkdtemp(join(await kept, 'nlp-'));
    await copyFile(shipped, join(dir, 'intents.yaml'));
    const cacheDir = join(dir, 'cache');
    const service = await IntentService.start({ dir, cacheDir, log: memoryLog(), watch: false });
    try {
      await service.ready();
    } finally {
      service.close();
    }
    const [model] = (await readdir(cacheDir)).filter((name) => name.endsWith('.json'));
    return join(cacheDir, model!);
  })();
  shippedModel.catch(() => (shippedModel = undefined));
  const model = await shippedModel;
  await mkdir(join(root, 'cache'), { recursive: true });
  await copyFile(model, join(root, 'cache', basename(model)));
}

/** A service of this test's nlp/; `{ trained: true }`: its shipped model is in the cache already (`withShippedModel`). */
async function start(options: { trained?: boolean } = {}) {
  if (options.trained) await withShippedModel();
  const log = memoryLog();
  const service = await IntentService.start({ dir: join(root, 'nlp'), cacheDir: join(root, 'cache'), log, watch: false });
  services.push(service);
  return { service, log };
}

describe('the intent service', () => {
  it('trains in a worker thread and routes English and Arabic on the shipped examples', async () => {
    const { service, log } = await start();
    await service.ready();
    expect(service.trainings).toBe(1);
    expect(service.classify('I was charged twice for my order')?.intent).toBe('billing');
    expect(service.classify('the app crashes every time I log in')?.intent).toBe('tech_support');
    expect(service.classify('تم خصم المبلغ مرتين من بطاقتي')?.intent).toBe('billing');
    expect(service.classify('التطبيق لا يعمل عند تسجيل الدخول')?.intent).toBe('tech_support');
    expect(log.lines.some((line) => /training the NLP model: \d+%/.test(line.msg))).toBe(true);
  });

  it('does not retrain after a restart: the model comes from the cache', async () => {
    const first = await start();
    await first.service.ready();
    const before = first.service.classify('how much is the premium plan?');
    first.service.close();
    const second = await start();
    await second.service.ready();
    expect(second.service.trainings).toBe(0);
    expect(second.service.classify('how much is the premium plan?')).toEqual(before);
  });

  it('keeps answering with the old model while a changed file retrains, then serves the new one', async () => {
    const { service } = await start({ trained: true });
    await service.ready();
    expect(service.trainings).toBe(0);
    const file = join(root, 'nlp', 'intents.yaml');
    const shipping = Array.from({ length: 12 }, (_, n) => `    - where is my parcel number ${n}, it has not arrived`).join('\n');
    await writeFile(file, `${await readFile(file, 'utf8')}\n  shipping:\n${shipping}\n`);
    const retraining = service.ready();
    expect(service.classify('I was charged twice')?.intent).toBe('billing');
    await retraining;
    expect(service.trainings).toBe(1);
    expect(service.classify('where is my parcel, it has not arrived yet')?.intent).toBe('shipping');
  });

  it('trains with the background sentences of DATA_DIR/nlp, and retrains when they change', async () => {
    const { service } = await start({ trained: true });
    await service.ready();
    expect(service.trainings).toBe(0);
    const before = service.classify('hello there');
    await writeFile(join(root, 'nlp', 'background.en.txt'), 'hello there\nnice weather today\n');
    await service.ready();
    expect(service.trainings).toBe(1);
    expect(service.classify('hello there')).not.toEqual(before);
  });

  it('lets a caller wait for the first model while it trains, and answers at once when there is nothing to wait for', async () => {
    const { service } = await start();
    expect(service.classify('I was charged twice')).toBeUndefined();
    expect(await service.whenServing()).toBe(true);
    expect(service.classify('I was charged twice')?.intent).toBe('billing');

    await rm(join(root, 'nlp'), { recursive: true });
    const empty = await start();
    expect(await empty.service.whenServing()).toBe(false);
    expect(empty.service.trainings).toBe(0);
  });

  it('gives up waiting for a training after the given time', async () => {
    const { service } = await start();
    const started = Date.now();
    // 50 ms: it answers false then, the training still under way (it takes seconds), not once it is over; and well
    // before a second, so 50 is not taken as seconds, with room for a busy machine.
    expect(await service.whenServing(50)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await service.whenServing()).toBe(true);
  });

  it('says a training is under way until its model serves, and that the last one failed until one succeeds', async () => {
    const { service } = await start();
    expect(service.training()).toBe('under way');
    await service.ready();
    expect(service.training()).toBeUndefined();
    // A background "file" that cannot be read: the data as it is now gives no model.
    const background = join(root, 'nlp', 'background.en.txt');
    await mkdir(background);
    await expect(service.ready()).rejects.toThrow(/EISDIR/);
    expect(service.training()).toBe('failed');
    expect(service.classify('I was charged twice')?.intent).toBe('billing');
    await rm(background, { recursive: true });
    await service.ready();
    expect(service.training()).toBeUndefined();
  });

  it('says when the eval figures could not be computed, and computes them at the next read (Retrain)', async () => {
    const log = memoryLog();
    evalThread.fails = true;
    try {
      await withShippedModel();
      const service = await IntentService.start({ dir: join(root, 'nlp'), cacheDir: join(root, 'cache'), log, watch: false, evaluateAt: 0.45 });
      services.push(service);
      await service.ready();
      await vi.waitFor(() => expect(service.evaluationFailed()).toBe(true), { timeout: 30_000, interval: 100 });
      expect(service.evaluation()).toBeUndefined();
      expect(log.lines.some((line) => /eval figures could not be computed: the eval thread broke/.test(line.msg))).toBe(true);
      // The same data read again (nothing to train) computes them this time.
      evalThread.fails = false;
      await service.ready();
      expect(service.evaluationFailed()).toBe(false);
      await vi.waitFor(() => expect(service.evaluation()).toBeDefined(), { timeout: 120_000, interval: 200 });
    } finally {
      evalThread.fails = false;
    }
  }, 180_000);

  it('refuses a broken training file at its file, line and column, in the log too, and the previous model keeps serving', async () => {
    const { service, log } = await start({ trained: true });
    await service.ready();
    expect(service.classify('I was charged twice')?.intent).toBe('billing');
    await writeFile(join(root, 'nlp', 'intents.yaml'), 'intents:\n  billing:\n    - I was charged twice\n  sales: []\n');
    await service.ready();
    const refusal = 'nlp/intents.yaml:4:3: intent "sales" has no examples; give it a list of example messages or remove it';
    expect(service.errors().map(String)).toEqual([refusal]);
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([{ level: 'error', msg: `${refusal}; the previous model keeps serving` }]);
    expect(service.classify('I was charged twice')?.intent).toBe('billing');
    expect(service.trainings).toBe(0);
  });
});
