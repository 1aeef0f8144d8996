// The WhatsApp Cloud webhook through the real server: Meta's verification, signatures over the raw bytes, bodies
// that are not batches, batches of several entries, messages and statuses (one unreadable item among them),
// repeated deliveries, customers' files fetched with the token, business-scoped user ids and changed numbers.
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createWhatsAppCloudChannel } from '../../../src/channels/whatsapp-cloud/index.ts';
import { readConfig } from '../../../src/server/config.ts';
import { startSwitchboard } from '../../../src/server/switchboard.ts';
import { DeliveryRefused, type ChannelHost, type InboundMessage } from '../../../src/types.ts';
import { cleanupDirs, dataDirWith, eventually, hostFor, quietLog, recordingLog, visitor } from '../../helpers.ts';
import { APP_SECRET, PHONE_NUMBER_ID, SHEENA, TOKEN, VERIFY_TOKEN, clock, fixture, messagesBody, settled, sign, startCloud, text, type CloudServer } from './harness.ts';

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const askFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "مرحبا {{contact.name | there}}! How can we help?"
    save: conversation.need
  - say: "Noted: {{conversation.need}}"
`;

async function server(options: Partial<Parameters<typeof startCloud>[0]> = {}): Promise<CloudServer> {
  const started = await startCloud({ flows: { 'inbound.yaml': askFlow }, ...options });
  running.push(started);
  return started;
}

async function nothingStored(cloud: CloudServer): Promise<void> {
  expect(await cloud.app.store.contacts()).toEqual([]);
  expect(await cloud.app.store.conversations()).toEqual([]);
}

describe('verification', () => {
  it('answers Meta\'s challenge as text when the verify token matches, and 403 otherwise', async () => {
    const cloud = await server();
    const verify = (query: string) => fetch(`${cloud.app.url}/webhooks/whatsapp?${query}`);
    const good = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await good.text()).toBe('1158201444');

    expect((await verify('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444')).status).toBe(403);
    expect((await verify(`hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
    expect((await verify('hub.mode=subscribe&hub.challenge=1')).status).toBe(403);
  });
});

