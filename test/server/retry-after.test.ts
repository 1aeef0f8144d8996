// How long each sender is asked to wait when the server refuses a message for now: every webhook (Telegram, WhatsApp
// Cloud, Messenger, the Bot Framework) and the web chat say it alike in Retry-After, the wait the server knows when it
// knows one (a customer's allowance of messages coming back), else the 5 s the admin API and the agent console say for
// the store out of reach, or start-up's next try at a database out of reach. Telegram waits exactly what the header
// says, and without one sends again at once.
import { createHmac } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import express from 'express';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { mountWebhook } from '../../src/channels/telegram/webhook.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { FakeGraphApi } from '../channels/meta/fake-graph-api.ts';
import { batch, textEvent } from '../channels/messenger/harness.ts';
import { webchatText } from '../channels/botframework/harness.ts';
import { DatabaseLink } from '../store/postgres-link.ts';
import { agentToken, cleanupDirs, dataDirWith, freePort, inboundFlow, quietLog, recordingLog } from '../helpers.ts';

const TOKEN = 'EAAG-test-token-0123456789';
const WHATSAPP_SECRET = 'whatsapp-secret-0123456789';
const MESSENGER_SECRET = 'messenger-secret-0123456789';
const TELEGRAM_SECRET = 'telegram-secret-0123456789';
const sign = (raw: string, secret: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

let app: Switchboard | undefined;
const closing: { close(): Promise<void> | void }[] = [];
afterAll(async () => {
  await app?.stop();
  await Promise.all(closing.map((each) => each.close()));
  await cleanupDirs();
});

interface Answer {
  status: number;
  retryAfter: string | null;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

it('asks every sender to wait the same: until a fast writer\'s allowance is back, else 5 s while the store is out of reach', async () => {
  const telegram = await FakeBotApi.start();
  const graph = await FakeGraphApi.start(TOKEN);
  closing.push(telegram, graph);
  const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: env:LINA_TOKEN\n    teams: [Support]\n');
  process.env.LINA_TOKEN = agentToken('agent-lina');
  // The allowance is counted on a clock that stands still: one message per customer, the next after 40 s.
  const now = new Date('2026-03-02T09:00:00.000Z');
  app = await startSwitchboard({
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, WEBCHAT_OPEN_SESSIONS: '1', ADMIN_TOKEN: 'admin-token-0123456789abcdef',
      CONTACT_RATE_LIMIT: { capacity: 1, perMs: 40_000 },
      TELEGRAM_BOT_TOKEN: '123456:retry-after', TELEGRAM_API_ROOT: telegram.url, TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      WHATSAPP_TOKEN: TOKEN, WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WHATSAPP_APP_SECRET: WHATSAPP_SECRET, WHATSAPP_VERIFY_TOKEN: 'verify',
      MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: MESSENGER_SECRET, MESSENGER_VERIFY_TOKEN: 'verify', GRAPH_API_ROOT: graph.url,
      BOTFRAMEWORK_NO_AUTH: '1',
    },
    log: quietLog,
    watch: false,
    sweepEveryMs: 0,
    now: () => now,
  });
  const url = app.url;

  let n = 0;
  const deliveries: Record<string, () => Promise<Answer>> = {
    telegram: () => post(`${url}/webhooks/telegram`, {
      update_id: 880_000 + ++n,
      message: { message_id: n, date: 1763950300, chat: { id: 4242, type: 'private', first_name: 'Layla' }, from: { id: 4242, is_bot: false, first_name: 'Layla' }, text: `hello ${n}` },
    }, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
    'whatsapp-cloud': () => {
      const body = {
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'messages', value: {
          messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
          contacts: [{ profile: { name: 'Sheena' }, wa_id: '16505551234' }],
          messages: [{ from: '16505551234', id: `wamid.WAIT${++n}`, timestamp: '1763950300', type: 'text', text: { body: `hello ${n}` } }],
        } }] }],
      };
      return post(`${url}/webhooks/whatsapp`, body, { 'x-hub-signature-256': sign(JSON.stringify(body), WHATSAPP_SECRET) });
    },
    messenger: () => {
      const body = batch([textEvent(`my parcel is late ${++n}`, { mid: `m_wait_${n}` })]);
      return post(`${url}/webhooks/messenger`, body, { 'x-hub-signature-256': sign(JSON.stringify(body), MESSENGER_SECRET) });
    },
    botframework: () => post(`${url}/api/messages`, webchatText(`hello there ${++n}`, 'http://127.0.0.1:9/')),
    webchat: () => post(`${url}/webchat/visitor-wait/messages`, { text: `hello ${++n}`, clientId: `c-${n}` }),
  };

  // Each customer's first message is taken; their second, at once, is refused until their allowance is back in 40 s.
  for (const [channel, deliver] of Object.entries(deliveries)) expect((await deliver()).status, `${channel}'s first message`).toBeLessThan(300);
  const fast: Record<string, Answer> = {};
  for (const [channel, deliver] of Object.entries(deliveries)) fast[channel] = await deliver();
  expect(fast).toEqual({
    telegram: { status: 503, retryAfter: '40' },
    'whatsapp-cloud': { status: 503, retryAfter: '40' },
    messenger: { status: 503, retryAfter: '40' },
    botframework: { status: 503, retryAfter: '40' },
    webchat: { status: 429, retryAfter: '40' },
  });

  // The store out of reach: no end is known, so every webhook, the web chat, the admin API and the agent console say 5 s.
  now.setTime(now.getTime() + 60_000);
  const login = await fetch(`${url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-lina') }) });
  expect(login.status).toBe(204);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const real = app.store.transaction.bind(app.store);
  const realContact = app.store.contact.bind(app.store);
  app.store.transaction = () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
  app.store.contact = () => Promise.reject(new StoreUnavailableError('Connection terminated unexpectedly'));
  try {
    const down: Record<string, Answer> = {};
    for (const [channel, deliver] of Object.entries(deliveries)) down[channel] = await deliver();
    down.console = await post(`${url}/agent/api/act`, { action: { kind: 'status', status: 'online' } }, { cookie });
    const admin = await fetch(`${url}/api/contacts/c1`, { headers: { authorization: 'Bearer admin-token-0123456789abcdef' } });
    await admin.arrayBuffer();
    down.admin = { status: admin.status, retryAfter: admin.headers.get('retry-after') };
    const five = { status: 503, retryAfter: '5' };
    expect(down).toEqual({ telegram: five, 'whatsapp-cloud': five, messenger: five, botframework: five, webchat: five, console: five, admin: five });
  } finally {
    app.store.transaction = real;
    app.store.contact = realContact;
  }
}, 60_000);

it('asks Telegram to wait 5 s while its channel is not started, as every webhook does, where it asked nothing and Telegram sent the update again at once', async () => {
  const web = express();
  mountWebhook(web, { secret: TELEGRAM_SECRET, log: quietLog, receiver: () => undefined });
  const server = web.listen(0, '127.0.0.1');
  closing.push({ close: () => void server.close() });
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as { port: number };
  const answer = await post(`http://127.0.0.1:${port}/webhooks/telegram`, { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'hi' } }, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET });
  expect(answer).toEqual({ status: 503, retryAfter: '5' });
});

