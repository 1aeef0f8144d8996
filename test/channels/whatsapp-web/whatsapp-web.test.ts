// The WhatsApp Web channel end to end: the real server and runtime (startSwitchboard with WHATSAPP_WEB=1) over a fake
// client, so no browser runs. Linking by QR code behind ADMIN_TOKEN, customers answered, numbered choices, files both
// ways, the phone owner taking a conversation over, acknowledgements, reconnects, logout, a ready that never comes,
// and a Chromium that does not start.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { afterEach, describe, expect, it } from 'vitest';
import { startSwitchboard, type Switchboard } from '../../../src/server/switchboard.ts';
import type { Health } from '../../../src/server/app.ts';
import { readConfig, type Config } from '../../../src/server/config.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { cleanupDirs, dataDirWith, eventually, quietLog, recordingLog, visitor } from '../../helpers.ts';
import { FakeWhatsApp, OWN, incoming, typedOnPhone } from './fake-client.ts';
import { signIn } from '../../server/admin/client.ts';

const ADMIN = 'admin-token-0123456789';
const LAYLA = '15551234567@c.us';
const OMAR = '15550009001@c.us';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Hi {{contact.name | there}}!"
  - ask: "Which team?"
    expect: choice
    choices:
      - { id: billing, title: Billing }
      - { id: sales, title: Sales }
    save: conversation.topic
  - say: "Noted."
  - assign: { team: Billing }
    queued: "Please wait for an agent."
`;

const team = `
teams:
  - name: Billing
agents:
  - name: Omar
    whatsapp: "+1 555 000 9001"
    teams: [Billing]
    max_open: 3
