// The agent console's "Not sent yet" under a reply waiting for its channel, with two processes sharing PostgreSQL:
// the process whose outbox tries the reply again is not always the one serving the agent's console (a load balancer
// picks), and either console says it, with what the channel said; once it went, neither does. The other process's
// console is told at once (its live stream names the conversation), not at its next 5 s look.
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { messagesBody, startCloud, text as cloudText, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';
import { agentToken, cleanupDirs, start } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';
import { streamEvents } from './postgres-two-apps.ts';

const database = `t_${randomBytes(6).toString('hex')}`;
const LAYLA = '966501234567';
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n`;
let cloud: CloudServer | undefined;
let other: Switchboard | undefined;
const stream = new AbortController();
afterAll(async () => {
  stream.abort();
  await other?.stop();
  await cloud?.stop();
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const lina = { authorization: `Bearer ${agentToken('agent-lina')}`, 'content-type': 'application/json' };
type Listed = { messages: { id: number; from: string; text: string; delivery?: string; waiting?: { since: string; reason: string } }[] };

it.skipIf(!databaseUrl)('says Not sent yet under a reply another process tries again, in the console this process serves', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const config = { STORE: 'postgres', DATABASE_URL: urlOfDatabase(database) } as const;
  // The first process runs WhatsApp and tries Lina's reply; the second serves her console.
  cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team, outbox: { retryDelaysMs: [50, 200] }, config });
  other = await start(cloud.dir, { config, adminToken: ADMIN_TOKEN, adminWaitingLookMs: 3_600_000 });
  expect((await fetch(`${cloud.app.url}/agent/api/act`, { method: 'POST', headers: lina, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) })).status).toBe(200);
  expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
  await expect.poll(async () => (await cloud!.app.store.openConversations({ stage: 'assigned', agentId: 'lina' })).length, { timeout: 20_000 }).toBe(1);
  const [held] = await cloud.app.store.openConversations({ stage: 'assigned', agentId: 'lina' });
  // The bot's "Lina has joined" has gone: what waits below is her answer.
  await expect.poll(() => cloud!.graph.saidTo(LAYLA).some((said) => said.includes('Lina')), { timeout: 20_000 }).toBe(true);

  // Lina's console as the second process serves it: its live stream.
  const { events, connected } = streamEvents<{ conversationId?: number }>(`${other.url}/agent/api/events`, stream, { authorization: lina.authorization });
  await connected;
  const toldOf = () => events.filter((event) => event.event === 'delivery' && event.data.conversationId === held!.id).length;
  // And the dashboard the second process serves: its banner looks by itself an hour apart here, so what it says is news.
  const dashboard = streamEvents<{ waiting?: { channel: string; replies: number }[] }>(`${other.url}/api/events`, stream, { authorization: `Bearer ${ADMIN_TOKEN}` });
  await dashboard.connected;
  const banner = () => dashboard.events.find((event) => event.event === 'waiting' && event.data.waiting?.length)?.data.waiting;

  // WhatsApp's API is down: her answer waits, tried again by the first process.
  cloud.graph.fail(1_000_000, { status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'AbCdEf' } } });
  expect((await fetch(`${cloud.app.url}/agent/api/conversations/${held!.id}/messages`, { method: 'POST', headers: lina, body: JSON.stringify({ text: 'Yes, it left yesterday.' }) })).status).toBe(202);
  const answer = async (via: Switchboard) => ((await (await fetch(`${via.url}/agent/api/conversations/${held!.id}/messages`, { headers: lina })).json()) as Listed).messages.find((m) => m.text === 'Yes, it left yesterday.');
  const said = { since: expect.any(String), reason: 'Service temporarily unavailable (#2)' };
  // The second process's console is told (it looks at the conversation then), and what it reads then says it.
  await expect.poll(toldOf, { timeout: 20_000 }).toBeGreaterThan(0);
  expect((await answer(other))?.waiting).toEqual(said);
  const toldBefore = toldOf();
  // The banner says it too, told by the first process, not by a look of its own.
  await expect.poll(banner, { timeout: 20_000 }).toEqual([expect.objectContaining({ channel: 'whatsapp-cloud', replies: 1 })]);
  await expect.poll(async () => (await answer(cloud!.app))?.waiting, { timeout: 20_000 }).toEqual(said);
  await expect.poll(async () => (await answer(other!))?.waiting, { timeout: 20_000 }).toEqual(said);

  // WhatsApp is back: it goes, and neither console says it waits.
  cloud.graph.recover();
  await expect.poll(() => cloud!.graph.saidTo(LAYLA).includes('Yes, it left yesterday.'), { timeout: 20_000 }).toBe(true);
  // Told again once it went: then the second process's console reads no "Not sent yet".
  await expect.poll(toldOf, { timeout: 20_000 }).toBeGreaterThan(toldBefore);
  expect((await answer(other))?.waiting).toBeUndefined();
  for (const via of [cloud.app, other]) await expect.poll(async () => (await answer(via))?.waiting, { timeout: 20_000 }).toBeUndefined();

  // Layla read it: WhatsApp tells the first process, and the second's console is told too (its read mark, at once).
  const toldWent = toldOf();
  const wamid = cloud.graph.sent.filter((sent) => sent.body.to === LAYLA).at(-1)!.id;
  expect((await cloud.post(messagesBody([], { statuses: [{ id: wamid, status: 'read', timestamp: '1763950330', recipient_id: LAYLA }] }))).status).toBe(200);
  await expect.poll(toldOf, { timeout: 20_000 }).toBeGreaterThan(toldWent);
  expect((await answer(other))?.delivery).toBe('read');
}, 90_000);