it('asks for the wait until start-up\'s next try at a database out of reach, not 5 s whatever that wait is', async () => {
  // No database behind the link: none is needed to see the start wait for it.
  const link = await DatabaseLink.open('postgresql://postgres@127.0.0.1:9/none');
  closing.push(link);
  link.cut();
  const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
  const { log, lines } = recordingLog();
  const port = await freePort();
  const stopped = new AbortController();
  const starting = startSwitchboard({
    config: { PORT: port, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: link.url('none'), TELEGRAM_BOT_TOKEN: '123456:starting', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET },
    log, watch: false, sweepEveryMs: 0, signal: stopped.signal, reachDelaysMs: [30_000],
  });
  starting.catch(() => {});
  await expect.poll(() => lines.some((line) => String(line.msg).startsWith('the database is out of reach'))).toBe(true);
  const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'hi' } };
  const answer = await post(`http://127.0.0.1:${port}/webhooks/telegram`, update, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET });
  expect(answer.status).toBe(503);
  // 30 s from the failed try, less the moments since: Telegram sends the update again when the database is tried again.
  expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(25);
  expect(Number(answer.retryAfter)).toBeLessThanOrEqual(30);
  const agent = await fetch(`http://127.0.0.1:${port}/agent/api/conversations`);
  await agent.arrayBuffer();
  expect([agent.status, agent.headers.get('retry-after')]).toEqual([503, answer.retryAfter]);
  stopped.abort(new Error('stopped while waiting'));
  await expect(starting).rejects.toThrow('stopped while waiting');
});
