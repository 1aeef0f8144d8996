// The real whatsapp-web.js behind our interface, without a browser: its client options, its Message objects (built
// from raw models as WhatsApp Web hands them) turned into plain data, and our contents turned into its MessageMedia
// and Location. A stub stands in for the library's Client where a browser would be needed.
import { EventEmitter } from 'node:events';
import wwebjs from 'whatsapp-web.js';
import { describe, expect, it } from 'vitest';
import type { WaMessage } from '../../../src/channels/whatsapp-web/client.ts';
import { chromiumArgs, libraryClientOptions, wrapLibraryClient } from '../../../src/channels/whatsapp-web/library.ts';

/** The library's Message class: its typings declare Message as an interface only. */
const Message = (wwebjs as unknown as { Message: new (client: unknown, data: unknown) => wwebjs.Message }).Message;
/** The library's PrivateChat and GroupChat classes, built from raw chat models as getChats builds them. */
const { PrivateChat, GroupChat } = wwebjs as unknown as Record<'PrivateChat' | 'GroupChat', new (client: unknown, data: unknown) => wwebjs.Chat>;

class StubClient extends EventEmitter {
  readonly sent: { chatId: string; content: unknown; options: Record<string, unknown> }[] = [];

  async sendMessage(chatId: string, content: unknown, options: Record<string, unknown> = {}) {
    this.sent.push({ chatId, content, options });
    return new Message(this, raw({ id: id(true, chatId, 'SENT1'), from: '15550000000@c.us', to: chatId, body: typeof content === 'string' ? content : '' }));
  }
}

function id(fromMe: boolean, remote: string, key: string) {
  return { fromMe, remote, id: key, _serialized: `${fromMe}_${remote}_${key}` };
}

function raw(fields: Record<string, unknown>): Record<string, unknown> {
  return { type: 'chat', t: 1_763_950_000, ack: 1, ...fields };
}

function wrapped() {
  const stub = new StubClient();
  const client = wrapLibraryClient(wwebjs, stub as unknown as wwebjs.Client);
  const received: WaMessage[] = [];
  client.on('message', (message) => received.push(message));
  const deliver = (fields: Record<string, unknown>) => stub.emit('message', new Message(stub, raw(fields)));
  return { stub, client, received, deliver };
}

