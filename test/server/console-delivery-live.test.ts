// The agent console's ticks under an agent's reply (sent, delivered, read) and a failed reply's "Not sent", live: its
// event stream names the conversation at each change (the send's answer, WhatsApp's status webhooks), so the console
// looks at it then, not at its next 5 s look. One notice per change: a status said again tells nothing.
import { afterAll, expect, it } from 'vitest';
import { messagesBody, startCloud, text as cloudText, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';
import { agentToken, cleanupDirs } from '../helpers.ts';
import { LAYLA, LINA_FLOW, LINA_TEAM } from './lina-on-cloud.ts';
import { streamEvents } from '../store/postgres-two-apps.ts';

const lina = { authorization: `Bearer ${agentToken('agent-lina')}`, 'content-type': 'application/json' };
type Listed = { messages: { id: number; from: string; text: string; status?: string; delivery?: string; error?: string }[] };

let cloud: CloudServer | undefined;
const stream = new AbortController();
afterAll(async () => {
  stream.abort();
  await cloud?.stop();
  await cleanupDirs();
});

it('tells the console at once that an agent\'s reply was sent, delivered, read, or failed after all', async () => {
  cloud = await startCloud({ flows: { 'inbound.yaml': LINA_FLOW }, team: LINA_TEAM });
  const { url } = cloud.app;
  expect((await fetch(`${url}/agent/api/act`, { method: 'POST', headers: lina, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) })).status).toBe(200);
  expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
  await expect.poll(async () => (await cloud!.app.store.openConversations({ stage: 'assigned', agentId: 'lina' })).length, { timeout: 20_000 }).toBe(1);
  const [held] = await cloud.app.store.openConversations({ stage: 'assigned', agentId: 'lina' });
  await expect.poll(() => cloud!.graph.saidTo(LAYLA).some((said) => said.includes('Lina')), { timeout: 20_000 }).toBe(true);

  const { events, connected } = streamEvents<{ conversationId?: number }>(`${url}/agent/api/events`, stream, { authorization: lina.authorization });
  await connected;
  const told = () => events.filter((event) => event.event === 'delivery' && event.data.conversationId === held!.id).length;
  const answer = async (text: string) => ((await (await fetch(`${url}/agent/api/conversations/${held!.id}/messages`, { headers: lina })).json()) as Listed).messages.find((m) => m.text === text);

  // Sent: WhatsApp took it (its answer to the send); told once, and the console reads the tick then.
  expect((await fetch(`${url}/agent/api/conversations/${held!.id}/messages`, { method: 'POST', headers: lina, body: JSON.stringify({ text: 'Yes, it left yesterday.' }) })).status).toBe(202);
  await expect.poll(told, { timeout: 20_000 }).toBe(1);
  expect(await answer('Yes, it left yesterday.')).toMatchObject({ status: 'sent' });
  const wamid = cloud.graph.sent.filter((sent) => sent.body.to === LAYLA).at(-1)!.id;
  const status = (state: string, extra: Record<string, unknown> = {}) => ({ id: wamid, status: state, timestamp: '1763950330', recipient_id: LAYLA, ...extra });

  // Delivered, then read, as WhatsApp's webhook reports them: one notice each; read said again, and delivered after
  // it (out of order), change nothing and tell nothing.
  expect((await cloud.post(messagesBody([], { statuses: [status('delivered')] }))).status).toBe(200);
  await expect.poll(told, { timeout: 20_000 }).toBe(2);
  expect(await answer('Yes, it left yesterday.')).toMatchObject({ delivery: 'delivered' });
  expect((await cloud.post(messagesBody([], { statuses: [status('read'), status('read'), status('delivered')] }))).status).toBe(200);
  await expect.poll(told, { timeout: 20_000 }).toBe(3);
  expect(await answer('Yes, it left yesterday.')).toMatchObject({ delivery: 'read' });

  // Failed after all (WhatsApp reports it later): told, and the console reads it did not reach her.
  const failed = status('failed', { errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'The recipient is not on WhatsApp' } }] });
  expect((await cloud.post(messagesBody([], { statuses: [failed] }))).status).toBe(200);
  await expect.poll(told, { timeout: 20_000 }).toBe(4);
  expect(await answer('Yes, it left yesterday.')).toMatchObject({ status: 'failed' });
  // The statuses said again before it failed told nothing more: only these four.
  expect(told()).toBe(4);
}, 60_000);
