// `npm run bench`: the ask flow (greeting → email with one bad answer → need → thanks → close) over the Telegram
// webhook, the Bot API faked on 127.0.0.1, for the bare webhook→reply baseline, Switchboard on its embedded store
// (fsync'd, from empty to BENCH_SIZES stored messages), Switchboard on PostgreSQL at 1 and 2 processes (when
// DATABASE_URL is set), and the peers: grammY + conversations and botbuilder, each on memory and file storage.
// Each server runs pinned to core 1 (`taskset -c 1`), the load generator and the fake Bot API on core 0.
//
// For each: messages/s (webhooks answered 2xx, over the time until every reply they caused reached the fake Bot
// API), p50/p99 of the webhook's answer, server CPU µs per message (the process's own user + system time), peak
// RSS, each the median of BENCH_RUNS runs at each of BENCH_CONNECTIONS; then p50/p99 at a steady half of the
// configuration's peak rate, and the ratios. `BENCH_QUICK=1` (or `--quick`) runs short and small.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { Pool } from 'undici';
import { shippedDataDir } from '../src/server/data-dir.ts';
import { WEBHOOK_SECRET, customerSays, repliesPerStep, telegramUpdate } from './ask-flow.ts';
import { preloadStore } from './preload.ts';
import type { Report } from './peers/report.ts';

const env = process.env;
const quick = env.BENCH_QUICK === '1' || process.argv.includes('--quick');
const seconds = Number(env.BENCH_SECONDS ?? (quick ? 3 : 8));
const runs = Number(env.BENCH_RUNS ?? (quick ? 1 : 3));
const concurrencies = (env.BENCH_CONNECTIONS ?? '10,50').split(',').map(Number);
const sizes = (env.BENCH_SIZES ?? (quick ? '0,100000' : '0,100000,1000000')).split(',').map(Number);
/** The store sizes of the PostgreSQL runs (BENCH_SIZES by default). */
const pgSizes = (env.BENCH_PG_SIZES ?? sizes.join(',')).split(',').map(Number);
/** A configuration's name at a store size: `switchboard pg 1 process 1,000,000 stored`. */
const atSize = (name: string, size: number): string => (size === 0 ? name : `${name} ${size.toLocaleString('en')} stored`);
/** Names (or name prefixes) of the configurations to run, e.g. `baseline,switchboard`; all by default. */
const only = env.BENCH_ONLY?.split(',');
const serverCore = env.BENCH_SERVER_CORE ?? '1';
const loadCore = env.BENCH_LOAD_CORE ?? '0';

