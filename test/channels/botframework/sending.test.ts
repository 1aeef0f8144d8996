// The channel's sends against the fake Bot Connector: proactive to the reference the core kept, rendered for the
// channel (suggested actions, a hero card, a numbered list past its buttons, small pictures inline, lines for what
// cannot travel), and failures judged for the outbox: gone or blocked for good, credentials refused while the
// replies wait for the fix, a throttle waited out.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBotFrameworkChannel } from '../../../src/channels/botframework/index.ts';
import { toSendError } from '../../../src/channels/botframework/errors.ts';
import { ChannelSendError, type Channel, type OutboundMessage } from '../../../src/types.ts';
import { cleanupDirs, hostFor, quietLog, recordingLog } from '../../helpers.ts';
import { APP_ID, APP_PASSWORD, connectorError, FakeBotService } from './fake-bot-service.ts';

const AMIRA = 'webchat:conversation:Dz1FxXAbC1e-us';
const JONAS = 'msteams:6b1e2a3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';

let service: FakeBotService;
let channel: Channel;
let host: ReturnType<typeof hostFor>;
let logged: ReturnType<typeof recordingLog>;

beforeEach(async () => {
  service = await FakeBotService.start();
  logged = recordingLog();
  channel = createBotFrameworkChannel({ appId: APP_ID, password: APP_PASSWORD, loginUrl: service.url, openIdMetadataUrl: service.openIdMetadataUrl, log: logged.log });
  host = hostFor(async () => {});
  host.references.set(AMIRA, { serviceUrl: service.serviceUrl('webchat'), channelId: 'webchat', conversationId: 'Dz1FxXAbC1e-us', botId: 'acme-bot@Z4qg2Y8rX1w', botName: 'Acme Bot', userId: 'dl_5f0a9c2e' });
  host.references.set(JONAS, {
    serviceUrl: service.serviceUrl('teams'), channelId: 'msteams', conversationId: 'a:1convId', conversationType: 'personal', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    botId: '28:9f3c1f5e-3a8b-4c2d-9e7f-1a2b3c4d5e6f', botName: 'Acme Bot', userId: '29:1abcUserId', aadObjectId: '6b1e2a3c-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  });
  await channel.start(host);
});

afterEach(async () => {
  await channel.stop();
  await service.close();
  await cleanupDirs();
});

/** Sends, and resolves to the activity the fake Bot Connector received. */
async function sent(to: string, message: OutboundMessage): Promise<Record<string, any>> {
  await channel.send(to, message);
  return service.sent.at(-1)!.activity;
}

const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('the send should fail'), (error: unknown) => error as ChannelSendError);

describe('rendering', () => {
  it('sends to the conversation the reference names and resolves to the activity id scoped by it', async () => {
    expect(await channel.send(AMIRA, { text: 'شكراً! Thanks' })).toBe('Dz1FxXAbC1e-us:reply-1');
    expect(service.sent[0]).toMatchObject({ service: '/webchat/', conversation: 'Dz1FxXAbC1e-us', token: 'bot-token-0123456789', activity: { text: 'شكراً! Thanks', textFormat: 'plain', recipient: { id: 'dl_5f0a9c2e' } } });
  });

  it('lists in Teams more choices than a hero card shows, numbered, so a typed number picks one', async () => {
    const seven = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((day) => ({ id: day.toLowerCase(), title: day }));
    const activity = await sent(JONAS, { text: 'Which day?', choices: seven });
    expect(activity.text).toBe('Which day?\n\n1. Mon\n2. Tue\n3. Wed\n4. Thu\n5. Fri\n6. Sat\n7. Sun');
    expect(activity.attachments).toBeUndefined();
  });

  it('sends a small picture inline, and lines for what the chat cannot take', async () => {
    const photo = await host.media.put(Buffer.from('\x89PNG\r\n\x1a\n tiny'), { mime: 'image/png', name: 'receipt.png' });
    const big = await host.media.put(Buffer.alloc(200 * 1024, 7), { mime: 'image/jpeg', name: 'scan.jpg' });
    const pdf = await host.media.put(Buffer.from('%PDF-1.7'), { mime: 'application/pdf', name: 'invoice.pdf' });
    const attachments: OutboundMessage['attachments'] = [
      { kind: 'image', ref: photo.ref, mime: 'image/png', name: 'receipt.png' },
      { kind: 'image', ref: big.ref, mime: 'image/jpeg', name: 'scan.jpg' },
      { kind: 'document', ref: pdf.ref, mime: 'application/pdf', name: 'invoice.pdf' },
      { kind: 'location', location: { latitude: 30.0444, longitude: 31.2357, name: 'Cairo office' } },
      { kind: 'contact', contact: { name: 'Support line', phone: '+20 2 1234 5678' } },
      { kind: 'document', name: 'huge.zip', refused: 'the file is larger than 20 MB' },
    ];
    const webchat = await sent(AMIRA, { text: 'Here you go', attachments });
    expect(webchat.attachments).toEqual([
      { contentType: 'image/png', contentUrl: `data:image/png;base64,${Buffer.from('\x89PNG\r\n\x1a\n tiny').toString('base64')}`, name: 'receipt.png' },
      { contentType: 'application/pdf', contentUrl: `data:application/pdf;base64,${Buffer.from('%PDF-1.7').toString('base64')}`, name: 'invoice.pdf' },
    ]);
    expect(webchat.text).toBe([
      'Here you go',
      '[a photo of 200 KB: not sent, the most this chat takes is 128 KB]',
      '[a location: 30.0444, 31.2357 (Cairo office)]',
      '[a contact card: Support line, +20 2 1234 5678]',
      '[a document (huge.zip) that could not be kept: the file is larger than 20 MB]',
    ].join('\n'));
    const teams = await sent(JONAS, { text: 'Here you go', attachments: attachments.slice(0, 3) });
    expect(teams.attachments).toEqual([webchat.attachments[0]]);
    expect(teams.text).toBe('Here you go\n[a photo of 200 KB: not sent, the most this chat takes is 16 KB]\n[a document (invoice.pdf): not sent, Teams takes no files from the bot]');
  });

  it('writes those lines in its reader\'s language: Arabic for a message whose reader reads Arabic', async () => {
    const pdf = await host.media.put(Buffer.from('%PDF-1.7'), { mime: 'application/pdf', name: 'invoice.pdf' });
    const teams = await sent(JONAS, { text: 'تفضل', language: 'ar', attachments: [{ kind: 'document', ref: pdf.ref, mime: 'application/pdf', name: 'invoice.pdf' }] });
    expect(teams.text).toBe('تفضل\n[تعذّر إرسال المستند \u2068invoice.pdf\u2069: لا يقبل \u2068Teams\u2069 ملفات من البوت]');
    const webchat = await sent(AMIRA, { text: 'تفضل', language: 'ar-EG', attachments: [{ kind: 'image', name: 'scan.jpg', refused: 'the file is larger than 20 MB', refusal: { kind: 'tooLarge', limitBytes: 20 * 1024 * 1024 } }] });
    expect(webchat.text).toBe('تفضل\n[تعذّر حفظ صورة: الملف أكبر من 20 ميغابايت]');
  });

  it('names a place and a contact card in its reader\'s language: Arabic for a reader of Arabic, English for the others', async () => {
    const attachments: OutboundMessage['attachments'] = [
      { kind: 'location', location: { latitude: 30.0444, longitude: 31.2357, name: 'Cairo office' } },
      { kind: 'location' },
      { kind: 'contact', contact: { name: 'Support line', phone: '+20 2 1234 5678' } },
      { kind: 'contact', contact: { name: '' } },
    ];
    const arabic = await sent(AMIRA, { text: 'تفضل', language: 'ar', attachments });
    expect(arabic.text).toBe([
      'تفضل',
      '[موقع: \u206830.0444, 31.2357\u2069 (\u2068Cairo office\u2069)]',
      '[موقع بلا إحداثيات]',
      '[بطاقة جهة اتصال: \u2068Support line\u2069، \u2068+20 2 1234 5678\u2069]',
      '[بطاقة جهة اتصال: بلا اسم]',
    ].join('\n'));
    const english = await sent(JONAS, { text: 'Here you go', attachments });
    expect(english.text).toBe('Here you go\n[a location: 30.0444, 31.2357 (Cairo office)]\n[a location without coordinates]\n[a contact card: Support line, +20 2 1234 5678]\n[a contact card: no name]');
  });
});

describe('failures', () => {
  it('fails for good when the person never wrote to the bot', async () => {
    const error = await failure(channel.send('webchat:conversation:stranger', { text: 'Hi' }));
    expect(error).toMatchObject({ name: 'ChannelSendError', permanent: true, message: 'no conversation reference for webchat:conversation:stranger; the person must write to the bot first' });
    expect(service.sent).toEqual([]);
  });

  it('fails for good when the conversation is gone, the person blocked the bot, or the activity is refused', async () => {
    service.fail(
      connectorError(404, 'ConversationNotFound', 'Conversation not found.'),
      connectorError(403, 'ConversationBlockedByUser', 'User blocked the conversation with the bot.'),
      connectorError(400, 'BadSyntax', 'Incorrect conversation creation parameters'),
    );
    expect(await failure(channel.send(JONAS, { text: 'Hi' }))).toMatchObject({ permanent: true, message: 'the conversation no longer exists (HTTP 404): Conversation not found.' });
    expect(await failure(channel.send(JONAS, { text: 'Hi' }))).toMatchObject({ permanent: true, message: 'User blocked the conversation with the bot. (ConversationBlockedByUser)' });
    expect(await failure(channel.send(JONAS, { text: 'Hi' }))).toMatchObject({ permanent: true, message: 'the Bot Connector refused the message (HTTP 400): Incorrect conversation creation parameters' });
  });

  it('tells a text too long from a file too large when Teams refuses a message as too big (413)', async () => {
    const tooBig = () => connectorError(413, 'MessageSizeTooBig', 'Message size too big');
    service.fail(tooBig(), tooBig());
    expect(await failure(channel.send(JONAS, { text: 'x'.repeat(40_000) }))).toMatchObject({ permanent: true, known: 'tooLong' });
    const pdf = await host.media.put(Buffer.from('%PDF-1.7'), { mime: 'application/pdf', name: 'policy.pdf' });
    expect(await failure(channel.send(JONAS, { text: 'The policy', attachments: [{ kind: 'document', ref: pdf.ref, mime: 'application/pdf', name: 'policy.pdf' }] })))
      .toMatchObject({ permanent: true, known: 'fileTooLarge' });
  });

  it('keeps the replies waiting, and says so loudly, when the app\'s credentials are refused', async () => {
    service.fail(connectorError(401, 'Unauthorized', 'Authorization has been denied for this request.'));
    expect(await failure(channel.send(AMIRA, { text: 'Hi' }))).toMatchObject({ permanent: false, message: 'the Bot Connector refused the bot\'s credentials (HTTP 401): Authorization has been denied for this request.' });
    service.refuseTokens();
    // The token from before is still good for a while: a fresh channel asks anew.
    const fresh = createBotFrameworkChannel({ appId: APP_ID, password: 'wrong', loginUrl: service.url, log: logged.log });
    await fresh.start(host);
    expect(await failure(fresh.send(AMIRA, { text: 'Hi' }))).toMatchObject({
      permanent: false,
      message: 'the bot could not sign in to the Bot Framework: Microsoft Entra gave no token: invalid_client: AADSTS7000215: Invalid client secret provided.',
    });
    const loud = logged.lines.filter((line) => line.level === 50).map((line) => line.msg);
    expect(loud).toEqual([
      'Bot Framework: the Bot Connector refused the bot\'s token; the next try asks Microsoft Entra for a new one. If this repeats, check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD and the bot\'s registration',
      'Bot Framework: Microsoft Entra refused the app\'s credentials; check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD (and MICROSOFT_APP_TENANT_ID for a single-tenant app); agents\' replies wait until then (up to 24 hours); the bot\'s are dropped once 15 minutes old and its question asked again at the customer\'s next message',
    ]);
  });

  it('gives up on a Bot Connector that never answers, as a failure that may pass, so the reply is tried again', async () => {
    const silent = createServer(() => {});
    let reached = false;
    const hungUp = new Promise<void>((done) => silent.on('connection', (socket) => {
      reached = true;
      socket.on('close', () => done());
    }));
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const patient = createBotFrameworkChannel({ appId: APP_ID, password: APP_PASSWORD, loginUrl: service.url, openIdMetadataUrl: service.openIdMetadataUrl, log: quietLog, sendTimeoutMs: 300 });
    await patient.start(host);
    host.references.set('webchat:silent', { serviceUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/webchat/`, channelId: 'webchat', conversationId: 'silent-conv', botId: 'acme-bot', userId: 'silent' });
    // On a loaded machine the app's first token may take longer than the 0.3 s itself: that send gives up before it
    // reaches the Bot Connector (its request is made aborted), and the next, with the token had, does reach it.
    for (let tries = 0; !reached && tries < 5; tries++) {
      expect(await failure(patient.send('webchat:silent', { text: 'Hi' }))).toMatchObject({ permanent: false, message: 'the Bot Connector did not answer within 0.3 s' });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(reached).toBe(true);
    // The request given up on is not left open: the bot hangs up.
    await hungUp;
    await patient.stop();
    silent.closeAllConnections();
    await new Promise((done) => silent.close(done));
  });

  it('leaves a throttle to the outbox, with the wait it asks for, and sends nothing behind its back', async () => {
    // botbuilder's pipeline would wait a 429's Retry-After out itself and send again, unseen: past the send's time
    // limit the outbox sends too, and the person gets the message twice; a wait longer than a timer holds it retried
    // at once, three times. Its retry would answer the send here (the fake fails once), so the limit can be long: a
    // short one could run out, on a loaded machine, before the bot has signed in and read the 429.
    const patient = createBotFrameworkChannel({ appId: APP_ID, password: APP_PASSWORD, loginUrl: service.url, openIdMetadataUrl: service.openIdMetadataUrl, log: quietLog, sendTimeoutMs: 10_000 });
    await patient.start(host);
    service.fail(connectorError(429, 'Throttled', 'Too many requests', { 'retry-after': '1' }));
    expect(await failure(patient.send(AMIRA, { text: 'Hi' }))).toMatchObject({ permanent: false, retryAfterMs: 1000, message: 'too many messages (HTTP 429): Too many requests' });
    service.fail(connectorError(429, 'Throttled', 'Too many requests', { 'retry-after': '100000000' }));
    expect(await failure(patient.send(AMIRA, { text: 'Hi' }))).toMatchObject({ permanent: false, retryAfterMs: 100_000_000_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(service.sent).toEqual([]);
    expect(service.attempts).toBe(2);
    // The outbox's own next attempt, once the wait is over, goes through.
    expect(await patient.send(AMIRA, { text: 'Hi' })).toBe('Dz1FxXAbC1e-us:reply-1');
    expect(service.sent).toHaveLength(1);
    await patient.stop();
  });

  it('stops botbuilder\'s own retries when the send\'s time limit passes, so nothing reaches the person behind the outbox\'s back', async () => {
    // The pipeline tries a 5xx again by itself, a second or more later: past the send's limit the outbox has already
    // counted the send as failed and will send again, so that late retry would be a second copy.
    const patient = createBotFrameworkChannel({ appId: APP_ID, password: APP_PASSWORD, loginUrl: service.url, openIdMetadataUrl: service.openIdMetadataUrl, log: quietLog, sendTimeoutMs: 300 });
    await patient.start(host);
    service.fail(connectorError(503, 'ServiceError', 'Service Unavailable'));
    // On a loaded machine the app's first token may take longer than the 0.3 s itself: that send gives up before it
    // reaches the Bot Connector, and the next, with the token had, reaches it and is answered the 503.
    for (let tries = 0; service.attempts === 0 && tries < 5; tries++) {
      expect(await failure(patient.send(AMIRA, { text: 'Hi' }))).toMatchObject({ permanent: false, message: 'the Bot Connector did not answer within 0.3 s' });
    }
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(service.attempts).toBe(1);
    expect(service.sent).toEqual([]);
    // Within the limit the pipeline's retry still carries a passing failure through.
    service.fail(connectorError(503, 'ServiceError', 'Service Unavailable'));
    const quick = createBotFrameworkChannel({ appId: APP_ID, password: APP_PASSWORD, loginUrl: service.url, openIdMetadataUrl: service.openIdMetadataUrl, log: quietLog });
    await quick.start(host);
    expect(await quick.send(AMIRA, { text: 'Hi' })).toBe('Dz1FxXAbC1e-us:reply-1');
    expect(service.attempts).toBe(3);
    expect(service.sent).toHaveLength(1);
    await Promise.all([patient.stop(), quick.stop()]);
  }, 30_000);

  it('judges the Bot Connector\'s last answers: a throttle says how long to wait, its failures and the network may pass', () => {
    const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] });
    const throttled = toSendError(Object.assign(new Error('Too many requests'), { statusCode: 429, response: { headers: headers({ 'retry-after': '30' }) } }), quietLog);
    expect(throttled).toMatchObject({ permanent: false, retryAfterMs: 30_000, message: 'too many messages (HTTP 429): Too many requests' });
    expect(toSendError(Object.assign(new Error('Service Unavailable'), { statusCode: 503 }), quietLog)).toMatchObject({ permanent: false, message: 'the Bot Connector failed (HTTP 503): Service Unavailable' });
    expect(toSendError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }), quietLog)).toMatchObject({ permanent: false, message: 'the Bot Connector could not be reached: connect ECONNREFUSED 127.0.0.1:9' });
  });
});
