// The same number used from the WhatsApp Business app too (coexistence): what a person at the business writes there
// arrives as an echo and takes the conversation over, so the bot stands back; the app's past chats arrive as history,
// kept in the transcript once and never answered; the app's address book names contacts.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../../helpers.ts';
import { PHONE_NUMBER_ID, SHEENA, fixture, settled, startCloud, text, type CloudServer } from './harness.ts';

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hi! What is your order number?"
    save: conversation.order
  - say: "Thanks, checking order {{conversation.order}}."
`;

async function server(): Promise<CloudServer> {
  const started = await startCloud({ flows: { 'inbound.yaml': flow } });
  running.push(started);
  return started;
}


function change(field: string, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID }, ...value } }] }],
  };
}

describe('a person answering from the WhatsApp Business app', () => {
  it('takes nothing over when they take back a reaction in the app: the bot goes on with its question', async () => {
    const cloud = await server();
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud);
    const unreact = { from: '15550783881', to: SHEENA, id: 'wamid.ECHO-UNREACT', timestamp: '1763950340', type: 'reaction', reaction: { message_id: 'wamid.ANY', emoji: '' } };
    expect((await cloud.post(change('smb_message_echoes', { message_echoes: [unreact] }))).status).toBe(200);
    await settled(cloud);
    const [conversation] = await cloud.app.store.openConversations();
    expect(conversation?.takenOver).toBeUndefined();
    expect((await cloud.app.store.messagesOfConversation(conversation!.id)).map((m) => m.from)).toEqual(['contact', 'bot']);
  });

  it('takes the conversation over: the echo is in the transcript as theirs, and the bot says nothing more', async () => {
    const cloud = await server();
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['Hi! What is your order number?']);

    expect((await cloud.post(fixture('business-app-echo'))).status).toBe(200);
    // The customer answers the person, not the bot's question: the bot stands back.
    expect((await cloud.post({ ...fixture('text'), entry: [{ ...fixture('text').entry[0], changes: [{ field: 'messages', value: { ...fixture('text').entry[0].changes[0].value, messages: [text('شكراً Dana! order #4521 🙏')] } }] }] })).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['Hi! What is your order number?']);

    const [conversation] = await cloud.app.store.openConversations();
    expect(conversation).toMatchObject({ stage: 'assigned', takenOver: { channel: 'whatsapp-cloud' } });
    expect(conversation!.fields.order).toBeUndefined();
    const transcript = await cloud.app.store.messagesOfConversation(conversation!.id);
    expect(transcript.map((m) => [m.from, m.text])).toEqual([
      ['contact', 'Hi, my order never arrived 😕'],
      ['bot', 'Hi! What is your order number?'],
      ['agent', 'Hi Sheena, this is Dana from the shop, I\'ll check your order.'],
      ['contact', 'شكراً Dana! order #4521 🙏'],
    ]);
    // The echo delivered again changes nothing.
    expect((await cloud.post(fixture('business-app-echo'))).status).toBe(200);
    expect(await cloud.app.store.messagesOfConversation(conversation!.id)).toHaveLength(4);
  });
});

describe('a customer\'s reaction to what a person wrote in the WhatsApp Business app', () => {
  it('is kept when Meta delivers it before the echo, and recorded after the echo, naming the message it answers, once', async () => {
    const cloud = await server();
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud);
    const reaction = { from: SHEENA, id: 'wamid.ECHO-R', timestamp: '1763950350', type: 'reaction', reaction: { message_id: 'wamid.ECHO0001', emoji: '🙏' } };
    const react = { ...fixture('text'), entry: [{ ...fixture('text').entry[0], changes: [{ field: 'messages', value: { ...fixture('text').entry[0].changes[0].value, messages: [reaction] } }] }] };
    expect((await cloud.post(react)).status).toBe(200);
    expect((await cloud.post(fixture('business-app-echo'))).status).toBe(200);
    expect((await cloud.post(react)).status).toBe(200);
    await settled(cloud);
    const [conversation] = await cloud.app.store.openConversations();
    const transcript = await cloud.app.store.messagesOfConversation(conversation!.id);
    expect(transcript.map((m) => [m.from, m.text, m.reaction?.to])).toEqual([
      ['contact', 'Hi, my order never arrived 😕', undefined],
      ['bot', 'Hi! What is your order number?', undefined],
      ['agent', 'Hi Sheena, this is Dana from the shop, I\'ll check your order.', undefined],
      ['contact', '[reacted 🙏]', 'wamid.ECHO0001'],
    ]);
  });
});

describe('history sync', () => {
  const history = change('history', {
    history: [{
      metadata: { phase: 0, chunk_order: 1, progress: 100 },
      threads: [{
        id: SHEENA,
        messages: [
          { from: SHEENA, id: 'wamid.H1', timestamp: '1760000000', type: 'text', text: { body: 'هل الطلب جاهز؟' }, history_context: { status: 'READ' } },
          { from: '15550783881', to: SHEENA, id: 'wamid.H2', timestamp: '1760000100', type: 'text', text: { body: 'Yes, ready for pickup 📦' }, history_context: { status: 'DELIVERED' } },
          { from: SHEENA, id: 'wamid.H3', timestamp: '1760000200', type: 'image', image: { mime_type: 'image/jpeg', caption: 'this one?' } },
        ],
      }],
    }],
  });

  it('keeps a chunk of past messages in the transcript once, at their own times, even when delivered twice, and answers none', async () => {
    const cloud = await server();
    expect((await cloud.post(history)).status).toBe(200);
    expect((await cloud.post(history)).status).toBe(200);
    await settled(cloud);

    expect(cloud.graph.sent).toEqual([]);
    expect(await cloud.app.store.openConversations()).toEqual([]);
    const [contact] = await cloud.app.store.contacts();
    const kept = await cloud.app.store.messagesOfContact(contact!.id);
    expect(kept.map((m) => [m.channelMessageId, m.direction, m.from, m.text, m.at, m.history])).toEqual([
      ['wamid.H1', 'in', 'contact', 'هل الطلب جاهز؟', '2025-10-09T08:53:20.000Z', true],
      ['wamid.H2', 'out', 'agent', 'Yes, ready for pickup 📦', '2025-10-09T08:55:00.000Z', true],
      ['wamid.H3', 'in', 'contact', 'this one?', '2025-10-09T08:56:40.000Z', true],
    ]);
    expect(kept[2]!.attachments).toEqual([{ kind: 'image', mime: 'image/jpeg', caption: 'this one?', refused: 'WhatsApp did not share this file', refusal: { kind: 'notFetched' } }]);

    // Past messages open no window: the first new message is answered by the flow as usual.
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['Hi! What is your order number?']);
  });

  it('leaves out chats with agents: their past commands are not run again', async () => {
    const team = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    whatsapp: "+15550001234"\n    teams: [Billing]\n';
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow }, team });
    running.push(cloud);
    const withOmar = change('history', {
      history: [{ threads: [{ id: '15550001234', messages: [{ from: '15550001234', id: 'wamid.HO1', timestamp: '1760000000', type: 'text', text: { body: '/online' } }] }] }],
    });
    expect((await cloud.post(withOmar)).status).toBe(200);
    await settled(cloud, '15550001234');
    expect(cloud.graph.sent).toEqual([]);
    expect(await cloud.app.store.messagesOfAddress('whatsapp-cloud', '15550001234')).toEqual([]);
  });

  it('acknowledges a business declining to share its history', async () => {
    const cloud = await server();
    const declined = change('history', { history: [{ errors: [{ code: 2593109, title: 'History sync is turned off by the business', message: 'declined' }] }] });
    expect(await cloud.post(declined)).toEqual({ status: 200, body: { ok: true } });
    expect(await cloud.app.store.contacts()).toEqual([]);
  });
});

describe('the WhatsApp Business app\'s address book', () => {
  it('names a known contact as the business saved them', async () => {
    const cloud = await server();
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    const sync = change('smb_app_state_sync', {
      state_sync: [
        { type: 'contact', contact: { full_name: 'Sheena Nelson (VIP) ⭐', first_name: 'Sheena', phone_number: '+1 650-555-1234' }, action: 'add', metadata: { timestamp: '1763950400' } },
        { type: 'contact', contact: { phone_number: '16505550000' }, action: 'remove', metadata: { timestamp: '1763950400' } },
      ],
    });
    expect((await cloud.post(sync)).status).toBe(200);
    const [contact] = await cloud.app.store.contacts();
    expect(contact!.name).toBe('Sheena Nelson (VIP) ⭐');
  });
});
