// The database out of reach under a running server (PostgreSQL restarting, the network dropping): every webhook
// answers 503 with Retry-After, so its sender tries again, and never a 2xx for a message it did not store; once the
// database is back the same process takes the retried messages, each stored once, without a restart.
import { createHmac, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { FakeGraphApi } from '../channels/meta/fake-graph-api.ts';
import { fixture as whatsappFixture } from '../channels/whatsapp-cloud/harness.ts';
import { batch, textEvent } from '../channels/messenger/harness.ts';
import { webchatText } from '../channels/botframework/harness.ts';
import { cleanupDirs, dataDirWith, freePort, inboundFlow, quietLog, recordingLog } from '../helpers.ts';
import { DatabaseLink } from './postgres-link.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const TOKEN = 'EAAG-test-token-0123456789';
const WHATSAPP_SECRET = 'whatsapp-secret-0123456789';
const MESSENGER_SECRET = 'messenger-secret-0123456789';
const TELEGRAM_SECRET = 'telegram-secret-0123456789';
const database = `t_${randomBytes(6).toString('hex')}`;
const later = `t_${randomBytes(6).toString('hex')}`;
const sign = (raw: string, secret: string) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

let app: Switchboard | undefined;
let link: DatabaseLink | undefined;
let laterLink: DatabaseLink | undefined;
const fakes: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await app?.stop();
  await link?.close();
  await laterLink?.close();
  await Promise.all(fakes.map((fake) => fake.close()));
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${later} WITH (FORCE)`);
  await cleanupDirs();
});

interface Answer {
  status: number;
  retryAfter: string | null;
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${app!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: raw });
  await res.arrayBuffer();
  return { status: res.status, retryAfter: res.headers.get('retry-after') };
}

it.skipIf(!databaseUrl)('answers 503 with Retry-After on every webhook while the database is out of reach, and takes the retries once it is back', async () => {
  await sql(`CREATE DATABASE ${database}`);
  link = await DatabaseLink.open(databaseUrl!);
  const telegram = await FakeBotApi.start();
  const graph = await FakeGraphApi.start(TOKEN);
  fakes.push(telegram, graph);
  const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Support\nagents: []\n');
  app = await startSwitchboard({
    config: {
      PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres', DATABASE_URL: link.url(database), WEBCHAT_OPEN_SESSIONS: '1',
      TELEGRAM_BOT_TOKEN: '123456:unavailable', TELEGRAM_API_ROOT: telegram.url, TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
      WHATSAPP_TOKEN: TOKEN, WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WHATSAPP_APP_SECRET: WHATSAPP_SECRET, WHATSAPP_VERIFY_TOKEN: 'verify',
      MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: MESSENGER_SECRET, MESSENGER_VERIFY_TOKEN: 'verify', GRAPH_API_ROOT: graph.url,
      BOTFRAMEWORK_NO_AUTH: '1',
    },
    log: quietLog,
    watch: false,
    sweepEveryMs: 0,
  });

  const whatsapp = JSON.stringify(whatsappFixture('text'));
  const messenger = JSON.stringify(batch([textEvent('my parcel is late', { mid: 'm_unavailable_1' })]));
  const deliveries: Record<string, () => Promise<Answer>> = {
    telegram: () => post('/webhooks/telegram', {
      update_id: 777001,
      message: { message_id: 1, date: 1763950300, chat: { id: 4242, type: 'private', first_name: 'Layla' }, from: { id: 4242, is_bot: false, first_name: 'Layla' }, text: 'hello' },
    }, { 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET }),
    'whatsapp-cloud': () => post('/webhooks/whatsapp', JSON.parse(whatsapp), { 'x-hub-signature-256': sign(whatsapp, WHATSAPP_SECRET) }),
    messenger: () => post('/webhooks/messenger', JSON.parse(messenger), { 'x-hub-signature-256': sign(messenger, MESSENGER_SECRET) }),
    botframework: () => post('/api/messages', { ...webchatText('hello there', 'http://127.0.0.1:9/'), id: 'unavailable|0000001' }),
    webchat: () => post('/webchat/visitor-unavailable/messages', { text: 'hello', clientId: 'c-1' }),
  };

  link.cut();
  const down: Record<string, Answer> = {};
  for (const [channel, deliver] of Object.entries(deliveries)) down[channel] = await deliver();
  for (const [channel, answer] of Object.entries(down)) {
    expect(answer.status, `${channel} while the database is out of reach`).toBe(503);
    expect(Number(answer.retryAfter), `${channel}'s Retry-After`).toBeGreaterThan(0);
  }

  // A monitor watching /healthz sees it too, with the reason.
  const health = await fetch(`${app.url}/healthz`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ status: 'degraded', reasons: [expect.stringMatching(/^the store is out of reach: PostgreSQL is out of reach \(/)] });
  // And the dashboard's banner, in parts: since when this process found it out of reach, the same at each look.
  const outage = await app.store.outage?.();
  expect(outage).toEqual({ cause: 'database', reason: expect.stringMatching(/^PostgreSQL is out of reach \(/), since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  expect((await app.store.outage?.())?.since).toBe(outage?.since);

  link.mend();
  await expect.poll(async () => (await fetch(`${app!.url}/healthz`)).status, { timeout: 5_000 }).toBe(200);
  expect(await app.store.outage?.()).toBeUndefined();
  const up: Record<string, number> = {};
  for (const [channel, deliver] of Object.entries(deliveries)) up[channel] = (await deliver()).status;
  expect(up).toEqual({ telegram: 200, 'whatsapp-cloud': 200, messenger: 200, botframework: 200, webchat: 202 });
  // Each retried message stored once: one inbound message and one conversation per sender.
  const inbound = await sql<{ channel: string; count: string }>(
    "SELECT channel, count(*) FROM switchboard.messages WHERE direction = 'in' GROUP BY channel ORDER BY channel", [], urlOfDatabase(database),
  );
  expect(Object.fromEntries(inbound.map((row) => [row.channel, Number(row.count)]))).toEqual({ botframework: 1, messenger: 1, telegram: 1, webchat: 1, 'whatsapp-cloud': 1 });
}, 60_000);

it.skipIf(!databaseUrl)('waits at start for a database out of reach, saying so on /healthz, and serves once it answers; a stop meanwhile ends the wait', async () => {
  await sql(`CREATE DATABASE ${later}`);
  laterLink = await DatabaseLink.open(databaseUrl!);
  const dir = await dataDirWith({ 'inbound.yaml': inboundFlow });
  const config = { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, STORE: 'postgres' as const, DATABASE_URL: laterLink.url(later), WEBCHAT_OPEN_SESSIONS: '1' as const };
  const { log, lines } = recordingLog();
  const waits = () => lines.filter((line) => line.level === 40 && String(line.msg).startsWith('the database is out of reach')).map((line) => line.msg);

  // Stopped while it waits: the start ends, its port is closed, nothing stays open.
  laterLink.cut();
  const stopped = new AbortController();
  const abandoned = startSwitchboard({ config: { ...config, PORT: 0 }, log, watch: false, sweepEveryMs: 0, signal: stopped.signal, reachDelaysMs: [50] });
  await expect.poll(() => waits().length).toBeGreaterThan(1);
  stopped.abort(new Error('SIGTERM during start-up'));
  await expect(abandoned).rejects.toThrow('SIGTERM during start-up');

  // Started before the database is back: /healthz says what it waits for, then the same start goes on.
  lines.length = 0;
  let listening: string | undefined;
  const port = await freePort();
  const starting = startSwitchboard({ config: { ...config, PORT: port }, log, watch: false, sweepEveryMs: 0, reachDelaysMs: [100] });
  void starting.then((started) => { listening = started.url; }, () => {});
  await expect.poll(() => waits().length).toBeGreaterThan(1);
  expect(waits()[0]).toBe('the database is out of reach; Switchboard waits for it and tries again in 0.1 s');
  const waiting = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(waiting.status).toBe(503);
  expect(await waiting.json()).toMatchObject({ status: 'starting', reasons: expect.arrayContaining([expect.stringMatching(/^opening the store: PostgreSQL is out of reach \(.*\); trying again in 0\.1 s$/)]) });
  expect(listening).toBeUndefined();

  laterLink.mend();
  const started = await starting;
  try {
    expect((await fetch(`${started.url}/healthz`)).status).toBe(200);
    const answer = await fetch(`${started.url}/webchat/visitor-later/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hello', clientId: 'c-1' }) });
    expect(answer.status).toBe(202);
  } finally {
    await started.stop();
  }
}, 60_000);