`;

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of running.splice(0).reverse()) await item.stop();
  await cleanupDirs();
});

interface SetUp {
  app: Switchboard;
  whatsapp: FakeWhatsApp;
  shownQrs: string[];
  dir: string;
}

async function setUp(options: { config?: Partial<Config>; log?: Logger; readyTimeoutMs?: number; retryMs?: number; sendTimeoutMs?: number; outboxDelaysMs?: number[]; whatsapp?: FakeWhatsApp; dir?: string; catchUpMaxChats?: number; catchUpMaxMessages?: number } = {}): Promise<SetUp> {
  const whatsapp = options.whatsapp ?? new FakeWhatsApp();
  const shownQrs: string[] = [];
  const dir = options.dir ?? (await dataDirWith({ 'inbound.yaml': flow }));
  if (options.dir === undefined) await writeFile(join(dir, 'team.yaml'), team);
  const app = await startSwitchboard({
    config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, WHATSAPP_WEB: '1', ADMIN_TOKEN: ADMIN, ...options.config },
    log: options.log ?? quietLog,
    watch: false,
    sweepEveryMs: 0,
    ...(options.outboxDelaysMs ? { outbox: { retryDelaysMs: options.outboxDelaysMs } } : {}),
    whatsappWeb: {
      createClient: whatsapp.create,
      retryMs: options.retryMs ?? 30,
      maxRetryMs: (options.retryMs ?? 30) * 4,
      readyTimeoutMs: options.readyTimeoutMs ?? 10_000,
      deliverRetryMs: 10,
      ...(options.sendTimeoutMs !== undefined ? { sendTimeoutMs: options.sendTimeoutMs } : {}),
      ...(options.catchUpMaxChats !== undefined ? { catchUpMaxChats: options.catchUpMaxChats } : {}),
      ...(options.catchUpMaxMessages !== undefined ? { catchUpMaxMessages: options.catchUpMaxMessages } : {}),
      showQr: (qr) => shownQrs.push(qr),
      root: false,
    },
  });
  running.push(app);
  return { app, whatsapp, shownQrs, dir };
}

async function health(app: Switchboard): Promise<{ status: number; body: Health & { channels?: Record<string, { up: boolean; state: string; reason?: string; catchUp?: { state: string } }> } }> {
  const res = await fetch(`${app.url}/healthz`);
  return { status: res.status, body: (await res.json()) as never };
}

async function whatsappHealth(app: Switchboard) {
  return (await health(app)).body.channels?.['whatsapp-web'];
}

async function qrState(app: Switchboard, auth: string | null = `Bearer ${ADMIN}`, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${app.url}/whatsapp/qr`, { headers: { accept: 'application/json', ...(auth ? { authorization: auth } : {}), ...headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls an async `check` until it holds. */
async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const svgOf = (qr: string) => QRCode.toString(qr, { type: 'svg', margin: 2, errorCorrectionLevel: 'L' });

/** Starts, links by QR code and waits until the channel is up. */
async function linked(options: Parameters<typeof setUp>[0] = {}): Promise<SetUp> {
  const set = await setUp(options);
  await eventually(() => set.whatsapp.clients[0]?.initialized === true);
  set.whatsapp.current.emit('qr', '2@first-qr');
  set.whatsapp.current.link();
  await eventually(() => set.whatsapp.current.initialized);
  expect((await whatsappHealth(set.app))?.up).toBe(true);
  return set;
}

describe('WhatsApp Web channel', () => {
  it('shows the QR code behind ADMIN_TOKEN, follows its rotation, then answers a customer once ready, a typed "2" counting as the choice', async () => {
    const { app, whatsapp, shownQrs } = await setUp();
    await eventually(() => whatsapp.clients[0]?.initialized === true);
    const client = whatsapp.current;
    // Debian's Chromium, quiet on a closed network, the session kept under DATA_DIR.
    expect(client.settings.chromiumPath).toBe('/usr/bin/chromium');
    expect(client.settings.browserArgs).toEqual(expect.arrayContaining(['--disable-background-networking', '--disable-quic', '--disable-sync']));
    expect(client.settings.browserArgs).not.toContain('--no-sandbox');
    expect(client.settings.dataPath.endsWith(join('', 'whatsapp-web'))).toBe(true);

    client.emit('qr', '2@first-qr');
    expect(shownQrs).toEqual(['2@first-qr']);
    expect(await whatsappHealth(app)).toMatchObject({ up: false, state: 'waiting-for-scan', reason: expect.stringContaining('/whatsapp/qr') });
    // A monitor watching status codes notices: 503, degraded, with the reason.
    expect(await health(app)).toMatchObject({ status: 503, body: { status: 'degraded', reasons: [expect.stringMatching(/^whatsapp-web is down: .*\/whatsapp\/qr/)] } });

    // The page: no token or a wrong one is refused; the right one (header or ?token=) sees the code.
    expect((await qrState(app, null)).status).toBe(401);
    expect((await qrState(app, 'Bearer wrong-token')).status).toBe(401);
    const first = await qrState(app);
    expect(first).toMatchObject({ status: 200, body: { state: 'waiting-for-scan', up: false, qrSvg: await svgOf('2@first-qr') } });
    // An admin signed in to the dashboard sees it with the sign-in cookie alone; not once signed out.
    const { cookie } = await signIn(app.url, ADMIN);
    expect(await qrState(app, null, { cookie: cookie! })).toMatchObject({ status: 200, body: { qrSvg: await svgOf('2@first-qr') } });
    expect((await qrState(app, null, { cookie: `sb_admin=${String(Math.floor(Date.now() / 1000))}.forged` })).status).toBe(401);
    const out = await fetch(`${app.url}/api/logout`, { method: 'POST', headers: { cookie: cookie!, 'x-requested-with': 'switchboard' } });
    expect(out.status).toBe(200);
    expect((await qrState(app, null, { cookie: cookie! })).status).toBe(401);
    const page = await fetch(`${app.url}/whatsapp/qr?token=${ADMIN}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Link WhatsApp');
    expect(html).toContain(await svgOf('2@first-qr'));

    // WhatsApp rotates the code: the page follows.
    client.emit('qr', '2@second-qr');
    expect((await qrState(app)).body.qrSvg).toBe(await svgOf('2@second-qr'));

    client.emit('authenticated');
    expect(await whatsappHealth(app)).toMatchObject({ up: false, state: 'authenticating' });
    client.emit('ready');
    expect(await whatsappHealth(app)).toEqual({ up: true, state: 'ready' });
    expect((await qrState(app)).body).toMatchObject({ state: 'ready', up: true });
    expect((await qrState(app)).body.qrSvg).toBeUndefined();

    client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales']);

    client.emit('message', incoming(LAYLA, '2'));
    await eventually(() => whatsapp.textsTo(LAYLA).includes('Please wait for an agent.'));
    expect(whatsapp.textsTo(LAYLA).slice(2)).toEqual(['Noted.', 'Please wait for an agent.']);
    const stored = await app.store.messagesOfAddress('whatsapp-web', '15551234567');
    expect(stored.find((message) => message.direction === 'in' && message.text === '2')?.choice).toBe('sales');
    const [conversation] = await app.store.conversations();
    expect(conversation).toMatchObject({ stage: 'queued', team: 'Billing', fields: { topic: expect.stringMatching(/sales/i) } });
    // The bot's own sends came back as message_create while sendMessage ran: none was taken for the phone owner's.
    expect(conversation?.takenOver).toBeUndefined();
  });

  it('ignores groups, status updates, newsletters and broadcast lists, and a message delivered twice', async () => {
    const { app, whatsapp } = await linked();
    const client = whatsapp.current;
    client.emit('message', incoming('120363000000000001@g.us', 'hello group', { author: LAYLA }));
    client.emit('message', incoming('status@broadcast', 'my status', { author: LAYLA, isStatus: true }));
    client.emit('message', incoming('120363000000000002@newsletter', 'news'));
    client.emit('message', incoming('1700000000@broadcast', 'broadcast list'));
    client.emit('message', incoming(LAYLA, 'to many', { broadcast: true }));
    const hello = incoming(LAYLA, 'Hello');
    client.emit('message', hello);
    client.emit('message', { ...hello });
    await eventually(() => whatsapp.textsTo(LAYLA).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(whatsapp.sent.map((sent) => sent.chatId)).toEqual([LAYLA, LAYLA]);
    const inbound = (await app.store.messagesOfAddress('whatsapp-web', '15551234567')).filter((message) => message.direction === 'in');
    expect(inbound.map((message) => message.text)).toEqual(['Hello']);
    expect(inbound[0]?.channelMessageId).toBe(hello.id);
    expect(await app.store.conversations()).toHaveLength(1);
  });

  it('marks a customer\'s forwarded message as forwarded for the agent, so another\'s words are not read as the customer\'s', async () => {
    const { app, whatsapp } = await linked();
    const client = whatsapp.current;
    client.emit('message', incoming(OMAR, '/online'));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => /online/i.test(text)));
    client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);
    client.emit('message', incoming(LAYLA, 'Billing'));
    await until(async () => (await app.store.conversations())[0]?.agentId !== undefined);
    client.emit('message', incoming(LAYLA, 'Your parcel is held at customs: pay 3.20 EUR', { forwarded: true }));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('held at customs')));
    expect(whatsapp.textsTo(OMAR).find((text) => text.includes('held at customs'))).toBe('#1 Layla, forwarded: Your parcel is held at customs: pay 3.20 EUR');
  });

  it('marks an agent\'s forwarded message as forwarded for the customer, in WhatsApp\'s italics', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    client.emit('message', incoming(OMAR, 'Parcel 4521 left our warehouse today.', { forwarded: true }));
    await eventually(() => whatsapp.textsTo(LAYLA).some((text) => text.includes('Parcel 4521')));
    expect(whatsapp.textsTo(LAYLA).find((text) => text.includes('Parcel 4521'))).toBe('_Forwarded message:_\nParcel 4521 left our warehouse today.');
  });

  it('keeps an agent\'s markup for a customer on WhatsApp, and gives a web chat customer the words without the markers', async () => {
    const { app, whatsapp, client } = await omarHoldsLayla();
    const sam = visitor(app.url, 'sam-styled', 'Sam');
    await sam.say('Hello');
    await eventually(async () => (await sam.botTexts()).includes('Which team?'));
    await sam.press('billing');
    await until(async () => (await app.store.conversation(2))?.agentId !== undefined);
    const written = '*Your refund* is _approved_ ✅: ```R-42```, not ~R-24~. 5 * 3 = 15 EUR, from refunds_team@acme.example';
    client.emit('message', incoming(OMAR, `#1 ${written}`));
    client.emit('message', incoming(OMAR, `#2 ${written}`));
    await eventually(() => whatsapp.textsTo(LAYLA).some((text) => text.includes('R-42')));
    expect(whatsapp.textsTo(LAYLA).find((text) => text.includes('R-42'))).toBe(written);
    await eventually(async () => (await sam.messages()).some((message) => message.from === 'agent'));
    expect((await sam.messages()).filter((message) => message.from === 'agent').map((message) => message.text))
      .toEqual(['Your refund is approved ✅: R-42, not R-24. 5 * 3 = 15 EUR, from refunds_team@acme.example']);
  });

  it('keeps a customer\'s photo, relays an agent\'s document as a file, and records acknowledgements', async () => {
    const { app, whatsapp } = await linked({ config: { MAX_ATTACHMENT_MB: 1 } });
    const client = whatsapp.current;
    client.emit('message', incoming(OMAR, '/online'));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => /online/i.test(text)));

    client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);
    client.emit('message', incoming(LAYLA, 'Billing'));
    await until(async () => (await app.store.conversations())[0]?.agentId !== undefined);

    // Layla's photo: downloaded into the media store, relayed to Omar as an image.
    const photo = Buffer.from('\xff\xd8\xff fake jpeg bytes', 'latin1');
    const image = incoming(LAYLA, 'my receipt', { type: 'image', hasMedia: true, media: { size: photo.byteLength, mimetype: 'image/jpeg' } });
    whatsapp.files.set(image.id, { data: photo.toString('base64'), mimetype: 'image/jpeg' });
    client.emit('message', image);
    await eventually(() => whatsapp.sent.some((sent) => sent.chatId === OMAR && sent.content.kind === 'media'));
    const stored = (await app.store.messagesOfAddress('whatsapp-web', '15551234567')).find((message) => message.channelMessageId === image.id);
    expect(stored).toMatchObject({ text: 'my receipt', attachments: [{ kind: 'image', mime: 'image/jpeg', size: photo.byteLength, caption: 'my receipt' }] });
    const relayed = whatsapp.sent.find((sent) => sent.chatId === OMAR && sent.content.kind === 'media')!.content;
    expect(relayed).toMatchObject({ kind: 'media', mimetype: 'image/jpeg', data: photo.toString('base64') });
    expect(relayed.kind === 'media' && relayed.asDocument).toBeFalsy();

    // A photo over MAX_ATTACHMENT_MB is not downloaded: the message arrives with the reason, and Layla is told.
    const huge = incoming(LAYLA, '', { type: 'image', hasMedia: true, media: { size: 5 * 1024 * 1024, mimetype: 'image/jpeg' } });
    client.emit('message', huge);
    await eventually(() => whatsapp.textsTo(LAYLA).some((text) => /could not be received/.test(text)));
    const refused = (await app.store.messagesOfAddress('whatsapp-web', '15551234567')).find((message) => message.channelMessageId === huge.id);
    expect(refused?.attachments?.[0]).toMatchObject({ kind: 'image', refused: 'the file is larger than 1 MB' });

    // Omar's document reaches Layla as a document, with its name.
    const pdf = Buffer.from('%PDF-1.4 invoice');
    const document = incoming(OMAR, 'Your invoice', { type: 'document', hasMedia: true, media: { mimetype: 'application/pdf', filename: 'invoice.pdf', size: pdf.byteLength } });
    whatsapp.files.set(document.id, { data: pdf.toString('base64'), mimetype: 'application/pdf', filename: 'invoice.pdf' });
    client.emit('message', document);
    await eventually(() => whatsapp.sent.some((sent) => sent.chatId === LAYLA && sent.content.kind === 'media'));
    const sentDocument = whatsapp.sent.find((sent) => sent.chatId === LAYLA && sent.content.kind === 'media')!;
    expect(sentDocument.content).toEqual({
      kind: 'media', mimetype: 'application/pdf', filename: 'invoice.pdf', asDocument: true, data: pdf.toString('base64'), caption: expect.stringContaining('Your invoice'),
    });

    // WhatsApp acknowledges it: delivered, then read.
    await until(async () => (await app.store.messageByChannelId('whatsapp-web', sentDocument.id))?.status === 'sent');
    client.emit('message_ack', { ...typedOnPhone(LAYLA, ''), id: sentDocument.id }, 2);
    await until(async () => (await app.store.messageByChannelId('whatsapp-web', sentDocument.id))?.delivery === 'delivered');
    client.emit('message_ack', { ...typedOnPhone(LAYLA, ''), id: sentDocument.id }, 3);
    await until(async () => (await app.store.messageByChannelId('whatsapp-web', sentDocument.id))?.delivery === 'read');
  });

  it('lets the business take a conversation over by writing from the phone: the bot stands back', async () => {
    const { app, whatsapp } = await linked();
    const client = whatsapp.current;
    client.emit('message', incoming(LAYLA, 'Hello'));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);

    const typed = typedOnPhone(LAYLA, 'Hi Layla, Sam here. Let me check.');
    client.emit('message_create', typed);
    await until(async () => (await app.store.conversations())[0]?.takenOver !== undefined);
    const [conversation] = await app.store.conversations();
    expect(conversation).toMatchObject({ stage: 'assigned', takenOver: { channel: 'whatsapp-web' } });
    const echoed = await app.store.messageByChannelId('whatsapp-web', typed.id);
    expect(echoed).toMatchObject({ direction: 'out', from: 'agent', text: typed.body });

    // Layla's next message is kept, not answered by the bot; nothing is sent back into her chat.
    const before = whatsapp.sent.length;
    client.emit('message', incoming(LAYLA, '2'));
    await until(async () => (await app.store.messagesOfAddress('whatsapp-web', '15551234567')).some((message) => message.text === '2'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(whatsapp.sent.length).toBe(before);
  });

  it('rebuilds a disconnected client with growing pauses, waits for a new scan after a logout, and reports a ready that never comes', async () => {
    const { log, lines } = recordingLog();
    // Pauses long enough that /healthz is read within the first even on a loaded machine (30 ms was not, in CI).
    const { app, whatsapp } = await linked({ log, readyTimeoutMs: 150, retryMs: 400 });
    const first = whatsapp.current;

    first.emit('disconnected', 'CONFLICT');
    expect(await whatsappHealth(app)).toMatchObject({ up: false, state: 'reconnecting', reason: expect.stringContaining('disconnected (CONFLICT)') });
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.clients[1]!.initialized);
    expect(first.destroyed).toBe(true);
    // A send meanwhile fails for now, not for good.
    whatsapp.clients[1]!.emit('disconnected', 'TIMEOUT');
    await eventually(() => whatsapp.clients.length === 3);
    const pauses = lines.filter((line) => line.msg === 'WhatsApp Web was disconnected; starting a new client').map((line) => line.retryInMs);
    expect(pauses).toEqual([400, 800]);
    // Old clients' events change nothing.
    first.emit('ready');
    expect((await whatsappHealth(app))?.up).toBe(false);

    whatsapp.current.emit('qr', '2@again');
    whatsapp.current.link();
    expect(await whatsappHealth(app)).toEqual({ up: true, state: 'ready' });

    // Logged out from the phone: the same client shows a new QR code; no rebuild.
    whatsapp.current.emit('disconnected', 'LOGOUT');
    expect(await whatsappHealth(app)).toMatchObject({ up: false, state: 'logged-out', reason: expect.stringContaining('scan a new QR code') });
    expect(lines.some((line) => line.level === 40 && /logged out/.test(String(line.msg)))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(whatsapp.clients).toHaveLength(3);
    whatsapp.current.emit('qr', '2@after-logout');
    expect((await qrState(app)).body).toMatchObject({ state: 'waiting-for-scan', qrSvg: await svgOf('2@after-logout') });

    // Linked, but ready never comes: reported, and a new client is made.
    whatsapp.current.emit('authenticated');
    await eventually(() => lines.some((line) => /not ready/.test(String(line.msg))));
    expect(lines.find((line) => /not ready/.test(String(line.msg)))).toMatchObject({ level: 50 });
    expect((await whatsappHealth(app))?.reason).toMatch(/linked, but not ready/);
    await eventually(() => whatsapp.clients.length === 4);
  });

  it('answers a customer whose first reply WhatsApp Web never finished sending, once each: sent again when it did not go out, not again when it did', async () => {
    const { app, whatsapp } = await linked({ sendTimeoutMs: 300 });
    const client = whatsapp.current;
    const send = client.sendMessage.bind(client);
    // The page stops answering: the first send never settles, and nothing went out.
    let hangs = 1;
    client.sendMessage = (chatId, content, quoted) => (hangs-- > 0 ? new Promise(() => undefined) : send(chatId, content, quoted));
    client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2, 15_000);
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales']);

    // Now it goes out (WhatsApp Web reports it) but the send's promise never settles: it is not sent twice.
    const SAM = '15552223333@c.us';
    client.sendMessage = (chatId, content, quoted) => {
      client.sendMessage = send;
      void send(chatId, content, quoted);
      return new Promise(() => undefined);
    };
    client.emit('message', incoming(SAM, 'Hello', { notifyName: 'Sam' }));
    await eventually(() => whatsapp.textsTo(SAM).length >= 2, 15_000);
    await until(async () => (await app.store.messagesOfAddress('whatsapp-web', '15552223333')).every((message) => message.direction === 'in' || message.status === 'sent'));
    expect(whatsapp.textsTo(SAM)).toEqual(['Hi Sam!', 'Which team?\n\n1. Billing\n2. Sales']);
    // Its late report was known for the bot's own send, not taken for the phone's owner writing.
    expect((await app.store.conversations()).map((conversation) => conversation.takenOver)).toEqual([undefined, undefined]);
  });

  it('replaces a client whose page stopped answering while it still looked ready, and answers the customer through the new one', async () => {
    const { log, lines } = recordingLog();
    const { app, whatsapp } = await linked({ log, sendTimeoutMs: 300, retryMs: 400 });
    const stuck = whatsapp.current;
    // WhatsApp Web's page hangs: sends never settle, and it cannot tell its state either.
    stuck.sendMessage = () => new Promise(() => undefined);
    stuck.getState = () => Promise.reject(new Error('Runtime.callFunctionOn timed out'));
    stuck.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    // The admin sees why, and that a new client is on its way.
    await until(async () => /WhatsApp Web stopped answering/.test((await whatsappHealth(app))?.reason ?? ''), 10_000);
    expect((await whatsappHealth(app))?.up).toBe(false);
    expect(lines.some((line) => line.level === 40 && /left a send unanswered/.test(String(line.msg)))).toBe(true);
    expect(stuck.destroyed).toBe(true);
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.current.initialized);
    whatsapp.current.link();
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2, 15_000);
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales']);
  });

  it('sends the replies that waited for WhatsApp Web as soon as it is ready again, not at their next try', async () => {
    // The outbox's next try after the second is a minute away: far beyond this test's waits.
    const { log, lines } = recordingLog();
    const { whatsapp } = await linked({ log, retryMs: 50, outboxDelaysMs: [50, 60_000] });
    whatsapp.current.emit('disconnected', 'NAVIGATION');
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.current.initialized);
    const client = whatsapp.current;
    // WhatsApp Web hands over what came meanwhile before it is ready: the bot's answers cannot go out yet.
    client.emit('authenticated');
    client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    // Tried twice: the next try is the one a minute away.
    await eventually(() => lines.some((line) => line.msg === 'send failed, trying again' && line.attempt === 2));
    expect(whatsapp.textsTo(LAYLA)).toEqual([]);
    client.emit('ready');
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2, 15_000);
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales']);
  });

  it('does not send a reply twice when the connection dropped as it went out: WhatsApp Web had reported it', async () => {
    const { app, whatsapp } = await linked();
    const first = whatsapp.current;
    const send = first.sendMessage.bind(first);
    // The message goes out (WhatsApp Web reports it), then the page goes away under the send, as on a disconnect.
    first.sendMessage = async (chatId, content, quoted) => {
      first.sendMessage = send;
      void send(chatId, content, quoted);
      first.emit('disconnected', 'NAVIGATION');
      throw new Error('Protocol error (Runtime.callFunctionOn): Target closed.');
    };
    first.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.current.initialized);
    whatsapp.current.link();
    await eventually(() => whatsapp.textsTo(LAYLA).length >= 2, 15_000);
    await until(async () => (await app.store.messagesOfAddress('whatsapp-web', '15551234567')).every((message) => message.direction === 'in' || message.status === 'sent'), 15_000);
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales']);
  });

  it('keeps serving the web chat when Chromium cannot start, says so in the log and in /healthz, and tries again', async () => {
    const { log, lines } = recordingLog();
    const whatsapp = new FakeWhatsApp();
    whatsapp.initializeError = new Error('Failed to launch the browser process! spawn /usr/bin/chromium ENOENT');
    const { app } = await setUp({ log, whatsapp });

    await eventually(() => lines.some((line) => /could not start/.test(String(line.msg))));
    const line = lines.find((entry) => /could not start/.test(String(entry.msg)))!;
    expect(line).toMatchObject({ level: 50, channel: 'whatsapp-web' });
    expect(line.msg).toMatch(/spawn \/usr\/bin\/chromium ENOENT.*CHROMIUM_PATH \(\/usr\/bin\/chromium\)/);
    const reported = await health(app);
    expect(reported.status).toBe(503);
    expect(reported.body).toMatchObject({ status: 'degraded' });
    expect(reported.body.channels?.['whatsapp-web']).toMatchObject({ up: false, reason: expect.stringContaining('could not start') });

    const layla = visitor(app.url, 'visitor-layla', 'Layla');
    expect((await layla.say('Hello')).status).toBe(202);
    await until(async () => (await layla.botTexts()).includes('Which team?'));

    // Chromium appears: the next try links.
    whatsapp.initializeError = undefined;
    await eventually(() => whatsapp.clients.some((client) => client.initialized));
    expect(whatsapp.clients.length).toBeGreaterThan(1);
  });

  it('reads WHATSAPP_PAIRING_NUMBER in any usual writing, and names it when it is not a number', () => {
    expect(readConfig({ WHATSAPP_PAIRING_NUMBER: '+1 (555) 000-1234' }).WHATSAPP_PAIRING_NUMBER).toBe('15550001234');
    expect(() => readConfig({ WHATSAPP_PAIRING_NUMBER: 'my phone' })).toThrow(/WHATSAPP_PAIRING_NUMBER="my phone": must be the WhatsApp number to link/);
  });

  it('shows a pairing code for WHATSAPP_PAIRING_NUMBER, and keeps the QR page off without ADMIN_TOKEN', async () => {
    const { log, lines } = recordingLog();
    const { app, whatsapp } = await setUp({ log, config: { WHATSAPP_PAIRING_NUMBER: '15550001234' } });
    await eventually(() => whatsapp.clients[0]?.initialized === true);
    whatsapp.current.emit('qr', '2@qr');
    await eventually(() => whatsapp.current.pairingRequests.length === 1);
    expect(whatsapp.current.pairingRequests).toEqual(['15550001234']);
    await eventually(() => lines.some((line) => line.pairingCode === 'ABCD1234'));
    expect((await qrState(app)).body).toMatchObject({ pairingCode: 'ABCD1234', reason: expect.stringContaining('ABCD1234') });

    const { app: closed } = await setUp({ config: { ADMIN_TOKEN: undefined } });
    const res = await fetch(`${closed.url}/whatsapp/qr?token=anything`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/set ADMIN_TOKEN/);
  });
});

