// What the WhatsApp channels need of the core: the business answering from its own app (a takeover), history
// synced into transcripts, identities that move, reactions and unreadable kinds, templates for a closed window,
// and notices that reach an agent on their next address when the first cannot take them.
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelSendError, type InboundMessage } from '../../src/types.ts';
import { cleanupDirs, eventually } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from './harness.ts';

afterEach(cleanupDirs);

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your order number?"
    save: conversation.order
  - assign: { team: Billing }
`;

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    whatsapp: "+1 (555) 555-0001"
    telegram: 9001
    teams: [Billing]
`;

let seq = 0;
const at = () => new Date().toISOString();

async function setUp(options: { templates?: { name: string; language?: string }[] } = {}) {
  const whatsapp = fakeChannel('whatsapp-cloud');
  const telegram = fakeChannel('telegram');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team);
  const h = await harness(dir, [whatsapp, telegram], options);
  const deliver = (message: Partial<InboundMessage> & { from: InboundMessage['from'] }) =>
    h.runtime.deliver({ channel: 'whatsapp-cloud', id: `w${++seq}`, at: at(), ...message }).then(() => h.outbox.drain());
  return { h, whatsapp, telegram, deliver };
}

describe('the business answering from its own app', () => {
  it('takes the conversation over: kept in the transcript, the bot stands back, auto-close counts from it', async () => {
    const { h, whatsapp, deliver } = await setUp();
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: 'hi' });
    expect(whatsapp.textsTo('447700900123')).toEqual(['What is your order number?']);
    await deliver({ id: 'echo-1', from: { id: '447700900123' }, echo: true, text: 'Hi Layla, Sam here from the shop' });
    // Delivered twice by the platform: once in the transcript.
    await deliver({ id: 'echo-1', from: { id: '447700900123' }, echo: true, text: 'Hi Layla, Sam here from the shop' });
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: 'my order is 4521' });
    expect(whatsapp.textsTo('447700900123')).toEqual(['What is your order number?']);
    const [conversation] = await h.store.openConversations();
    expect(conversation).toMatchObject({ stage: 'assigned', takenOver: { channel: 'whatsapp-cloud' }, lastAgentMessageAt: expect.any(String) });
    expect(conversation?.agentId).toBeUndefined();
    expect((await h.store.messagesOfConversation(conversation!.id)).map((m) => [m.from, m.text])).toEqual([
      ['contact', 'hi'],
      ['bot', 'What is your order number?'],
      ['agent', 'Hi Layla, Sam here from the shop'],
      ['contact', 'my order is 4521'],
    ]);
    // Nobody in team.yaml holds it, and it is not handed to the team's queue for that.
    await h.runtime.sweep();
    expect((await h.store.conversation(conversation!.id))?.stage).toBe('assigned');
    await h.close();
  });

  it('opens a conversation for the business writing first, and keeps it with them', async () => {
    const { h, whatsapp, deliver } = await setUp();
    await deliver({ id: 'echo-2', from: { id: '447700900999' }, echo: true, text: 'Your parcel is ready' });
    await deliver({ from: { id: '447700900999', name: 'Sam' }, text: 'great, thanks' });
    expect(whatsapp.textsTo('447700900999')).toEqual([]);
    expect(await h.store.openConversations()).toEqual([expect.objectContaining({ source: 'agent', takenOver: expect.any(Object) })]);
    await h.close();
  });
});

