// Sending through the Send API against the fake Graph API: the payloads (texts split at 2,000 characters, quick
// replies, numbered lines beyond them, files uploaded then sent by attachment id, places and cards as lines), the
// messaging window (RESPONSE, HUMAN_AGENT, nothing after 7 days), the sender actions, and what Meta's errors mean.
import { afterEach, describe, expect, it } from 'vitest';
import { createMessengerChannels } from '../../../src/channels/messenger/index.ts';
import { ChannelSendError, type Channel, type OutboundMessage } from '../../../src/types.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { cleanupDirs, hostFor, quietLog, recordingLog } from '../../helpers.ts';
import { FakeGraphApi, metaError } from '../meta/fake-graph-api.ts';
import { APP_SECRET, PSID, TOKEN, VERIFY_TOKEN, clock } from './harness.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  await cleanupDirs();
});

/** A started Messenger channel whose customer PSID wrote an hour ago. */
async function sending(options: { log?: Logger; token?: string } = {}) {
  const graph = await FakeGraphApi.start(TOKEN);
  cleanup.push(() => graph.close());
  const time = clock();
  const [channel] = createMessengerChannels({
    pageToken: options.token ?? TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN,
    graphRoot: graph.url, version: 'v21.0', log: options.log ?? quietLog, now: time.now,
  }) as [Channel];
  cleanup.push(() => channel.stop());
  const host = hostFor(async () => {});
  host.lastInbound.set(PSID, new Date(time.now().getTime() - HOUR).toISOString());
  await channel.start(host);
  return { graph, channel, host, time };
}

const send = (channel: Channel, message: OutboundMessage, to = PSID) => channel.send(to, message);
const response = (message: Record<string, unknown>) => ({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { ...message, metadata: 'switchboard' } });

describe('payloads', () => {
  it('sends a text, split at 2,000 characters, and resolves to the mid of the last part', async () => {
    const { graph, channel } = await sending();
    const first = `${'أ'.repeat(1500)}\n${'b'.repeat(499)}`;
    const id = await send(channel, { text: `${first}\n${'😀'.repeat(300)}` });
    expect(graph.sentTo(PSID)).toEqual([response({ text: first }), response({ text: '😀'.repeat(300) })]);
    expect(id).toBe(graph.sent[1]!.id);
    expect(graph.callsTo('/me/messages').every((call) => call.token === TOKEN && call.path === '/v21.0/me/messages')).toBe(true);
  });

  it('offers up to 13 choices with titles of up to 20 characters as quick replies, their ids as payloads', async () => {
    const { graph, channel } = await sending();
    const thirteen = Array.from({ length: 13 }, (_, index) => ({ id: `plan-${index + 1}`, title: `خطة ${index + 1} 📦` }));
    await send(channel, { text: 'Which plan?', choices: thirteen });
    expect(graph.sentTo(PSID)).toEqual([response({
      text: 'Which plan?',
      quick_replies: thirteen.map(({ id, title }) => ({ content_type: 'text', title, payload: id })),
    })]);
  });

  it('falls back to numbered lines beyond 13 choices or with a title longer than 20 characters', async () => {
    const { graph, channel } = await sending();
    const fourteen = Array.from({ length: 14 }, (_, index) => ({ id: `p${index + 1}`, title: `Plan ${index + 1}` }));
    await send(channel, { text: 'Which plan?', choices: fourteen });
    await send(channel, { text: 'Which one?', choices: [{ id: 'a', title: 'A title longer than twenty characters' }, { id: 'b', title: 'B' }] });
    expect(graph.saidTo(PSID)).toEqual([
      `Which plan?\n\n${fourteen.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n')}`,
      'Which one?\n\n1. A title longer than twenty characters\n2. B',
    ]);
    expect(graph.sentTo(PSID).every((body) => body.message.quick_replies === undefined)).toBe(true);
  });

  it('puts the quick replies on the last part of a long text', async () => {
    const { graph, channel } = await sending();
    await send(channel, { text: `${'a'.repeat(1999)}\n${'b'.repeat(10)}`, choices: [{ id: 'yes', title: 'Yes' }] });
    expect(graph.sentTo(PSID).map((body) => body.message.quick_replies)).toEqual([undefined, [{ content_type: 'text', title: 'Yes', payload: 'yes' }]]);
  });

  it('uploads a file\'s bytes as filedata, then sends it by attachment id after the text; places and cards are lines', async () => {
    const { graph, channel, host } = await sending();
    const pdf = Buffer.from('%PDF-1.7 فاتورة corrected invoice');
    const stored = await host.media.put(pdf, { mime: 'application/pdf', name: 'invoice-4521.pdf' });
    const map = Buffer.from('\x89PNG map', 'latin1');
    const png = await host.media.put(map, { mime: 'image/png', name: 'map.png' });
    await send(channel, {
      text: 'Your corrected invoice 🧾',
      attachments: [
        { kind: 'document', mime: 'application/pdf', name: 'invoice-4521.pdf', ref: stored.ref },
        { kind: 'image', mime: 'image/png', ref: png.ref },
        { kind: 'location', location: { latitude: 25.197197, longitude: 55.274376, name: 'Acme Store' } },
        { kind: 'contact', contact: { name: 'كريم حداد', phone: '+971501234567' } },
        { kind: 'document', name: 'old.pdf', ref: 'f'.repeat(32) },
      ],
    });
    expect(graph.uploads.map((upload) => [JSON.parse(upload.fields.message!), upload.file.name, upload.file.mime, upload.file.bytes])).toEqual([
      [{ attachment: { type: 'file', payload: { is_reusable: false } } }, 'invoice-4521.pdf', 'application/pdf', pdf],
      [{ attachment: { type: 'image', payload: { is_reusable: false } } }, 'map.png', 'image/png', map],
    ]);
    expect(graph.callsTo('/me/message_attachments')[0]).toMatchObject({ method: 'POST', path: '/v21.0/me/message_attachments', token: TOKEN });
    expect(graph.sentTo(PSID)).toEqual([
      response({
        text: 'Your corrected invoice 🧾\n📍 Acme Store: https://www.openstreetmap.org/?mlat=25.197197&mlon=55.274376#map=17/25.197197/55.274376\n👤 كريم حداد: +971501234567\n[a document (old.pdf) that is no longer in the media store]',
      }),
      response({ attachment: { type: 'file', payload: { attachment_id: graph.uploads[0]!.id } } }),
      response({ attachment: { type: 'image', payload: { attachment_id: graph.uploads[1]!.id } } }),
    ]);
  });

  it('writes a contact card without a name in its reader\'s language: Arabic for a reader of Arabic', async () => {
    const { graph, channel } = await sending();
    await send(channel, { text: 'رقم الدعم', language: 'ar', attachments: [{ kind: 'contact', contact: { name: '', phone: '+971501234567' } }] });
    await send(channel, { text: 'Our support line', attachments: [{ kind: 'contact', contact: { name: '', phone: '+971501234567' } }] });
    expect(graph.sentTo(PSID).map((body) => body.message.text)).toEqual(['رقم الدعم\n👤 جهة اتصال: \u2068+971501234567\u2069', 'Our support line\n👤 a contact: +971501234567']);
  });

  it('refuses a message template for good: Messenger has none', async () => {
    const { graph, channel } = await sending();
    await expect(send(channel, { text: '[template order_update]', template: { name: 'order_update', params: [] } })).rejects.toMatchObject({ permanent: true, message: 'Messenger has no message templates: write the message instead' });
    expect(graph.sent).toEqual([]);
  });
});

