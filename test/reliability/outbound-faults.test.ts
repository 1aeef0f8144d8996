// Outbound APIs under strain: the Bot API, the Graph API (WhatsApp Cloud) and the Bot Connector answer 429 with any
// retry_after / Retry-After (0, negative, not a number, huge, infinite), 5xx, or never answer, through a proxy on
// 127.0.0.1 in front of their fakes. Each customer's replies must leave once the API recovers, once each (a call whose
// answer was lost after the API acted may be sent again: at most one duplicate per such call), in order; a wait
// the API asks for is not cut short; nothing crashes; the other customers' conversations keep flowing meanwhile.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { cleanupDirs } from '../helpers.ts';
import { FlakyProxy, type Fault } from './flaky-proxy.ts';
import { PHONE_NUMBER_ID, startFuzzServer, TELEGRAM_SECRET, WHATSAPP_SECRET, type FuzzServer } from './fuzz-server.ts';

/** Every reply names the message it answers, so a reply sent twice shows as the same text twice. */
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - id: again
    ask: "Noted {{conversation.need | nothing}}; next?"
    save: conversation.need
  - goto: again
`;
const MESSAGES = 3;
const expected = (who: string) => Array.from({ length: MESSAGES }, (_, i) => (i === 0 ? 'Noted nothing; next?' : `Noted ${who}-m${i + 1}; next?`));

interface Scenario {
  who: string;
  /** The answers to the first sends to this customer, in order; `forever`: every send. */
  faults: Fault[];
  forever?: boolean;
  /** The API asked for a wait longer than the test: one attempt, nothing sent, nothing failed. */
  waits?: boolean;
  /** Calls whose answer was lost after the API acted: the duplicates allowed. */
  lost?: number;
}

const telegram429 = (retryAfter: string): Fault => ({ answer: 429, body: `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after ${retryAfter}","parameters":{"retry_after":${retryAfter}}}` });
const graph429: Fault = { answer: 400, body: '{"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429,"fbtrace_id":"A"}}' };
const graphPair429: Fault = { answer: 400, body: '{"error":{"message":"(#131056) Pair rate limit hit","type":"OAuthException","code":131056,"fbtrace_id":"A"}}' };
const html5xx = (status: number): Fault => ({ answer: status, body: '<html><body>Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } });

const TELEGRAM: Scenario[] = [
  { who: 'zero', faults: [telegram429('0'), telegram429('0'), telegram429('0')] },
  { who: 'negative', faults: [telegram429('-5'), telegram429('-5')] },
  { who: 'text', faults: [telegram429('"soon"'), { answer: 429, body: '{"ok":false,"error_code":429,"description":"Too Many Requests"}' }] },
  { who: 'server', faults: [{ answer: 500, body: '{"ok":false,"error_code":500,"description":"Internal Server Error"}' }, html5xx(502)] },
  { who: 'huge', faults: [telegram429('100000000')], forever: true, waits: true },
  { who: 'infinite', faults: [telegram429('1e400')], forever: true, waits: true },
  { who: 'lost', faults: [{ hang: 'after' }], lost: 1 },
  { who: 'nobody', faults: [{ hang: 'before' }] },
  { who: 'ok1', faults: [] },
  { who: 'ok2', faults: [] },
];
const WHATSAPP: Scenario[] = [
  { who: 'rate', faults: [graph429, graph429] },
  { who: 'pair', faults: [graphPair429] },
  { who: 'server', faults: [html5xx(500), html5xx(503)] },
  { who: 'lost', faults: [{ hang: 'after' }], lost: 1 },
  { who: 'nobody', faults: [{ hang: 'before' }] },
  { who: 'ok1', faults: [] },
  { who: 'ok2', faults: [] },
];

const telegramRecipient = (_path: string, body: string) => String((JSON.parse(body) as { chat_id?: unknown }).chat_id);
const whatsappRecipient = (_path: string, body: string) => (JSON.parse(body) as { to?: string }).to;
const connectorRecipient = (path: string) => /\/v3\/conversations\/([^/]+)\/activities/.exec(path)?.[1];
const isConnectorSend = (path: string) => /\/v3\/conversations\/[^/]+\/activities/.test(path);

const connector429 = (retryAfter: string): Fault => ({ answer: 429, body: '{"error":{"code":"TooManyRequests","message":"Too many requests"}}', headers: { 'retry-after': retryAfter } });
const BOTFRAMEWORK: Scenario[] = [
  { who: 'zero', faults: [connector429('0'), connector429('0'), connector429('0')] },
  { who: 'negative', faults: [connector429('-5')] },
  { who: 'text', faults: [connector429('soon'), connector429('soon')] },
  { who: 'huge', faults: [connector429('100000000')], forever: true, waits: true },
  { who: 'server', faults: [{ answer: 500, body: '{"error":{"code":"ServiceError","message":"boom"}}' }, html5xx(503), html5xx(502), html5xx(500)] },
  { who: 'nobody', faults: [{ hang: 'before' }] },
  { who: 'lost', faults: [{ hang: 'after' }], lost: 1 },
  { who: 'ok1', faults: [] },
  { who: 'ok2', faults: [] },
];
const conversationOf = (i: number) => `fault-conversation-${i}`;

let server: FuzzServer;
let connectorProxy: FlakyProxy;
let telegramProxy: FlakyProxy;
let graphProxy: FlakyProxy;
const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);

/** A decider applying each scenario's faults to the sends to its customer, found in the request by `recipient`. */
function decider(scenarios: Scenario[], isSend: (path: string) => boolean, recipient: (path: string, body: string) => string | undefined) {
  const left = new Map(scenarios.map((s) => [s.who, [...s.faults]]));
  return (path: string, body: string): Fault | undefined => {
    if (!isSend(path)) return undefined;
    const who = scenarios.find((s) => s.who === whoIs(recipient(path, body)));
    if (!who) return undefined;
    const queue = left.get(who.who)!;
    return who.forever ? queue[0] : queue.shift();
  };
}

const telegramChat = (i: number) => 8_100_000 + i;
const waNumber = (i: number) => `1555000${String(i).padStart(4, '0')}`;
const people = new Map<string, string>();
const whoIs = (address: string | undefined) => (address === undefined ? undefined : people.get(address));

beforeAll(async () => {
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
  TELEGRAM.forEach((s, i) => people.set(String(telegramChat(i)), s.who));
  WHATSAPP.forEach((s, i) => people.set(waNumber(i), s.who));
  BOTFRAMEWORK.forEach((s, i) => people.set(conversationOf(i), s.who));
  server = await startFuzzServer({
    flow,
    // A call that never answers is given up after 10 s, not the 30 s (Telegram: 45 s) a server waits by default.
    apiTimeout: '10s',
    telegramRoot: async (fake) => (telegramProxy = await FlakyProxy.start(fake, decider(TELEGRAM, (path) => path.endsWith('/sendMessage'), telegramRecipient))).url,
    // The Bot Connector is wherever an activity's service URL says: the proxy's.
    graphRoot: async (fake) => (graphProxy = await FlakyProxy.start(fake, decider(WHATSAPP, (path) => path.endsWith(`/${PHONE_NUMBER_ID}/messages`), whatsappRecipient))).url,
  });
});

beforeAll(async () => {
  connectorProxy = await FlakyProxy.start(server.botService.url, decider(BOTFRAMEWORK, isConnectorSend, connectorRecipient));
});

afterAll(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  await server?.stop();
  await Promise.all([telegramProxy?.close(), graphProxy?.close(), connectorProxy?.close()]);
  await cleanupDirs();
});

