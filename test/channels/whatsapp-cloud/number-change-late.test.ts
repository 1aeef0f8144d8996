// A customer changes her WhatsApp number while Lina holds her conversation, and Meta delivers her new number's first
// message in an EARLIER webhook than the `user_changed_number` notice (they come separately, the notice seconds
// later). The new number made a contact and a conversation of its own meanwhile; the notice makes her one contact
// again. Through the real server and the fake Graph API, with Meta's wire format.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually, visitor } from '../../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from '../../store/postgres-helpers.ts';
import { SHEENA, messagesBody, settled, startCloud, text, type CloudServer } from './harness.ts';

const running: CloudServer[] = [];
const databases: string[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  for (const database of databases.splice(0)) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

/** The server's store: the embedded one, or PostgreSQL (a database of its own) when DATABASE_URL names one. */
async function storeConfig(store: 'embedded' | 'postgres'): Promise<Record<string, string>> {
  if (store === 'embedded') return {};
  const database = `t_${randomBytes(6).toString('hex')}`;
  await sql(`CREATE DATABASE ${database}`);
  databases.push(database);
  return { STORE: 'postgres', DATABASE_URL: urlOfDatabase(database) };
}

const NEW_NUMBER = '16505559999';
const team = 'teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n    max_open: 1\n';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

const askFirstFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "What is your email address?"\n    expect: email\n    save: contact.email\n  - ask: "What can we help you with?"\n    save: conversation.need\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';

/** Meta's notice that Sheena's number is now NEW_NUMBER, alone in its webhook, as the system messages reference shows it (no contacts). */
function numberChanged(timestamp: string): Record<string, unknown> {
  const body = messagesBody([{
    from: SHEENA, id: `wamid.SYS${timestamp}`, timestamp, type: 'system',
    system: { body: `User Sheena Nelson changed from ${SHEENA} to ${NEW_NUMBER}`, wa_id: NEW_NUMBER, type: 'user_changed_number' },
  }]);
  delete ((body.entry as any[])[0].changes[0].value as Record<string, unknown>).contacts;
  return body;
}

describe.each(['embedded', 'postgres'] as const)('a WhatsApp customer whose new number wrote before Meta\'s notice of the change came (%s store)', (store) => {
  it.skipIf(store === 'postgres' && !databaseUrl)('is one contact again once the notice comes: Lina hears what she wrote from the new number, replies reach it, her email stays, a resent notice changes nothing', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': assignFlow }, team, config: await storeConfig(store) });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(messagesBody([text('my order #4521 never came', { timestamp: '1763950300' })]))).status).toBe(200);
    await settled(cloud);
    await eventually(async () => (await lina.messages()).some((m) => m.text.includes('my order #4521 never came')));
    const [sheena] = await cloud.app.store.contacts();
    await cloud.app.store.transaction('test', async (tx) => {
      const contact = await tx.contact(sheena!.id);
      contact!.fields = { email: 'sheena@example.com' };
      tx.putContact(contact!);
    });

    // Her new number writes first, in a webhook of its own: a contact of its own, waiting in line.
    expect((await cloud.post(messagesBody([text('it is me, new number', { from: NEW_NUMBER, timestamp: '1763950330' })], { from: NEW_NUMBER }))).status).toBe(200);
    await settled(cloud);
    await eventually(() => cloud.graph.saidTo(NEW_NUMBER).includes('Please wait for an agent.'));
    expect(await cloud.app.store.contacts()).toHaveLength(2);

    // Seconds later, the notice. Before: left aside ("an address another contact has"), Lina never heard of the
    // new number's message and her replies went to the old number.
    expect((await cloud.post(numberChanged('1763950335'))).status).toBe(200);
    await settled(cloud);
    await eventually(async () => (await lina.messages()).some((m) => m.text.includes('#1: Sheena Nelson changed their number') && m.text.includes('"it is me, new number"')));
    const contacts = await cloud.app.store.contacts();
    expect(contacts.map((contact) => [contact.id, contact.identities, contact.fields])).toEqual([[sheena!.id, [{ channel: 'whatsapp-cloud', id: NEW_NUMBER }], { email: 'sheena@example.com' }]]);
    const conversations = await cloud.app.store.conversationsOfContacts([sheena!.id]);
    expect(conversations.map((c) => [c.id, c.status, c.agentId])).toEqual([[1, 'open', 'lina'], [2, 'closed', undefined]]);
    expect(conversations[1]!.closingNote).toBe('the customer changed their number; part of #1 now');
    expect((await cloud.app.store.messagesOfContact(sheena!.id)).filter((m) => m.direction === 'in').map((m) => m.text))
      .toEqual(['my order #4521 never came', 'it is me, new number']);

    // Lina's reply goes to the new number, and what Sheena writes from it next reaches Lina in #1.
    expect((await lina.say('Your refund is on its way.')).status).toBe(202);
    await eventually(() => cloud.graph.saidTo(NEW_NUMBER).includes('Your refund is on its way.'));
    expect(cloud.graph.saidTo(SHEENA)).not.toContain('Your refund is on its way.');
    expect((await cloud.post(messagesBody([text('thanks!', { from: NEW_NUMBER, timestamp: '1763950400' })], { from: NEW_NUMBER }))).status).toBe(200);
    await settled(cloud);
    await eventually(async () => (await lina.messages()).some((m) => m.text.includes('thanks!')));
    expect((await cloud.app.store.messagesOfConversation(1)).filter((m) => m.direction === 'in').map((m) => m.text)).toContain('thanks!');

    // Meta resends the notice: merged once, Lina told once, nobody asked anything.
    const linaBefore = (await lina.messages()).length;
    const toHerBefore = cloud.graph.saidTo(NEW_NUMBER).length;
    expect((await cloud.post(numberChanged('1763950335'))).status).toBe(200);
    await settled(cloud);
    expect(await cloud.app.store.contacts()).toHaveLength(1);
    expect((await lina.messages()).length).toBe(linaBefore);
    expect(cloud.graph.saidTo(NEW_NUMBER)).toHaveLength(toHerBefore);
    expect((await cloud.app.store.conversations()).filter((c) => c.status === 'open').map((c) => c.id)).toEqual([1]);
  }, 60_000);

  it.skipIf(store === 'postgres' && !databaseUrl)('keeps the new number\'s conversation when Lina holds it and the old one is with the bot: the old one closes into it, Lina is told, Sheena is asked nothing', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': askFirstFlow }, team, config: await storeConfig(store) });
    running.push(cloud);
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    // From her old number she gave her email, then left the bot's next question unanswered.
    for (const [said, at] of [['hello', '1763950300'], ['sheena@example.com', '1763950310']] as const) {
      expect((await cloud.post(messagesBody([text(said, { timestamp: at })]))).status).toBe(200);
      await settled(cloud);
    }
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('What can we help you with?'));
    // From her new phone she starts over, and Lina takes it.
    for (const [said, at] of [['hi, new phone', '1763950330'], ['sheena@example.com', '1763950340'], ['refund for order 4521', '1763950350']] as const) {
      expect((await cloud.post(messagesBody([text(said, { from: NEW_NUMBER, timestamp: at })], { from: NEW_NUMBER }))).status).toBe(200);
      await settled(cloud);
    }
    await eventually(async () => (await lina.messages()).some((m) => m.text.includes('#2 · new conversation')));
    const toHerBefore = cloud.graph.saidTo(NEW_NUMBER).length;

    expect((await cloud.post(numberChanged('1763950360'))).status).toBe(200);
    await settled(cloud);
    await eventually(async () => (await lina.messages()).some((m) => m.text.includes('#2: Sheena Nelson changed their number, and this is the new number\'s conversation; their conversation from before, #1, is closed')));
    const contacts = await cloud.app.store.contacts();
    expect(contacts.map((contact) => [contact.identities, contact.fields])).toEqual([[[{ channel: 'whatsapp-cloud', id: NEW_NUMBER }], { email: 'sheena@example.com' }]]);
    const conversations = await cloud.app.store.conversationsOfContacts([contacts[0]!.id]);
    expect(conversations.map((c) => [c.id, c.status, c.agentId])).toEqual([[1, 'closed', undefined], [2, 'open', 'lina']]);
    expect(conversations[1]!.fields).toMatchObject({ need: 'refund for order 4521' });
    // Nothing was said to her: no question again, no closing.
    expect(cloud.graph.saidTo(NEW_NUMBER)).toHaveLength(toHerBefore);
    expect((await lina.say('Refunded.')).status).toBe(202);
    await eventually(() => cloud.graph.saidTo(NEW_NUMBER).includes('Refunded.'));
  }, 60_000);
});