describe('the messaging window', () => {
  it('sends as RESPONSE within 24 hours, tagged HUMAN_AGENT within 7 days, and refuses after without calling Meta', async () => {
    const { graph, channel, host, time } = await sending();
    host.lastInbound.set(PSID, time.now().toISOString());
    time.advance(23 * HOUR);
    await send(channel, { text: 'at 23 hours' });
    time.advance(2 * HOUR);
    // Past 24 hours only a person may answer: the bot's message is refused, an agent's goes with HUMAN_AGENT.
    await expect(send(channel, { text: 'the bot at 25 hours' })).rejects.toMatchObject({ permanent: true, message: 'the customer last wrote more than 24 hours ago; Messenger lets only a person answer now (the HUMAN_AGENT tag), not the bot' });
    await send(channel, { text: 'at 25 hours', byAgent: true });
    time.advance(5 * DAY);
    await send(channel, { text: 'at 6 days and 1 hour', byAgent: true });
    expect(graph.sentTo(PSID).map((body) => [body.messaging_type, body.tag])).toEqual([['RESPONSE', undefined], ['MESSAGE_TAG', 'HUMAN_AGENT'], ['MESSAGE_TAG', 'HUMAN_AGENT']]);

    time.advance(DAY);
    const calls = graph.calls.length;
    await expect(send(channel, { text: 'at 8 days', byAgent: true })).rejects.toMatchObject({ name: 'ChannelSendError', permanent: true, message: 'the customer last wrote more than 7 days ago; Messenger allows no reply now' });
    host.lastInbound.clear();
    await expect(send(channel, { text: 'never wrote' })).rejects.toMatchObject({ permanent: true, message: 'the customer has not written on Messenger; Messenger allows no message before they do' });
    expect(graph.calls).toHaveLength(calls);
  });

  it('puts an agent\'s reaction on the customer\'s message with the react sender action, and takes it back with unreact; no message is sent', async () => {
    const { graph, channel } = await sending();
    expect(await send(channel, { text: '[reacted 👍]', byAgent: true, reaction: { emoji: '👍', to: 'm_IN42' } })).toBe('reaction:m_IN42');
    await send(channel, { text: '[reaction taken back]', byAgent: true, reaction: { emoji: '', to: 'm_IN42' } });
    expect(graph.senderActions.filter((action) => action.action.endsWith('react'))).toEqual([
      { to: PSID, action: 'react', payload: { message_id: 'm_IN42', reaction: '👍' } },
      { to: PSID, action: 'unreact', payload: { message_id: 'm_IN42' } },
    ]);
    expect(graph.saidTo(PSID)).toEqual([]);
    expect(channel.reacts?.('❤️')).toBe(true);
  });

  it('marks the customer\'s message seen and shows typing before the first message after it, and goes on when that fails', async () => {
    const { graph, channel, host, time } = await sending();
    await send(channel, { text: 'one' });
    await send(channel, { text: 'two' });
    time.advance(HOUR);
    host.lastInbound.set(PSID, time.now().toISOString());
    await graph.close();
    await expect(send(channel, { text: 'three' })).rejects.toMatchObject({ permanent: false });
    expect(graph.senderActions).toEqual([{ to: PSID, action: 'mark_seen' }, { to: PSID, action: 'typing_on' }]);
    expect(graph.saidTo(PSID)).toEqual(['one', 'two']);
  });
});

