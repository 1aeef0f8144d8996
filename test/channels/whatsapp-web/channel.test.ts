// The WhatsApp Web channel on its own, over a fake client and a host that records what it is handed: lid and phone
// addresses, agents, typed choices, places and contact cards, files that cannot be had, storing that fails, the order
// of a chat's messages, and what a failed send means.
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppWebChannel, type WhatsAppWebChannel } from '../../../src/channels/whatsapp-web/index.ts';
import { ChannelSendError, type Deliver, type InboundMessage } from '../../../src/types.ts';
import { cleanupDirs, eventually, hostFor, quietLog, recordingLog } from '../../helpers.ts';
import { FakeWhatsApp, incoming, OWN, typedOnPhone } from './fake-client.ts';
import type { Logger } from '../../../src/shared/log.ts';

const LAYLA = '15551234567@c.us';
const LAYLA_LID = '98765432109876@lid';

const running: WhatsAppWebChannel[] = [];
afterEach(async () => {
  for (const channel of running.splice(0)) await channel.stop();
  await cleanupDirs();
});

async function started(options: { agents?: string[]; deliver?: Deliver; maxBytes?: number; log?: Logger; link?: boolean; whatsapp?: FakeWhatsApp; sendTimeoutMs?: number } = {}) {
  const whatsapp = options.whatsapp ?? new FakeWhatsApp();
  const delivered: InboundMessage[] = [];
  const host = hostFor(options.deliver ?? (async (message) => void delivered.push(message)), { ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
  const channel = createWhatsAppWebChannel({
    dataDir: '/nonexistent/whatsapp-web', log: options.log ?? quietLog, createClient: whatsapp.create, agentNumbers: () => options.agents ?? [],
    retryMs: 10, deliverRetryMs: 5, startTimeoutMs: 100, showQr: () => undefined, root: false,
    ...(options.sendTimeoutMs !== undefined ? { sendTimeoutMs: options.sendTimeoutMs } : {}),
  });
  running.push(channel);
  await channel.start(host);
  if (options.link !== false) {
    await eventually(() => whatsapp.clients[0]?.initialized === true);
    whatsapp.current.link();
  }
  return { channel, whatsapp, delivered, host, get client() { return whatsapp.current; } };
}

describe('WhatsApp Web channel: addresses', () => {
  it('keeps a lid sender as lid:<id> and tells the runtime the number WhatsApp knows behind it', async () => {
    const { whatsapp, client, delivered, host } = await started();
    whatsapp.pairs.push({ lid: LAYLA_LID, phone: LAYLA });
    client.emit('message', incoming(LAYLA_LID, 'Hello'));
    await eventually(() => host.identityUpdates.length === 1);
    expect(delivered[0]?.from.id).toBe('lid:98765432109876');
    expect(host.identityUpdates).toEqual([{ channel: 'whatsapp-web', id: 'lid:98765432109876', alsoKnownAs: '15551234567' }]);

    // Told once; a phone chat is linked to its lid the same way.
    client.emit('message', incoming(LAYLA_LID, 'Still me'));
    whatsapp.pairs.push({ lid: '11112222@lid', phone: '15559998888@c.us' });
    client.emit('message', incoming('15559998888@c.us', 'Hi'));
    await eventually(() => delivered.length === 3 && host.identityUpdates.length === 2);
    expect(host.identityUpdates[1]).toEqual({ channel: 'whatsapp-web', id: '15559998888', alsoKnownAs: 'lid:11112222' });
  });

  it('links nothing when WhatsApp cannot tell the number behind a lid', async () => {
    const { client, delivered, host } = await started();
    client.emit('message', incoming('4242@lid', 'Hello'));
    await eventually(() => delivered.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(delivered[0]?.from.id).toBe('lid:4242');
    expect(host.identityUpdates).toEqual([]);
  });

  it('knows an agent writing from a lid chat by their number, and does not take the phone owner\'s messages to an agent or to itself for a takeover', async () => {
    const { whatsapp, client, delivered } = await started({ agents: ['15550009001'] });
    whatsapp.pairs.push({ lid: '777@lid', phone: '15550009001@c.us' });
    client.emit('message', incoming('777@lid', '/online'));
    await eventually(() => delivered.length === 1);
    expect(delivered[0]?.from.id).toBe('15550009001');

    client.emit('message_create', typedOnPhone('15550009001@c.us', 'Omar, can you take #3?'));
    client.emit('message_create', typedOnPhone(OWN, 'note to self'));
    client.emit('message_create', typedOnPhone(LAYLA, 'Hi Layla, Sam here'));
    await eventually(() => delivered.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(delivered.slice(1)).toEqual([expect.objectContaining({ echo: true, from: { id: '15551234567' }, text: 'Hi Layla, Sam here' })]);
  });
});

describe('WhatsApp Web channel: the session', () => {
  it('replaces a client that never finishes opening WhatsApp Web, and says why', async () => {
    const { log, lines } = recordingLog();
    const whatsapp = new FakeWhatsApp();
    whatsapp.initializeHangs = true;
    const { channel } = await started({ log, whatsapp, link: false });
    await eventually(() => lines.some((line) => /did not load within/.test(String(line.msg))));
    expect(channel.status()).toMatchObject({ up: false, reason: expect.stringContaining('did not load within') });
    whatsapp.initializeHangs = false;
    // On a busy machine more than one hanging client may have been replaced meanwhile: the newest one opens.
    await eventually(() => whatsapp.clients.length >= 2 && whatsapp.current.initialized);
    expect(whatsapp.clients.slice(0, -1).every((client) => client.destroyed)).toBe(true);
    whatsapp.current.link();
    expect(channel.status()).toMatchObject({ up: true, state: 'ready' });
  });
});

describe('WhatsApp Web channel: what comes in', () => {
  it('turns a typed number or title into the choice last offered to that person, and forgets it once a message without choices went out', async () => {
    const { channel, client, delivered } = await started();
    await channel.send('15551234567', { text: 'Which team?', choices: [{ id: 'billing', title: 'Billing' }, { id: 'sales', title: 'Sales' }] });
    client.emit('message', incoming(LAYLA, '٢'));
    client.emit('message', incoming(LAYLA, '  billing '));
    client.emit('message', incoming('15559998888@c.us', '2'));
    client.emit('message', incoming(LAYLA, '1\uFE0F\u20E3'));
    await eventually(() => delivered.length === 4);
    // Chats run side by side: only each chat's own order is kept.
    expect(delivered.map((message) => [message.from.id, message.text, message.choice])).toEqual(expect.arrayContaining([
      ['15551234567', '٢', 'sales'],
      ['15551234567', '  billing ', 'billing'],
      ['15559998888', '2', undefined],
      ['15551234567', '1\uFE0F\u20E3', 'billing'],
    ]));

    await channel.send('15551234567', { text: 'Thanks!' });
    client.emit('message', incoming(LAYLA, '2'));
    await eventually(() => delivered.length === 5);
    expect(delivered[4]?.choice).toBeUndefined();
  });

  it('hands on locations and contact cards as attachments, and names what it cannot read', async () => {
    const { client, delivered } = await started();
    client.emit('message', incoming(LAYLA, '', { type: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Main St 1' } }));
    client.emit('message', incoming(LAYLA, '', { type: 'multi_vcard', vCards: ['BEGIN:VCARD\nFN:Sam Lee\nTEL;type=CELL;waid=15557654321:+1 555 765 4321\nEND:VCARD', 'BEGIN:VCARD\nFN:Ann\nEND:VCARD'] }));
    client.emit('message', incoming(LAYLA, 'Lunch?', { type: 'poll_creation' }));
    client.emit('message', incoming(LAYLA, '', { type: 'e2e_notification' }));
    await eventually(() => delivered.length === 3);
    expect(delivered[0]?.attachments).toEqual([{ kind: 'location', location: { latitude: 52.52, longitude: 13.405, name: 'Office', address: 'Main St 1' } }]);
    expect(delivered[1]?.attachments).toEqual([
      { kind: 'contact', contact: { name: 'Sam Lee', phone: '+15557654321' } },
      { kind: 'contact', contact: { name: 'Ann' } },
    ]);
    expect(delivered[2]).toMatchObject({ unsupported: 'poll' });
    expect(delivered[2]?.text).toBeUndefined();
  });

  it('lets a message through with the reason when its file cannot be had, and keeps a file WhatsApp gave a bad type as octet-stream', async () => {
    const { whatsapp, client, delivered, host } = await started();
    const gone = incoming(LAYLA, 'receipt', { type: 'image', hasMedia: true });
    const odd = incoming(LAYLA, '', { type: 'document', hasMedia: true, media: { filename: '../../notes.txt' } });
    whatsapp.files.set(odd.id, { data: Buffer.from('notes').toString('base64'), mimetype: 'not a type' });
    client.emit('message', gone);
    client.emit('message', odd);
    await eventually(() => delivered.length === 2);
    expect(delivered[0]).toMatchObject({ text: 'receipt', attachments: [{ kind: 'image', refused: 'the file is no longer available on WhatsApp' }] });
    const kept = delivered[1]!.attachments![0]!;
    expect(kept).toMatchObject({ kind: 'document', mime: 'application/octet-stream', name: 'notes.txt', size: 5 });
    const stored = await host.media.get(kept.ref!);
    const chunks: Uint8Array[] = [];
    for await (const chunk of stored!.bytes()) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('notes');
  });

  it('hands a chat\'s messages on in the order they came, a slow download included', async () => {
    const { whatsapp, client, delivered } = await started();
    const photo = incoming(LAYLA, '', { type: 'image', hasMedia: true });
    whatsapp.files.set(photo.id, { data: Buffer.from('jpeg').toString('base64'), mimetype: 'image/jpeg' });
    const download = client.downloadMedia.bind(client);
    client.downloadMedia = async (message) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return download(message);
    };
    client.emit('message', photo);
    client.emit('message', incoming(LAYLA, 'that was my receipt'));
    await eventually(() => delivered.length === 2);
    expect(delivered.map((message) => message.text ?? message.attachments?.[0]?.kind)).toEqual(['image', 'that was my receipt']);
  });

  it('tries again to store a message that could not be, then logs it as lost', async () => {
    const { log, lines } = recordingLog();
    let failures = 2;
    const delivered: InboundMessage[] = [];
    const { client } = await started({
      log,
      deliver: async (message) => {
        if (message.text === 'never' || failures-- > 0) throw new Error('disk full');
        delivered.push(message);
      },
    });
    client.emit('message', incoming(LAYLA, 'Hello'));
    await eventually(() => delivered.length === 1);
    client.emit('message', incoming(LAYLA, 'never'));
    await eventually(() => lines.some((line) => /is lost/.test(String(line.msg))));
    expect(delivered.map((message) => message.text)).toEqual(['Hello']);
  });

  it('reports deliveries, reads and failures of what it sent, and nothing else', async () => {
    const { client, host } = await started();
    const sent = { ...typedOnPhone(LAYLA, 'x'), id: 'true_15551234567@c.us_S1' };
    client.emit('message_ack', sent, 1);
    client.emit('message_ack', sent, 2);
    client.emit('message_ack', sent, 4);
    client.emit('message_ack', { ...sent, id: 'true_15551234567@c.us_S2' }, -1);
    client.emit('message_ack', incoming(LAYLA, 'theirs'), 3);
    await eventually(() => host.reported.length === 3);
    expect(host.reported.map(({ messageId, status, reason }) => ({ messageId, status, reason }))).toEqual([
      { messageId: 'true_15551234567@c.us_S1', status: 'delivered', reason: undefined },
      { messageId: 'true_15551234567@c.us_S1', status: 'read', reason: undefined },
      { messageId: 'true_15551234567@c.us_S2', status: 'failed', reason: 'WhatsApp could not deliver it' },
    ]);
  });
});

describe('WhatsApp Web channel: what goes out', () => {
  it('sends a location as a location, a contact card as a line, and a text too long for a caption before the file', async () => {
    const { channel, whatsapp, host } = await started();
    const stored = await host.media.put(Buffer.from('GIF89a'), { mime: 'image/gif', name: 'dance.gif' });
    const long = 'x'.repeat(1100);
    await channel.send('15551234567', {
      text: long,
      attachments: [
        { kind: 'image', ref: stored.ref },
        { kind: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'Shop' } },
        { kind: 'contact', contact: { name: 'Sam', phone: '+15557654321' } },
      ],
    });
    expect(whatsapp.sent.map((sent) => sent.content)).toEqual([
      { kind: 'text', text: `${long}\nContact: Sam, +15557654321` },
      { kind: 'media', data: Buffer.from('GIF89a').toString('base64'), mimetype: 'image/gif', filename: 'dance.gif', asDocument: true },
      { kind: 'location', latitude: 1.5, longitude: 2.5, name: 'Shop' },
    ]);
  });

  it('writes a contact card in its reader\'s language: Arabic for a reader of Arabic', async () => {
    const { channel, whatsapp } = await started();
    await channel.send('15551234567', { text: 'رقم سام', language: 'ar', attachments: [{ kind: 'contact', contact: { name: 'Sam', phone: '+15557654321' } }] });
    await channel.send('15551234567', { text: '', language: 'ar-EG', attachments: [{ kind: 'contact', contact: { name: '' } }] });
    expect(whatsapp.sent.map((sent) => sent.content)).toEqual([
      { kind: 'text', text: 'رقم سام\nجهة اتصال: \u2068Sam\u2069، \u2068+15557654321\u2069' },
      { kind: 'text', text: 'جهة اتصال: بلا اسم' },
    ]);
  });

  it('resumes a message after the parts already sent when a later part failed', async () => {
    const { channel, whatsapp } = await started();
    const message = { id: 41, text: 'x'.repeat(1100), attachments: [{ kind: 'location' as const, location: { latitude: 1, longitude: 2 } }] };
    const client = whatsapp.current;
    const send = client.sendMessage.bind(client);
    let calls = 0;
    client.sendMessage = async (chatId, content) => {
      if (++calls === 2) throw new Error('Protocol error: Target closed');
      return send(chatId, content);
    };
    await expect(channel.send('15551234567', message)).rejects.toMatchObject({ name: 'ChannelSendError', permanent: false });
    await channel.send('15551234567', message);
    expect(whatsapp.sent.map((sent) => sent.content.kind)).toEqual(['text', 'location']);
  });

  it('fails for now, and has the client checked, when WhatsApp Web does not answer whether a number is on WhatsApp', async () => {
    const { channel, whatsapp } = await started({ sendTimeoutMs: 200 });
    const client = whatsapp.current;
    // The page hangs: the lookup before the first send to a number that never wrote never settles.
    client.numberId = () => new Promise(() => undefined);
    let asked = 0;
    client.getState = async () => {
      asked++;
      return 'CONNECTED';
    };
    await expect(channel.send('15552223333', { text: 'Your order shipped.' })).rejects.toMatchObject({ name: 'ChannelSendError', permanent: false, message: expect.stringContaining('did not answer') });
    expect(asked).toBe(1);
    expect(whatsapp.sent).toEqual([]);
  });

  it('fails for now while not connected, and for good for a number not on WhatsApp or an address that is not WhatsApp\'s', async () => {
    const { channel, whatsapp, delivered } = await started({ link: false });
    await eventually(() => whatsapp.clients[0]?.initialized === true);
    whatsapp.current.emit('qr', '2@qr');
    const notReady = await channel.send('15551234567', { text: 'Hi' }).catch((error: unknown) => error);
    expect(notReady).toBeInstanceOf(ChannelSendError);
    expect(notReady).toMatchObject({ permanent: false, message: expect.stringContaining('not linked') });

    whatsapp.current.link();
    whatsapp.notOnWhatsApp.add('15550001111');
    await expect(channel.send('15550001111', { text: 'Hi' })).rejects.toMatchObject({ permanent: true, message: '+15550001111 is not on WhatsApp' });
    await expect(channel.send('team@desk', { text: 'Hi' })).rejects.toMatchObject({ permanent: true });
    whatsapp.sendError = new Error('No LID for user');
    await expect(channel.send('lid:123', { text: 'Hi' })).rejects.toMatchObject({ permanent: true });
    whatsapp.sendError = 'Evaluation failed: t';
    await expect(channel.send('lid:123', { text: 'Hi' })).rejects.toMatchObject({ permanent: false });
    expect(whatsapp.sent).toEqual([]);

    // A number that wrote to us is not looked up before each send.
    const client = whatsapp.current;
    let lookups = 0;
    const numberId = client.numberId.bind(client);
    client.numberId = async (digits) => {
      lookups++;
      return numberId(digits);
    };
    client.emit('message', incoming(LAYLA, 'Hello'));
    await eventually(() => delivered.length === 1);
    await channel.send('15551234567', { text: 'Hi' });
    await channel.send('15552223333', { text: 'Hi' });
    await channel.send('15552223333', { text: 'Again' });
    expect(lookups).toBe(1);
  });
});