/** Omar online and Layla's conversation his. */
async function omarHoldsLayla() {
  const set = await linked();
  const client = set.whatsapp.current;
  client.emit('message', incoming(OMAR, '/online'));
  await eventually(() => set.whatsapp.textsTo(OMAR).some((text) => /online/i.test(text)));
  client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
  await eventually(() => set.whatsapp.textsTo(LAYLA).length === 2);
  client.emit('message', incoming(LAYLA, 'Billing'));
  await until(async () => (await set.app.store.conversations())[0]?.agentId !== undefined);
  // Omar's card and Layla's "Omar has joined the conversation." leave by the outbox after that, apart from each
  // other: what each test counts of their messages starts after them.
  await eventually(() => set.whatsapp.textsTo(OMAR).some((text) => text.startsWith('#1 ')) && set.whatsapp.textsTo(LAYLA).some((text) => text.includes('has joined the conversation')));
  return { ...set, client };
}

describe('WhatsApp Web channel: deletions for everyone', () => {
  it('tells the agent that the customer still has the message he deleted, and tells him what the customer deleted', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    const wrong = incoming(OMAR, 'Your refund of 50 EUR was approved.');
    client.emit('message', wrong);
    await eventually(() => whatsapp.textsTo(LAYLA).includes('Your refund of 50 EUR was approved.'));
    const toLayla = whatsapp.textsTo(LAYLA).length;
    const toOmar = whatsapp.textsTo(OMAR).length;

    // WhatsApp Web reports the message as it is now: revoked, under the same id.
    client.emit('message_revoke_everyone', { ...wrong, type: 'revoked', body: '' });
    await eventually(() => whatsapp.textsTo(OMAR).length > toOmar);
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual([
      '#1: Layla still has the message you deleted ("Your refund of 50 EUR was approved."): a message that reached a customer cannot be taken back. If it was wrong, tell them so.',
    ]);

    const cancel = incoming(LAYLA, 'Please cancel order 4521');
    client.emit('message', cancel);
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.endsWith('Please cancel order 4521')));
    client.emit('message_revoke_everyone', { ...cancel, type: 'revoked', body: '' });
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('deleted a message')));
    expect(whatsapp.textsTo(OMAR).at(-1)).toBe('#1 Layla deleted a message: "Please cancel order 4521"');
    expect(whatsapp.textsTo(LAYLA).slice(toLayla)).toEqual([]);
  });
});