let next = 1;
async function postTelegram(chat: number, text: string): Promise<number> {
  const n = next++;
  const update = { update_id: 500_000 + n, message: { message_id: n, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private', first_name: 'Layla' }, from: { id: chat, is_bot: false, first_name: 'Layla' }, text } };
  const res = await fetch(`${server.app.url}/webhooks/telegram`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }, body: JSON.stringify(update) });
  return res.status;
}

async function postWhatsApp(from: string, text: string): Promise<number> {
  const n = next++;
  const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: {
    messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
    contacts: [{ profile: { name: 'Sheena' }, wa_id: from }],
    messages: [{ from, id: `wamid.FAULT${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } }] } }] }] });
  const res = await fetch(`${server.app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', WHATSAPP_SECRET).update(body).digest('hex')}` }, body });
  return res.status;
}

async function postActivity(conversation: string, text: string): Promise<number> {
  const n = next++;
  const serviceUrl = `${connectorProxy.url}/webchat/`;
  const activity = { type: 'message', id: `${conversation}|${n}`, timestamp: new Date().toISOString(), channelId: 'webchat', serviceUrl, from: { id: `user-${conversation}`, name: 'Amira' }, conversation: { id: conversation }, recipient: { id: 'acme-bot', name: 'Acme Bot' }, text };
  const res = await fetch(`${server.app.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${server.botService.sign(serviceUrl)}` }, body: JSON.stringify(activity) });
  return res.status;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Row { channel: string; who: string; faults: number; attempts: number; sent: number; duplicates: number; inOrder: boolean; seconds: number }

async function run(channel: string, scenarios: Scenario[], address: (i: number) => string, post: (address: string, text: string) => Promise<number>, said: (address: string) => string[], proxy: FlakyProxy, isSend: (path: string) => boolean, recipient: (path: string, body: string) => string | undefined): Promise<Row[]> {
  const began = Date.now();
  const done = new Map<string, number>();
  // Each customer writes their messages one after the other, each acknowledged before the next; all customers at once.
  await Promise.all(scenarios.map(async (s, i) => {
    for (let m = 1; m <= MESSAGES; m++) expect(await post(address(i), `${s.who}-m${m}`), `${channel} ${s.who} m${m} acknowledged`).toBe(200);
  }));
  const recovering = scenarios.filter((s) => !s.waits);
  for (let waited = 0; ; waited += 100) {
    for (const [i, s] of scenarios.entries()) if (!done.has(s.who) && expected(s.who).every((text) => said(address(i)).includes(text))) done.set(s.who, Date.now() - began);
    if (recovering.every((s) => done.has(s.who))) break;
    if (waited > 90_000) break;
    await sleep(100);
  }
  const healthy = scenarios.filter((s) => s.faults.length === 0).map((s) => done.get(s.who) ?? Infinity);
  const faulty = recovering.filter((s) => s.faults.length > 0).map((s) => done.get(s.who) ?? Infinity);
  // Customers without faults were answered before the slowest faulty one recovered: nobody waited behind them.
  expect(Math.max(...healthy), `${channel}: the other customers' replies left while the faulty ones waited`).toBeLessThan(Math.max(...faulty));
  return scenarios.map((s, i) => {
    const texts = said(address(i));
    const attempts = proxy.calls.filter((call) => isSend(call.path) && whoIs(recipient(call.path, call.body)) === s.who).length;
    const duplicates = texts.length - new Set(texts).size;
    const order = texts.filter((t, k) => texts.indexOf(t) === k);
    return { channel, who: s.who, faults: s.forever ? attempts : s.faults.length, attempts, sent: texts.length, duplicates, inOrder: JSON.stringify(order) === JSON.stringify(s.waits ? [] : expected(s.who)), seconds: Math.round((done.get(s.who) ?? NaN) / 100) / 10 };
  });
}

it('sends each reply once the API recovers, in order, within the duplicate bound, and keeps the other conversations flowing', async () => {
  const rows: Row[] = [];
  const [telegramRows, whatsappRows, botframeworkRows] = await Promise.all([
    run('telegram', TELEGRAM, (i) => String(telegramChat(i)), (chat, text) => postTelegram(Number(chat), text), (chat) => server.telegram.sentTo(Number(chat)), telegramProxy, (path) => path.endsWith('/sendMessage'), telegramRecipient),
    run('whatsapp-cloud', WHATSAPP, waNumber, postWhatsApp, (to) => server.graph.saidTo(to), graphProxy, (path) => path.endsWith(`/${PHONE_NUMBER_ID}/messages`), whatsappRecipient),
    run('botframework', BOTFRAMEWORK, conversationOf, postActivity, (conversation) => server.botService.sentTo(conversation).map((sent) => String(sent.activity.text)), connectorProxy, isConnectorSend, connectorRecipient),
  ]);
  rows.push(...telegramRows, ...whatsappRows, ...botframeworkRows);
  console.table(rows);
  for (const [scenarios, channelRows] of [[TELEGRAM, telegramRows], [WHATSAPP, whatsappRows], [BOTFRAMEWORK, botframeworkRows]] as const) {
    for (const s of scenarios) {
      const row = channelRows.find((r) => r.who === s.who)!;
      if (s.waits) {
        // The wait asked for is longer than the test: one attempt, nothing sent, and the message is not given up.
        expect(row.attempts, `${row.channel} ${s.who}: tried again before the wait the API asked for`).toBe(1);
        expect(row.sent).toBe(0);
        continue;
      }
      expect(row.inOrder, `${row.channel} ${s.who}: every reply sent, in order`).toBe(true);
      expect(row.duplicates, `${row.channel} ${s.who}: replies sent twice`).toBeLessThanOrEqual(s.lost ?? 0);
    }
  }
  // Nothing the API asked to wait for was marked failed, and the server still answers.
  const failed = (await Promise.all((await server.app.store.contacts()).map((c) => server.app.store.messagesOfContact(c.id)))).flat().filter((m) => m.status === 'failed');
  expect(failed.map((m) => `${m.address}: ${m.error}`)).toEqual([]);
  expect((await fetch(`${server.app.url}/healthz`)).status).toBe(200);
  expect(crashes.map(String)).toEqual([]);
}, 180_000);