describe('history and identities', () => {
  it('keeps a history sync in the contact\'s transcript once, starting no flow and answering nothing', async () => {
    const { h, whatsapp, deliver } = await setUp();
    const old = [
      { id: 'h1', from: { id: '447700900123', name: 'Layla' }, history: true as const, text: 'Do you ship to Leeds?', at: '2026-10-01T09:00:00.000Z' },
      { id: 'h2', from: { id: '447700900123' }, history: true as const, echo: true as const, text: 'Yes, in two days', at: '2026-10-01T09:05:00.000Z' },
    ];
    for (const message of [...old, ...old]) await deliver(message);
    const contact = await h.store.contactByIdentity('whatsapp-cloud', '447700900123');
    expect((await h.store.messagesOfContact(contact!.id)).map((m) => [m.direction, m.text, m.at, m.history])).toEqual([
      ['in', 'Do you ship to Leeds?', '2026-10-01T09:00:00.000Z', true],
      ['out', 'Yes, in two days', '2026-10-01T09:05:00.000Z', true],
    ]);
    expect(await h.store.openConversations()).toEqual([]);
    expect(whatsapp.sent).toEqual([]);
    // History does not count as the customer writing (the 24-hour window).
    expect(await h.store.lastInboundAt('whatsapp-cloud', '447700900123')).toBeUndefined();
    await h.close();
  });

  it('moves an identity to a new number, adds another address, and takes the address book\'s name', async () => {
    const { h, whatsapp, deliver } = await setUp();
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: 'hi' });
    await h.runtime.updateIdentity({ channel: 'whatsapp-cloud', id: '447700900123', movedTo: '447700900777', name: 'Layla Haddad' });
    await h.runtime.updateIdentity({ channel: 'whatsapp-cloud', id: '447700900777', alsoKnownAs: 'lid:9988' });
    await deliver({ from: { id: '447700900777', name: 'Layla' }, text: '4521' });
    const contacts = await h.store.contacts();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ name: 'Layla Haddad', identities: [{ channel: 'whatsapp-cloud', id: '447700900777' }, { channel: 'whatsapp-cloud', id: 'lid:9988' }] });
    // The conversation went on: the answer was taken by the question asked before the move.
    expect((await h.store.openConversations())[0]?.fields.order).toBe('4521');
    // And the customer, at the new number, is told they wait for someone.
    expect(whatsapp.textsTo('447700900777')).toEqual(['Someone from our team will answer you here; you are number 1 in line.']);
    await h.close();
  });

  it('records a reaction without answering, and answers an unreadable kind politely mid-question', async () => {
    const { h, whatsapp, deliver } = await setUp();
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: 'hi' });
    const asked = whatsapp.sent.at(-1)!.id;
    await deliver({ from: { id: '447700900123' }, reaction: { emoji: '👍', to: asked } });
    expect(whatsapp.textsTo('447700900123')).toEqual(['What is your order number?']);
    await deliver({ from: { id: '447700900123' }, unsupported: 'poll' });
    expect(whatsapp.textsTo('447700900123').slice(1)).toEqual(['Sorry, that kind of message cannot be read here. Could you write your answer?']);
    // The question still waits for its answer, no try used up.
    await deliver({ from: { id: '447700900123' }, text: '4521' });
    expect((await h.store.openConversations())[0]?.fields.order).toBe('4521');
    const [conversation] = await h.store.openConversations();
    expect((await h.store.messagesOfConversation(conversation!.id)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['hi', '[reacted 👍]', '[a message of a kind that cannot be shown here: poll]', '4521']);
    await h.close();
  });
});

describe('a closed service window', () => {
  it('lets an agent send an approved template with /template, and refuses one not configured', async () => {
    const { h, whatsapp, deliver } = await setUp({ templates: [{ name: 'order_update', language: 'en_US' }] });
    await deliver({ id: 'a0', from: { id: '15555550001' }, text: '/online' });
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: 'hi' });
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: '4521' });
    await deliver({ id: 'a1', from: { id: '15555550001' }, text: '/template order_update Layla | #4521' });
    expect(whatsapp.sent.at(-2)?.message).toMatchObject({ template: { name: 'order_update', language: 'en_US', params: ['Layla', '#4521'] } });
    expect(whatsapp.textsTo('15555550001').at(-1)).toBe('Template order_update sent to #1.');
    await deliver({ id: 'a2', from: { id: '15555550001' }, text: '/template welcome' });
    expect(whatsapp.textsTo('15555550001').at(-1)).toBe('There is no template "welcome". Templates: order_update.');
    await h.close();
  });

  it('reaches an agent on their next address when a notice cannot be delivered where they last wrote', async () => {
    const { h, whatsapp, telegram, deliver } = await setUp();
    await deliver({ id: 'a0', from: { id: '15555550001' }, text: '/online' });
    const send = whatsapp.channel.send.bind(whatsapp.channel);
    whatsapp.channel.send = async (to, message) => {
      if (message.toAgent) throw new ChannelSendError('outside the 24-hour window', { permanent: true });
      return send(to, message);
    };
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: 'hi' });
    await deliver({ from: { id: '447700900123', name: 'Layla' }, text: '4521' });
    await eventually(() => telegram.textsTo('9001').some((text) => text.includes('#1')));
    expect(telegram.textsTo('9001').find((text) => text.includes('#1'))).toContain('Layla');
    await h.close();
  });
});