const here = new URL('.', import.meta.url).pathname;
const nodeArgs = ['--import', 'tsx'];
/** The node options of `npm start` (package.json), bar the loader: none since V8's default young generation came back. */
const productNodeArgs: string[] = [];
/** BENCH_PROFILE=<dir>: the servers write a CPU profile there when they stop (open it in Chrome's DevTools). */
const profileArgs = [
  ...(env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${env.BENCH_PROFILE}`] : []),
  /** BENCH_NODE_ARGS: more node options for the servers, e.g. `--trace-gc` or `--max-semi-space-size=64`. */
  ...(env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
];

interface Running {
  urls: string[];
  children: ChildProcess[];
  /** Replies the server sends for a customer message at each step of the flow. */
  replies: readonly number[];
  dirs: string[];
  /** Databases made for it (a preloaded store on PostgreSQL), dropped once it is measured. */
  databases: string[];
}

interface Configuration {
  name: string;
  start(): Promise<Running>;
}

interface Sample {
  messagesPerSecond: number;
  p50: number;
  p99: number;
  cpuUsPerMessage: number;
  /** PostgreSQL's CPU per message, when it ran on PostgreSQL. */
  databaseUsPerMessage?: number;
  errors: number;
  maxRssMb: number;
}

/** Starts `file` under node, pinned to `core`, and waits for the URL it prints. */
async function startProcess(file: string, args: string[], core: string, extraEnv: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const profile = file === 'fake-bot-api.ts' ? [] : [...profileArgs];
  // Switchboard runs with the node options `npm start` gives it; the peers with node's defaults, as their docs show.
  if (file === 'server.ts') profile.unshift(...productNodeArgs);
  const child = spawn('taskset', ['-c', core, process.execPath, ...profile, ...nodeArgs, join(here, file), ...args], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...env, ...extraEnv },
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('http')) resolve(line);
      // Anything else a server prints (--trace-gc, say) goes to stderr.
      else process.stderr.write(`${line}\n`);
    });
    child.once('exit', (code) => reject(new Error(`${file} ${args.join(' ')} exited with ${code}`)));
  });
  return { url, child };
}

function ask<T>(child: ChildProcess, message: string): Promise<T> {
  return new Promise<T>((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message);
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

/**
 * The postmaster of the database DATABASE_URL names, when it is reached through a Unix socket on this machine: the
 * first line of the socket's lock file is its pid. Undefined otherwise.
 */
async function postmasterPid(): Promise<number | undefined> {
  try {
    const url = new URL(env.DATABASE_URL ?? '');
    const host = url.searchParams.get('host') ?? '';
    if (!host.startsWith('/')) return undefined;
    const port = url.searchParams.get('port') ?? (url.port || '5432');
    const pid = Number((await readFile(join(host, `.s.PGSQL.${port}.lock`), 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
const postmaster = env.DATABASE_URL ? await postmasterPid() : undefined;

/**
 * User + system CPU of the PostgreSQL processes, in µs (0 where there is none): the postmaster of DATABASE_URL and
 * its children, those that ended included, when it is found (other clusters on a shared machine do not count),
 * else every `postgres` process running.
 */
async function postgresCpuUs(): Promise<number> {
  let ticks = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await procStat(Number(pid));
    if (stat?.name !== 'postgres') continue;
    if (postmaster !== undefined && Number(pid) !== postmaster && stat.parent !== postmaster) continue;
    ticks += stat.ticks;
    // The postmaster's reaped children (backends whose connection closed, autovacuum workers): their CPU is gone
    // from /proc, but counted in its cutime and cstime.
    if (Number(pid) === postmaster) ticks += stat.childTicks;
  }
  return (ticks * 1_000_000) / 100;
}

/**
 * What /proc/<pid>/stat says of a process: its name, parent, and CPU time (user + system, in 10 ms ticks) of its
 * own and of its reaped children; undefined once it has ended.
 */
async function procStat(pid: number): Promise<{ name: string; parent: number; ticks: number; childTicks: number } | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
      parent: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]),
      childTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined;
  }
}

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  await cp(shippedDataDir, dir, { recursive: true, filter: (source) => !source.includes(join(shippedDataDir, 'store')) });
  await cp(join(here, 'ask-flow', 'inbound.yaml'), join(dir, 'flows', 'inbound.yaml'));
  return dir;
}

let fakeApi: { url: string; child: ChildProcess };
const sentReplies = async (): Promise<number> => (await ask<{ sent: number }>(fakeApi.child, 'count')).sent;

/**
 * Empties the throwaway database DATABASE_URL names (Switchboard's schema, which the server creates again at start),
 * so that each PostgreSQL configuration starts from an empty store, as each embedded one does in a fresh folder.
 */
async function emptyDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS switchboard CASCADE');
  } finally {
    await client.end();
  }
}

/** A database URL like DATABASE_URL's, naming the database `name` instead. */
function databaseUrl(name: string): string {
  const url = new URL(env.DATABASE_URL ?? '');
  url.pathname = `/${name}`;
  return url.toString();
}

async function onDatabase<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A database holding `size` messages of history, as an admin moving to PostgreSQL gets it: the embedded store
 * preloaded as for the embedded runs, then copied with `npm run migrate-store` (which analyzes and vacuums after).
 * Made once per size; each configuration gets a copy (`CREATE DATABASE … TEMPLATE`), dropped once it is measured.
 */
const templates = new Map<number, Promise<string>>();
function preloadedTemplate(size: number): Promise<string> {
  let made = templates.get(size);
  if (made === undefined) {
    made = (async () => {
      const name = `switchboard_bench_${size}`;
      await onDatabase(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS ${name}`);
        await client.query(`CREATE DATABASE ${name}`);
      });
      const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
      try {
        const started = performance.now();
        await preloadStore(join(dir, 'store'), size);
        const copy = spawnSync(process.execPath, [...nodeArgs, join(here, '..', 'src', 'store', 'postgres', 'migrate-store.ts')], {
          env: { ...env, DATA_DIR: dir, DATABASE_URL: databaseUrl(name) },
          encoding: 'utf8',
        });
        if (copy.status !== 0) throw new Error(`migrate-store failed: ${copy.stdout}${copy.stderr}`);
        console.log(`  preloaded ${size.toLocaleString('en')} messages into PostgreSQL (migrate-store) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      return name;
    })();
    templates.set(size, made);
  }
  return made;
}

let databaseCopies = 0;

async function dropDatabases(names: string[]): Promise<void> {
  if (names.length > 0) await onDatabase(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/** The first configuration on PostgreSQL with an empty store uses DATABASE_URL's own database (as scripts/pg-statements.sh reads it). */
let mainDatabaseUsed = false;

async function startSwitchboard(size: number, processes = 1, database = false): Promise<Running> {
  const extraEnv: Record<string, string> = { BOT_API_ROOT: fakeApi.url, ...(database ? { STORE: 'postgres' } : {}) };
  const databases: string[] = [];
  if (database && size === 0 && !mainDatabaseUsed) {
    mainDatabaseUsed = true;
    await emptyDatabase();
  } else if (database) {
    // Its own database: the others stay up meanwhile, each on its store.
    const template = size > 0 ? await preloadedTemplate(size) : undefined;
    const name = `switchboard_bench_copy_${++databaseCopies}`;
    await onDatabase(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${name}`);
      await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
    });
    databases.push(name);
    extraEnv.DATABASE_URL = databaseUrl(name);
  }
  const dataDir = await freshDataDir();
  if (size > 0 && !database) {
    const started = performance.now();
    await preloadStore(join(dataDir, 'store'), size);
    console.log(`  preloaded ${size.toLocaleString('en')} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  // Two processes share one database; each gets its own DATA_DIR for what is not in the database.
  const dirs = [dataDir, ...(await Promise.all(Array.from({ length: processes - 1 }, freshDataDir)))];
  const cores = processes === 1 ? [serverCore] : [loadCore, serverCore];
  const started = await Promise.all(dirs.map((dir, index) => startProcess('server.ts', ['telegram', dir], cores[index] as string, extraEnv)));
  return { urls: started.map((s) => s.url), children: started.map((s) => s.child), replies: [...repliesPerStep, 0], dirs, databases };
}

async function startPeer(file: string, storage: string, replies: readonly number[]): Promise<Running> {
  const { url, child } = await startProcess(file, [storage], serverCore, { BOT_API_ROOT: fakeApi.url });
  return { urls: [url], children: [child], replies, dirs: [], databases: [] };
}

const oneReplyEach = customerSays.map(() => 1);
const configurations: Configuration[] = [
  { name: 'baseline', start: () => startPeer('peers/baseline.ts', '', oneReplyEach) },
  { name: 'durable floor', start: () => startPeer('peers/durable-floor.ts', '', repliesPerStep) },
  ...sizes.map((size) => ({ name: atSize('switchboard', size), start: () => startSwitchboard(size) })),
  ...(env.DATABASE_URL
    ? [
        { name: 'pg floor', start: () => startPeer('peers/pg-floor.ts', '', repliesPerStep) },
        ...pgSizes.flatMap((size) => [
          { name: atSize('switchboard pg 1 process', size), start: () => startSwitchboard(size, 1, true) },
          { name: atSize('switchboard pg 2 processes', size), start: () => startSwitchboard(size, 2, true) },
        ]),
      ]
    : []),
  { name: 'grammY memory', start: () => startPeer('peers/grammy.ts', 'memory', repliesPerStep) },
  { name: 'grammY file', start: () => startPeer('peers/grammy.ts', 'file', repliesPerStep) },
  { name: 'botbuilder memory', start: () => startPeer('peers/botbuilder.ts', 'memory', repliesPerStep) },
  { name: 'botbuilder file', start: () => startPeer('peers/botbuilder.ts', 'file', repliesPerStep) },
].filter((configuration) => !only || only.some((name) => configuration.name.startsWith(name)));

/**
 * Warms the JIT up and opens the connections to the fake Bot API: closed loops at 10 connections, in rounds of
 * BENCH_WARMUP_ROUND seconds (2; 1 with BENCH_QUICK), until a round's rate is within 5% of the one before (at least
 * 3 rounds, at most BENCH_WARMUP_ROUNDS: 10; 5 with BENCH_QUICK). A server with more code takes longer to reach its
 * steady rate: measured 2026-12-03, the baseline's rate at 10 connections rose 1,960 → 2,800 messages/s over its first
 * four rounds of 3 s and Switchboard's 769 → 1,480, so a fixed 1-2 s warm-up measured Switchboard half cold.
 */
async function warmUp(name: string, started: Running): Promise<void> {
  const round = Number(env.BENCH_WARMUP_ROUND ?? (quick ? 1 : 2));
  const most = Number(env.BENCH_WARMUP_ROUNDS ?? (quick ? 5 : 10));
  const rates: number[] = [];
  for (let n = 0; n < most; n++) {
    rates.push((await closedLoop(started, 10, round)).messagesPerSecond);
    const [before, last] = rates.slice(-2) as [number, number];
    if (rates.length >= 3 && Math.abs(last - before) <= 0.05 * before) break;
  }
  console.log(`  ${name} warmed up in ${rates.length} rounds of ${round} s: ${rates.map((rate) => Math.round(rate)).join(', ')} messages/s`);
}

let nextUser = 1_000_000;
let nextUpdate = 1;

/** Waits until the fake Bot API has received `expected` replies (or 20 s passed); false if it had not. */
async function repliesReached(expected: number): Promise<boolean> {
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    if ((await sentReplies()) >= expected) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

/** What the servers' processes have used so far. */
async function usage(running: Running): Promise<{ cpuUs: number; maxRssMb: number; databaseUs: number }> {
  const reports = await Promise.all(running.children.map((child) => ask<Report>(child, 'report')));
  return {
    cpuUs: reports.reduce((sum, r) => sum + r.cpuUs, 0),
    maxRssMb: Math.max(...reports.map((r) => r.maxRssMb)),
    databaseUs: env.DATABASE_URL ? await postgresCpuUs() : 0,
  };
}

/** Closed loop: `connections` customers at a time, each sending its next message once the last was answered. */
async function closedLoop(running: Running, connections: number, duration: number): Promise<Sample> {
  const before = await usage(running);
  const repliesBefore = await sentReplies();
  const acked = customerSays.map(() => 0);
  const started = performance.now();
  const results = await Promise.all(
    running.urls.map((url) =>
      autocannon({
        url: `${url}/webhooks/telegram`,
        connections: Math.max(1, Math.round(connections / running.urls.length)),
        duration,
        requests: customerSays.map((text, step) => ({
          method: 'POST' as const,
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
          setupRequest: (request: autocannon.Request, context: { user?: number }) => {
            if (step === 0) context.user = nextUser++;
            request.body = telegramUpdate(nextUpdate++, context.user ?? 0, text);
            return request;
          },
          onResponse: (status: number) => {
            if (status === 200) acked[step] = (acked[step] ?? 0) + 1;
          },
        })),
      }),
    ),
  );
  const expected = repliesBefore + acked.reduce((sum, count, step) => sum + count * (running.replies[step] ?? 0), 0);
  const complete = await repliesReached(expected);
  const elapsed = (performance.now() - started) / 1000;
  const after = await usage(running);
  const messages = acked.reduce((sum, count) => sum + count, 0);
  const latency = (q: 'p50' | 'p99') => Math.max(...results.map((r) => r.latency[q]));
  return {
    messagesPerSecond: messages / elapsed,
    p50: latency('p50'),
    p99: latency('p99'),
    cpuUsPerMessage: (after.cpuUs - before.cpuUs) / Math.max(1, messages),
    ...(env.DATABASE_URL ? { databaseUsPerMessage: (after.databaseUs - before.databaseUs) / Math.max(1, messages) } : {}),
    errors: results.reduce((sum, r) => sum + r.errors + r.non2xx + r.timeouts, 0) + (complete ? 0 : 1),
    maxRssMb: after.maxRssMb,
  };
}

/**
 * Open loop at `rate` messages/s: every 1/rate a message is due, from a customer whose last message was answered
 * (or a new one), and its latency counts from when it was due, so queueing in the server counts.
 */
async function paced(running: Running, rate: number, duration: number): Promise<{ p50: number; p99: number; errors: number; rate: number; lagP99: number; stealMs: number }> {
  const pools = running.urls.map((url) => new Pool(url, { connections: 256 }));
  const idle: { user: number; step: number; pool: number }[] = [];
  const latencies: number[] = [];
  // How late this process sent each message: a lagging load generator (it shares its core with the fake Bot API)
  // would count its own delay as the server's, so it is printed beside the latencies.
  const lags: number[] = [];
  /** BENCH_TIMELINE=1: when each message was due and how long it took, to see when a slow stretch happened. */
  const timeline: [number, number][] | undefined = env.BENCH_TIMELINE === '1' ? [] : undefined;
  let errors = 0;
  let next = 0;
  // The warm-up opens the pool's connections and warms both sides' code up at the rate (a closed loop at 10
  // connections warmed only ten of them): it is sent but not measured, as load generators calibrate before they record.
  // BENCH_WARMUP seconds (5; 1 with BENCH_QUICK): in the full run, where ten servers and PostgreSQL have just been
  // loaded in turn, the first second still held answers of up to 6 s for every server, the baseline's included,
  // and the backlog took about 5 s to drain; alone, the baseline's drained within 0.75 s.
  const warmup = Number(env.BENCH_WARMUP ?? (quick ? Math.min(1, duration / 4) : 5));
  const total = Math.round(rate * (warmup + duration));
  const started = performance.now();
  const stolen = await stealSampler(started);
  // This process's own stalls (its garbage collections with every answer kept): an answer it reads late counts as
  // slow, so BENCH_TIMELINE prints them beside the answers.
  const stalls = new Map<number, number>();
  let tick = performance.now();
  const stallTimer = timeline && setInterval(() => {
    const now = performance.now();
    const window = Math.floor((now - started) / 250);
    stalls.set(window, Math.max(stalls.get(window) ?? 0, now - tick - 10));
    tick = now;
  }, 10);
  const sends: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const customer = idle.shift() ?? { user: nextUser++, step: 0, pool: next++ % pools.length };
    const text = customerSays[customer.step] as string;
    if (n >= rate * warmup) lags.push(performance.now() - due);
    sends.push(
      (pools[customer.pool] as Pool)
        .request({
          path: '/webhooks/telegram',
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
          body: telegramUpdate(nextUpdate++, customer.user, text),
        })
        .then(async (response) => {
          await response.body.dump();
          if (response.statusCode !== 200) errors++;
          if (due - started >= warmup * 1000) latencies.push(performance.now() - due);
          if (timeline) timeline.push([due - started, performance.now() - due]);
          if (customer.step + 1 < customerSays.length) idle.push({ ...customer, step: customer.step + 1 });
        })
        .catch(() => void errors++),
    );
  }
  await Promise.all(sends);
  const achieved = total / ((performance.now() - started) / 1000);
  await Promise.all(pools.map((pool) => pool.close()));
  const steal = stolen.stop();
  if (stallTimer) clearInterval(stallTimer);
  if (timeline) {
    const windows = new Map<number, number>();
    for (const [at, latency] of timeline) windows.set(Math.floor(at / 250), Math.max(windows.get(Math.floor(at / 250)) ?? 0, latency));
    console.log(`    steady run started at ${new Date(performance.timeOrigin + started).toISOString()}`);
    console.log(`    slowest answer per 250 ms: ${[...windows.entries()].sort((a, b) => a[0] - b[0]).map(([w, max]) => `${(w / 4).toFixed(2)}s:${Math.round(max)}`).join(' ')}`);
    console.log(`    load generator's own stalls over 20 ms per 250 ms: ${[...stalls.entries()].filter(([, ms]) => ms > 20).map(([w, ms]) => `${(w / 4).toFixed(2)}s:${Math.round(ms)}`).join(' ') || 'none'}`);
    console.log(`    server core's steal per 250 ms (ms): ${steal.windows.map((ms, w) => (ms > 0 ? `${(w / 4).toFixed(2)}s:${ms}` : '')).filter(Boolean).join(' ') || 'none'}`);
  }
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const at = (list: number[], q: number) => Math.round((list[Math.min(list.length - 1, Math.floor(q * list.length))] ?? 0) * 10) / 10;
  return { p50: at(latencies, 0.5), p99: at(latencies, 0.99), errors, rate: achieved, lagP99: at(lags, 0.99), stealMs: steal.total };
}

