// Two Switchboard instances on one fresh PostgreSQL database (each its own PostgresStore, pools and advisory locks,
// as two processes would have), Telegram webhooks to either, and a fake Bot API: for the races across processes.
import { randomBytes } from 'node:crypto';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { afterAll, beforeAll } from 'vitest';
import { cleanupDirs, dataDirWith, start, withTrainedModels } from '../helpers.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

export const SECRET = 'two-apps-secret';
export const AGENT_CHAT = 9001;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const handoverFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Support }
    queued: "Please wait."
`;

export const teamYaml = (maxOpen = 50) => `teams:
  - name: Support
    strategy: least_open
  - name: Sales
    strategy: least_open
agents:
  - name: Omar
    telegram: ${AGENT_CHAT}
    teams: [Support]
    max_open: ${maxOpen}
  - name: Sara
    telegram: 9002
    teams: [Support, Sales]
    max_open: ${maxOpen}
`;

export async function makeDatabase(): Promise<{ name: string; url: string }> {
  const name = `two_${randomBytes(5).toString('hex')}`;
  await sql(`CREATE DATABASE ${name}`);
  return { name, url: urlOfDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** A test file's end: stops `apps` (what they still send goes out), then the fake Bot API; drops the database and removes the data directories. */
export async function takeDown(apps: Switchboard[], api: FakeBotApi | undefined, db: { name: string } | undefined): Promise<void> {
  for (const app of apps) await app.stop();
  await api?.close();
  if (db) await dropDatabase(db.name);
  await cleanupDirs();
}

export async function handoverDataDir(flow = handoverFlow, team = teamYaml()): Promise<string> {
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  await mkdir(join(dir, 'nlp'));
  await writeFile(join(dir, 'nlp', 'intents.yaml'), 'intents:\n  billing: [I was charged twice, refund my order, my invoice is wrong, a payment failed, charged for nothing]\n  tech_support: [the app crashes, I cannot log in, the page is blank, error on login, app freezes]\n');
  await withTrainedModels(dir);
  return dir;
}

export function startApp(dir: string, url: string, api: FakeBotApi, extra: Record<string, unknown> = {}, options: { sweepEveryMs?: number; now?: () => Date } = {}): Promise<Switchboard> {
  return start(dir, {
    ...(options.now ? { now: options.now } : {}),
    ...(options.sweepEveryMs !== undefined ? { sweepEveryMs: options.sweepEveryMs } : {}),
    config: {
      STORE: 'postgres', DATABASE_URL: url, TELEGRAM_BOT_TOKEN: '123456:two-apps', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET,
      CONTACT_RATE_LIMIT: { capacity: 100000, perMs: 60000 }, ...extra,
    } as never,
  });
}

let updateId = 1;
const messageIds = new Map<number, number>();
/**
 * The fake Bot API of `twoAppsForFile`, while it runs: a person's messages then take their ids from its count, as on
 * Telegram, where a chat's messages and the bot's sends share one (an agent's /close is compared with the relays by it).
 */
let sharedIds: FakeBotApi | undefined;
/** A Telegram text update from `chat` (a new message id per chat each call). */
export function update(chat: number, text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const messageId = sharedIds ? sharedIds.takeMessageId() : (messageIds.get(chat) ?? 0) + 1;
  messageIds.set(chat, messageId);
  const from = { id: chat, is_bot: false, first_name: chat === AGENT_CHAT ? 'Omar' : chat === 9002 ? 'Sara' : 'Layla' };
  return { update_id: updateId++, message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: from.first_name }, from, text, ...extra } };
}

/** Posts a Telegram update; its status, or 0 when it could not be delivered or was not answered within `timeoutMs`. */
export async function post(url: string, body: Record<string, unknown>, timeoutMs = 30_000): Promise<number> {
  try {
    const res = await fetch(`${url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** Delivers to every url at once (a load balancer retrying on the other); the statuses. */
export function deliverToAll(urls: string[], body: Record<string, unknown>, timeoutMs?: number): Promise<number[]> {
  return Promise.all(urls.map((url) => post(url, body, timeoutMs)));
}

export async function until(what: string, done: () => Promise<boolean> | boolean, ms = 30_000): Promise<void> {
  for (let waited = 0; !(await done()); waited += 50) {
    if (waited > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export { FakeBotApi };

/**
 * Two instances (`apps`) on a database of their own with one fake Bot API (`api()`), made before a test file's tests
 * and taken down after them; nothing when DATABASE_URL is not set.
 *
 *     const two = twoAppsForFile(undefined, teamYaml());
 *     it('…', async () => { const [a, b] = two.apps; … });
 */
export function twoAppsForFile(flow: string | undefined, team: string): { apps: Switchboard[]; api: () => FakeBotApi; db: () => string } {
  const apps: Switchboard[] = [];
  let db: { name: string; url: string } | undefined;
  let api: FakeBotApi | undefined;
  beforeAll(async () => {
    if (!databaseUrl) return;
    db = await makeDatabase();
    api = await FakeBotApi.start();
    sharedIds = api;
    const dir = await handoverDataDir(flow, team);
    apps.push(await startApp(dir, db.url, api), await startApp(dir, db.url, api));
  }, 60_000);
  afterAll(async () => {
    await takeDown(apps, api, db);
    if (sharedIds === api) sharedIds = undefined;
  }, 60_000);
  return {
    apps,
    api: () => {
      if (!api) throw new Error('the fake Bot API is not started (no DATABASE_URL)');
      return api;
    },
    db: () => {
      if (!db) throw new Error('the database is not made (no DATABASE_URL)');
      return db.url;
    },
  };
}

/**
 * Waits until every reply stored in the database at `url` has gone out (none waits or is being sent; a send is
 * recorded once the fake Bot API answered it): what the deliveries and actions already answered caused has reached
 * the fake Bot API. Unlike `quiet`, it is over as soon as that is so, and says nothing of what is not committed yet:
 * for the state before a race, not for "nothing more came" after one.
 */
export async function allSent(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await until('every stored reply sent', async () => {
      const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM switchboard.messages WHERE direction = 'out' AND status IN ('pending', 'sending')");
      return rows[0]?.n === 0;
    });
  } finally {
    await client.end();
  }
}

/** Waits until the fake Bot API has had no call for 600 ms: what the last deliveries caused has all gone out. */
export async function quiet(api: FakeBotApi): Promise<void> {
  let last = -1;
  for (let stable = 0; stable < 6;) {
    await sleep(100);
    const n = api.calls.length;
    stable = n === last ? stable + 1 : 0;
    last = n;
  }
}

/**
 * Reads a server-sent event stream (a web chat's, the dashboard's) into the array it returns, as events arrive,
 * until `controller` aborts.
 */
export function readEvents<T = Record<string, unknown>>(url: string, controller: AbortController, headers: Record<string, string> = {}): { event: string; data: T }[] {
  return streamEvents<T>(url, controller, headers).events;
}

/**
 * `readEvents`, and `connected`: resolves once the server's first line (`: connected`) has come, so the stream is
 * subscribed. The dashboard's stream keeps no history: what is committed before then never shows on it.
 */
export function streamEvents<T = Record<string, unknown>>(url: string, controller: AbortController, headers: Record<string, string> = {}): { events: { event: string; data: T }[]; connected: Promise<void> } {
  const events: { event: string; data: T }[] = [];
  let connect!: () => void;
  let refuse!: (error: Error) => void;
  const connected = new Promise<void>((resolve, reject) => ([connect, refuse] = [resolve, reject]));
  connected.catch(() => {}); // only for those who wait for it
  void (async () => {
    const res = await fetch(url, { headers, signal: controller.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      for (let end; (end = buffer.indexOf('\n\n')) >= 0;) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (/^: ?connected$/m.test(block)) connect();
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (data) events.push({ event: /^event: (.+)$/m.exec(block)?.[1] ?? 'message', data: JSON.parse(data) as T });
      }
    }
  })()
    .catch(() => {})
    .finally(() => refuse(new Error(`the event stream ${url} ended before it said it was connected`)));
  return { events, connected };
}