describe('WhatsApp Web channel: reactions', () => {
  it('tells the agent whom his 👍 did not reach, and shows him the customer\'s reaction with the words it answers', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    client.emit('message', incoming(LAYLA, 'Thanks, the refund arrived!'));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.endsWith('Thanks, the refund arrived!')));
    const relay = whatsapp.sent.find((sent) => sent.chatId === OMAR && sent.content.kind === 'text' && sent.content.text.endsWith('Thanks, the refund arrived!'))!;
    const toLayla = whatsapp.textsTo(LAYLA).length;
    const toOmar = whatsapp.textsTo(OMAR).length;

    // whatsapp-web.js's message_reaction, as the channel's client gives it: from whoever reacted, naming the message.
    const reaction = (from: string, to: string, emoji: string, id: string) => ({ id, from, to: OWN, fromMe: false, type: 'reaction', body: '', hasMedia: false, reaction: { emoji, to } });
    client.emit('message_reaction', reaction(OMAR, relay.id, '👍', `false_${OMAR}_REACT1`));
    await eventually(() => whatsapp.textsTo(OMAR).length > toOmar);
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual(['#1: your reaction 👍 did not reach Layla: reactions are not passed on to their chat. Write it to them instead.']);

    const answer = incoming(OMAR, 'Glad to hear it!');
    client.emit('message', answer);
    await eventually(() => whatsapp.textsTo(LAYLA).includes('Glad to hear it!'));
    const copy = whatsapp.sent.find((sent) => sent.chatId === LAYLA && sent.content.kind === 'text' && sent.content.text === 'Glad to hear it!')!;
    client.emit('message_reaction', reaction(LAYLA, copy.id, '❤️', `false_${LAYLA}_REACT2`));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('reacted')));
    expect(whatsapp.textsTo(OMAR).at(-1)).toBe('#1 Layla reacted ❤️ to "Glad to hear it!"');
    expect(whatsapp.textsTo(LAYLA).slice(toLayla)).toEqual(['Glad to hear it!']);
  });
});

