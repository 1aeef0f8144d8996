// Sending through the Cloud API against the fake Graph API: the payloads (texts split at 4,096 characters, reply
// buttons, lists, numbered lines, files uploaded then sent by media id, places, cards, templates), the 24-hour
// window (nothing sent outside it but templates; agents reached by the notice template), and what Meta's errors mean.
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppCloudChannel } from '../../../src/channels/whatsapp-cloud/index.ts';
import { ChannelSendError, type Channel, type OutboundMessage } from '../../../src/types.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { cleanupDirs, hostFor, quietLog, recordingLog } from '../../helpers.ts';
import { FakeGraphApi, metaError } from '../meta/fake-graph-api.ts';
import { APP_SECRET, PHONE_NUMBER_ID, SHEENA, TOKEN, VERIFY_TOKEN, clock } from './harness.ts';

const HOUR = 3_600_000;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await cleanupDirs();
});

/** A started channel whose customer SHEENA wrote an hour ago. */
async function sending(options: { log?: Logger; noticeTemplate?: string; token?: string } = {}) {
  const graph = await FakeGraphApi.start(TOKEN);
  cleanup.push(() => graph.close());
  const time = clock();
  const channel: Channel = createWhatsAppCloudChannel({
    token: options.token ?? TOKEN, phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN,
    graphRoot: graph.url, version: 'v21.0', log: options.log ?? quietLog, now: time.now,
    ...(options.noticeTemplate ? { noticeTemplate: options.noticeTemplate, templates: [{ name: options.noticeTemplate, language: 'ar' }] } : {}),
  });
  cleanup.push(() => channel.stop());
  const host = hostFor(async () => {});
  host.lastInbound.set(SHEENA, new Date(time.now().getTime() - HOUR).toISOString());
  await channel.start(host);
  return { graph, channel, host, time };
}

const send = (channel: Channel, message: OutboundMessage, to = SHEENA) => channel.send(to, message);

