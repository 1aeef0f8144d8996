// Replies after kill -9 under load: the real server in a child process, 20 Telegram chats writing to its webhook,
// the Bot API faked on 127.0.0.1. The process is killed at random moments; after each kill, the replies sent twice
// must not outnumber the sends that were in flight (`sending` on disk), and nothing acknowledged may be lost.
// `npm test` kills 5 times; the reliability suite (npm run test:reliability) runs it too, RELIABILITY_KILLS times.
// It reads the embedded store's files, so it stands aside when STORE=postgres (test/reliability/two-processes.test.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { LowdbStore } from '../../src/store/lowdb.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs, dataDirWith } from '../helpers.ts';
import { spawnServer, type ServerProcess } from '../server-process.ts';

const secret = 'kill-test-secret';
const chats = Array.from({ length: 20 }, (_, n) => 5000 + n);
const kills = Number(process.env.RELIABILITY_KILLS ?? 5);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Every reply names the message it answers, so a reply sent twice shows as the same text twice in one chat.
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - id: again
    ask: "Noted {{conversation.need | nothing}}; next?"
    save: conversation.need
  - goto: again
`;

afterEach(cleanupDirs);

function startServer(dataDir: string, apiRoot: string): Promise<ServerProcess> {
  return spawnServer({
    DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: '123456:kill-test', TELEGRAM_API_ROOT: apiRoot, TELEGRAM_WEBHOOK_SECRET: secret,
    CONTACT_RATE_LIMIT: '100000/1m',
    // Compactions every few dozen commits, so kills land in them too (the journal renamed aside, the snapshot half written).
    STORE_COMPACT_AFTER_KB: '24',
  });
}

/** Text updates from each chat, one at a time per chat, until the server stops answering; returns what was acknowledged. */
async function load(url: string, next: Map<number, number>, acknowledged: Map<number, string[]>, stop: { now: boolean }): Promise<void> {
  await Promise.all(chats.map(async (chat) => {
    while (!stop.now) {
      const n = next.get(chat) ?? 1;
      const text = `c${chat}-m${n}`;
      const update = { update_id: chat * 100_000 + n, message: { message_id: n, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'Layla' }, from: { id: chat, is_bot: false, first_name: 'Layla' }, text } };
      let status: number;
      try {
        const res = await fetch(`${url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: JSON.stringify(update) });
        status = res.status;
      } catch {
        return;
      }
      if (status !== 200) return;
      acknowledged.get(chat)?.push(text) ?? acknowledged.set(chat, [text]);
      next.set(chat, n + 1);
    }
  }));
}

/** The reply each acknowledged message must get: the first of a chat opens its conversation, the others are noted. */
function expectedReplies(acknowledged: Map<number, string[]>): Map<number, string[]> {
  return new Map([...acknowledged].map(([chat, texts]) => [chat, texts.map((_, i) => (i === 0 ? 'Noted nothing; next?' : `Noted ${texts[i]}; next?`))]));
}

function duplicates(api: FakeBotApi): number {
  let count = 0;
  for (const chat of chats) {
    const seen = new Map<string, number>();
    for (const text of api.sentTo(chat)) seen.set(text, (seen.get(text) ?? 0) + 1);
    for (const times of seen.values()) count += times - 1;
  }
  return count;
}

async function allReplied(api: FakeBotApi, acknowledged: Map<number, string[]>): Promise<boolean> {
  for (const [chat, replies] of expectedReplies(acknowledged)) {
    const sent = new Set(api.sentTo(chat));
    if (!replies.every((reply) => sent.has(reply))) return false;
  }
  return true;
}

it.skipIf(process.env.STORE === 'postgres')('sends a reply twice after kill -9 only if its send was in flight, and loses nothing acknowledged', async () => {
  const api = await FakeBotApi.start();
  const dataDir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dataDir, 'team.yaml'), 'teams:\n  - name: Support\nagents: []\n');
  await mkdir(join(dataDir, 'nlp'));
  await writeFile(join(dataDir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order, my invoice is wrong, a payment failed, charged for nothing]\n  tech_support: [the app crashes, I cannot log in, the page is blank, error on login, app freezes]\n');

  const next = new Map<number, number>();
  const acknowledged = new Map<number, string[]>();
  const figures: { acknowledged: number; inFlight: number; duplicated: number }[] = [];
  let duplicatedBefore = 0;
  let server = await startServer(dataDir, api.url);
  for (let kill = 0; kill < kills; kill++) {
    const stop = { now: false };
    const ackedBefore = [...acknowledged.values()].reduce((sum, texts) => sum + texts.length, 0);
    const loading = load(server.url, next, acknowledged, stop);
    // Killed once the load is under way (two dozen messages acknowledged in this round: on a busy machine that can take
    // seconds), at a moment that differs from kill to kill.
    const ackedNow = () => [...acknowledged.values()].reduce((sum, texts) => sum + texts.length, 0) - ackedBefore;
    for (const start = Date.now(); ackedNow() < 24 && Date.now() - start < 20_000;) await sleep(20);
    await sleep(Math.random() * 700);
    server.child.kill('SIGKILL');
    await server.exited;
    stop.now = true;
    await loading;

    // What the killed process left: the sends it had claimed and not recorded are the ones in flight.
    const store = new LowdbStore({ dir: join(dataDir, 'store') });
    await store.open();
    const inDoubt = await store.outboundInDoubt();
    const inFlight = inDoubt.length;
    for (const [chat, texts] of acknowledged) {
      const stored = new Set((await store.messagesOfAddress('telegram', String(chat))).filter((m) => m.direction === 'in').map((m) => m.text));
      expect(texts.filter((text) => !stored.has(text)), `acknowledged but lost in chat ${chat}`).toEqual([]);
    }
    await store.close();

    const sentBefore = new Map(chats.map((chat) => [chat, api.sentTo(chat).length]));
    // The sends in doubt go out again after the restart: waited for too, so a late one is not counted against the
    // next kill's sends in flight.
    const resent = (): boolean => inDoubt.every((message) => api.sentTo(Number(message.address)).slice(sentBefore.get(Number(message.address)) ?? 0).includes(message.text));
    server = await startServer(dataDir, api.url);
    for (let waited = 0; !(await allReplied(api, acknowledged)) || !resent(); waited += 50) {
      if (waited > 15_000) throw new Error('replies to acknowledged messages never arrived');
      await sleep(50);
    }
    const duplicated = duplicates(api) - duplicatedBefore;
    duplicatedBefore += duplicated;
    figures.push({ acknowledged: [...acknowledged.values()].reduce((sum, texts) => sum + texts.length, 0) - ackedBefore, inFlight, duplicated });
    expect(duplicated, `kill ${kill + 1}: replies sent twice vs sends in flight`).toBeLessThanOrEqual(inFlight);
  }
  server.child.kill('SIGTERM');
  await server.exited;
  await api.close();
  console.log(`replies after kill -9 (per kill: messages acknowledged, sends in flight, replies sent twice): ${JSON.stringify(figures)}`);
  expect(figures.reduce((sum, figure) => sum + figure.acknowledged, 0)).toBeGreaterThan(kills * 20);
}, 60_000 + kills * 15_000);
