// Meta delivers a person's messages in no promised order: one batch may list them reversed. Through the real server
// and the fake Graph API: the answers are taken in the order the customer wrote them (by WhatsApp's timestamps), so
// the email answers the email question and the need the next one.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, eventually } from '../../helpers.ts';
import { messagesBody, settled, startCloud, text, SHEENA, type CloudServer } from './harness.ts';

const flow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks, {{conversation.need}} noted."
`;

const running: CloudServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

describe('a batch listing a customer\'s messages out of order', () => {
  it('takes them in the order she wrote them: the email answers the email question, the need the next', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': flow } });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('hi', { timestamp: '1763950300' })]))).status).toBe(200);
    await settled(cloud);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('What is your email address?'));
    const reversed = messagesBody([text('my parcel never came', { timestamp: '1763950330' }), text('sheena@example.com', { timestamp: '1763950320' })]);
    expect((await cloud.post(reversed)).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).length >= 2);
    await settled(cloud);
    // Before: "my parcel never came" was taken as the email, refused as none, and the email as the need. The need
    // question is not said: her need was in already (answers-in-one-batch.test.ts).
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['What is your email address?', 'Thanks, my parcel never came noted.']);
    const [sheena] = await cloud.app.store.contacts();
    expect(sheena?.fields.email).toBe('sheena@example.com');
  }, 30_000);
});

const orderFlow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your order number?"
    save: conversation.order
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks, {{conversation.need}} noted."
`;

describe('a customer\'s message that comes after one she wrote later (another webhook, or Meta\'s retry)', () => {
  it('is kept in her conversation and answers no question asked since; her answer to that question is taken', async () => {
    const cloud = await startCloud({ flows: { 'inbound.yaml': orderFlow } });
    running.push(cloud);
    expect((await cloud.post(messagesBody([text('hi', { timestamp: '1763950300' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('What is your order number?'));
    await settled(cloud);
    // Written second, delivered first: the bot cannot know better, and takes it as the order number.
    expect((await cloud.post(messagesBody([text('it never arrived', { timestamp: '1763950330' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('What can we help you with?'));
    await settled(cloud);
    // Written first, delivered last: before, it was taken as the need ("Thanks, A-1234 noted.").
    const late = text('A-1234', { timestamp: '1763950320' });
    expect((await cloud.post(messagesBody([late]))).status).toBe(200);
    await settled(cloud);
    const [sheena] = await cloud.app.store.contacts();
    const [conversation] = await cloud.app.store.conversationsOfContacts([sheena!.id]);
    const kept = (await cloud.app.store.messagesOfConversation(conversation!.id)).find((message) => message.channelMessageId === late.id);
    expect(kept?.text).toBe('A-1234');
    expect(kept?.answers).toBeUndefined();
    expect((await cloud.app.store.conversation(conversation!.id))?.fields.need).toBeUndefined();
    expect((await cloud.post(messagesBody([text('my parcel never came', { timestamp: '1763950340' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).length >= 3);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['What is your order number?', 'What can we help you with?', 'Thanks, my parcel never came noted.']);
  }, 30_000);
});
