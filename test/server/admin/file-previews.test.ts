// What the lists show of a conversation whose last message is a file alone (a photo, a voice note, a document): the
// dashboard's list and the agent console's, from one rule, in English and Arabic. Customers on Telegram (a fake Bot
// API on 127.0.0.1 serving the files), an agent in the web chat console.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import { FakeBotApi } from '../../channels/telegram/fake-bot-api.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../../helpers.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

const TOKEN = '123456:TEST-token';
const SECRET = 'webhook-secret-0123456789';
const LINA_TOKEN = 'test-token-0123456789abcdef';

const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../../channels/telegram/fixtures/${name}.json`, import.meta.url), 'utf8'));

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait."\n';
const team = `
teams:
  - name: Billing
agents:
  - name: Lina
    webchat: agent-lina
    webchat_token: ${LINA_TOKEN}
    teams: [Billing]
`;

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

let update = 700;
/** A fixture's message as sent by `chat`, with a fresh update and message id. */
function from(chat: number, name: string, message: Record<string, any>): Record<string, unknown> {
  const person = { id: chat, is_bot: false, first_name: name };
  return { update_id: update++, message: { ...message, message_id: update, chat: { id: chat, type: 'private', first_name: name }, from: person } };
}

async function post(app: Switchboard, body: unknown): Promise<void> {
  const res = await fetch(`${app.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  expect(res.status).toBe(200);
}

type Listed = { contact: { name?: string }; lastMessage?: { text: string } };

it('shows a conversation whose last message is a photo, a voice note or a document by what it is, in the dashboard and the agent console, in English and Arabic', async () => {
  const api = await FakeBotApi.start();
  running.push({ stop: () => api.close() });
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN },
    log: quietLog, watch: false, sweepEveryMs: 0,
  });
  running.push(app);

  api.addFile('AgACAgQAAxkBAAIBFWdQ-large', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'), { path: 'photos/file_1.jpg' });
  api.addFile('AwACAgQAAxkBAAIBFmdQ-voice', Buffer.from('OggS a voice note'), { path: 'voice/file_2.oga' });
  api.addFile('BQACAgQAAxkBAAIBF2dQ-doc', Buffer.from('%PDF-1.4 invoice'), { path: 'documents/file_3.pdf' });
  // Each writes first, then sends a file without a word.
  const { caption: _, ...photo } = fixture('private-photo').message;
  const customers = [[5001, 'Layla', photo], [5002, 'Sam', fixture('private-voice').message], [5003, 'Noor', fixture('private-document').message]] as const;
  for (const [chat, name, file] of customers) {
    await post(app, from(chat, name, { date: 1763950000, text: 'Hello, about my bill' }));
    await post(app, from(chat, name, { ...file, date: 1763950100 }));
  }

  const admin = adminClient(app.url);
  const previews = async (language: string) => {
    const { body } = await admin.get<{ conversations: Listed[] }>('/conversations?status=open', { 'accept-language': language });
    return Object.fromEntries(body.conversations.map((c) => [c.contact.name, c.lastMessage?.text]));
  };
  // Before, the three read '' in the dashboard (and '[image]', '[audio]', '[invoice-2025-11.pdf]' in the console).
  const english = { Layla: '📎 Photo', Sam: '🎤 Voice message', Noor: '📎 invoice-2025-11.pdf' };
  await expect.poll(() => previews('en'), { timeout: 15_000 }).toEqual(english);
  expect(await previews('ar')).toEqual({ Layla: '📎 صورة', Sam: '🎤 رسالة صوتية', Noor: '📎 \u2068invoice-2025-11.pdf\u2069' });

  // Lina's console lists the same conversations waiting in Billing, worded the same.
  const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: LINA_TOKEN }) });
  expect(login.status).toBe(204);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const consoleSays = async (language: string) => {
    const state = (await (await fetch(`${app.url}/agent/api/state`, { headers: { cookie, 'accept-language': language } })).json()) as { queues: { conversations: Listed[] }[] };
    return Object.fromEntries(state.queues.flatMap((queue) => queue.conversations).map((c) => [c.contact.name, c.lastMessage?.text]));
  };
  expect(await consoleSays('en')).toEqual(await previews('en'));
  expect(await consoleSays('ar')).toEqual(await previews('ar'));
});