describe('signatures and shapes', () => {
  it('refuses a forged, missing or re-serialised signature with 401 and stores nothing', async () => {
    const cloud = await server();
    const body = JSON.stringify(fixture('text'));
    expect((await cloud.post(body, { signature: sign(body, 'not-the-app-secret') })).status).toBe(401);
    expect((await cloud.post(body, { signature: null })).status).toBe(401);
    expect((await cloud.post(body, { signature: 'sha256=nothex' })).status).toBe(401);
    // The same JSON with other bytes (Meta escapes non-ASCII characters): the signature is over the bytes sent.
    const pretty = JSON.stringify(fixture('text'), null, 2);
    expect((await cloud.post(pretty, { signature: sign(body) })).status).toBe(401);
    await nothingStored(cloud);
    expect(cloud.graph.sent).toEqual([]);
  });

  it('refuses a signed body that is not JSON, or not a webhook batch, with 400 and stores nothing', async () => {
    const cloud = await server();
    expect(await cloud.post('{"object": "whatsapp_business_account", "entry": [')).toMatchObject({ status: 400, body: { error: 'the body is not valid JSON' } });
    expect((await cloud.post({ object: 'page', entry: [] })).status).toBe(400);
    expect((await cloud.post({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages' }] }] })).status).toBe(400);
    expect((await cloud.post([1, 2, 3])).status).toBe(400);
    await nothingStored(cloud);
  });
});

describe('batches', () => {
  it('stores every message of a batch of two entries before answering, reads button and list replies, and skips an unreadable item', async () => {
    const { log, lines } = recordingLog();
    const cloud = await server({ log });
    const layla = '971501234567';
    const first = messagesBody([
      { from: SHEENA, id: 'wamid.A1', timestamp: '1763950300', type: 'text', text: { body: 'طلبي لم يصل بعد 😕 order #4521' } },
      fixture('button-reply').entry[0].changes[0].value.messages[0],
    ]);
    const second = messagesBody([
      { from: layla, id: 'wamid.B1', timestamp: '1763950301', type: 'location', location: { latitude: 25.197197, longitude: 55.274376, name: 'Acme Store', address: 'Dubai Mall' } },
      // No id: unreadable, acknowledged with the batch, never retried.
      { from: layla, timestamp: '1763950302', type: 'text', text: { body: 'lost' } },
      { ...fixture('list-reply').entry[0].changes[0].value.messages[0], from: layla },
    ], { from: layla, name: 'ليلى حداد' });
    const batch = { object: 'whatsapp_business_account', entry: [...(first.entry as unknown[]), ...(second.entry as unknown[])] };

    const answer = await cloud.post(batch);
    expect(answer).toEqual({ status: 200, body: { ok: true, refused: 1 } });
    const contacts = await cloud.app.store.contacts();
    expect(contacts.map((contact) => [contact.name, contact.identities])).toEqual([
      ['Sheena Nelson', [{ channel: 'whatsapp-cloud', id: SHEENA }]],
      ['ليلى حداد', [{ channel: 'whatsapp-cloud', id: layla }]],
    ]);
    const sheena = await cloud.app.store.messagesOfContact(contacts[0]!.id);
    expect(sheena.filter((m) => m.direction === 'in').map((m) => [m.channelMessageId, m.text, m.choice])).toEqual([
      ['wamid.A1', 'طلبي لم يصل بعد 😕 order #4521', undefined],
      ['wamid.INBOUND0002', 'Billing', 'billing'],
    ]);
    const laylas = (await cloud.app.store.messagesOfContact(contacts[1]!.id)).filter((m) => m.direction === 'in');
    expect(laylas.map((m) => m.channelMessageId)).toEqual(['wamid.B1', 'wamid.INBOUND0003']);
    expect(laylas[0]!.attachments).toEqual([{ kind: 'location', location: { latitude: 25.197197, longitude: 55.274376, name: 'Acme Store', address: 'Dubai Mall' } }]);
    expect(laylas[1]).toMatchObject({ text: 'Sales', choice: 'sales' });
    // The button reply quotes the bot's message it answers.
    expect(sheena.find((m) => m.channelMessageId === 'wamid.INBOUND0002')?.replyTo).toBe('wamid.OUTBOUND0001');
    expect(lines.filter((line) => line.msg === 'WhatsApp webhook item refused; acknowledged with its batch')).toEqual([
      expect.objectContaining({ level: 40, where: 'entry[1].changes[0].messages[1]', reason: expect.stringContaining('id') }),
    ]);

    // The bot answered each customer in their language's greeting, by wa_id.
    await eventually(() => cloud.graph.sentTo(SHEENA).length > 0 && cloud.graph.sentTo(layla).length > 0);
    expect(cloud.graph.saidTo(SHEENA)[0]).toBe('مرحبا Sheena Nelson! How can we help?');
    expect(cloud.graph.sentTo(layla)[0]).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual', to: layla, type: 'text' });
    expect(cloud.graph.callsTo('/messages').every((call) => call.token === TOKEN && call.path === `/v21.0/${PHONE_NUMBER_ID}/messages`)).toBe(true);
  });

  it('stores a message delivered twice once, and answers it once', async () => {
    const cloud = await server();
    const body = fixture('text');
    expect((await cloud.post(body)).status).toBe(200);
    expect((await cloud.post(body)).status).toBe(200);
    const [contact] = await cloud.app.store.contacts();
    const inbound = (await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.text)).toEqual(['Hi, my order never arrived 😕']);
    await eventually(() => cloud.graph.sent.length > 0);
    await cloud.app.runtime.stop();
    expect(cloud.graph.sentTo(SHEENA)).toHaveLength(1);
  });

  it('answers a customer who pastes a very long text (WhatsApp sends up to 65,536 characters): past 20,000 kept cut and marked, a caption too, never dropped', async () => {
    const cloud = await server();
    const long = 'طلبي رقم 4521 لم يصل بعد 😕 '.repeat(700);
    const huge = '🧾'.repeat(15_000);
    cloud.graph.addMedia('1146584453198207', Buffer.from('\xff\xd8\xff\xe0 receipt', 'latin1'), { mime: 'image/jpeg' });
    const photo = { from: SHEENA, id: 'wamid.LONGIMG', timestamp: '1763950302', type: 'image', image: { caption: `الإيصال ${'x'.repeat(25_000)}`, mime_type: 'image/jpeg', id: '1146584453198207' } };
    expect(await cloud.post(messagesBody([{ ...text(long), id: 'wamid.LONG' }]))).toEqual({ status: 200, body: { ok: true } });
    expect(await cloud.post(messagesBody([{ ...text(huge, { timestamp: '1763950301' }), id: 'wamid.HUGE' }, photo]))).toEqual({ status: 200, body: { ok: true } });
    const [contact] = await cloud.app.store.contacts();
    const inbound = (await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.channelMessageId)).toEqual(['wamid.LONG', 'wamid.HUGE', 'wamid.LONGIMG']);
    expect(long.length).toBeGreaterThan(16_384);
    expect(inbound[0]!.text).toBe(long);
    expect(inbound[1]!.text).toBe(`${'🧾'.repeat(9_999)}…`);
    expect(inbound[2]!.text).toBe(`الإيصال ${'x'.repeat(19_999 - 'الإيصال '.length)}…`);
    expect(inbound[2]!.attachments?.[0]?.caption).toBe(inbound[2]!.text);
    await settled(cloud);
    // The first opened the conversation, the second answered the question (the reply split as the Cloud API takes
    // it), and the photo, after the flow had ended, opened the next one: its greeting is the last to go out.
    await eventually(() => cloud.graph.saidTo(SHEENA).filter((said) => said === 'مرحبا Sheena Nelson! How can we help?').length === 2, 15_000);
    const said = cloud.graph.saidTo(SHEENA);
    expect(said[0]).toBe('مرحبا Sheena Nelson! How can we help?');
    expect(said.slice(1, -1).join('') === `Noted: ${inbound[1]!.text}`).toBe(true);
    expect(said.at(-1)).toBe('مرحبا Sheena Nelson! How can we help?');
  });

  it('answers the other customers of a batch at once when one customer writes too fast, whose messages wait for Meta to send the batch again', async () => {
    const cloud = await server({ config: { CONTACT_RATE_LIMIT: { capacity: 2, perMs: 60_000 } } });
    const layla = '971501234567';
    const fastWriter = messagesBody([
      { ...text('hi'), id: 'wamid.F1' }, { ...text('hello?'), id: 'wamid.F2' }, { ...text('anyone??'), id: 'wamid.F3' }, { ...text('HELLO'), id: 'wamid.F4' },
    ]);
    const laylas = messagesBody([{ ...text('مرحبا، طلبي متأخر', { from: layla }), id: 'wamid.L1' }], { from: layla, name: 'ليلى حداد' });
    const batch = { object: 'whatsapp_business_account', entry: [...(fastWriter.entry as unknown[]), ...(laylas.entry as unknown[])] };

    expect((await cloud.post(batch)).status).toBe(503);
    // Layla is not held back behind the fast writer: stored and greeted now, not when Meta tries the batch again.
    const contacts = await cloud.app.store.contacts();
    const laylaContact = contacts.find((contact) => contact.identities[0]!.id === layla);
    expect(laylaContact?.name).toBe('ليلى حداد');
    await settled(cloud);
    expect(cloud.graph.saidTo(layla)).toEqual(['مرحبا ليلى حداد! How can we help?']);
    // The fast writer's first two are in, in order; the rest wait for the batch to come again.
    const sheena = contacts.find((contact) => contact.identities[0]!.id === SHEENA)!;
    expect((await cloud.app.store.messagesOfContact(sheena.id)).filter((m) => m.direction === 'in').map((m) => m.channelMessageId)).toEqual(['wamid.F1', 'wamid.F2']);
  });

  it('takes the fast writer\'s waiting messages when Meta sends the batch again, instead of spending their allowance on the ones already stored', async () => {
    // The allowance is counted on a clock the test moves: on the real one, storing the first two taking 500 ms (a
    // busy runner) gave the third its token back before it was refused.
    const time = clock();
    const cloud = await server({ config: { CONTACT_RATE_LIMIT: { capacity: 2, perMs: 1_000 } }, now: time.now });
    const batch = messagesBody([{ ...text('hi'), id: 'wamid.R1' }, { ...text('hello?'), id: 'wamid.R2' }, { ...text('my order #4521 is late'), id: 'wamid.R3' }]);
    expect((await cloud.post(batch)).status).toBe(503);
    // Meta's next try, once the allowance is back: the two stored before are not counted again, so the third goes in.
    time.advance(1_100);
    expect((await cloud.post(batch)).status).toBe(200);
    const [sheena] = await cloud.app.store.contacts();
    expect((await cloud.app.store.messagesOfContact(sheena!.id)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['hi', 'hello?', 'my order #4521 is late']);
  });

  it('ignores changes about another phone number of the business account', async () => {
    const cloud = await server();
    const body = fixture('text');
    body.entry[0].changes[0].value.metadata.phone_number_id = '999999999999999';
    expect((await cloud.post(body)).status).toBe(200);
    await nothingStored(cloud);
  });

  it('ignores a change whose phone number id is no id (deeply nested, or an object), instead of failing the batch with 500', async () => {
    const cloud = await server();
    const nested = fixture('text');
    nested.entry[0].changes[0].value.metadata.phone_number_id = 'NESTED';
    expect((await cloud.post(JSON.stringify(nested).replace('"NESTED"', `${'['.repeat(20_000)}0${']'.repeat(20_000)}`))).status).toBe(200);
    const poisoned = fixture('text');
    poisoned.entry[0].changes[0].value.metadata.phone_number_id = { toString: 1 };
    expect((await cloud.post(poisoned)).status).toBe(200);
    await nothingStored(cloud);
  });
});

describe('statuses', () => {
  const team = `
teams:
  - name: Billing
agents:
  - name: Lina
    webchat: agent-lina
    webchat_token: test-token-0123456789abcdef
    teams: [Billing]
`;
  const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait."\n';

  it('records delivered and read on the message sent, and tells the agent of a message that failed', async () => {
    const cloud = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await lina.say('We are on it, Sheena. سنتابع طلبك');
    // The customer hears Lina joined, then her message.
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 2);
    const wamid = cloud.graph.sent.filter((sent) => sent.body.to === SHEENA).at(-1)!.id;

    const status = (state: string, extra: Record<string, unknown> = {}) => ({ id: wamid, status: state, timestamp: '1763950330', recipient_id: SHEENA, ...extra });
    expect((await cloud.post(messagesBody([], { statuses: [status('sent'), status('read'), status('delivered')] }))).status).toBe(200);
    expect((await cloud.app.store.messageByChannelId('whatsapp-cloud', wamid))?.delivery).toBe('read');

    const failed = fixture('statuses');
    failed.entry[0].changes[0].value.statuses = [status('failed', { errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'The recipient is not on WhatsApp' } }] })];
    expect((await cloud.post(failed)).status).toBe(200);
    expect(await cloud.app.store.messageByChannelId('whatsapp-cloud', wamid)).toMatchObject({ status: 'failed', error: 'Message undeliverable: The recipient is not on WhatsApp (#131026)' });
    let told: string | undefined;
    for (let waited = 0; !told && waited < 3000; waited += 25) {
      told = (await lina.messages()).map((m) => m.text).find((line) => line.includes('was not delivered'));
      if (!told) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // What 131026 means, in the agent's words; WhatsApp's own stay on the message, for admins.
    expect(told).toBe('#1: your message to Sheena Nelson was not delivered ("We are on it, Sheena. سنتابع طلبك"): the customer\'s app cannot receive it; their number may not be on the app, or the app may need an update. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.');
    expect(await cloud.app.store.messageByChannelId('whatsapp-cloud', wamid)).toMatchObject({ failure: 'cannotReceive' });
  });

  it('tells the agent once of a failure Meta reported before the send\'s answer came, and marks the message failed', async () => {
    const cloud = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 1);
    // The Graph API is slow to answer Lina's send; meanwhile WhatsApp reports that message failed, by its wamid.
    cloud.graph.holdAnswers(1);
    await lina.say('Your refund is on its way');
    await eventually(() => cloud.graph.sentTo(SHEENA).length === 2);
    const wamid = cloud.graph.sent.at(-1)!.id;
    const failed = fixture('statuses');
    failed.entry[0].changes[0].value.statuses = [{ id: wamid, status: 'failed', timestamp: '1763950330', recipient_id: SHEENA, errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }] }];
    expect((await cloud.post(failed)).status).toBe(200);
    cloud.graph.releaseAnswers();

    const notDelivered = async () => (await lina.messages()).map((m) => m.text).filter((line) => line.includes('was not delivered'));
    await expect.poll(notDelivered, { timeout: 3000 }).toHaveLength(1);
    expect((await notDelivered())[0]).toMatch(/^#1: your message to Sheena Nelson was not delivered \("Your refund is on its way"\)/);
    expect(await cloud.app.store.messageByChannelId('whatsapp-cloud', wamid)).toMatchObject({ status: 'failed', error: 'Message undeliverable (#131026)' });
    // Told once: a failure reported again for the same message says nothing more.
    expect((await cloud.post(failed)).status).toBe(200);
    await settled(cloud);
    expect(await notDelivered()).toHaveLength(1);
  });
});

