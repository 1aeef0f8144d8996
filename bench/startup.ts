// What a Switchboard process costs before its first customer: time to start, heap, RSS, one full garbage
// collection and the modules loaded, for the channels a business turns on. Each configuration starts in a fresh
// process BENCH_STARTUP_ROUNDS times (5), pinned to one core; medians are printed.
//
//   npm run bench:startup
//
// The web chat alone is the baseline; each other row adds what its channel needs. A channel's library is loaded
// only when that channel is set (src/server/switchboard.ts, createChannels), so the rows show what each costs.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Figures {
  startMs: number;
  heapMb: number;
  rssMb: number;
  fullGcMs: number;
  modules: number;
}

const rounds = Number(process.env.BENCH_STARTUP_ROUNDS ?? 5);
const core = process.env.BENCH_SERVER_CORE ?? '1';
const here = new URL('.', import.meta.url).pathname;

/** The configurations, each by the settings it adds to the web chat's (nothing is reached over the network). */
const configurations: [name: string, settings: Record<string, string>][] = [
  ['web chat (baseline)', {}],
  ['+ Telegram', { TELEGRAM_BOT_TOKEN: '123456:bench-token', TELEGRAM_WEBHOOK_SECRET: 'bench-secret', TELEGRAM_API_ROOT: 'http://127.0.0.1:9' }],
  ['+ Telegram + Bot Framework', {
    TELEGRAM_BOT_TOKEN: '123456:bench-token', TELEGRAM_WEBHOOK_SECRET: 'bench-secret', TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
    BOTFRAMEWORK_NO_AUTH: '1',
  }],
];

if (process.argv[2] === 'child') {
  // One server, started from a fresh DATA_DIR, measured once its NLP model is ready.
  const settings = JSON.parse(process.argv[3] as string) as Record<string, string>;
  const { createLogger } = await import('../src/shared/log.ts');
  const started = performance.now();
  const { startSwitchboard } = await import('../src/server/switchboard.ts');
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-startup-'));
  const switchboard = await startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ...settings }, log: createLogger({ level: 'error' }), watch: false });
  await switchboard.intents.ready();
  const startMs = performance.now() - started;
  const gc = (globalThis as { gc?: () => void }).gc as () => void;
  gc();
  const collected = performance.now();
  gc();
  const fullGcMs = performance.now() - collected;
  const { createRequire } = await import('node:module');
  const modules = Object.keys(createRequire(import.meta.url).cache).length;
  const figures: Figures = { startMs, heapMb: process.memoryUsage().heapUsed / 1e6, rssMb: process.memoryUsage().rss / 1e6, fullGcMs, modules };
  await switchboard.stop();
  await rm(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
}

function measure(settings: Record<string, string>): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', core, process.execPath, '--expose-gc', '--import', 'tsx', join(here, 'startup.ts'), 'child', JSON.stringify(settings)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() as string) as Figures) : reject(new Error(`the server exited with ${code}`))));
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
};

const results = new Map<string, Figures[]>();
// Rounds alternate between the configurations, so a busy moment of the machine hurts each alike.
for (let round = 0; round < rounds; round++) {
  for (const [name, settings] of configurations) results.set(name, [...(results.get(name) ?? []), await measure(settings)]);
}
const rows = configurations.map(([name]) => {
  const all = results.get(name) as Figures[];
  const at = (key: keyof Figures) => median(all.map((figures) => figures[key]));
  return { configuration: name, 'start ms': Math.round(at('startMs')), 'heap MB': +at('heapMb').toFixed(1), 'RSS MB': Math.round(at('rssMb')), 'full GC ms': +at('fullGcMs').toFixed(1), 'CommonJS modules': at('modules') };
});
console.log(`a fresh server per round, medians of ${rounds}, on core ${core}; heap after a full collection, then the time of one more`);
console.table(rows);
const base = rows[0] as (typeof rows)[number];
for (const row of rows.slice(1)) {
  console.log(`${row.configuration} / web chat: heap ${(row['heap MB'] / base['heap MB']).toFixed(2)}, full GC ${(row['full GC ms'] / base['full GC ms']).toFixed(2)}, start ${(row['start ms'] / base['start ms']).toFixed(2)}`);
}
