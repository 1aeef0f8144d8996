// The floor for a server that keeps what it is told before it says so (floor.ts): each update is appended to a
// journal with the chat's step and the journal is synced (one write and one fdatasync for every update waiting, as
// Switchboard's embedded store groups its commits) before the webhook is answered; each reply's outcome is appended
// without a sync of its own (it rides on the next one, or is synced 20 ms later). Whatever Switchboard costs above
// this is its own logic, not durability.
import { mkdtempSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveFloor } from './floor.ts';

const dir = mkdtempSync(join(tmpdir(), 'durable-floor-'));
const journal = await open(join(dir, 'journal.jsonl'), 'a');

let waiting: { line: string; durable: boolean; done: () => void }[] = [];
let writing = false;
let unsynced = false;

/** Appends `line`; a durable one resolves once it and every line before it are synced. */
function append(line: string, durable: boolean): Promise<void> {
  return new Promise((done) => {
    waiting.push({ line, durable, done });
    if (!writing) void drain();
  });
}

async function drain(): Promise<void> {
  writing = true;
  while ((await new Promise((resolve) => setImmediate(resolve)), waiting.length > 0)) {
    const batch = waiting;
    waiting = [];
    writeSync(journal.fd, Buffer.from(batch.map((entry) => entry.line).join(''), 'utf8'));
    unsynced = true;
    if (batch.some((entry) => entry.durable)) {
      await journal.datasync();
      unsynced = false;
    }
    for (const entry of batch) entry.done();
  }
  writing = false;
}
setInterval(() => {
  if (unsynced && !writing) void append('', true);
}, 20).unref();

serveFloor({
  keep(update, step) {
    return append(`${JSON.stringify({ update, step })}\n`, true);
  },
  sent(update, reply, messageId) {
    void append(`${JSON.stringify({ chat: update.message.chat.id, update: update.update_id, reply, sent: messageId })}\n`, false);
  },
  async close() {
    await journal.close();
    rmSync(dir, { recursive: true, force: true });
  },
});