describe('a question that never reached the customer', () => {
  const emailFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What's your email?"
    expect: email
    save: contact.email
    invalid: "That doesn't look like an email."
  - say: "Thanks, {{contact.email}}."
  - close: "email taken"
`;
  const failedStatus = (wamid: string) => {
    const body = fixture('statuses');
    body.entry[0].changes[0].value.statuses = [{ id: wamid, status: 'failed', timestamp: '1763950330', recipient_id: SHEENA, errors: [{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable' }] }];
    return body;
  };

  it('asks it again at the customer\'s next message instead of taking that message as its answer, once', async () => {
    const cloud = await server({ flows: { 'inbound.yaml': emailFlow } });
    const said = () => cloud.graph.saidTo(SHEENA);
    expect((await cloud.post(messagesBody([text('hi')]))).status).toBe(200);
    await eventually(() => said().length === 1);
    const question = cloud.graph.sent.filter((sent) => sent.body.to === SHEENA).at(-1)!.id;
    // WhatsApp could not deliver it (an outdated app, say): the customer saw nothing and writes again.
    expect((await cloud.post(failedStatus(question))).status).toBe(200);
    await expect.poll(async () => (await cloud.app.store.conversations())[0]?.flow?.waiting?.unseen).toBe(true);
    expect((await cloud.post(messagesBody([text('hello? anyone there?')]))).status).toBe(200);
    await eventually(() => said().length === 2);
    expect(said()).toEqual(["What's your email?", "What's your email?"]);

    // Failed again: asked again once only, so the next message is taken as the answer, as before.
    const again = cloud.graph.sent.filter((sent) => sent.body.to === SHEENA).at(-1)!.id;
    expect((await cloud.post(failedStatus(again))).status).toBe(200);
    await expect.poll(async () => (await cloud.app.store.messageByChannelId('whatsapp-cloud', again))?.status).toBe('failed');
    expect((await cloud.post(messagesBody([text('sheena@example.com')]))).status).toBe(200);
    await eventually(() => said().length === 3);
    expect(said()).toEqual(["What's your email?", "What's your email?", 'Thanks, sheena@example.com.']);
  });
});

describe('files customers send', () => {
  it('fetches a photo with the token (lookup, then the URL it names) into the media store before delivering it', async () => {
    const cloud = await server();
    const jpeg = Buffer.from('\xff\xd8\xff\xe0 receipt, charged twice', 'latin1');
    cloud.graph.addMedia('1146584453198207', jpeg, { mime: 'image/jpeg' });
    const photo = { from: SHEENA, id: 'wamid.IMG1', timestamp: '1763950300', type: 'image', image: { caption: 'الإيصال: charged twice 🧾', mime_type: 'image/jpeg', sha256: 'c0ffee', id: '1146584453198207' } };
    expect((await cloud.post(messagesBody([photo]))).status).toBe(200);

    expect(cloud.graph.downloads).toEqual(['1146584453198207']);
    expect(cloud.graph.calls.filter((call) => call.method === 'GET').map((call) => [call.path, call.token])).toEqual([
      ['/v21.0/1146584453198207', TOKEN],
      ['/media-download/1146584453198207', TOKEN],
    ]);
    const [contact] = await cloud.app.store.contacts();
    const [stored] = (await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(stored!.text).toBe('الإيصال: charged twice 🧾');
    expect(stored!.attachments).toEqual([{ kind: 'image', mime: 'image/jpeg', size: jpeg.byteLength, caption: 'الإيصال: charged twice 🧾', ref: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(await readFile(join(cloud.dir, 'media', stored!.attachments![0]!.ref!))).toEqual(jpeg);
  });

  it('delivers a voice note over the size limit with the reason, without downloading it, and tells the customer', async () => {
    const cloud = await server({ config: { MAX_ATTACHMENT_MB: 1 } });
    cloud.graph.addMedia('voice-1', Buffer.alloc(10), { mime: 'audio/ogg', size: 5 * 1024 * 1024 });
    const voice = { from: SHEENA, id: 'wamid.VOICE1', timestamp: '1763950300', type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'x', id: 'voice-1', voice: true } };
    expect((await cloud.post(messagesBody([voice]))).status).toBe(200);

    expect(cloud.graph.downloads).toEqual([]);
    const [contact] = await cloud.app.store.contacts();
    const [stored] = (await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(stored!.attachments).toEqual([{ kind: 'audio', mime: 'audio/ogg', voice: true, refused: 'the file is larger than 1 MB', refusal: { kind: 'tooLarge', limitBytes: 1024 * 1024 } }]);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('Sorry, your voice message could not be received (the file is larger than 1 MB). Could you send a shorter one, or write it instead?'));
  });

  it('asks a customer whose file WhatsApp failed to hand over to send it again, not a smaller one; in Arabic for one who writes Arabic', async () => {
    const cloud = await server();
    const arabic = '201001234567';
    cloud.graph.addMedia('doc-en', Buffer.from('%PDF-1.7 invoice'), { mime: 'application/pdf' });
    cloud.graph.addMedia('img-ar', Buffer.from('\xff\xd8\xff small photo', 'latin1'), { mime: 'image/jpeg' });
    expect((await cloud.post(messagesBody([text('مرحبا، وصلتني فاتورة خاطئة', { from: arabic })], { from: arabic, name: 'Layla' }))).status).toBe(200);
    // Meta's media server fails every try.
    cloud.graph.failDownloads(6, 500);
    const invoice = { from: SHEENA, id: 'wamid.DOC-EN', timestamp: '1763950300', type: 'document', document: { filename: 'invoice.pdf', mime_type: 'application/pdf', sha256: 'x', id: 'doc-en' } };
    expect((await cloud.post(messagesBody([invoice]))).status).toBe(200);
    const photo = { from: arabic, id: 'wamid.IMG-AR', timestamp: '1763950300', type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', id: 'img-ar' } };
    expect((await cloud.post(messagesBody([photo], { from: arabic, name: 'Layla' }))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toContain('Sorry, your file could not be received (the file could not be downloaded from WhatsApp). Could you send it again?');
    // One photo is spoken of as one photo, though WhatsApp names no album (it could have been one of several).
    expect(cloud.graph.saidTo(arabic)).toContain('عذرًا، تعذّر استلام صورتك. هل يمكنك إرسالها مرة أخرى؟');
  });

  it('asks a customer whose photo WhatsApp did not share (no media id) to send it again, not a smaller one; in Arabic for one who writes Arabic', async () => {
    const cloud = await server();
    const arabic = '201001234567';
    expect((await cloud.post(messagesBody([text('مرحبا، وصلتني فاتورة خاطئة', { from: arabic })], { from: arabic, name: 'Layla' }))).status).toBe(200);
    const unshared = (from: string, id: string) => ({ from, id, timestamp: '1763950300', type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x' } });
    expect((await cloud.post(messagesBody([unshared(SHEENA, 'wamid.NOID-EN')]))).status).toBe(200);
    expect((await cloud.post(messagesBody([unshared(arabic, 'wamid.NOID-AR')], { from: arabic, name: 'Layla' }))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toContain('Sorry, your photo could not be received (WhatsApp did not share this file). Could you send it again?');
    expect(cloud.graph.saidTo(arabic)).toContain('عذرًا، تعذّر استلام صورتك. هل يمكنك إرسالها مرة أخرى؟');
  });

  it('does not acknowledge a batch whose file cannot be fetched because the token was refused, so Meta sends it again', async () => {
    const cloud = await server({ config: { WHATSAPP_TOKEN: 'EAAG-expired' } });
    const photo = { from: SHEENA, id: 'wamid.IMG2', timestamp: '1763950300', type: 'image', image: { mime_type: 'image/jpeg', id: 'img-2' } };
    expect((await cloud.post(messagesBody([photo]))).status).toBe(500);
    await nothingStored(cloud);
  });
});

describe('a photo album', () => {
  const photo = (n: number, timestamp: string) => ({ from: SHEENA, id: `wamid.ALBUM${n}`, timestamp, type: 'image', image: { mime_type: 'image/jpeg', sha256: 'x', id: `album-${n}` } });

  it('four photos sent at once, in one webhook or back to back, are one wrong answer to a typed question: asked again once', async () => {
    const cloud = await server();
    for (const n of [1, 2, 3, 4, 5]) cloud.graph.addMedia(`album-${n}`, Buffer.from(`\xff\xd8\xff photo ${n}`, 'latin1'), { mime: 'image/jpeg' });
    expect((await cloud.post(messagesBody([text('hi', { timestamp: '1763950300' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).length === 1);
    // Two in one webhook, then two more in webhooks of their own, a second later (WhatsApp names no album).
    expect((await cloud.post(messagesBody([photo(1, '1763950320'), photo(2, '1763950320')]))).status).toBe(200);
    expect((await cloud.post(messagesBody([photo(3, '1763950321')]))).status).toBe(200);
    expect((await cloud.post(messagesBody([photo(4, '1763950321')]))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toHaveLength(2);
    const [contact] = await cloud.app.store.contacts();
    const photos = (await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in' && m.attachments);
    expect(photos).toHaveLength(4);
    // A photo sent a minute later is another answer, asked about again.
    expect((await cloud.post(messagesBody([photo(5, '1763950390')]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).length === 3);
    expect((await cloud.post(messagesBody([text('I was charged twice', { timestamp: '1763950400' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('Noted: I was charged twice'));
  });

  it('that WhatsApp failed to hand over: one photo is told of as one photo; a second sent with it, as the album', async () => {
    const cloud = await server();
    expect((await cloud.post(messagesBody([text('hi', { timestamp: '1763950300' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).length === 1);
    // Meta's media server fails every try.
    cloud.graph.failDownloads(100, 500);
    const refusals = () => cloud.graph.saidTo(SHEENA).filter((said) => said.includes('could not be received'));
    expect((await cloud.post(messagesBody([photo(1, '1763950320')]))).status).toBe(200);
    await settled(cloud);
    expect(refusals()).toEqual(['Sorry, your photo could not be received (the file could not be downloaded from WhatsApp). Could you send it again?']);
    // Two sent together a minute later: the first is all that came so far, the second makes them an album; a third is told of no more.
    for (const n of [2, 3, 4]) expect((await cloud.post(messagesBody([photo(n, '1763950380')]))).status).toBe(200);
    await settled(cloud);
    expect(refusals().slice(1)).toEqual([
      'Sorry, your photo could not be received (the file could not be downloaded from WhatsApp). Could you send it again?',
      'Sorry, one or more of the files you sent could not be received (the file could not be downloaded from WhatsApp). Could you send them again?',
    ]);
  });

  it('an album whose photos reach the server before and after a restart (or two processes) is still one answer', async () => {
    const cloud = await server();
    for (const n of [6, 7, 8]) cloud.graph.addMedia(`album-${n}`, Buffer.from(`\xff\xd8\xff photo ${n}`, 'latin1'), { mime: 'image/jpeg' });
    expect((await cloud.post(messagesBody([text('hi', { timestamp: '1763950300' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).length === 1);
    expect((await cloud.post(messagesBody([photo(6, '1763950320')]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).length === 2);
    // The rest of the album comes to a process that never saw its first photo.
    await cloud.restart();
    expect((await cloud.post(messagesBody([photo(7, '1763950321'), photo(8, '1763950322')]))).status).toBe(200);
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA)).toHaveLength(2);
    expect((await cloud.post(messagesBody([text('I was charged twice', { timestamp: '1763950400' })]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).includes('Noted: I was charged twice'));
    expect(cloud.graph.saidTo(SHEENA)).toHaveLength(3);
  });
});

describe('who is writing', () => {
  it('keys a sender without a phone number on their business-scoped user id, and answers them by it', async () => {
    const cloud = await server();
    const bsuid = 'US.13491208655302741918';
    const body = messagesBody([{ from_user_id: bsuid, id: 'wamid.BSUID1', timestamp: '1763950300', type: 'text', text: { body: 'hello from a username 👋' } }]);
    body.entry = [{ ...(body.entry as any[])[0] }];
    (body.entry as any[])[0].changes[0].value.contacts = [{ profile: { name: 'Sam', username: '@sam' }, user_id: bsuid }];
    expect((await cloud.post(body)).status).toBe(200);
    const [contact] = await cloud.app.store.contacts();
    expect(contact).toMatchObject({ name: 'Sam', identities: [{ channel: 'whatsapp-cloud', id: bsuid }] });
    await eventually(() => cloud.graph.sentTo(bsuid).length > 0);
    expect(cloud.graph.sentTo(bsuid)[0]).toMatchObject({ recipient: bsuid, type: 'text' });
    expect(cloud.graph.sentTo(bsuid)[0]!.to).toBeUndefined();
  });

  it('learns the business-scoped user id of a sender keyed on their wa_id, so a later message with the user id alone finds them', async () => {
    const cloud = await server();
    const bsuid = 'US.998877665544';
    const first = messagesBody([{ ...text('hi'), from_user_id: bsuid }]);
    expect((await cloud.post(first)).status).toBe(200);
    const later = messagesBody([{ from_user_id: bsuid, id: 'wamid.LATER', timestamp: '1763950400', type: 'text', text: { body: 'it is me again' } }]);
    (later.entry as any[])[0].changes[0].value.contacts = [{ profile: { name: 'Sheena Nelson' }, user_id: bsuid }];
    expect((await cloud.post(later)).status).toBe(200);
    const contacts = await cloud.app.store.contacts();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.identities).toEqual([{ channel: 'whatsapp-cloud', id: SHEENA }, { channel: 'whatsapp-cloud', id: bsuid }]);
    const inbound = (await cloud.app.store.messagesOfContact(contacts[0]!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => [m.address, m.text])).toEqual([[SHEENA, 'hi'], [bsuid, 'it is me again']]);
  });

  it('moves the identity of a customer who changed their number: their next message is the same contact', async () => {
    const cloud = await server();
    expect((await cloud.post(messagesBody([text('my order #4521?')]))).status).toBe(200);
    const changed = messagesBody([]);
    (changed.entry as any[])[0].changes[0].value.messages = [{
      from: SHEENA, id: 'wamid.SYS1', timestamp: '1763950320', type: 'system',
      system: { body: 'User Sheena Nelson changed from 16505551234 to 16505559999', wa_id: '16505559999', type: 'user_changed_number' },
    }];
    expect((await cloud.post(changed)).status).toBe(200);
    expect((await cloud.post(messagesBody([text('it is me, new number', { from: '16505559999' })], { from: '16505559999' }))).status).toBe(200);

    const contacts = await cloud.app.store.contacts();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]!.identities).toEqual([{ channel: 'whatsapp-cloud', id: '16505559999' }]);
    const inbound = (await cloud.app.store.messagesOfContact(contacts[0]!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => m.text)).toEqual(['my order #4521?', 'it is me, new number']);
  });

  it('records a reaction and an unreadable kind without answering the reaction', async () => {
    const cloud = await server();
    expect((await cloud.post(fixture('text'))).status).toBe(200);
    await eventually(() => cloud.graph.sent.length === 1);
    const wamid = cloud.graph.sent[0]!.id;
    const reaction = { from: SHEENA, id: 'wamid.R1', timestamp: '1763950301', type: 'reaction', reaction: { message_id: wamid, emoji: '❤️' } };
    const order = { from: SHEENA, id: 'wamid.O1', timestamp: '1763950302', type: 'order', order: { catalog_id: '1', product_items: [] } };
    expect((await cloud.post(messagesBody([reaction, order]))).status).toBe(200);
    const [contact] = await cloud.app.store.contacts();
    const inbound = (await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(inbound.map((m) => [m.text, m.reaction])).toEqual([
      ['Hi, my order never arrived 😕', undefined],
      ['[reacted ❤️]', { emoji: '❤️', to: wamid }],
      ['[a message of a kind that cannot be shown here: order]', undefined],
    ]);
  });
});

describe('links customers send', () => {
  it('keeps a link as written, though it holds WhatsApp\'s markers (_summer_, ~ig~), and reads the markup around it', async () => {
    const cloud = await server();
    const written = 'is *this one* in stock? https://shop.example/p/_summer_/dress-42?ref=~ig~ or www.shop.example/_sale_';
    expect((await cloud.post(messagesBody([text(written)]))).status).toBe(200);
    const [contact] = await cloud.app.store.contacts();
    const [stored] = (await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in');
    expect(stored!.text).toBe('is this one in stock? https://shop.example/p/_summer_/dress-42?ref=~ig~ or www.shop.example/_sale_');
  });
});

describe('a cart from the catalog', () => {
  const team = 'teams:\n  - name: Shop\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Shop]\n';
  const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Shop }\n    queued: "Please wait."\n';

  it('reaches the agent as the products (SKU, quantity, price) and what the customer wrote, and the customer is not asked to write it instead', async () => {
    const cloud = await server({ flows: { 'inbound.yaml': assignFlow }, team });
    const lina = visitor(cloud.app.url, 'agent-lina');
    await lina.say('/online');
    expect((await cloud.post(messagesBody([text('مرحبا')]))).status).toBe(200);
    const order = {
      from: SHEENA, id: 'wamid.ORDER1', timestamp: '1763950310', type: 'order',
      order: {
        catalog_id: '3381927', text: 'التوصيل إلى دبي من فضلك',
        product_items: [
          { product_retailer_id: '_DRESS_BLUE_M', quantity: 2, item_price: 149.5, currency: 'AED' },
          { product_retailer_id: 'SCARF-07', quantity: '1', item_price: '35', currency: 'AED' },
        ],
      },
    };
    expect(await cloud.post(messagesBody([order]))).toEqual({ status: 200, body: { ok: true } });
    const [contact] = await cloud.app.store.contacts();
    const stored = (await cloud.app.store.messagesOfContact(contact!.id)).find((m) => m.channelMessageId === 'wamid.ORDER1');
    expect(stored!.text).toBe('التوصيل إلى دبي من فضلك\n🛒 2 × _DRESS_BLUE_M · 149.5 AED\n🛒 1 × SCARF-07 · 35 AED');
    const relayed = async () => (await lina.messages()).map((m) => m.text).filter((line) => line.includes('SCARF-07'));
    await expect.poll(relayed, { timeout: 3000 }).toHaveLength(1);
    expect((await relayed())[0]).toContain('🛒 2 × _DRESS_BLUE_M · 149.5 AED');
    await settled(cloud);
    expect(cloud.graph.saidTo(SHEENA).filter((said) => said.includes('عذرًا'))).toEqual([]);
  });
});

describe('a message edited or deleted', () => {
  it('says nothing to a customer who fixes a typo or deletes what they sent, and keeps the original (and the edit and the deletion after it)', async () => {
    const emailFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
`;
    const cloud = await server({ flows: { 'inbound.yaml': emailFlow } });
    expect((await cloud.post(messagesBody([{ ...text('hello'), id: 'wamid.E1' }]))).status).toBe(200);
    // The shapes Meta documents for a number also used from the WhatsApp Business app.
    const edit = { from: SHEENA, id: 'wamid.E2', timestamp: '1763950310', type: 'edit', edit: { original_message_id: 'wamid.E1', message: { type: 'text', text: { body: 'hello there' } } } };
    const revoke = { from: SHEENA, id: 'wamid.E3', timestamp: '1763950320', type: 'revoke', revoke: { original_message_id: 'wamid.E1' } };
    expect((await cloud.post(messagesBody([edit, revoke]))).status).toBe(200);
    await settled(cloud);
    // Only the question: no "that kind of message cannot be read here" for an edit or a deletion.
    expect(cloud.graph.saidTo(SHEENA)).toEqual(['What is your email address?']);
    const [contact] = await cloud.app.store.contacts();
    expect((await cloud.app.store.messagesOfContact(contact!.id)).filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['hello', '[edited "hello"] hello there', '[deleted "hello there"]']);
  });
});