describe('payloads', () => {
  it('sends a text, split at 4,096 characters, and resolves to the wamid of the last part', async () => {
    const { graph, channel } = await sending();
    const first = `${'أ'.repeat(3000)}\n${'b'.repeat(999)}`;
    const id = await send(channel, { text: `${first}\n${'😀'.repeat(600)}` });
    expect(graph.sentTo(SHEENA)).toEqual([
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: SHEENA, type: 'text', text: { body: first, preview_url: false } },
      { messaging_product: 'whatsapp', recipient_type: 'individual', to: SHEENA, type: 'text', text: { body: '😀'.repeat(600), preview_url: false } },
    ]);
    expect(id).toBe(graph.sent[1]!.id);
  });

  it('renders up to three short choices as reply buttons', async () => {
    const { graph, channel } = await sending();
    await send(channel, { text: 'كيف يمكننا مساعدتك؟', choices: [{ id: 'billing', title: 'Billing 💳' }, { id: 'tech', title: 'Technical problem' }, { id: 'sales', title: 'Buy something' }] });
    expect(graph.sentTo(SHEENA)[0]).toMatchObject({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'كيف يمكننا مساعدتك؟' },
        action: { buttons: [
          { type: 'reply', reply: { id: 'billing', title: 'Billing 💳' } },
          { type: 'reply', reply: { id: 'tech', title: 'Technical problem' } },
          { type: 'reply', reply: { id: 'sales', title: 'Buy something' } },
        ] },
      },
    });
  });

  it('renders up to ten choices, or titles too long for a button, as a list', async () => {
    const { graph, channel } = await sending();
    const five = ['Billing', 'Technical problem', 'Sales', 'Returns', 'Something else entirely'].map((title, index) => ({ id: `c${index}`, title }));
    await send(channel, { text: 'Pick a topic', choices: five });
    expect(graph.sentTo(SHEENA)[0]).toMatchObject({
      type: 'interactive',
      interactive: { type: 'list', body: { text: 'Pick a topic' }, action: { button: 'Choose', sections: [{ rows: five.map(({ id, title }) => ({ id, title })) }] } },
    });
  });

  it('falls back to numbered lines beyond ten choices or with titles longer than a list row', async () => {
    const { graph, channel } = await sending();
    const eleven = Array.from({ length: 11 }, (_, index) => ({ id: `p${index + 1}`, title: `Plan ${index + 1}` }));
    await send(channel, { text: 'Which plan?', choices: eleven });
    await send(channel, { text: 'Which one?', choices: [{ id: 'a', title: 'A title far longer than twenty-four characters' }, { id: 'b', title: 'B' }] });
    expect(graph.saidTo(SHEENA)).toEqual([
      `Which plan?\n\n${eleven.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n')}`,
      'Which one?\n\n1. A title far longer than twenty-four characters\n2. B',
    ]);
  });

  it('uploads a document\'s bytes, then sends it by media id with the text as its caption', async () => {
    const { graph, channel, host } = await sending();
    const pdf = Buffer.from('%PDF-1.7 فاتورة corrected invoice');
    const stored = await host.media.put(pdf, { mime: 'application/pdf', name: 'invoice-4521.pdf' });
    await send(channel, { text: 'Your corrected invoice 🧾', attachments: [{ kind: 'document', mime: 'application/pdf', name: 'invoice-4521.pdf', ref: stored.ref }] });

    expect(graph.uploads).toHaveLength(1);
    expect(graph.uploads[0]).toMatchObject({ fields: { messaging_product: 'whatsapp', type: 'application/pdf' }, file: { name: 'invoice-4521.pdf', mime: 'application/pdf', bytes: pdf } });
    expect(graph.callsTo('/media')[0]).toMatchObject({ method: 'POST', path: `/v21.0/${PHONE_NUMBER_ID}/media`, token: TOKEN });
    expect(graph.sentTo(SHEENA)).toEqual([{
      messaging_product: 'whatsapp', recipient_type: 'individual', to: SHEENA, type: 'document',
      document: { id: graph.uploads[0]!.id, filename: 'invoice-4521.pdf', caption: 'Your corrected invoice 🧾' },
    }]);
  });

  it("sends a document under its real name: a direction override in the customer's name for it dropped, an Arabic name kept", async () => {
    const { graph, channel, host } = await sending();
    // A customer's file relayed to an agent on WhatsApp: stored without a name, named by the message (as one stored
    // before names were cleaned where they come in). U+202E showed "invoice\u202Efdp.exe", a program, as "invoiceexe.pdf".
    for (const name of ['invoice\u202Efdp.exe', 'فاتورة.pdf']) {
      const stored = await host.media.put(Buffer.from('MZ'), { mime: 'application/octet-stream' });
      await send(channel, { text: '#1 Layla', attachments: [{ kind: 'document', mime: 'application/octet-stream', name, ref: stored.ref }] });
    }
    expect(graph.uploads[0]!.file.name).toBe('invoicefdp.exe');
    expect(graph.sentTo(SHEENA).map((sent) => (sent as { document?: { filename?: string } }).document?.filename)).toEqual(['invoicefdp.exe', 'فاتورة.pdf']);
  });

  it('sends a photo as an image captioned with the text, a place as a location and a card as contacts; a file no longer kept becomes a line', async () => {
    const { graph, channel, host } = await sending();
    const png = await host.media.put(Buffer.from('\x89PNG map'), { mime: 'image/png', name: 'map.png' });
    await send(channel, {
      text: 'Here is the store',
      attachments: [
        { kind: 'image', mime: 'image/png', ref: png.ref },
        { kind: 'location', location: { latitude: 25.197197, longitude: 55.274376, name: 'Acme Store', address: 'Dubai Mall' } },
        { kind: 'contact', contact: { name: 'كريم حداد', phone: '+971501234567' } },
        { kind: 'document', name: 'old.pdf', ref: 'f'.repeat(32) },
      ],
    });
    expect(graph.sentTo(SHEENA).map((body) => body.type)).toEqual(['image', 'location', 'contacts']);
    expect(graph.sentTo(SHEENA)[0]!.image).toEqual({ id: graph.uploads[0]!.id, caption: 'Here is the store\n[a document (old.pdf) that is no longer in the media store]' });
    expect(graph.uploads[0]!.file).toMatchObject({ name: 'map.png', mime: 'image/png' });
    expect(graph.sentTo(SHEENA)[1]!.location).toEqual({ latitude: 25.197197, longitude: 55.274376, name: 'Acme Store', address: 'Dubai Mall' });
    expect(graph.sentTo(SHEENA)[2]!.contacts).toEqual([{ name: { formatted_name: 'كريم حداد', first_name: 'كريم حداد' }, phones: [{ phone: '+971501234567', type: 'CELL' }] }]);
  });

  it('sends an approved template with its body parameters, also outside the 24-hour window', async () => {
    const { graph, channel, host } = await sending();
    host.lastInbound.clear();
    await send(channel, { text: '[template order_update: Layla | #4521]', template: { name: 'order_update', language: 'en_US', params: ['Layla', '#4521'] } });
    expect(graph.sentTo(SHEENA)).toEqual([{
      messaging_product: 'whatsapp', recipient_type: 'individual', to: SHEENA, type: 'template',
      template: { name: 'order_update', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Layla' }, { type: 'text', text: '#4521' }] }] },
    }]);
  });
});