describe('whatsapp-web.js behind the WhatsAppClient interface', () => {
  it('lists the chats with their unread counts, and reads a chat\'s newest messages from others, oldest first', async () => {
    const { stub, client } = wrapped();
    const LAYLA = '15551234567@c.us';
    const asked: unknown[] = [];
    const models = [
      raw({ id: id(false, LAYLA, 'B'), from: LAYLA, to: '15550000000@c.us', body: 'second', t: 1_763_950_060 }),
      raw({ id: id(false, LAYLA, 'A'), from: LAYLA, to: '15550000000@c.us', body: 'first', t: 1_763_950_000 }),
    ];
    Object.assign(stub, {
      getChats: async () => [
        new PrivateChat(stub, { id: { _serialized: LAYLA }, isGroup: false, unreadCount: 2, t: 1_763_950_060 }),
        new GroupChat(stub, { id: { _serialized: '120363000000000001@g.us' }, isGroup: true, unreadCount: 5, t: 1_763_950_001, groupMetadata: { participants: [] } }),
      ],
      getChatById: async (chatId: string) => (chatId === LAYLA ? { fetchMessages: async (options: unknown) => (asked.push(options), models.map((model) => new Message(stub, model))) } : undefined),
    });
    expect(await client.chats()).toEqual([
      { id: LAYLA, isGroup: false, unreadCount: 2, timestamp: 1_763_950_060 },
      { id: '120363000000000001@g.us', isGroup: true, unreadCount: 5, timestamp: 1_763_950_001 },
    ]);
    expect((await client.chatMessages(LAYLA, 2)).map((message) => [message.body, message.timestamp])).toEqual([['first', 1_763_950_000], ['second', 1_763_950_060]]);
    expect(asked).toEqual([{ limit: 2, fromMe: false }]);
    expect(await client.chatMessages('15559999999@c.us', 2)).toEqual([]);
  });

  it('runs Debian\'s Chromium headless with LocalAuth under the data folder, without the sandbox only as root', () => {
    const options = libraryClientOptions(wwebjs, { dataPath: '/data/whatsapp-web', chromiumPath: '/usr/bin/chromium', browserArgs: chromiumArgs({ root: true }) });
    expect(options.authStrategy).toBeInstanceOf(wwebjs.LocalAuth);
    expect((options.authStrategy as unknown as { dataPath: string }).dataPath).toBe('/data/whatsapp-web');
    expect(options.webVersionCache).toEqual({ type: 'local', path: '/data/whatsapp-web/web-cache' });
    expect(options.puppeteer).toMatchObject({ headless: true, executablePath: '/usr/bin/chromium' });
    expect(options.puppeteer?.args).toEqual(expect.arrayContaining(['--no-sandbox', '--disable-setuid-sandbox', '--disable-background-networking', '--disable-component-update']));
    expect(chromiumArgs({ root: false })).not.toContain('--no-sandbox');
  });

  it('hands out a text message as plain data, with the sender\'s profile name', () => {
    const { deliver, received } = wrapped();
    deliver({ id: id(false, '15551234567@c.us', 'AAA'), from: '15551234567@c.us', to: '15550000000@c.us', body: 'Hello', notifyName: 'Layla' });
    expect(received).toEqual([
      {
        id: 'false_15551234567@c.us_AAA', from: '15551234567@c.us', to: '15550000000@c.us', fromMe: false, type: 'chat', body: 'Hello',
        hasMedia: false, timestamp: 1_763_950_000, isStatus: false, broadcast: false, notifyName: 'Layla',
      },
    ]);
  });

  it('hands out which message a Reply quotes: its id within the chat and its author', () => {
    const { deliver, received } = wrapped();
    deliver({
      id: id(false, '15550009001@c.us', 'ANS'), from: '15550009001@c.us', to: '15550000000@c.us', body: 'In 3-5 days.',
      quotedMsg: { type: 'chat', body: '#1 Layla: When?' }, quotedStanzaID: '3EB0RELAY', quotedParticipant: { server: 'c.us', user: '15550000000', _serialized: '15550000000@c.us' },
    });
    expect(received[0]).toMatchObject({ id: 'false_15550009001@c.us_ANS', quoted: { stanzaId: '3EB0RELAY', participant: '15550000000@c.us' } });
  });

  it('hands out that a message was forwarded from another chat', () => {
    const { deliver, received } = wrapped();
    deliver({ id: id(false, '15551234567@c.us', 'FWD'), from: '15551234567@c.us', to: '15550000000@c.us', body: 'Your parcel is held at customs', isForwarded: true });
    deliver({ id: id(false, '15551234567@c.us', 'OWN'), from: '15551234567@c.us', to: '15550000000@c.us', body: 'What is this?' });
    expect(received.map((message) => message.forwarded)).toEqual([true, undefined]);
  });

  it('hands out a contact\'s change of number as the chat ids they had and have, whether WhatsApp Web gives ids or Wids', () => {
    const { stub, client } = wrapped();
    const changes: [string, string, boolean][] = [];
    client.on('contact_changed', (oldId, newId, isContact) => changes.push([oldId, newId, isContact]));
    const notice = new Message(stub, raw({ id: id(false, '15557770001@c.us', 'N1'), type: 'notification_template', subtype: 'change_number' }));
    stub.emit('contact_changed', notice, '15551234567@c.us', { _serialized: '15557770001@c.us' }, true);
    stub.emit('contact_changed', notice, { _serialized: '15551230000@c.us' }, '15557770002@c.us', false);
    stub.emit('contact_changed', notice, undefined, '15557770003@c.us', true);
    expect(changes).toEqual([['15551234567@c.us', '15557770001@c.us', true], ['15551230000@c.us', '15557770002@c.us', false]]);
  });

  it('hands out a change of a message\'s text with the message, its time of edit, and both texts', () => {
    const { stub, client } = wrapped();
    const changes: [WaMessage, string, string][] = [];
    client.on('message_edit', (message, newBody, prevBody) => changes.push([message, newBody, prevBody]));
    const model = raw({ id: id(false, '15551234567@c.us', 'EDIT1'), from: '15551234567@c.us', to: '15550000000@c.us', body: 'A-1234', latestEditSenderTimestampMs: 1_763_950_060_000 });
    stub.emit('message_edit', new Message(stub, model), 'A-1234', 'A-1243');
    expect(changes).toHaveLength(1);
    expect(changes[0]![0]).toMatchObject({ id: 'false_15551234567@c.us_EDIT1', body: 'A-1234', editedAt: 1_763_950_060_000 });
    expect(changes[0]!.slice(1)).toEqual(['A-1234', 'A-1243']);
  });

  it('hands out a catalogue cart\'s own fields and asks WhatsApp (getOrder) for its products; a shared product\'s name, SKU and price', async () => {
    const { stub, client, deliver, received } = wrapped();
    // getOrder asks the page (WAWebBizOrderBridge.queryOrder): the stub page answers as it does.
    const asked: unknown[][] = [];
    Object.assign(stub, {
      pupPage: {
        evaluate: async (_fn: unknown, ...args: unknown[]) => {
          asked.push(args);
          return { products: [{ id: 'p1', name: 'Oud oil', quantity: 2, price: '15000', currency: 'AED' }], subtotal: '30000', total: '30000', currency: 'AED' };
        },
      },
    });
    deliver({
      id: id(false, '15551234567@c.us', 'ORD'), from: '15551234567@c.us', to: '15550000000@c.us', type: 'order', body: '/9j/4AAQ',
      orderId: '1234567890', token: 'AR7vqq', message: 'Before Friday please', orderTitle: 'Oud oil', itemCount: 2, totalAmount1000: 30000, totalCurrencyCode: 'AED',
    });
    deliver({
      id: id(false, '15551234567@c.us', 'PRD'), from: '15551234567@c.us', to: '15550000000@c.us', type: 'product', body: '/9j/4AAQ',
      productId: '555', title: 'Amber candle', retailerId: 'CND-7', priceAmount1000: 45000, currencyCode: 'AED',
    });
    expect(received[0]).toMatchObject({ type: 'order', order: { text: 'Before Friday please', title: 'Oud oil', itemCount: 2, total1000: 30000, currency: 'AED' } });
    expect(received[1]).toMatchObject({ type: 'product', product: { title: 'Amber candle', retailerId: 'CND-7', price1000: 45000, currency: 'AED' } });
    expect(await client.orderItems(received[0]!)).toEqual([{ name: 'Oud oil', quantity: 2 }]);
    expect(asked).toEqual([['1234567890', 'AR7vqq', '15551234567@c.us']]);
    // A message that is no order is not asked about.
    expect(await client.orderItems(received[1]!)).toBeUndefined();
    expect(asked).toHaveLength(1);
  });

  it('hands out what a file, a location and a contact card carry', () => {
    const { deliver, received } = wrapped();
    deliver({
      id: id(false, '98765@lid', 'IMG'), from: '98765@lid', to: '15550000000@c.us', type: 'document', caption: 'invoice', directPath: '/v/t62/x',
      mimetype: 'application/pdf', filename: 'invoice.pdf', size: 2048,
    });
    deliver({ id: id(false, '98765@lid', 'LOC'), from: '98765@lid', to: '15550000000@c.us', type: 'location', lat: 52.52, lng: 13.405, loc: 'Office\nMain St 1' });
    deliver({ id: id(false, '98765@lid', 'VCF'), from: '98765@lid', to: '15550000000@c.us', type: 'vcard', body: 'BEGIN:VCARD\nFN:Sam\nEND:VCARD' });
    expect(received[0]).toMatchObject({ type: 'document', hasMedia: true, body: 'invoice', media: { mimetype: 'application/pdf', filename: 'invoice.pdf', size: 2048 } });
    expect(received[1]).toMatchObject({ type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Main St 1' } });
    expect(received[2]).toMatchObject({ type: 'vcard', vCards: ['BEGIN:VCARD\nFN:Sam\nEND:VCARD'] });
  });

  it('sends a file as MessageMedia with its caption, a location as Location, and resolves to the serialized id', async () => {
    const { stub, client } = wrapped();
    const sentId = await client.sendMessage('15551234567@c.us', {
      kind: 'media', data: Buffer.from('%PDF').toString('base64'), mimetype: 'application/pdf', filename: 'invoice.pdf', caption: 'Your invoice', asDocument: true,
    });
    expect(sentId).toBe('true_15551234567@c.us_SENT1');
    const [media] = stub.sent;
    expect(media!.content).toBeInstanceOf(wwebjs.MessageMedia);
    expect(media!.content).toMatchObject({ mimetype: 'application/pdf', filename: 'invoice.pdf', data: Buffer.from('%PDF').toString('base64') });
    expect(media!.options).toEqual({ caption: 'Your invoice', sendMediaAsDocument: true });

    await client.sendMessage('15551234567@c.us', { kind: 'location', latitude: 52.52, longitude: 13.405, name: 'Office' });
    expect(stub.sent[1]!.content).toBeInstanceOf(wwebjs.Location);
    expect(stub.sent[1]!.content).toMatchObject({ latitude: 52.52, longitude: 13.405, name: 'Office' });

    await client.sendMessage('15551234567@c.us', { kind: 'text', text: 'Hi!' });
    expect(stub.sent[2]).toEqual({ chatId: '15551234567@c.us', content: 'Hi!', options: { linkPreview: false } });
  });

  it('sends a reply quoting the message it answers, text or file (the library leaves out a quote it cannot find)', async () => {
    const { stub, client } = wrapped();
    await client.sendMessage('15551234567@c.us', { kind: 'text', text: 'It left our bank yesterday.' }, 'false_15551234567@c.us_3EB0Q');
    expect(stub.sent[0]).toEqual({ chatId: '15551234567@c.us', content: 'It left our bank yesterday.', options: { linkPreview: false, quotedMessageId: 'false_15551234567@c.us_3EB0Q' } });
    await client.sendMessage('15551234567@c.us', { kind: 'media', data: 'JVBERg==', mimetype: 'application/pdf', caption: 'Your invoice' }, 'false_15551234567@c.us_3EB0Q');
    expect(stub.sent[1]!.options).toEqual({ quotedMessageId: 'false_15551234567@c.us_3EB0Q', caption: 'Your invoice' });
  });
});