describe('WhatsApp Web channel: reactions in groups', () => {
  it('takes neither a customer\'s nor an agent\'s reaction in a group for one in their chat with the business', async () => {
    const { app, whatsapp, client } = await omarHoldsLayla();
    const toLayla = whatsapp.textsTo(LAYLA).length;
    const toOmar = whatsapp.textsTo(OMAR).length;
    const stored = (await app.store.messagesOfAddress('whatsapp-web', '15551234567')).length;
    // whatsapp-web.js's message_reaction in a group: from whoever reacted, in the group's chat (the reaction's id.remote).
    const GROUP = '120363000000000001@g.us';
    const inGroup = (from: string, emoji: string, n: number) => ({
      id: `false_${GROUP}_GR${n}_${from}`, from, to: GROUP, fromMe: false, type: 'reaction', body: '', hasMedia: false, reaction: { emoji, to: `false_${GROUP}_PARTY_${from}` },
    });
    client.emit('message_reaction', inGroup(LAYLA, '😂', 1));
    client.emit('message_reaction', inGroup(OMAR, '👍', 2));
    // A message after each, from the same person, shows it was handled (a sender's messages go in order).
    client.emit('message', incoming(LAYLA, 'Any news?'));
    client.emit('message', incoming(OMAR, 'Checking now.'));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.endsWith('Any news?')) && whatsapp.textsTo(LAYLA).includes('Checking now.'));
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual(['#1 Layla: Any news?']);
    expect(whatsapp.textsTo(LAYLA).slice(toLayla)).toEqual(['Checking now.']);
    expect((await app.store.messagesOfAddress('whatsapp-web', '15551234567')).slice(stored).map((message) => message.text).sort()).toEqual(['Any news?', 'Checking now.']);
  });
});

