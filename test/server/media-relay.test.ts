// Files across channels, end to end: the real server, customers and an agent on Telegram (a fake Bot API on
// 127.0.0.1 serving getFile and the bytes), an agent in the web chat. A photo and a voice note from Telegram
// customers reach a web chat agent and a Telegram agent; the Telegram agent's document reaches the customer.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { cleanupDirs, dataDirWith, eventually, quietLog, visitor } from '../helpers.ts';

const TOKEN = '123456:TEST-token';
const SECRET = 'webhook-secret-0123456789';
const OMAR = 9001;

const fixture = (name: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(`../channels/telegram/fixtures/${name}.json`, import.meta.url), 'utf8'));

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait."\n';
const team = `
teams:
  - name: Billing
agents:
  - name: Lina
    webchat: agent-lina
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
`;

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

let update = 500;
/** A fixture's message as sent by `chat`, with a fresh update and message id. */
function from(chat: number, name: string, message: Record<string, any>): Record<string, unknown> {
  const person = { id: chat, is_bot: false, first_name: name };
  return { update_id: update++, message: { ...message, message_id: update, chat: { id: chat, type: 'private', first_name: name }, from: person } };
}

async function post(app: Switchboard, body: unknown): Promise<number> {
  const res = await fetch(`${app.url}/webhooks/telegram`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

it('relays a Telegram photo to a web chat agent and a voice note to a Telegram agent, and the agent\'s document to the customer', async () => {
  const api = await FakeBotApi.start();
  running.push({ stop: () => api.close() });
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET },
    log: quietLog, watch: false, sweepEveryMs: 0,
  });
  running.push(app);

  // Lina works from the web chat; a photo from Layla on Telegram comes to her with its bytes.
  const lina = visitor(app.url, 'agent-lina');
  await lina.say('/online');
  const jpeg = Buffer.from('\xff\xd8\xff\xe0 receipt charged twice', 'latin1');
  api.addFile('AgACAgQAAxkBAAIBFWdQ-large', jpeg, { path: 'photos/file_1.jpg' });
  expect(await post(app, from(5001, 'Layla', fixture('private-photo').message))).toBe(200);
  type Listed = { text: string; attachments?: { kind: string; mime: string; url: string }[] };
  let card: Listed | undefined;
  for (let waited = 0; !card && waited < 3000; waited += 25) {
    card = ((await lina.messages()) as Listed[]).find((m) => (m.attachments ?? []).length > 0);
    if (!card) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // The conversation's card brings the photo it opened with.
  expect(card?.text).toContain('#1');
  expect(card?.text).toContain('The receipt, charged twice');
  expect(card?.attachments).toEqual([expect.objectContaining({ kind: 'image', mime: 'image/jpeg', url: expect.stringMatching(/^\/webchat\/agent-lina\/media\/[0-9a-f]{32}$/) })]);
  const download = await fetch(`${app.url}${card!.attachments![0]!.url}`, { headers: { authorization: `Bearer ${(await lina.credentials()).token}` } });
  expect(download.headers.get('content-type')).toBe('image/jpeg');
  expect(Buffer.from(await download.arrayBuffer())).toEqual(jpeg);

  // Lina steps away, Omar comes online in Telegram: Sam's voice note goes to him as a voice note.
  await lina.say('/away');
  expect(await post(app, from(OMAR, 'Omar', { date: 1763950000, text: '/online' }))).toBe(200);
  const ogg = Buffer.from('OggS a voice note');
  api.addFile('AwACAgQAAxkBAAIBFmdQ-voice', ogg, { path: 'voice/file_2.oga' });
  expect(await post(app, from(5002, 'Sam', fixture('private-voice').message))).toBe(200);
  await eventually(() => api.callsOf('sendVoice').length === 1);
  const voice = api.callsOf('sendVoice')[0]!;
  expect(String(voice.params.chat_id)).toBe(String(OMAR));
  expect(voice.files.map((file) => file.bytes)).toEqual([ogg]);

  // Omar answers with a document: it reaches Sam on Telegram, bytes and name.
  const pdf = Buffer.from('%PDF-1.4 corrected invoice');
  api.addFile('BQACAgQAAxkBAAIBF2dQ-doc', pdf, { path: 'documents/file_3.pdf' });
  expect(await post(app, from(OMAR, 'Omar', fixture('private-document').message))).toBe(200);
  await eventually(() => api.callsOf('sendDocument').some((call) => String(call.params.chat_id) === '5002'));
  const document = api.callsOf('sendDocument').find((call) => String(call.params.chat_id) === '5002')!;
  expect(document.files.map((file) => [file.name, file.bytes])).toEqual([['invoice-2025-11.pdf', pdf]]);
});