/**
 * The time the hypervisor gave the server's core to another machine ("steal" in /proc/stat, in 10 ms ticks),
 * sampled every 50 ms from `started`: in total, and per 250 ms. A stolen stretch stalls every server alike,
 * the stateless baseline too, while the load generator on the other core stays on time.
 */
async function stealSampler(started: number): Promise<{ stop(): { total: number; windows: number[] } }> {
  const line = new RegExp(`^cpu${serverCore} (.*)$`, 'm');
  const read = async () => Number((line.exec(await readFile('/proc/stat', 'utf8'))?.[1] ?? '').trim().split(/\s+/)[7] ?? 0) * 10;
  const first = await read();
  let last = first;
  const windows: number[] = [];
  const timer = setInterval(() => {
    void read().then((now) => {
      const w = Math.floor((performance.now() - started) / 250);
      windows[w] = (windows[w] ?? 0) + now - last;
      last = now;
    });
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return { total: last - first, windows: Array.from(windows, (ms) => ms ?? 0) };
    },
  };
}

/**
 * Flushes the page cache's dirty pages to disk, then waits (up to 30 s) until the servers' processes and PostgreSQL
 * used under 10 ms of CPU in half a second, in all: an idle server still compacting what an earlier run wrote, or
 * PostgreSQL's checkpoint or autovacuum, would stall the measured one on a shared core. Returns the seconds waited.
 */