describe('WhatsApp Web channel: edits', () => {
  it('tells the agent once what a customer corrected, and takes neither a message being filled in nor the business\'s own edit for one', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    const order = incoming(LAYLA, 'My order is A-1243');
    client.emit('message', order);
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('My order is A-1243')));
    const toOmar = whatsapp.textsTo(OMAR).length;

    // WhatsApp Web reports the edit as a change of the message's text, and may report it twice.
    const edited = { ...order, body: 'My order is A-1234', editedAt: Date.now() };
    client.emit('message_edit', edited, 'My order is A-1234', 'My order is A-1243');
    client.emit('message_edit', { ...edited }, 'My order is A-1234', 'My order is A-1243');
    // A message just decrypted changes from no text, and the business's own message is not the customer's.
    const late = incoming(LAYLA, 'Are you there?');
    client.emit('message', late);
    client.emit('message_edit', late, 'Are you there?', '');
    const ours = typedOnPhone(LAYLA, 'fixed typo', { editedAt: Date.now() });
    client.emit('message_edit', ours, 'fixed typo', 'fixd typo');
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('Are you there?')));
    await new Promise((resolve) => setTimeout(resolve, 100));

    const told = whatsapp.textsTo(OMAR).slice(toOmar).filter((text) => text.includes('edited a message'));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^#1 .*edited a message: My order is A-1234 \(was "My order is A-1243"\)$/);
    expect(whatsapp.textsTo(OMAR).slice(toOmar).filter((text) => text.includes('Are you there?'))).toHaveLength(1);
  });

  it('answers the customer\'s message the agent quoted (their Reply on its relay) as a WhatsApp reply to it', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    const question = incoming(LAYLA, 'When will my refund arrive?');
    client.emit('message', question);
    client.emit('message', incoming(LAYLA, 'Can I change my address?'));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('Can I change my address?')));
    const relay = whatsapp.sent.find((sent) => sent.chatId === OMAR && sent.content.kind === 'text' && sent.content.text.endsWith('When will my refund arrive?'))!;

    // WhatsApp Web names the quoted message by its id within the chat and its author: here the bot's own number.
    const stanzaId = relay.id.split('_').at(-1)!;
    client.emit('message', incoming(OMAR, 'It left our bank yesterday.', { quoted: { stanzaId, participant: OWN } }));
    await eventually(() => whatsapp.textsTo(LAYLA).some((text) => text.includes('It left our bank yesterday.')));
    // Her app shows her own question quoted above the answer, and nothing else is added to it.
    expect(whatsapp.sent.at(-1)).toMatchObject({ chatId: LAYLA, content: { kind: 'text', text: 'It left our bank yesterday.' }, quoted: question.id });
  });

  it('shows the agent which line of the bot\'s numbered list a customer\'s "2" quoting it picked', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    const list = whatsapp.sent.find((sent) => sent.chatId === LAYLA && sent.content.kind === 'text' && sent.content.text.startsWith('Which team?'))!;
    const toOmar = whatsapp.textsTo(OMAR).length;
    // Her Reply names the bot's list by its id within the chat, written by the bot's own number.
    client.emit('message', incoming(LAYLA, '2', { quoted: { stanzaId: list.id.split('_').at(-1)!, participant: OWN } }));
    await eventually(() => whatsapp.textsTo(OMAR).length > toOmar);
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual(['#1 Layla, replying to "Which team?" (2. Sales): 2']);
  });

  it('shows the agent which line of the bot\'s numbered list a customer\'s "2" quoting it picks once she edits it to "1"', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    const list = whatsapp.sent.find((sent) => sent.chatId === LAYLA && sent.content.kind === 'text' && sent.content.text.startsWith('Which team?'))!;
    const two = incoming(LAYLA, '2', { quoted: { stanzaId: list.id.split('_').at(-1)!, participant: OWN } });
    client.emit('message', two);
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.endsWith('(2. Sales): 2')));
    const toOmar = whatsapp.textsTo(OMAR).length;
    client.emit('message_edit', { ...two, body: '1', editedAt: Date.now() }, '1', '2');
    await eventually(() => whatsapp.textsTo(OMAR).length > toOmar);
    // Without the line, "1 (was "2")" would leave Omar to find the list and count.
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual(['#1 Layla edited a message: 1 (1. Billing) (was "2")']);
  });

  it('sends the customer the correction of a message the agent edited, once, as a reply to what it corrects', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    const reply = incoming(OMAR, 'Your refund is 50 EUR');
    client.emit('message', reply);
    await eventually(() => whatsapp.textsTo(LAYLA).includes('Your refund is 50 EUR'));
    const toLayla = whatsapp.textsTo(LAYLA).length;
    const toOmar = whatsapp.textsTo(OMAR).length;

    const edited = { ...reply, body: 'Your refund is 15 EUR', editedAt: Date.now() };
    client.emit('message_edit', edited, 'Your refund is 15 EUR', 'Your refund is 50 EUR');
    client.emit('message_edit', { ...edited }, 'Your refund is 15 EUR', 'Your refund is 50 EUR');
    await eventually(() => whatsapp.textsTo(LAYLA).length > toLayla);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(whatsapp.textsTo(LAYLA).slice(toLayla)).toEqual(['Correction: Your refund is 15 EUR']);
    // Quoting the copy she got, which her app shows above the correction.
    const copy = whatsapp.sent.find((sent) => sent.chatId === LAYLA && sent.content.kind === 'text' && sent.content.text === 'Your refund is 50 EUR')!;
    expect(whatsapp.sent.at(-1)?.quoted).toBe(copy.id);
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual([]);
  });
});

describe('WhatsApp Web channel: video notes', () => {
  it('relays a customer\'s video note (WhatsApp\'s round video, type ptv) to the agent as the video it is', async () => {
    const { app, whatsapp, client } = await omarHoldsLayla();
    const video = Buffer.from('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom fake video note', 'latin1');
    const note = incoming(LAYLA, '', { type: 'ptv', hasMedia: true, media: { size: video.byteLength, mimetype: 'video/mp4' } });
    whatsapp.files.set(note.id, { data: video.toString('base64'), mimetype: 'video/mp4' });
    client.emit('message', note);
    await eventually(() => whatsapp.sent.some((sent) => sent.chatId === OMAR && sent.content.kind === 'media'));
    expect(whatsapp.sent.find((sent) => sent.chatId === OMAR && sent.content.kind === 'media')?.content).toMatchObject({ kind: 'media', mimetype: 'video/mp4', data: video.toString('base64') });
    expect(whatsapp.textsTo(OMAR).filter((text) => text.includes('cannot be shown'))).toEqual([]);
    const stored = await app.store.messageByChannelId('whatsapp-web', note.id);
    expect(stored?.attachments).toMatchObject([{ kind: 'video', mime: 'video/mp4', size: video.byteLength }]);
  });
});

describe('WhatsApp Web channel: messages WhatsApp Web cannot decrypt', () => {
  it('tells the agent a customer wrote something WhatsApp Web could not decrypt, and still relays it if it decrypts later', async () => {
    const { whatsapp, client } = await omarHoldsLayla();
    const toOmar = whatsapp.textsTo(OMAR).length;
    // whatsapp-web.js's message_ciphertext_failed: the message is still ciphertext after its recovery attempt.
    const locked = incoming(LAYLA, '', { type: 'ciphertext' });
    client.emit('message_ciphertext_failed', locked);
    await eventually(() => whatsapp.textsTo(OMAR).length > toOmar);
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual(['#1 Layla: [a message that cannot be shown here (unreadable message): ask the customer to write it]']);
    // Decrypted after all, under the same id: it is no repeat of the notice, and reaches Omar.
    client.emit('message', { ...locked, type: 'chat', body: 'My card was charged twice' });
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.endsWith('My card was charged twice')));
  });
});

