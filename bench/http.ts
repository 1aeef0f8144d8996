// `npm run bench`: simulated contacts chat through the default flow over the web chat API. Prints
// messages/s, p50/p99 latency and peak RSS on an empty store, with 100,000 messages stored, at a fixed
// 200 messages/s, and a bare express handler doing the same HTTP work, measured in the same run.
import { fork, type ChildProcess } from 'node:child_process';
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

/** What each simulated contact says, in order: the default flow greets, re-asks the bad email, asks the need. */
const script = ['hello', 'not an email', 'layla@example.com', 'I was charged twice for my order', 'thanks!'];

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
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { url, child };
}

async function stopServer(child: ChildProcess): Promise<number> {
  const rss = await new Promise<number>((resolve) => {
    child.once('message', (message) => resolve((message as { maxRssMb: number }).maxRssMb));
    child.send('report');
  });
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return rss;
}

async function load(label: string, url: string, child: ChildProcess, options: { rate?: number } = {}): Promise<Figures> {
  let contacts = 0;
  const result = await autocannon({
    url,
    connections: options.rate ? Math.min(connections, 16) : connections,
    duration: seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
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
  const maxRssMb = await stopServer(child);
  return {
    label,
    messagesPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    maxRssMb,
  };
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
          tx.addMessage({ contactId, conversationId, channel: 'webchat', direction: m % 2 ? 'out' : 'in', from: m % 2 ? 'bot' : 'contact', text: `history message ${m} of contact ${n}`, at, ...(m % 2 ? { status: 'sent' as const } : { channelMessageId: `p${n}:${m}` }) });
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

const figures: Figures[] = [];
const dirs: string[] = [];
try {
  const bare = await startServer('bare');
  figures.push(await load('bare express handler (baseline)', bare.url, bare.child));

  const empty = await freshDataDir();
  dirs.push(empty);
  const onEmpty = await startServer('switchboard', empty);
  figures.push(await load('switchboard, empty store', onEmpty.url, onEmpty.child));

  const full = await freshDataDir();
  dirs.push(full);
  const started = Date.now();
  await preload(full, preloadMessages);
  console.log(`preloaded ${preloadMessages} messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const onFull = await startServer('switchboard', full);
  figures.push(await load(`switchboard, ${preloadMessages} messages stored`, onFull.url, onFull.child));

  const paced = await freshDataDir();
  dirs.push(paced);
  const onPaced = await startServer('switchboard', paced);
  figures.push(await load('switchboard, fixed 200 messages/s', onPaced.url, onPaced.child, { rate: 200 }));
} finally {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

const [baseline, empty, full, paced] = figures;
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
if (baseline && empty && full && paced) {
  console.log(`switchboard / bare express throughput: ${(empty.messagesPerSecond / baseline.messagesPerSecond).toFixed(2)}`);
  console.log(`100k stored / empty store throughput: ${(full.messagesPerSecond / empty.messagesPerSecond).toFixed(2)} (target >= 0.90)`);
  console.log(`empty store throughput: ${Math.round(empty.messagesPerSecond)} messages/s (target >= 1000)`);
  console.log(`p99 at 200 messages/s: ${paced.p99} ms (target < 50)`);
}