async function othersIdle(servers: Running[]): Promise<number> {
  const pids = servers.flatMap((s) => s.children.map((child) => child.pid as number));
  const started = performance.now();
  // The disk too: what earlier runs wrote without syncing (the preloaded stores, the peers' files) would otherwise
  // be written back by the kernel during the run, and every fdatasync of the measured server would wait behind it.
  spawnSync('sync');
  const ticks = async () => (await Promise.all(pids.map(procStat))).reduce((sum, stat) => sum + (stat?.ticks ?? 0), 0);
  const busy = async () => (await ticks()) + (env.DATABASE_URL ? (await postgresCpuUs()) / 10_000 : 0);
  let before = await busy();
  while (performance.now() - started < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = await busy();
    if (now - before < 1) return (performance.now() - started) / 1000;
    before = now;
  }
  return (performance.now() - started) / 1000;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

// The load generator (this process) and the fake Bot API on one core, the servers on the other.
spawnSync('taskset', ['-pc', loadCore, String(process.pid)], { stdio: 'ignore' });
fakeApi = await startProcess('fake-bot-api.ts', [], loadCore);
if (!env.DATABASE_URL) console.log('DATABASE_URL is not set: the PostgreSQL runs are skipped (set it to a throwaway database to include them).');
console.log(`load: ${(await readFile('/proc/loadavg', 'utf8')).trim()} (1, 5, 15 min) before starting`);

const running = new Map<string, Running>();
const samples = new Map<string, Sample[]>();
const steady = new Map<string, Awaited<ReturnType<typeof paced>>>();
const key = (name: string, connections: number) => `${name}@${connections}`;
try {
  for (const configuration of configurations) {
    console.log(`starting ${configuration.name}`);
    const started = await configuration.start();
    running.set(configuration.name, started);
    await warmUp(configuration.name, started);
  }
  // Rounds alternate between the configurations, so a noisy neighbour on this shared machine hurts each alike.
  for (let run = 1; run <= runs; run++) {
    for (const configuration of configurations) {
      // As for the steady runs below: the disk written back (the preloaded stores above all) and the other servers
      // idle first. Without it, the first round of each durable server was low, likely behind the disk's writeback: in a
      // full run on 2026-12-03, Switchboard's first round at 10 connections gave 663 messages/s, its next two 1,238
      // and 1,211, the durable floor's 1,816, then 2,799 and 2,172, the baseline's (no disk) 3,162, 2,665, 2,294.
      // With it, the next full run's were in line: Switchboard 1,639, 1,560, 1,665.
      await othersIdle([...running.values()]);
      for (const connections of concurrencies) {
        const sample = await closedLoop(running.get(configuration.name) as Running, connections, seconds);
        samples.set(key(configuration.name, connections), [...(samples.get(key(configuration.name, connections)) ?? []), sample]);
        console.log(`  run ${run} ${configuration.name} @${connections}: ${Math.round(sample.messagesPerSecond)} messages/s, ${Math.round(sample.cpuUsPerMessage)} µs/message, p99 ${sample.p99} ms, ${sample.errors} errors`);
      }
    }
  }
  // Each steady run has the machine to itself: a server is stopped once measured (else its store would compact
  // what the run wrote while the next one is measured), and each run waits until the servers still up and
  // PostgreSQL are idle.
  for (const configuration of configurations) {
    const measured = running.get(configuration.name) as Running;
    const waited = await othersIdle([...running.values()]);
    const peak = Math.max(...concurrencies.map((c) => median((samples.get(key(configuration.name, c)) ?? []).map((s) => s.messagesPerSecond))));
    const result = await paced(measured, Math.max(1, Math.round(peak / 2)), seconds);
    steady.set(configuration.name, result);
    console.log(`  ${configuration.name} at ${Math.round(result.rate)} messages/s (half its peak): p50 ${result.p50} ms, p99 ${result.p99} ms, ${result.errors} errors (load generator late by ${result.lagP99} ms at p99; the hypervisor took ${result.stealMs} ms from the server's core; waited ${waited.toFixed(1)} s for the machine to be idle)`);
    const last = await usage(measured);
    for (const connections of concurrencies) for (const sample of samples.get(key(configuration.name, connections)) ?? []) sample.maxRssMb = last.maxRssMb;
    await Promise.all(measured.children.map(stopProcess));
    // Its data directories go with it (a 1,000,000-message store is 400 MB in the temporary directory).
    await Promise.all(measured.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    await dropDatabases(measured.databases);
    running.delete(configuration.name);
  }
} finally {
  for (const started of running.values()) await Promise.all(started.children.map(stopProcess));
  await stopProcess(fakeApi.child);
  await Promise.all([...running.values()].flatMap((started) => started.dirs).map((dir) => rm(dir, { recursive: true, force: true })));
  await dropDatabases([...[...running.values()].flatMap((started) => started.databases), ...(await Promise.all([...templates.values()].map((made) => made.catch(() => ''))))].filter(Boolean));
}

const figure = (name: string, connections: number, pick: (s: Sample) => number): number => median((samples.get(key(name, connections)) ?? []).map(pick));
const rate = (name: string, connections: number): number => figure(name, connections, (s) => s.messagesPerSecond);
const names = configurations.map((c) => c.name);

console.log(`\nask flow over the Telegram webhook; ${seconds} s per run, medians of ${runs} run(s); servers on core ${serverCore}, load on core ${loadCore}`);
console.log(`load after: ${(await readFile('/proc/loadavg', 'utf8')).trim()}`);
console.table(
  names.flatMap((name) =>
    concurrencies.map((connections) => ({
      server: name,
      conns: connections,
      'messages/s': Math.round(rate(name, connections)),
      'p50 ms': figure(name, connections, (s) => s.p50),
      'p99 ms': figure(name, connections, (s) => s.p99),
      'CPU µs/msg': Math.round(figure(name, connections, (s) => s.cpuUsPerMessage)),
      ...(env.DATABASE_URL ? { 'pg µs/msg': Math.round(figure(name, connections, (s) => s.databaseUsPerMessage ?? 0)) } : {}),
      'peak RSS MB': Math.round(figure(name, connections, (s) => s.maxRssMb)),
      'x baseline': names.includes('baseline') ? Number((rate(name, connections) / rate('baseline', connections)).toFixed(2)) : '',
      errors: figure(name, connections, (s) => s.errors),
    })),
  ),
);
console.table(names.map((name) => ({ server: name, 'steady messages/s (half peak)': Math.round(steady.get(name)?.rate ?? 0), 'p50 ms': steady.get(name)?.p50, 'p99 ms': steady.get(name)?.p99, errors: steady.get(name)?.errors, 'generator late p99 ms': steady.get(name)?.lagP99 })));

const ratio = (a: string, b: string, connections: number): string => (names.includes(a) && names.includes(b) ? (rate(a, connections) / rate(b, connections)).toFixed(2) : 'n/a');
/**
 * The same ratio from CPU per message: what the throughputs would be with each server alone on its core. On a
 * shared machine it moves far less than messages/s, which other processes on the server's core drag down.
 */
const cpuRatio = (a: string, b: string, connections: number): string => {
  if (!names.includes(a) || !names.includes(b)) return 'n/a';
  const cpu = (name: string) => figure(name, connections, (s) => s.cpuUsPerMessage);
  return (cpu(b) / cpu(a)).toFixed(2);
};
/** `base` with `size` messages stored against it empty: throughput, [CPU per message], peak RSS, with the targets. */
const sizeRatios = (base: string, size: number, connections: number): string => {
  const name = atSize(base, size);
  const rss = names.includes(name) && names.includes(base) ? (figure(name, connections, (s) => s.maxRssMb) / figure(base, connections, (s) => s.maxRssMb)).toFixed(2) : 'n/a';
  return `${size.toLocaleString('en')} stored / empty: throughput ${ratio(name, base, connections)} [${cpuRatio(name, base, connections)}] (target >= 0.9), peak RSS ${rss} (target <= 1.5)`;
};
console.log('ratios of messages/s, and [of CPU µs per message: the throughput ratio on idle cores]');
for (const connections of concurrencies) {
  console.log(`@${connections} connections:`);
  console.log(`  switchboard / baseline ${ratio('switchboard', 'baseline', connections)} [${cpuRatio('switchboard', 'baseline', connections)}] (target >= 0.6)`);
  // What keeping each update before answering costs on this machine, whatever the server: the floor's own ratio
  // bounds what any durable server can reach against the baseline.
  console.log(`  durable floor / baseline ${ratio('durable floor', 'baseline', connections)} [${cpuRatio('durable floor', 'baseline', connections)}]; switchboard / durable floor ${ratio('switchboard', 'durable floor', connections)} [${cpuRatio('switchboard', 'durable floor', connections)}]`);
  for (const peer of ['grammY memory', 'grammY file', 'botbuilder memory', 'botbuilder file']) {
    const target = peer === 'grammY memory' ? ' (target >= 2)' : peer === 'grammY file' ? ' (target >= 3)' : '';
    console.log(`  switchboard / ${peer} ${ratio('switchboard', peer, connections)} [${cpuRatio('switchboard', peer, connections)}]${target}`);
  }
  for (const size of sizes.filter((s) => s > 0)) console.log(`  ${sizeRatios('switchboard', size, connections)}`);
  if (env.DATABASE_URL) {
    console.log(`  pg 1 process / embedded ${ratio('switchboard pg 1 process', 'switchboard', connections)} (target >= 0.7)`);
    // The same bound for PostgreSQL: one INSERT a message and one a reply, against the durable floor's journal.
    console.log(`  pg floor / durable floor ${ratio('pg floor', 'durable floor', connections)} [${cpuRatio('pg floor', 'durable floor', connections)}]; pg 1 process / pg floor ${ratio('switchboard pg 1 process', 'pg floor', connections)} [${cpuRatio('switchboard pg 1 process', 'pg floor', connections)}]`);
    console.log(`  pg 2 processes / 1 ${ratio('switchboard pg 2 processes', 'switchboard pg 1 process', connections)} (target >= 1.3)`);
    for (const size of pgSizes.filter((s) => s > 0)) {
      for (const base of ['switchboard pg 1 process', 'switchboard pg 2 processes']) console.log(`  ${base.slice('switchboard '.length)} ${sizeRatios(base, size, connections)}`);
    }
  }
}