describe('WhatsApp Web channel: messages written while the session was away', () => {
  const seconds = (agoMs: number) => Math.floor((Date.now() - agoMs) / 1000);
  const inboundTexts = async (app: Switchboard, address: string) =>
    (await app.store.messagesOfAddress('whatsapp-web', address)).filter((message) => message.direction === 'in').map((message) => message.text);
  const catchUps = (lines: Record<string, unknown>[]) => lines.filter((line) => typeof line.msg === 'string' && line.msg.includes('written while it was away'));

  it('answers, once the new QR code is scanned, a customer who wrote while the session was logged out: in order, once', async () => {
    const { log, lines } = recordingLog();
    const { app, whatsapp } = await linked({ log });
    const client = whatsapp.current;
    client.emit('disconnected', 'LOGOUT');
    expect(await whatsappHealth(app)).toMatchObject({ up: false, state: 'logged-out' });
    // Layla writes meanwhile: WhatsApp Web reports nothing then; her chat shows two unread messages.
    whatsapp.unread.push(incoming(LAYLA, 'Hello', { notifyName: 'Layla', timestamp: seconds(60_000) }), incoming(LAYLA, '2', { timestamp: seconds(30_000) }));

    client.emit('qr', '2@after-logout');
    client.link();
    await eventually(() => whatsapp.textsTo(LAYLA).includes('Please wait for an agent.'));
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales', 'Noted.', 'Please wait for an agent.']);
    expect(await inboundTexts(app, '15551234567')).toEqual(['Hello', '2']);
    expect((await app.store.conversations())[0]).toMatchObject({ stage: 'queued', fields: { topic: expect.stringMatching(/sales/i) } });
    await eventually(() => catchUps(lines).length > 0);
    expect(catchUps(lines)).toMatchObject([{ level: 30, messages: 2, chats: 1, tooOld: 0, leftOver: 0 }]);
  });

  it('shows on /healthz that it is reading what was written while it was away, then how many it read and left unread', async () => {
    const { app, whatsapp } = await linked();
    whatsapp.current.emit('disconnected', 'LOGOUT');
    whatsapp.unread.push(
      incoming(LAYLA, 'Hello', { notifyName: 'Layla', timestamp: seconds(60_000) }), incoming(LAYLA, '2', { timestamp: seconds(30_000) }),
      // Older than the 24 h window: left unread, and counted.
      incoming('15557778888@c.us', 'Anyone there?', { timestamp: seconds(30 * 3_600_000) }),
    );
    // WhatsApp Web slow to hand a chat's messages: the catch-up is under way meanwhile.
    let hand!: () => void;
    const handed = new Promise<void>((resolve) => (hand = resolve));
    const client = whatsapp.current;
    const read = client.chatMessages.bind(client);
    client.chatMessages = async (chatId, limit) => {
      await handed;
      return read(chatId, limit);
    };
    client.emit('qr', '2@after-logout');
    client.link();
    await until(async () => (await whatsappHealth(app))?.catchUp !== undefined);
    expect(await whatsappHealth(app)).toMatchObject({ up: true, state: 'ready', catchUp: { state: 'reading', since: expect.any(String) } });
    hand();
    await until(async () => (await whatsappHealth(app))?.catchUp?.state === 'done', 10_000);
    expect(await health(app)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await whatsappHealth(app)).toMatchObject({
      up: true, state: 'ready', catchUp: { state: 'done', at: expect.any(String), messages: 2, chats: 1, tooOld: 1, leftOver: 0 },
    });
  });

  it('counts once a message that came live and is read again by the catch-up, and reads an agent\'s relay too', async () => {
    const { app, whatsapp } = await omarHoldsLayla();
    whatsapp.current.emit('disconnected', 'CONFLICT');
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.clients[1]!.initialized);
    const toLayla = whatsapp.textsTo(LAYLA).length;
    const toOmar = whatsapp.textsTo(OMAR).length;
    // Written while the client was being replaced: Layla's question, and Omar's answer from his phone.
    const question = incoming(LAYLA, 'Where is my parcel?');
    whatsapp.unread.push(question, incoming(OMAR, 'It left our warehouse today.'));
    const client = whatsapp.current;
    client.link();
    // WhatsApp Web reports her question live as well, as the session becomes ready.
    client.emit('message', { ...question });
    client.emit('message', incoming(LAYLA, 'Thanks!'));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.endsWith('Thanks!')));
    await eventually(() => whatsapp.textsTo(LAYLA).includes('It left our warehouse today.'));
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual(['#1 Layla: Where is my parcel?', '#1 Layla: Thanks!']);
    expect(whatsapp.textsTo(LAYLA).slice(toLayla)).toEqual(['It left our warehouse today.']);
    expect((await inboundTexts(app, '15551234567')).filter((text) => text === 'Where is my parcel?')).toHaveLength(1);
  });

  it('leaves unanswered, and says so in the log, a message older than the window', async () => {
    const { log, lines } = recordingLog();
    const { app, whatsapp } = await linked({ log });
    whatsapp.current.emit('disconnected', 'CONFLICT');
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.clients[1]!.initialized);
    const SAM = '15557770000@c.us';
    whatsapp.unread.push(incoming(SAM, 'Are you open on Sunday?', { notifyName: 'Sam', timestamp: seconds(25 * 3_600_000) }));
    whatsapp.unread.push(incoming(LAYLA, 'Hello', { notifyName: 'Layla', timestamp: seconds(60_000) }));
    whatsapp.current.link();
    await eventually(() => catchUps(lines).length > 0);
    expect(catchUps(lines)).toMatchObject([{ messages: 1, tooOld: 1, msg: expect.stringContaining('1 older than the window were skipped and left unread') }]);
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);
    expect(whatsapp.textsTo(SAM)).toEqual([]);
    expect(await inboundTexts(app, '15557770000')).toEqual([]);
  });

  it('answers what was written while away before what comes live as the session becomes ready', async () => {
    const { app, whatsapp } = await linked();
    whatsapp.current.emit('disconnected', 'CONFLICT');
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.clients[1]!.initialized);
    whatsapp.unread.push(incoming(LAYLA, 'Hello', { notifyName: 'Layla', timestamp: seconds(60_000) }));
    const client = whatsapp.current;
    client.link();
    // Her answer to a question she has not been asked yet comes live at once; it is read after her "Hello".
    client.emit('message', incoming(LAYLA, '2'));
    await eventually(() => whatsapp.textsTo(LAYLA).includes('Please wait for an agent.'));
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales', 'Noted.', 'Please wait for an agent.']);
    expect(await inboundTexts(app, '15551234567')).toEqual(['Hello', '2']);
  });

  it('reads WHATSAPP_CATCH_UP_WITHIN as a duration or off, and names the fix for anything else', () => {
    expect(readConfig({}).WHATSAPP_CATCH_UP_WITHIN).toBe(24 * 3_600_000);
    expect(readConfig({ WHATSAPP_CATCH_UP_WITHIN: '2h' }).WHATSAPP_CATCH_UP_WITHIN).toBe(2 * 3_600_000);
    expect(readConfig({ WHATSAPP_CATCH_UP_WITHIN: 'off' }).WHATSAPP_CATCH_UP_WITHIN).toBe(0);
    expect(() => readConfig({ WHATSAPP_CATCH_UP_WITHIN: 'yesterday' })).toThrow(/WHATSAPP_CATCH_UP_WITHIN="yesterday": must be a duration such as 30m, 24h or 7d, or off/);
  });

  it('reads at most its limits of chats and messages, the longest waiting first, and logs what it left unread', async () => {
    const { log, lines } = recordingLog();
    const { app, whatsapp } = await linked({ log, catchUpMaxChats: 1, catchUpMaxMessages: 2 });
    whatsapp.current.emit('disconnected', 'CONFLICT');
    await eventually(() => whatsapp.clients.length === 2 && whatsapp.clients[1]!.initialized);
    const SAM = '15557770000@c.us';
    whatsapp.unread.push(
      incoming(SAM, 'Hi', { notifyName: 'Sam', timestamp: seconds(300_000) }),
      incoming(SAM, 'Hello?', { timestamp: seconds(240_000) }),
      incoming(SAM, 'Anyone there?', { timestamp: seconds(180_000) }),
      incoming(LAYLA, 'Hello', { notifyName: 'Layla', timestamp: seconds(60_000) }),
    );
    whatsapp.current.link();
    await eventually(() => catchUps(lines).length > 0);
    expect(catchUps(lines)).toMatchObject([{ messages: 2, chats: 1, leftOver: 2, msg: expect.stringContaining('2 over the catch-up\'s limits were left unread') }]);
    await eventually(async () => (await inboundTexts(app, '15557770000')).length === 2);
    expect(await inboundTexts(app, '15557770000')).toEqual(['Hello?', 'Anyone there?']);
    expect(await inboundTexts(app, '15551234567')).toEqual([]);
  });

  it('answers nothing twice across a restart between two catch-ups: how far it read is kept in the store', async () => {
    const { log, lines } = recordingLog();
    const whatsapp = new FakeWhatsApp();
    whatsapp.unread.push(incoming(LAYLA, 'Hello', { notifyName: 'Layla', timestamp: seconds(300_000) }));
    const first = await linked({ whatsapp });
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);
    // Sam's message comes live, later: the newest the channel handled before it stops.
    const SAM = '15557770000@c.us';
    whatsapp.current.emit('message', incoming(SAM, 'Hi', { notifyName: 'Sam', timestamp: seconds(120_000) }));
    await eventually(() => whatsapp.textsTo(SAM).length === 2);
    await first.app.stop();

    // Layla's chat still shows "Hello" unread (nobody answered from the phone), and she writes again while the server is down.
    whatsapp.unread.push(incoming(LAYLA, '2', { timestamp: seconds(60_000) }));
    const before = whatsapp.clients.length;
    const second = await setUp({ whatsapp, dir: first.dir, log });
    await eventually(() => whatsapp.clients.length > before && whatsapp.current.initialized);
    whatsapp.current.link();
    await eventually(() => whatsapp.textsTo(LAYLA).includes('Please wait for an agent.'));
    expect(whatsapp.textsTo(LAYLA)).toEqual(['Hi Layla!', 'Which team?\n\n1. Billing\n2. Sales', 'Noted.', 'Please wait for an agent.']);
    expect(await inboundTexts(second.app, '15551234567')).toEqual(['Hello', '2']);
    // "Hello", older than what the channel had read, is not even read again.
    await eventually(() => catchUps(lines).length > 0);
    expect(catchUps(lines)).toMatchObject([{ messages: 1, chats: 1 }]);
  });
});