describe('send errors', () => {
  it('fails for good when the person is unavailable (551), on missing permissions (10, 200) and bad parameters (100), with Meta\'s message and, by its subcode, what it means (unavailable; window closed: write first; blocked; no such person, by Instagram\'s subcodes too)', async () => {
    const { graph, channel } = await sending();
    graph.fail(1, metaError(400, 551, 'This person isn\'t available right now.'));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, message: 'This person isn\'t available right now. (#551)', known: 'unavailable' });
    graph.fail(1, metaError(403, 10, '(#10) This message is sent outside of allowed window.', undefined, 2018278));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, message: '(#10) This message is sent outside of allowed window.', known: 'writeFirst' });
    graph.fail(1, metaError(403, 200, '(#200) The user has not authorized application'));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, known: undefined });
    graph.fail(1, metaError(403, 200, '(#200) This person isn\'t receiving messages from you right now.', undefined, 2018108));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, known: 'blocked' });
    graph.fail(1, metaError(400, 100, '(#100) No matching user found', undefined, 2018001));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, message: '(#100) No matching user found', known: 'noChat' });
    // Instagram's own subcodes for the same: past its window, and no such user.
    graph.fail(1, metaError(400, 10, '(#10) This message is sent outside of allowed window.', undefined, 2534022));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, known: 'writeFirst' });
    graph.fail(1, metaError(400, 100, '(#100) No matching user found', undefined, 2534014));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: true, known: 'noChat' });
  });

  it('waits a minute on rate limits (613, 4, 32), and tries Meta\'s failures and the network again', async () => {
    const { graph, channel } = await sending();
    for (const code of [613, 4, 32]) {
      graph.fail(1, metaError(400, code, `(#${code}) Calls to this api have exceeded the rate limit.`));
      await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: false, retryAfterMs: 60_000 });
    }
    graph.fail(1, metaError(500, 2, 'An unexpected error has occurred. Please retry your request later.'));
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: false, retryAfterMs: undefined });
    graph.fail(1, { status: 503, body: {} });
    await expect(send(channel, { text: 'hello' })).rejects.toMatchObject({ permanent: false, message: 'the Graph API answered HTTP 503' });
    await graph.close();
    const error = await send(channel, { text: 'hello' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ permanent: false, message: expect.stringMatching(/^network error/) });
  });

  it('keeps messages waiting on an expired Page token, and says so once in the log without the token', async () => {
    const { log, lines } = recordingLog();
    const { channel } = await sending({ log, token: 'EAAPage-expired-token' });
    await expect(send(channel, { text: 'one' })).rejects.toMatchObject({ permanent: false, message: expect.stringMatching(/^the Page access token \(MESSENGER_PAGE_TOKEN\) was refused/) });
    await expect(send(channel, { text: 'two' })).rejects.toMatchObject({ permanent: false });
    const said = lines.filter((line) => String(line.msg).includes('access token has expired'));
    expect(said).toHaveLength(1);
    expect(said[0]!.level).toBe(50);
    expect(JSON.stringify(lines)).not.toContain('EAAPage-expired-token');
  });

  it('resumes a split message after the parts already sent when the outbox tries it again', async () => {
    const { graph, channel } = await sending();
    const text = `${'a'.repeat(1990)}\n${'b'.repeat(100)}`;
    graph.fail(1, metaError(500, 1200, 'Temporary send message failure. Please try again later'), 1);
    await expect(channel.send(PSID, { id: 7, text })).rejects.toMatchObject({ permanent: false });
    expect(graph.saidTo(PSID)).toEqual(['a'.repeat(1990)]);
    const id = await channel.send(PSID, { id: 7, text });
    expect(graph.saidTo(PSID)).toEqual(['a'.repeat(1990), 'b'.repeat(100)]);
    expect(id).toBe(graph.sent[1]!.id);
  });
});
