// The agent console's ticks under an agent's reply (sent, delivered, read) and a failed reply's "Not sent", live: its
// event stream names the conversation at each change (the send's answer, WhatsApp's status webhooks), so the console
// looks at it then, not at its next 5 s look. One notice per change: a status said again tells nothing. On Messenger,
// one receipt whose watermark covers several replies marks each of them, before a restart and after it.
import { afterAll, expect, it } from 'vitest';
import { messagesBody, startCloud, text as cloudText, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';
import { agentToken, cleanupDirs, quietLog } from '../helpers.ts';
import { LAYLA, LINA_FLOW, LINA_TEAM } from './lina-on-cloud.ts';
import { streamEvents } from '../store/postgres-two-apps.ts';
import { APP_SECRET, PAGE_ID, PSID, TOKEN, VERIFY_TOKEN, batch, settled as messengerSettled, sign, startMessenger, textEvent } from '../channels/messenger/harness.ts';
import { startSwitchboard, type Switchboard } from '../../src/server/switchboard.ts';

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

it('marks every reply a Messenger receipt\'s watermark covers, telling the console once per reply, also when the receipt comes after a restart', async () => {
  const messenger = await startMessenger({ flows: { 'inbound.yaml': LINA_FLOW }, team: LINA_TEAM });
  let again: Switchboard | undefined;
  const streams: AbortController[] = [];
  try {
    expect((await fetch(`${messenger.app.url}/agent/api/act`, { method: 'POST', headers: lina, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) })).status).toBe(200);
    expect((await messenger.post(batch([textEvent('Is my order on its way?')]))).status).toBe(200);
    await expect.poll(async () => (await messenger.app.store.openConversations({ stage: 'assigned', agentId: 'lina' })).length, { timeout: 20_000 }).toBe(1);
    const [held] = await messenger.app.store.openConversations({ stage: 'assigned', agentId: 'lina' });
    /** The console's delivery notices about Lina's conversation from the server at `url`, from now on. */
    const notices = async (url: string) => {
      const stream = new AbortController();
      streams.push(stream);
      const { events, connected } = streamEvents<{ conversationId?: number }>(`${url}/agent/api/events`, stream, { authorization: lina.authorization });
      await connected;
      return () => events.filter((event) => event.event === 'delivery' && event.data.conversationId === held!.id).length;
    };
    const reply = async (url: string, text: string) =>
      expect((await fetch(`${url}/agent/api/conversations/${held!.id}/messages`, { method: 'POST', headers: lina, body: JSON.stringify({ text }) })).status).toBe(202);
    const ticks = async (url: string) => ((await (await fetch(`${url}/agent/api/conversations/${held!.id}/messages`, { headers: lina })).json()) as Listed).messages
      .filter((message) => message.from === 'agent').map((message) => [message.text, message.delivery]);
    const receipt = (kind: 'delivery' | 'read') => batch([{ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: Date.now(), [kind]: { watermark: Date.now() } }]);

    const told = await notices(messenger.app.url);
    const replies = ['It left yesterday.', 'Here is the tracking number: 4711.', 'Anything else?'];
    for (const [index, text] of replies.entries()) {
      await reply(messenger.app.url, text);
      await expect.poll(told, { timeout: 20_000 }).toBe(index + 1);
    }
    // One delivery receipt: everything sent up to its watermark was delivered, one notice per reply.
    expect((await messenger.post(receipt('delivery'))).status).toBe(200);
    await expect.poll(() => ticks(messenger.app.url), { timeout: 20_000 }).toEqual(replies.map((text) => [text, 'delivered']));
    await expect.poll(told, { timeout: 20_000 }).toBe(replies.length * 2);

    // Restarted, the server no longer remembers what it sent: the read receipt still covers all three.
    await messengerSettled(messenger);
    await messenger.app.stop();
    again = await startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: messenger.dir, MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: APP_SECRET, MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN, GRAPH_API_ROOT: messenger.graph.url },
      log: quietLog, watch: false, sweepEveryMs: 0,
    });
    const url = again.url;
    const toldAgain = await notices(url);
    const post = (body: unknown) => {
      const raw = JSON.stringify(body);
      return fetch(`${url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
    };
    expect((await post(receipt('read'))).status).toBe(200);
    // On the code before: all three stayed delivered (✓✓ grey), the memory of what was sent gone with the restart.
    await expect.poll(() => ticks(url), { timeout: 20_000 }).toEqual(replies.map((text) => [text, 'read']));
    await expect.poll(toldAgain, { timeout: 20_000 }).toBe(replies.length);
    // Said again, it changes nothing and tells nothing: the next notice is the next reply's.
    expect((await post(receipt('read'))).status).toBe(200);
    await reply(url, 'Have a good day.');
    await expect.poll(async () => (await ticks(url)).length, { timeout: 20_000 }).toBe(replies.length + 1);
    await expect.poll(toldAgain, { timeout: 20_000 }).toBeGreaterThanOrEqual(replies.length + 1);
    expect(toldAgain()).toBe(replies.length + 1);
  } finally {
    for (const stream of streams) stream.abort();
    await again?.stop();
    await messenger.graph.close();
  }
}, 60_000);
