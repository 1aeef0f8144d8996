// `npm run bench`: simulated contacts chat through the default flow over the web chat API. Prints
// messages/s, p50/p99 latency and peak RSS on an empty store, with 100,000 messages stored, at a fixed
// 200 messages/s, and a bare express handler doing the same HTTP work, measured in the same run.
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { openStore } from '../src/store/index.ts';
import { shippedDataDir } from '../src/server/data-dir.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const preloadMessages = Number(process.env.BENCH_PRELOAD ?? 100_000);

/** What each simulated contact says, in order: the default flow greets, re-asks the bad email, asks the need, then the team (no agent is online, so each conversation joins the Billing queue). */
const script = ['hello', 'not an email', 'layla@example.com', 'I was charged twice for my order', 'Billing'];

interface Figures {
  label: string;
  messagesPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  maxRssMb: number;
}

async function startServer(mode: 'bare' | 'switchboard', dataDir?: string): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(new URL('./server.ts', import.meta.url).pathname, [mode, dataDir ?? ''], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    // Its URL, after any log lines (a warning at start, say).
    lines.on('line', (line) => {
      if (line.startsWith('http')) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { url, child };
}

function peakRss(child: ChildProcess): Promise<number> {
  return new Promise<number>((resolve) => {
    child.once('message', (message) => resolve((message as { maxRssMb: number }).maxRssMb));
    child.send('report');
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
}

async function load(label: string, url: string, child: ChildProcess, duration = seconds): Promise<Figures> {
  let contacts = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    requests: script.map((text, step) => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request: autocannon.Request, context: { session?: string }) => {
        // Each pass through the script is a new contact, so every pass opens a conversation and runs the flow.
        if (step === 0) context.session = `b${process.pid}-${++contacts}`;
        request.path = `/webchat/${context.session}/messages`;
        request.body = JSON.stringify({ text, name: 'Layla' });
        return request;
      },
    })),
  });
  return {
    label,
    messagesPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    maxRssMb: await peakRss(child),
  };
}

/**
 * Sends messages at an even `rate` (open loop: a slow answer does not delay the next send) and measures each
 * latency from the moment the message was due, so queueing in the server counts. autocannon's rate limit sends
 * each second's requests in a burst, which would measure the burst, not a steady 200 messages/s.
 */
async function paced(label: string, url: string, child: ChildProcess, rate: number): Promise<Figures> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const target = new URL(url);
  const total = rate * seconds;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const sends: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = JSON.stringify({ text: script[n % script.length], name: 'Layla' });
    const path = `/webchat/p${process.pid}-${Math.floor(n / script.length)}/messages`;
    sends.push(
      new Promise<void>((resolve) => {
        const req = request({ host: target.hostname, port: target.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 202) errors++;
            latencies.push(performance.now() - due);
            resolve();
          });
        });
        req.on('error', () => {
          errors++;
          resolve();
        });
        req.end(body);
      }),
    );
  }
  await Promise.all(sends);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
  return { label, messagesPerSecond: total / elapsed, p50: at(0.5), p99: at(0.99), errors, maxRssMb: await peakRss(child) };
}

/** Fills a store with `count` messages spread over conversations of 5 messages, as real history would be. */
async function preload(dataDir: string, count: number): Promise<void> {
  const store = await openStore({ dir: join(dataDir, 'store') });
  const at = new Date().toISOString();
  const perContact = 5;
  const batch: Promise<unknown>[] = [];
  for (let n = 0; n < count / perContact; n++) {
    batch.push(
      store.transaction(`preload:${n}`, async (tx) => {
        const contactId = await tx.newContactId();
        const conversationId = await tx.newConversationId();
        tx.putContact({ id: contactId, identities: [{ channel: 'webchat', id: `p${n}` }], name: `Contact ${n}`, fields: { email: `c${n}@example.com` }, tags: [], createdAt: at, updatedAt: at });
        tx.putConversation({ id: conversationId, contactId, channel: 'webchat', status: 'closed', stage: 'bot', fields: { need: 'an old question' }, source: 'contact', openedAt: at, closedAt: at });
        for (let m = 0; m < perContact; m++) {
          tx.addMessage({ contactId, conversationId, channel: 'webchat', address: `p${n}`, direction: m % 2 ? 'out' : 'in', from: m % 2 ? 'bot' : 'contact', text: `history message ${m} of contact ${n}`, at, ...(m % 2 ? { status: 'sent' as const } : { channelMessageId: `p${n}:${m}` }) });
        }
      }),
    );
    if (batch.length >= 500) await Promise.all(batch.splice(0));
  }
  await Promise.all(batch);
  await store.close();
}

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-'));
  await cp(shippedDataDir, dir, { recursive: true, filter: (source) => !source.includes(`${join(shippedDataDir, 'store')}`) });
  return dir;
}