describe('the 24-hour window', () => {
  it('refuses a free-form message for good, without calling the API, to a customer who last wrote 25 hours ago or never', async () => {
    const { graph, channel, host, time } = await sending();
    time.advance(24 * HOUR);
    const closed = { name: 'ChannelSendError', permanent: true, message: 'the customer last wrote more than 24 hours ago; only an approved template can reach them now: /template <name>' };
    await expect(send(channel, { text: 'Any news?' })).rejects.toMatchObject(closed);
    host.lastInbound.clear();
    await expect(send(channel, { text: 'Hello?' })).rejects.toMatchObject(closed);
    expect(graph.calls).toEqual([]);
  });

  it('reaches an agent whose window is closed with the notice template and an excerpt, or fails for good without one', async () => {
    const omar = '15550001234';
    const card = { text: '#12 Sheena Nelson\nNeeds help with order #4521, charged twice', toAgent: true as const };
    const withTemplate = await sending({ noticeTemplate: 'card_notice' });
    await send(withTemplate.channel, card, omar);
    expect(withTemplate.graph.sentTo(omar)).toEqual([{
      messaging_product: 'whatsapp', recipient_type: 'individual', to: omar, type: 'template',
      template: { name: 'card_notice', language: { code: 'ar' }, components: [{ type: 'body', parameters: [{ type: 'text', text: '#12 Sheena Nelson Needs help with order #4521, charged twice' }] }] },
    }]);

    const without = await sending();
    await expect(send(without.channel, card, omar)).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/^outside the 24-hour window/) });
    expect(without.graph.calls).toEqual([]);
  });
});

describe('send errors', () => {
  it('fails for good on re-engagement (131047) and Meta\'s refusals, with Meta\'s message and details', async () => {
    const { graph, channel } = await sending();
    graph.fail(1, metaError(400, 131047, '(#131047) Re-engagement message', 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.'));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({
      permanent: true, windowClosed: true, message: '(#131047) Re-engagement message: Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
    graph.fail(1, metaError(400, 100, 'Invalid parameter'));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, message: 'Invalid parameter (#100)' });
  });

  it('waits on rate limits as long as Meta asks (a minute for 131056), and tries Meta\'s failures and the network again', async () => {
    const { graph, channel } = await sending();
    graph.fail(1, metaError(400, 131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit'));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: false, retryAfterMs: 60_000 });
    graph.fail(1, metaError(429, 130429, '(#130429) Rate limit hit'));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: false, retryAfterMs: 30_000 });
    graph.fail(1, { status: 503, body: {} });
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: false, message: 'the Graph API answered HTTP 503' });
    await graph.close();
    const error = await send(channel, { text: 'hello' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ permanent: false, message: expect.stringMatching(/^network error/) });
  });

  it('keeps messages waiting on an expired token, and says so once in the log without the token', async () => {
    const { log, lines } = recordingLog();
    const { channel } = await sending({ log, token: 'EAAG-expired-token' });
    await expect(send(channel, { text: 'one' })).rejects.toMatchObject({ permanent: false, message: expect.stringMatching(/^the WhatsApp access token was refused/) });
    await expect(send(channel, { text: 'two' })).rejects.toMatchObject({ permanent: false });
    const said = lines.filter((line) => String(line.msg).includes('access token has expired'));
    expect(said).toHaveLength(1);
    expect(said[0]!.level).toBe(50);
    expect(JSON.stringify(lines)).not.toContain('EAAG-expired-token');
  });

  it('resumes a split message after the parts already sent when the outbox tries it again', async () => {
    const { graph, channel } = await sending();
    const text = `${'a'.repeat(4000)}\n${'b'.repeat(1000)}`;
    graph.fail(1, metaError(500, 131000, 'Something went wrong'), 1);
    await expect(channel.send(SHEENA, { id: 7, text })).rejects.toMatchObject({ permanent: false, message: 'Something went wrong (#131000)' });
    expect(graph.saidTo(SHEENA)).toEqual(['a'.repeat(4000)]);
    const id = await channel.send(SHEENA, { id: 7, text });
    expect(graph.saidTo(SHEENA)).toEqual(['a'.repeat(4000), 'b'.repeat(1000)]);
    expect(id).toBe(graph.sent[1]!.id);
  });
});
