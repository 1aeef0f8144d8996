// Durability under kill -9: a child process commits in a loop and is killed at random moments, mid-commit and
// mid-compaction; every commit it acknowledged must be there when the store is opened again.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import type { Message } from '../../src/store/types.ts';
import { tempDirs } from './helpers.ts';

const writer = fileURLToPath(new URL('./fixtures/writer.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => tempDirs.cleanup());

/** Runs the writer on `dir`, kills it with SIGKILL 200–800 ms after its store is open, and returns what it printed. */
async function runAndKill(dir: string, round: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dir, String(round)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  await Promise.race([ready, closed]);
  await delay(200 + Math.random() * 600);
  child.kill('SIGKILL');
  const signal = await closed;
  if (signal !== 'SIGKILL') throw new Error(`round ${round}: the writer ended by itself before it was killed:\n${stderr}`);
  // The last line may be cut off by the kill: only whole lines count.
  return stdout.split('\n').slice(1, -1);
}

/** What the killed writers acknowledged so far: every bit of it must survive. */
interface Acknowledged {
  /** Message id → its text. */
  messages: Map<number, string>;
  /** Ids of replies whose `markDelivery` resolved. */
  sent: Set<number>;
  /** Key → tag of its last acknowledged commit: the key's `progress` doc must be at least that far. */
  progress: Map<string, string>;
}

/** Tags compare as round * 1e6 + n: a later commit may have landed unacknowledged, an earlier state may not return. */
function order(tag: string): number {
  const [round = '', , n = ''] = tag.split('-');
  return Number(round.slice(1)) * 1e6 + Number(n);
}

/** Opens the store the writer left behind and checks that everything acknowledged is there. */
async function expectAcknowledged(dir: string, acknowledged: Acknowledged): Promise<void> {
  const store = await openStore({ dir });
  const conversations = await store.conversations();
  const stored = new Map<number, Message>();
  for (const contactId of new Set(conversations.map((c) => c.contactId))) {
    for (const message of await store.messagesOfContact(contactId)) stored.set(message.id, message);
  }
  for (const [id, text] of acknowledged.messages) expect(stored.get(id)?.text, `message ${id}`).toBe(text);
  for (const id of acknowledged.sent) expect(stored.get(id)?.status, `message ${id}`).toBe('sent');
  for (const [key, tag] of acknowledged.progress) {
    expect(order((await store.doc<string>('progress', key)) ?? 'r-1-k-0'), `progress of ${key}`).toBeGreaterThanOrEqual(order(tag));
  }
  expect(stored.size).toBe(await store.messageCount());
  expect(conversations.filter((c) => c.status === 'open')).toHaveLength(6);
  await store.close();
}

it('keeps every acknowledged transaction when killed with SIGKILL', async () => {
  const dir = await tempDirs.make();
  const acknowledged: Acknowledged = { messages: new Map(), sent: new Set(), progress: new Map() };
  let commits = 0;
  for (let round = 0; round < 8; round++) {
    for (const line of await runAndKill(dir, round)) {
      const [kind, tag = '', ids = ''] = line.split(' ');
      if (kind === 'sent') acknowledged.sent.add(Number(tag));
      if (kind !== 'ack') continue;
      commits += 1;
      acknowledged.progress.set(tag.split('-')[1] ?? '', tag);
      const [inbound, ...replies] = ids.split(',').map(Number);
      acknowledged.messages.set(inbound ?? 0, `text of ${tag}`);
      replies.forEach((id, n) => acknowledged.messages.set(id, `reply ${n + 1} to ${tag}`));
    }
    // Checked after every kill: a later round would overwrite the docs an earlier crash lost.
    await expectAcknowledged(dir, acknowledged);
  }
  expect(commits).toBeGreaterThan(50);
  // Eight writers started through tsx: about 2 s each on a machine whose cores other tests keep busy.
}, 90_000);