const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const figures: Figures[] = [];
const dirs: string[] = [];
const byRun = new Map<string, Figures[]>();
const record = (run: string, f: Figures) => {
  figures.push(f);
  byRun.set(run, [...(byRun.get(run) ?? []), f]);
};
try {
  const fullDir = await freshDataDir();
  dirs.push(fullDir);
  const started = Date.now();
  await preload(fullDir, preloadMessages);
  console.log(`preloaded ${preloadMessages} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const emptyDir = await freshDataDir();
  dirs.push(emptyDir);

  const bare = await startServer('bare');
  const onEmpty = await startServer('switchboard', emptyDir);
  const onFull = await startServer('switchboard', fullDir);
  // A short unmeasured run first lets the JIT warm up, so round 1 is not measuring the compiler.
  for (const server of [bare, onEmpty, onFull]) await load('warm-up', server.url, server.child, 2);
  // The runs alternate so that a noisy neighbour on this shared machine hurts each of them alike.
  for (let round = 1; round <= rounds; round++) {
    record('bare', await load(`bare express handler (baseline), round ${round}`, bare.url, bare.child));
    record('empty', await load(`switchboard, empty store, round ${round}`, onEmpty.url, onEmpty.child));
    record('full', await load(`switchboard, ${preloadMessages} messages stored, round ${round}`, onFull.url, onFull.child));
  }
  await Promise.all([bare, onEmpty, onFull].map(({ child }) => stopServer(child)));

  const steadyDir = await freshDataDir();
  dirs.push(steadyDir);
  const onSteady = await startServer('switchboard', steadyDir);
  record('steady', await paced('switchboard, steady 200 messages/s', onSteady.url, onSteady.child, 200));
  await stopServer(onSteady.child);
} finally {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

const mean = (run: string) => {
  const runs = byRun.get(run) ?? [];
  return runs.reduce((sum, f) => sum + f.messagesPerSecond, 0) / Math.max(1, runs.length);
};
console.log(`\n${seconds} s per run, ${connections} connections, each contact sends ${script.length} messages through the default flow`);
console.table(
  figures.map((f) => ({
    run: f.label,
    'messages/s': Math.round(f.messagesPerSecond),
    'p50 ms': f.p50,
    'p99 ms': f.p99,
    errors: f.errors,
    'peak RSS MB': Math.round(f.maxRssMb),
  })),
);
const steady = byRun.get('steady')?.[0];
console.log(`means over ${rounds} rounds: bare ${Math.round(mean('bare'))}, empty ${Math.round(mean('empty'))}, ${preloadMessages} stored ${Math.round(mean('full'))} messages/s`);
console.log(`switchboard / bare express throughput: ${(mean('empty') / mean('bare')).toFixed(2)}`);
console.log(`${preloadMessages} stored / empty store throughput: ${(mean('full') / mean('empty')).toFixed(2)} (target >= 0.90)`);
console.log(`empty store throughput: ${Math.round(mean('empty'))} messages/s (target >= 1000)`);
if (steady) console.log(`p50 / p99 at a steady 200 messages/s: ${steady.p50} / ${steady.p99} ms (target p99 < 50)`);