it("shows a Telegram customer's document by its real name, a direction override dropped, in the dashboard's list, transcript and download and in the agent console", async () => {
  const api = await FakeBotApi.start();
  running.push({ stop: () => api.close() });
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN },
    log: quietLog, watch: false, sweepEveryMs: 0,
  });
  running.push(app);

  api.addFile('BQACAgQAAxkBAAIBF2dQ-doc', Buffer.from('MZ a program'), { path: 'documents/file_3.exe' });
  // U+202E shows "invoice\u202Efdp.exe", a program, as "invoiceexe.pdf".
  const document = fixture('private-document').message;
  await post(app, from(5003, 'Noor', { ...document, date: 1763950100, document: { ...document.document, file_name: 'invoice\u202Efdp.exe' } }));

  const admin = adminClient(app.url);
  const list = async () => (await admin.get<{ conversations: (Listed & { id: number })[] }>('/conversations?status=open')).body.conversations;
  await expect.poll(async () => (await list()).map((c) => c.lastMessage?.text), { timeout: 15_000 }).toEqual(['📎 invoicefdp.exe']);
  const [conversation] = await list();
  const { body } = await admin.get<{ messages: { attachments?: { name?: string; url?: string }[] }[] }>(`/conversations/${conversation!.id}`);
  const file = body.messages.flatMap((message) => message.attachments ?? [])[0]!;
  expect(file.name).toBe('invoicefdp.exe');
  const download = await fetch(`${app.url}${file.url}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(download.status).toBe(200);
  expect(download.headers.get('content-disposition')).toBe(`attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`);

  const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: LINA_TOKEN }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const state = (await (await fetch(`${app.url}/agent/api/state`, { headers: { cookie } })).json()) as { queues: { conversations: Listed[] }[] };
  expect(state.queues.flatMap((queue) => queue.conversations).map((c) => c.lastMessage?.text)).toEqual(['📎 invoicefdp.exe']);
});

it("shows a document named before names were cleaned in its real order too, in the dashboard's list and transcript and in the agent console", async () => {
  const api = await FakeBotApi.start();
  running.push({ stop: () => api.close() });
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN },
    log: quietLog, watch: false, sweepEveryMs: 0,
  });
  running.push(app);
  await post(app, from(5003, 'Noor', { date: 1763950000, text: 'Hello, about my bill' }));
  const admin = adminClient(app.url);
  const list = async () => (await admin.get<{ conversations: (Listed & { id: number })[] }>('/conversations?status=open')).body.conversations;
  await expect.poll(async () => (await list()).length, { timeout: 15_000 }).toBe(1);
  const [conversation] = await list();
  // As an earlier release stored it: the name with the U+202E the customer gave it ("invoiceexe.pdf" on screen).
  await app.store.transaction('test', async (tx) => {
    tx.addMessage({
      conversationId: conversation!.id, channel: 'telegram', address: '5003', direction: 'in', from: 'contact', text: '', at: new Date().toISOString(),
      attachments: [{ kind: 'document', mime: 'application/octet-stream', name: 'invoice\u202Efdp.exe', ref: 'ab'.repeat(16) }],
    });
  });

  for (const language of ['en', 'ar']) {
    const { body } = await admin.get<{ conversations: Listed[] }>('/conversations?status=open', { 'accept-language': language });
    expect(body.conversations.map((c) => c.lastMessage?.text.replace(/[\u2068\u2069]/g, ''))).toEqual(['📎 invoicefdp.exe']);
  }
  const { body } = await admin.get<{ messages: { attachments?: { name?: string }[] }[] }>(`/conversations/${conversation!.id}`);
  expect(body.messages.flatMap((message) => message.attachments ?? []).map((file) => file.name)).toEqual(['invoicefdp.exe']);
  const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: LINA_TOKEN }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const state = (await (await fetch(`${app.url}/agent/api/state`, { headers: { cookie } })).json()) as { queues: { conversations: Listed[] }[] };
  expect(state.queues.flatMap((queue) => queue.conversations).map((c) => c.lastMessage?.text)).toEqual(['📎 invoicefdp.exe']);
});
