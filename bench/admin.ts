// `npm run bench:admin`: what an admin reading the dashboard over a long history costs everyone else. Preloads an
// embedded store (1,000,000 messages by default: 100,000 closed conversations, 50,000 contacts), starts the server on
// it, and measures a light request (`GET /healthz`, every 10 ms) first on an idle server (the baseline, in the same
// run), then while each admin read runs back to back: how long the read takes, and how long the light request waits
// behind it. A customer's message waits as long: one event loop serves both.
//
//   npm run bench:admin                                  # about a minute
//   BENCH_ADMIN_MESSAGES=100000 npm run bench:admin      # a smaller history
//   BENCH_ADMIN_SERVER=/path/to/other/checkout npm run bench:admin   # the same history and reads against other code
//   BENCH_ADMIN_STORE=postgres npm run bench:admin      # on PostgreSQL (a database made next to DATABASE_URL's,
//                                                       # filled with `migrate-store`, dropped after)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { preloadStore } from './preload.ts';

const messages = Number(process.env.BENCH_ADMIN_MESSAGES ?? 1_000_000);
const rounds = Number(process.env.BENCH_ADMIN_ROUNDS ?? 5);
const serverDir = process.env.BENCH_ADMIN_SERVER ?? process.cwd();
const token = 'bench-admin-token-0123456789abcdef';
const onPostgres = process.env.BENCH_ADMIN_STORE === 'postgres';
const database = 'switchboard_bench_admin';

/** DATABASE_URL with another database. */
function databaseUrl(name: string): string {
  if (!process.env.DATABASE_URL) throw new Error('BENCH_ADMIN_STORE=postgres needs DATABASE_URL');
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function sql(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** What the dashboard's pages ask for (a search for what nobody said reads everything; one for what the bot says often stops early). */
const reads = [
  '/api/conversations?limit=50',
  '/api/conversations?status=closed&team=billing&limit=50',
  '/api/conversations?q=nobody-said-this&limit=50',
  '/api/conversations?q=answer%20of%20the%20bot&limit=50',
  '/api/contacts?limit=50',
  '/api/contacts?q=nobody-is-called-this&limit=50',
  '/api/reports',
  '/api/reports.csv',
];

const freePort = () => new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), ADMIN_TOKEN: token, LOG_LEVEL: 'warn', ...(onPostgres ? { STORE: 'postgres', DATABASE_URL: databaseUrl(database) } : { STORE: 'lowdb' }) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 1200; i++) {
    const ready = await fetch(`${url}/api/session`, { headers: { authorization: `Bearer ${token}` } }).then((res) => res.ok, () => false);
    if (ready) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the server did not start within 2 minutes');
}

/** Runs `work` while a light request goes every 10 ms; its latencies in ms, sorted. */
async function pingedDuring(url: string, work: () => Promise<void>): Promise<number[]> {
  let done = false;
  const latencies: number[] = [];
  const pinger = (async () => {
    while (!done) {
      const started = performance.now();
      await (await fetch(`${url}/healthz`)).arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  await work();
  done = true;
  await pinger;
  return latencies.sort((a, b) => a - b);
}

const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
const ms = (value: number) => value.toFixed(1);

const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-admin-'));
try {
  await cp(join(process.cwd(), 'data'), join(dir, 'data'), { recursive: true, filter: (path) => !path.includes(`${join('data', 'store')}`) });
  const started = performance.now();
  await preloadStore(join(dir, 'data', 'store'), messages);
  if (onPostgres) {
    await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await sql(`CREATE DATABASE ${database}`);
    const copy = spawnSync(process.execPath, ['--import', 'tsx', 'src/store/postgres/migrate-store.ts'], {
      env: { ...process.env, DATA_DIR: join(dir, 'data'), DATABASE_URL: databaseUrl(database) },
      encoding: 'utf8',
    });
    if (copy.status !== 0) throw new Error(`migrate-store failed: ${copy.stdout}${copy.stderr}`);
  }
  console.log(`preloaded ${messages.toLocaleString('en')} messages${onPostgres ? ' into PostgreSQL (migrate-store)' : ''} in ${((performance.now() - started) / 1000).toFixed(1)} s; server code: ${serverDir}`);
  const { url, child } = await startServer(join(dir, 'data'));
  try {
    const headers = { authorization: `Bearer ${token}` };
    // Warm: each read once, then the idle baseline.
    for (const path of reads) await (await fetch(`${url}${path}`, { headers })).arrayBuffer();
    const idle = await pingedDuring(url, () => new Promise((resolve) => setTimeout(resolve, 3000)));
    const rows = [{ read: '(idle: the baseline)', 'read p50 ms': '', 'wait p50 ms': ms(at(idle, 0.5)), 'wait p99 ms': ms(at(idle, 0.99)), 'wait max ms': ms(idle.at(-1) ?? NaN), 'max / idle max': '1.0' }];
    for (const path of reads) {
      const durations: number[] = [];
      const waits = await pingedDuring(url, async () => {
        for (let round = 0; round < rounds; round++) {
          const begun = performance.now();
          const res = await fetch(`${url}${path}`, { headers });
          await res.arrayBuffer();
          if (!res.ok) throw new Error(`${path} answered ${res.status}`);
          durations.push(performance.now() - begun);
        }
      });
      durations.sort((a, b) => a - b);
      rows.push({ read: path, 'read p50 ms': ms(at(durations, 0.5)), 'wait p50 ms': ms(at(waits, 0.5)), 'wait p99 ms': ms(at(waits, 0.99)), 'wait max ms': ms(waits.at(-1) ?? NaN), 'max / idle max': ((waits.at(-1) ?? NaN) / (idle.at(-1) ?? NaN)).toFixed(1) });
    }
    console.table(rows);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
  if (onPostgres) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}
