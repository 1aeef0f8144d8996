// The dashboard's "Replies not sent yet" banner, live: once a reply begins (or stops) waiting for its channel, the
// event stream's `waiting` says it at once (read again on the feed's notice), not at its next look 5 s later.
import { afterAll, expect, it } from 'vitest';
import { messagesBody, startCloud, text as cloudText, type CloudServer } from '../../channels/whatsapp-cloud/harness.ts';
import { agentToken, cleanupDirs } from '../../helpers.ts';
import { LAYLA, LINA_FLOW, LINA_TEAM } from '../lina-on-cloud.ts';
import { streamEvents } from '../../store/postgres-two-apps.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
const lina = { authorization: `Bearer ${agentToken('agent-lina')}`, 'content-type': 'application/json' };
/** The banner's looks without a notice, an hour apart here: what the stream says after its first look is the notice's news. */
const LOOK_MS = 3_600_000;

let cloud: CloudServer | undefined;
const stream = new AbortController();
afterAll(async () => {
  stream.abort();
  await cloud?.stop();
  await cleanupDirs();
});

it('says on the dashboard\'s stream that a reply waits for WhatsApp as soon as it does, not at the next look', async () => {
  cloud = await startCloud({ flows: { 'inbound.yaml': LINA_FLOW }, team: LINA_TEAM, config: { ADMIN_TOKEN }, outbox: { retryDelaysMs: [50, 200] }, adminWaitingLookMs: LOOK_MS });
  const { url } = cloud.app;
  expect((await fetch(`${url}/agent/api/act`, { method: 'POST', headers: lina, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) })).status).toBe(200);
  expect((await cloud.post(messagesBody([cloudText('Is my order on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
  await expect.poll(async () => (await cloud!.app.store.openConversations({ stage: 'assigned', agentId: 'lina' })).length, { timeout: 20_000 }).toBe(1);
  const [held] = await cloud.app.store.openConversations({ stage: 'assigned', agentId: 'lina' });
  await expect.poll(() => cloud!.graph.saidTo(LAYLA).some((said) => said.includes('Lina')), { timeout: 20_000 }).toBe(true);

  // The dashboard opens its stream: told nothing waits (its first look); the next look would be an hour later.
  const { events, connected } = streamEvents<{ waiting?: { channel: string; replies: number }[] }>(`${url}/api/events`, stream, { authorization: `Bearer ${ADMIN_TOKEN}` });
  await connected;
  const waiting = () => events.filter((event) => event.event === 'waiting');
  await expect.poll(() => waiting().length, { timeout: 20_000 }).toBe(1);
  expect(waiting()[0]!.data.waiting).toEqual([]);

  // WhatsApp's API is down: Lina's answer waits. The banner says so, with no look of its own meanwhile.
  cloud.graph.fail(1_000_000, { status: 503, body: { error: { message: 'Service temporarily unavailable', type: 'OAuthException', code: 2, fbtrace_id: 'AbCdEf' } } });
  expect((await fetch(`${url}/agent/api/conversations/${held!.id}/messages`, { method: 'POST', headers: lina, body: JSON.stringify({ text: 'Yes, it left yesterday.' }) })).status).toBe(202);
  await expect.poll(() => events.find((event) => event.event === 'waiting' && event.data.waiting?.length)?.data.waiting, { timeout: 20_000 })
    .toEqual([expect.objectContaining({ channel: 'whatsapp-cloud', replies: 1 })]);

  // WhatsApp is back: it goes, and the banner goes with it.
  cloud.graph.recover();
  await expect.poll(() => cloud!.graph.saidTo(LAYLA).includes('Yes, it left yesterday.'), { timeout: 20_000 }).toBe(true);
  await expect.poll(() => events.filter((event) => event.event === 'waiting').at(-1)?.data.waiting, { timeout: 20_000 }).toEqual([]);
}, 60_000);