describe('WhatsApp Web channel: carts and products from the catalogue', () => {
  it('gives the agent what a customer ordered from the catalogue (products, quantities, total, their words) and a shared product', async () => {
    const { app, whatsapp, client } = await omarHoldsLayla();
    const toOmar = whatsapp.textsTo(OMAR).length;
    // An order as whatsapp-web.js reports it: its body a thumbnail, its cart in WhatsApp Web's own fields; the products
    // come when asked (getOrder).
    const order = incoming(LAYLA, '/9j/4AAQSkZJRgABAQ', {
      type: 'order', order: { text: 'Before Friday please', title: 'Oud oil', itemCount: 3, total1000: 37_500, currency: 'AED' },
    });
    whatsapp.orders.set(order.id, [{ name: 'Oud oil', quantity: 2 }, { name: 'Rose water', quantity: 1 }]);
    client.emit('message', order);
    // One WhatsApp does not tell the products of still shows its title, count and total.
    client.emit('message', incoming(LAYLA, '/9j/4AAQSkZJRgABAQ', { type: 'order', order: { title: 'Musk', itemCount: 1, total1000: 120_000, currency: 'AED' } }));
    client.emit('message', incoming(LAYLA, '/9j/4AAQSkZJRgABAQ', { type: 'product', product: { title: 'Amber candle', retailerId: 'CND-7', price1000: 45_000, currency: 'AED' } }));
    await eventually(() => whatsapp.textsTo(OMAR).length >= toOmar + 3);
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual([
      '#1 Layla: Before Friday please\n🛒 2 × Oud oil\n🛒 1 × Rose water\n🧾 37.50 AED',
      '#1 Layla: 🛒 Musk (1)\n🧾 120 AED',
      '#1 Layla: 🛍️ Amber candle (CND-7) · 45 AED',
    ]);
    const stored = (await app.store.messagesOfAddress('whatsapp-web', '15551234567')).filter((message) => message.direction === 'in');
    expect(stored.at(-3)).toMatchObject({ text: 'Before Friday please\n🛒 2 × Oud oil\n🛒 1 × Rose water\n🧾 37.50 AED' });
    expect(stored.at(-3)?.unsupported).toBeUndefined();
  });
});

describe('WhatsApp Web channel: a customer who changes her number', () => {
  const NEW = '15557770001@c.us';

  it('keeps her conversation with Omar on her new number: what she writes from it reaches him in it, his answer goes to it', async () => {
    const { client, whatsapp, app } = await omarHoldsLayla();
    const toOmar = whatsapp.textsTo(OMAR).length;
    // WhatsApp Web's notice in her chat (whatsapp-web.js contact_changed: the old id, the new one, a contact's).
    client.emit('contact_changed', LAYLA, NEW, true);
    client.emit('message', incoming(NEW, 'It is me, Layla, on my new number', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(OMAR).slice(toOmar).some((text) => text.includes('It is me, Layla, on my new number')));
    expect(whatsapp.textsTo(OMAR).slice(toOmar)).toEqual(['#1 Layla: It is me, Layla, on my new number']);
    // Before: her new number was a new customer, greeted by the bot and asked for a team, while Omar's answer went to
    // the number she left.
    client.emit('message', incoming(OMAR, 'Thanks Layla, noted.'));
    await eventually(() => whatsapp.textsTo(NEW).includes('Thanks Layla, noted.'));
    expect(whatsapp.textsTo(NEW)).toEqual(['Thanks Layla, noted.']);
    expect(whatsapp.textsTo(LAYLA).filter((text) => text.includes('Thanks Layla'))).toEqual([]);
    const contacts = await app.store.contacts();
    expect(contacts.map((contact) => contact.identities)).toEqual([[{ channel: 'whatsapp-web', id: '15557770001' }]]);
  });

  it('merges into hers the contact her new number made when it wrote before WhatsApp\'s notice, and Omar keeps her', async () => {
    const { client, whatsapp, app } = await omarHoldsLayla();
    client.emit('message', incoming(NEW, 'Hello again', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(NEW).length === 2);
    client.emit('contact_changed', LAYLA, NEW, true);
    await until(async () => (await app.store.contacts()).length === 1);
    client.emit('message', incoming(OMAR, 'Got your new number, Layla.'));
    await eventually(() => whatsapp.textsTo(NEW).includes('Got your new number, Layla.'));
    expect(whatsapp.textsTo(LAYLA).filter((text) => text.includes('Got your new number'))).toEqual([]);
    expect((await app.store.contacts()).map((contact) => contact.identities)).toEqual([[{ channel: 'whatsapp-web', id: '15557770001' }]]);
  });

  it('takes a group member\'s change of number for nothing', async () => {
    const { client, whatsapp, app } = await omarHoldsLayla();
    client.emit('contact_changed', LAYLA, NEW, false);
    client.emit('message', incoming(LAYLA, 'Still here'));
    await eventually(() => whatsapp.textsTo(OMAR).some((text) => text.includes('Still here')));
    expect((await app.store.contacts()).map((contact) => contact.identities)).toEqual([[{ channel: 'whatsapp-web', id: '15551234567' }]]);
  });
});

describe('WhatsApp Web channel: a choice answered with the emoji keyboard', () => {
  it('takes a customer\'s 2️⃣ for the second line of the numbered list, as her "2"', async () => {
    const { whatsapp, app } = await linked();
    const client = whatsapp.current;
    client.emit('message', incoming(LAYLA, 'Hello', { notifyName: 'Layla' }));
    await eventually(() => whatsapp.textsTo(LAYLA).length === 2);
    expect(whatsapp.textsTo(LAYLA)[1]).toBe('Which team?\n\n1. Billing\n2. Sales');
    // Before: 'Please pick one of the options (you can also type its number).' and the list again.
    client.emit('message', incoming(LAYLA, '2\uFE0F\u20E3'));
    await eventually(() => whatsapp.textsTo(LAYLA).length >= 4);
    expect(whatsapp.textsTo(LAYLA).slice(2)).toEqual(['Noted.', 'Please wait for an agent.']);
    expect((await app.store.conversations())[0]?.fields).toMatchObject({ topic: 'sales' });
  });
});
