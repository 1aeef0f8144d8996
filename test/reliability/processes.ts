// Switchboard as a process of its own (`node --import tsx src/server/main.ts`), as it runs in production: for the
// tests that kill one with SIGKILL or pull the database from under it. The store comes from the environment (STORE,
// DATABASE_URL), like everything else; Telegram chats drive it through the webhook, the Bot API faked on 127.0.0.1.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDirWith } from '../helpers.ts';
import { spawnServer, type ServerProcess } from '../server-process.ts';
import type { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';

export const SECRET = 'reliability-secret';
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every reply names the message it answers, so a reply sent twice shows as the same text twice in one chat. */
const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - id: again
    ask: "Noted {{conversation.need | nothing}}; next?"
    save: conversation.need
  - goto: again
`;

/** A DATA_DIR with the echoing flow, no agents, and a small intents file. */
export async function echoDataDir(): Promise<string> {
  const dir = await dataDirWith({ 'inbound.yaml': FLOW });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents: []\n');
  await mkdir(join(dir, 'nlp'));
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order, my invoice is wrong, a payment failed, charged for nothing]\n  tech_support: [the app crashes, I cannot log in, the page is blank, error on login, app freezes]\n');
  return dir;
}

export type { ServerProcess } from '../server-process.ts';

/** Starts a server process over `dataDir` talking to the fake Bot API; resolves once it listens. */
export function startServerProcess(dataDir: string, api: FakeBotApi, env: Record<string, string> = {}): Promise<ServerProcess> {
  return spawnServer({
    DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: '123456:reliability', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET,
    CONTACT_RATE_LIMIT: '100000/1m', ...env,
  });
}

/** A Telegram text update from `chat`, the `n`-th of that chat (update ids stay the same when it is sent again). */
export function textUpdate(chat: number, n: number, text: string): Record<string, unknown> {
  return { update_id: chat * 100_000 + n, message: { message_id: n, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'Layla' }, from: { id: chat, is_bot: false, first_name: 'Layla' }, text } };
}

/** POSTs an update to a server's webhook; the status, or 0 when no answer came (the process is gone). */
export async function postUpdate(url: string, update: Record<string, unknown>): Promise<number> {
  try {
    const res = await fetch(`${url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update), signal: AbortSignal.timeout(20_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** The reply each acknowledged message must get: the first of a chat opens its conversation, the others are noted. */
export function expectedReplies(texts: readonly string[]): string[] {
  return texts.map((text, i) => (i === 0 ? 'Noted nothing; next?' : `Noted ${text}; next?`));
}

/** Replies sent more than once, over `chats`. */
export function duplicates(api: FakeBotApi, chats: readonly number[]): number {
  let count = 0;
  for (const chat of chats) {
    const seen = new Map<string, number>();
    for (const text of api.sentTo(chat)) seen.set(text, (seen.get(text) ?? 0) + 1);
    for (const times of seen.values()) count += times - 1;
  }
  return count;
}

/** Whether each chat's replies, first sendings only, are exactly the expected ones in order. */
export function inOrder(api: FakeBotApi, acknowledged: ReadonlyMap<number, string[]>): boolean {
  for (const [chat, texts] of acknowledged) {
    const sent = api.sentTo(chat);
    const firsts = sent.filter((text, i) => sent.indexOf(text) === i);
    if (JSON.stringify(firsts) !== JSON.stringify(expectedReplies(texts))) return false;
  }
  return true;
}

/** Resolves once every acknowledged message has its reply, or rejects after `timeoutMs`. */
export async function allReplied(api: FakeBotApi, acknowledged: ReadonlyMap<number, string[]>, timeoutMs = 60_000): Promise<void> {
  const began = Date.now();
  for (;;) {
    const missing = [...acknowledged].filter(([chat, texts]) => {
      const sent = new Set(api.sentTo(chat));
      return !expectedReplies(texts).every((reply) => sent.has(reply));
    });
    if (missing.length === 0) return;
    if (Date.now() - began > timeoutMs) throw new Error(`replies to acknowledged messages never arrived in ${missing.length} chats, e.g. chat ${missing[0]![0]}`);
    await sleep(100);
  }
}

/** Settings that choose the store, when the environment names PostgreSQL; undefined otherwise (the test skips). */
export function postgresSettings(): { STORE: string; DATABASE_URL: string } | undefined {
  const { STORE, DATABASE_URL } = process.env;
  return STORE === 'postgres' && DATABASE_URL ? { STORE, DATABASE_URL } : undefined;
}
