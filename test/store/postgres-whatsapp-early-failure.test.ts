// A WhatsApp agent's reply that failed, reported by Meta's webhook to one process while another, which sent it, still
// waits for the Graph API's answer (as a load balancer spreads Meta's webhooks over the processes on one PostgreSQL):
// once the answer is stored, the agent is told, once, and the message reads failed, not sent.
import { expect, it } from 'vitest';
import { eventually, visitor } from '../helpers.ts';
import { SHEENA, fixture } from '../channels/whatsapp-cloud/harness.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { postWhatsApp as post, twoWhatsAppAppsForFile } from './postgres-two-whatsapp-apps.ts';

const team = `
teams:
  - name: Billing
agents:
  - name: Lina
    webchat: agent-lina
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
`;
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait."\n';

const two = twoWhatsAppAppsForFile();

it.skipIf(!databaseUrl)('tells the agent once of a failure Meta reported to one process before the other stored the send\'s answer', async () => {
  const { a, b, graph: api } = await two.start({ 'inbound.yaml': assignFlow }, team);
  const lina = visitor(b.url, 'agent-lina');
  await lina.say('/online');
  expect(await post(a, fixture('text'))).toBe(200);
  // Sheena is told Lina joined; its answer stored, Lina's next message is claimed by the process she writes to.
  await eventually(async () => api.sentTo(SHEENA).length === 1 && (await b.store.messageByChannelId('whatsapp-cloud', api.sent.at(-1)!.id))?.status === 'sent', 10_000);

  // Process b sends Lina's reply and waits for the Graph API's answer; meanwhile Meta reports it failed, to process a.
  api.holdAnswers(1);
  await lina.say('Your refund is on its way');
  await eventually(() => api.sentTo(SHEENA).length === 2, 10_000);
  const wamid = api.sent.at(-1)!.id;
  const failed = fixture('statuses');
  failed.entry[0].changes[0].value.statuses = [{ id: wamid, status: 'failed', timestamp: '1763950330', recipient_id: SHEENA, errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }] }];
  expect(await post(a, failed)).toBe(200);
  expect(await a.store.messageByChannelId('whatsapp-cloud', wamid)).toBeUndefined();
  api.releaseAnswers();

  const notDelivered = async () => (await lina.messages()).map((m) => m.text).filter((line) => line.includes('was not delivered'));
  await expect.poll(notDelivered, { timeout: 10_000 }).toHaveLength(1);
  expect((await notDelivered())[0]).toMatch(/^#1: your message to Sheena Nelson was not delivered \("Your refund is on its way"\)/);
  expect(await a.store.messageByChannelId('whatsapp-cloud', wamid)).toMatchObject({ status: 'failed', error: 'Message undeliverable (#131026)' });
  // Told once: the same failure reported again, to either process, says nothing more.
  expect(await post(b, failed)).toBe(200);
  expect(await post(a, failed)).toBe(200);
  expect(await notDelivered()).toHaveLength(1);
}, 60_000);
