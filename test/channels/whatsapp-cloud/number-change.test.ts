// A customer changes her WhatsApp number (Meta's `system` message, user_changed_number) while Lina holds her
// conversation. Through the real server and the fake Graph API: Lina's replies go to the new number, what Sheena
// writes from it reaches Lina in the same conversation, and the old number writing afterwards (a different person may
// own it now) opens a conversation of its own. Meta delivers in no promised order: the new number's first message may
// come before the notice.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually, visitor } from '../../helpers.ts';
import { SHEENA, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const NEW_NUMBER = '16505559999';
const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n    max_open: 1\n';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

/** Meta's notice that Sheena's number is now NEW_NUMBER, as the system messages webhook reference shows it (no contacts). */
function numberChanged(timestamp: string): Record<string, unknown> {
  return {
    from: SHEENA, id: `wamid.SYS${timestamp}`, timestamp, type: 'system',
    system: { body: `User Sheena Nelson changed from ${SHEENA} to ${NEW_NUMBER}`, wa_id: NEW_NUMBER, type: 'user_changed_number' },
  };
}

/** Lina holds Sheena's conversation, with her first message in it. */
async function linaHoldsSheena(): Promise<{ cloud: CloudServer; lina: ReturnType<typeof visitor> }> {
  const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team });
  running.push(cloud);
  const lina = visitor(cloud.app.url, 'agent-lina');
  await lina.say('/online');
  expect((await cloud.post(messagesBody([text('my order #4521 never came', { timestamp: '1763950300' })]))).status).toBe(200);
  await settled(cloud);
  await eventually(async () => (await lina.messages()).some((m) => m.text.includes('my order #4521 never came')));
  return { cloud, lina };
}

async function linaSees(lina: ReturnType<typeof visitor>, part: string): Promise<void> {
  await eventually(async () => (await lina.messages()).some((m) => m.text.includes(part)));
}

describe('a WhatsApp customer who changes her number while Lina holds her conversation', () => {
  it('keeps her conversation on the new number when the batch lists her new number\'s message before the notice; the old number writing later is someone else\'s conversation', async () => {
    const { cloud, lina } = await linaHoldsSheena();
    const fromNew = text('it is me, new number', { from: NEW_NUMBER, timestamp: '1763950330' });
    const notice = numberChanged('1763950320');
    // Before: her new number's message made a new contact, the notice then found the number taken, and Lina's
    // reply went to the old number.
    const body = messagesBody([fromNew], { from: NEW_NUMBER });
    (body.entry as any[])[0].changes[0].value.messages.push(notice);
    expect((await cloud.post(body)).status).toBe(200);
    await settled(cloud);
    await linaSees(lina, 'it is me, new number');
    const contacts = await cloud.app.store.contacts();
    expect(contacts.map((contact) => contact.identities)).toEqual([[{ channel: 'whatsapp-cloud', id: NEW_NUMBER }]]);
    const [conversation] = await cloud.app.store.conversationsOfContacts([contacts[0]!.id]);
    expect((await cloud.app.store.messagesOfConversation(conversation!.id)).filter((m) => m.direction === 'in').map((m) => m.text))
      .toEqual(['my order #4521 never came', 'it is me, new number']);

    expect((await lina.say('Your refund is on its way.')).status).toBe(202);
    await eventually(() => cloud.graph.saidTo(NEW_NUMBER).includes('Your refund is on its way.'));
    expect(cloud.graph.saidTo(SHEENA)).not.toContain('Your refund is on its way.');

    // The old number now belongs to someone else: their message opens their own conversation, not Sheena's.
    expect((await cloud.post(messagesBody([text('who is this?', { timestamp: '1763953900' })], { name: 'Sam' }))).status).toBe(200);
    await settled(cloud);
    const stranger = (await cloud.app.store.contacts()).find((contact) => contact.identities.some((identity) => identity.id === SHEENA));
    expect(stranger).toBeDefined();
    expect(stranger!.id).not.toBe(contacts[0]!.id);
    expect((await cloud.app.store.messagesOfConversation(conversation!.id)).map((m) => m.text)).not.toContain('who is this?');
  }, 30_000);
});