describe('configuration', () => {
  it('refuses to start with some of the four WhatsApp Cloud settings, naming the missing ones', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': askFlow });
    const starting = startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, WHATSAPP_TOKEN: TOKEN, WHATSAPP_APP_SECRET: APP_SECRET },
      log: quietLog, watch: false, sweepEveryMs: 0,
    });
    await expect(starting).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_VERIFY_TOKEN: missing'),
    });
  });

  it('takes the Graph API version from WHATSAPP_API_VERSION, v21.0 by default', () => {
    expect(readConfig({}).WHATSAPP_API_VERSION).toBe('v21.0');
    expect(readConfig({ WHATSAPP_API_VERSION: 'v23.0' }).WHATSAPP_API_VERSION).toBe('v23.0');
    expect(() => readConfig({ WHATSAPP_API_VERSION: 'latest' })).toThrow(/WHATSAPP_API_VERSION="latest": must be a Graph API version such as v21.0/);
  });
});

describe('a batch not stored', () => {
  /** The channel alone on an express app, with `deliver` as the runtime's. */
  async function channelWith(deliver: (message: InboundMessage) => Promise<void>, report?: ChannelHost['report']) {
    const channel = createWhatsAppCloudChannel({
      token: TOKEN, phoneNumberId: PHONE_NUMBER_ID, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN,
      graphRoot: 'http://127.0.0.1:9', version: 'v21.0', log: quietLog,
    });
    const app = express();
    channel.mount?.(app);
    const host = hostFor(deliver);
    if (report) host.report = report;
    await channel.start(host);
    const server: Server = await new Promise((done) => {
      const listening = app.listen(0, '127.0.0.1', () => done(listening));
    });
    running.push({ stop: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }) });
    const post = async (body: unknown) => {
      const raw = JSON.stringify(body);
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/whatsapp`, { method: 'POST', headers: { 'x-hub-signature-256': sign(raw) }, body: raw });
      await res.arrayBuffer();
      return res.status;
    };
    return { post };
  }

  it('records the statuses of different messages side by side, so statuses that wait for a late id do not add up', async () => {
    const started: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((done) => (release = done));
    const { post } = await channelWith(async () => {}, async (status) => {
      started.push(`${status.messageId}:${status.status}`);
      await gate;
    });
    const value = fixture('statuses').entry[0].changes[0].value;
    const status = (id: string, state: string) => ({ id, status: state, timestamp: '1763950330', recipient_id: '16505551234' });
    const batch = { object: 'whatsapp_business_account', entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { ...value, statuses: [status('wamid.A', 'delivered'), status('wamid.B', 'delivered'), status('wamid.A', 'read'), status('wamid.C', 'read')] } }] }] };
    const answered = post(batch);
    // Three messages at once; the second status of wamid.A only after its first.
    await eventually(() => started.length === 3, 10_000);
    expect(started).toEqual(['wamid.A:delivered', 'wamid.B:delivered', 'wamid.C:read']);
    release();
    expect(await answered).toBe(200);
    expect(started.at(-1)).toBe('wamid.A:read');
  });

  it('answers 500 when a message could not be stored, so Meta sends the batch again, and stops there', async () => {
    const delivered: string[] = [];
    let fail = true;
    const { post } = await channelWith(async (message) => {
      if (fail && message.id === 'wamid.2') throw new Error('disk full');
      delivered.push(message.id);
    });
    const batch = messagesBody([{ ...text('one'), id: 'wamid.1' }, { ...text('two'), id: 'wamid.2' }, { ...text('three'), id: 'wamid.3' }]);
    expect(await post(batch)).toBe(500);
    expect(delivered).toEqual(['wamid.1']);
    fail = false;
    expect(await post(batch)).toBe(200);
    // wamid.1 was stored the first time: not handed over again (the runtime's dedup would have found it, after counting it)
    expect(delivered).toEqual(['wamid.1', 'wamid.2', 'wamid.3']);
  });

  it('answers 503 while the runtime refuses messages (shutting down)', async () => {
    const { post } = await channelWith(async () => {
      throw new DeliveryRefused('the bot is shutting down; try again shortly');
    });
    expect(await post(fixture('text'))).toBe(503);
  });
});
