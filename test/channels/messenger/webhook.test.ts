// The Messenger webhook through the real server: Meta's verification, signatures over the raw bytes, bodies that are
// not batches, batches of several entries and events (one unreadable among them), repeated deliveries, quick replies
// and postbacks (Get Started's payload kept as the referral), files fetched from their URL into the media store,
// referrals, reactions, receipts as statuses, standby and handover events, and names from the profile API.
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessengerChannels } from '../../../src/channels/messenger/index.ts';
import { readConfig } from '../../../src/server/config.ts';
import { startSwitchboard } from '../../../src/server/switchboard.ts';
import { DeliveryRefused, type InboundMessage } from '../../../src/types.ts';
import { cleanupDirs, dataDirWith, eventually, hostFor, quietLog, recordingLog, visitor } from '../../helpers.ts';
import { metaError } from '../meta/fake-graph-api.ts';
import { APP_SECRET, PAGE_ID, PSID, TOKEN, VERIFY_TOKEN, batch, clock, fixture, settled, sign, startMessenger, textEvent, type MessengerServer } from './harness.ts';

const running: { stop(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const askFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Hi {{contact.name | there}}! How can we help?"
    save: conversation.need
  - say: "Noted: {{conversation.need}}"
`;

async function server(options: Partial<Parameters<typeof startMessenger>[0]> = {}): Promise<MessengerServer> {
  const started = await startMessenger({ flows: { 'inbound.yaml': askFlow }, ...options });
  running.push(started);
  return started;
}

async function nothingStored(messenger: MessengerServer): Promise<void> {
  expect(await messenger.app.store.contacts()).toEqual([]);
  expect(await messenger.app.store.conversations()).toEqual([]);
}

async function inboundOf(messenger: MessengerServer, index = 0) {
  const contacts = await messenger.app.store.contacts();
  return (await messenger.app.store.messagesOfContact(contacts[index]!.id)).filter((m) => m.direction === 'in');
}

describe('verification', () => {
  it('answers Meta\'s challenge as text when the verify token matches, and 403 otherwise', async () => {
    const messenger = await server();
    const verify = (query: string) => fetch(`${messenger.app.url}/webhooks/messenger?${query}`);
    const good = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await good.text()).toBe('1158201444');
    expect((await verify('hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444')).status).toBe(403);
    expect((await verify('hub.mode=subscribe&hub.challenge=1')).status).toBe(403);
  });
});

describe('signatures and shapes', () => {
  it('refuses a forged, missing or re-serialised signature with 401 and stores nothing', async () => {
    const messenger = await server();
    const body = JSON.stringify(fixture('text-quick-reply'));
    expect((await messenger.post(body, { signature: sign(body, 'not-the-app-secret') })).status).toBe(401);
    expect((await messenger.post(body, { signature: null })).status).toBe(401);
    expect((await messenger.post(body, { signature: 'sha256=nothex' })).status).toBe(401);
    expect((await messenger.post(JSON.stringify(fixture('text-quick-reply'), null, 2), { signature: sign(body) })).status).toBe(401);
    await nothingStored(messenger);
    expect(messenger.graph.calls).toEqual([]);
  });

  it('refuses a signed body that is not JSON, or not a Messenger Platform batch, with 400 and stores nothing', async () => {
    const messenger = await server();
    expect(await messenger.post('{"object": "page", "entry": [')).toMatchObject({ status: 400, body: { error: 'the body is not valid JSON' } });
    expect((await messenger.post({ object: 'whatsapp_business_account', entry: [] })).status).toBe(400);
    expect((await messenger.post({ object: 'page', entry: [{ messaging: 'nope' }] })).status).toBe(400);
    expect((await messenger.post([1, 2, 3])).status).toBe(400);
    await nothingStored(messenger);
  });
});

describe('batches', () => {
  it('keeps nothing of a text of only spaces or invisible characters from someone new, rather than refusing it as malformed', async () => {
    const { log, lines } = recordingLog();
    const messenger = await server({ log });
    const body = { object: 'page', entry: [{ id: PAGE_ID, time: 1763950400000, messaging: [textEvent('\u200b\u200d', { mid: 'm_Z1' }), textEvent('   ', { mid: 'm_Z2' })] }] };
    expect(await messenger.post(body)).toEqual({ status: 200, body: { ok: true } });
    await settled(messenger);
    expect(lines.filter((line) => line.msg === 'Messenger webhook item refused; acknowledged with its batch')).toEqual([]);
    await nothingStored(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual([]);
  });

  it('asks the question waiting again after a text that shows nothing, instead of saying nothing; nothing is kept as the answer', async () => {
    const messenger = await server();
    expect((await messenger.post(batch([textEvent('hello', { mid: 'm_Y1' })]))).status).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).length === 1);
    // Before: nothing at all; she waited for an answer to a message that showed nothing.
    for (const [index, invisible] of ['\u200b', '\u2060\ufeff', '\ufe0f'].entries()) {
      expect((await messenger.post(batch([textEvent(invisible, { mid: `m_Y${index + 2}` })]))).status).toBe(200);
      await eventually(() => messenger.graph.saidTo(PSID).length === 2 + index);
    }
    expect(messenger.graph.saidTo(PSID)).toEqual(Array(4).fill('Hi there! How can we help?'));
    expect((await inboundOf(messenger)).map((message) => message.text)).toEqual(['hello']);
    // Her next words answer it as ever.
    expect((await messenger.post(batch([textEvent('my order is late', { mid: 'm_Y9' })]))).status).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).at(-1) === 'Noted: my order is late');
  });

  it('stores every message of a batch of two entries before answering, and skips an unreadable event', async () => {
    const { log, lines } = recordingLog();
    const messenger = await server({ log });
    const layla = '7000000000000001';
    const body = {
      object: 'page',
      entry: [
        { id: PAGE_ID, time: 1763950400000, messaging: [textEvent('طلبي لم يصل بعد 😕 order #4521', { mid: 'm_A1' }), textEvent('it was charged twice', { mid: 'm_A2' })] },
        { id: PAGE_ID, time: 1763950401000, messaging: [
          // No mid: unreadable, acknowledged with the batch, never retried.
          { sender: { id: layla }, recipient: { id: PAGE_ID }, timestamp: 1763950401000, message: { text: 'lost' } },
          textEvent('hello from Layla', { from: layla, mid: 'm_B1' }),
        ] },
      ],
    };
    expect(await messenger.post(body)).toEqual({ status: 200, body: { ok: true, refused: 1 } });
    expect((await messenger.app.store.contacts()).map((contact) => contact.identities)).toEqual([
      [{ channel: 'messenger', id: PSID }],
      [{ channel: 'messenger', id: layla }],
    ]);
    expect((await inboundOf(messenger, 0)).map((m) => [m.channelMessageId, m.text])).toEqual([['m_A1', 'طلبي لم يصل بعد 😕 order #4521'], ['m_A2', 'it was charged twice']]);
    expect((await inboundOf(messenger, 1)).map((m) => m.channelMessageId)).toEqual(['m_B1']);
    expect(lines.filter((line) => line.msg === 'Messenger webhook item refused; acknowledged with its batch')).toEqual([
      expect.objectContaining({ level: 40, where: 'entry[1].messaging[0]', reason: expect.stringContaining('mid') }),
    ]);

    await settled(messenger);
    expect(messenger.graph.sentTo(PSID)[0]).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Hi there! How can we help?', metadata: 'switchboard' } });
    expect(messenger.graph.callsTo('/me/messages').every((call) => call.token === TOKEN && call.path === '/v21.0/me/messages' && call.query === '')).toBe(true);
  });

  it('keeps an Instagram-scoped id sent as a number past 2^53 digit for digit: the reply goes to that person, not to a rounded one', async () => {
    const messenger = await server({ config: { INSTAGRAM: '1' } });
    // Ids are strings in Meta's payloads, numbers in some old ones: the raw bytes, as no JavaScript number could write them.
    const sender = '17841400000000001';
    messenger.graph.addProfile(sender, { name: 'Layla', username: 'layla.h' });
    const raw = `{"object":"instagram","entry":[{"id":"17841405822304914","time":1763950400000,"messaging":[{"sender":{"id":${sender}},"recipient":{"id":17841405822304914},"timestamp":1763950400000,"message":{"mid":"ig_m_BIG","text":"hello"}}]}]}`;
    expect(await messenger.post(raw)).toEqual({ status: 200, body: { ok: true } });
    expect((await messenger.app.store.contacts()).map((contact) => contact.identities)).toEqual([[{ channel: 'instagram', id: sender }]]);
    await settled(messenger);
    expect(messenger.graph.saidTo(sender)).toEqual(['Hi Layla! How can we help?']);
  });

  it('answers a customer who pastes a very long text: 10,000 characters kept whole, past 20,000 kept cut and marked, never dropped', async () => {
    const messenger = await server();
    const long = 'طلبي رقم 4521 لم يصل بعد 😕 '.repeat(400);
    const huge = '🧾'.repeat(15_000);
    expect(await messenger.post(batch([textEvent(long, { mid: 'm_LONG' })]))).toEqual({ status: 200, body: { ok: true } });
    expect(await messenger.post(batch([textEvent(huge, { mid: 'm_HUGE' })]))).toEqual({ status: 200, body: { ok: true } });
    const [first, second] = await inboundOf(messenger);
    expect(first!.text).toBe(long);
    expect(second!.text).toBe(`${'🧾'.repeat(9_999)}…`);
    await settled(messenger);
    // The first opened the conversation, the second answered the question, split as the Send API takes it.
    const said = messenger.graph.saidTo(PSID);
    expect(said[0]).toBe('Hi there! How can we help?');
    expect(said.slice(1).join('')).toBe(`Noted: ${second!.text}`);
  });

  it('answers the other customers of a batch at once when one customer writes too fast, whose messages wait for Meta to send the batch again', async () => {
    const messenger = await server({ config: { CONTACT_RATE_LIMIT: { capacity: 2, perMs: 60_000 } } });
    const layla = '7000000000000001';
    const body = batch([
      textEvent('hi', { mid: 'm_F1' }), textEvent('hello?', { mid: 'm_F2' }), textEvent('anyone??', { mid: 'm_F3' }), textEvent('HELLO', { mid: 'm_F4' }),
      textEvent('Bonjour, ma commande est en retard', { from: layla, mid: 'm_L1' }),
    ]);
    expect((await messenger.post(body)).status).toBe(503);
    // Layla is not held back behind the fast writer: stored and greeted now, not when Meta tries the batch again.
    const contacts = await messenger.app.store.contacts();
    const laylaContact = contacts.find((contact) => contact.identities[0]!.id === layla);
    expect(laylaContact).toBeDefined();
    await settled(messenger);
    expect(messenger.graph.saidTo(layla)).toEqual(['Hi there! How can we help?']);
    // The fast writer's first two are in, in order; the rest wait for the batch to come again.
    expect((await inboundOf(messenger, contacts.indexOf(contacts.find((contact) => contact.identities[0]!.id === PSID)!))).map((m) => m.channelMessageId)).toEqual(['m_F1', 'm_F2']);
  });

  it('takes the fast writer\'s waiting messages when Meta sends the batch again, instead of spending their allowance on the ones already stored', async () => {
    // The allowance is counted on a clock the test moves: on the real one, storing the first two taking 500 ms (a
    // busy runner) gave the third its token back before it was refused.
    const time = clock();
    const messenger = await server({ config: { CONTACT_RATE_LIMIT: { capacity: 2, perMs: 1_000 } }, now: time.now });
    const body = batch([textEvent('hi', { mid: 'm_R1' }), textEvent('hello?', { mid: 'm_R2' }), textEvent('my order #4521 is late', { mid: 'm_R3' })]);
    expect((await messenger.post(body)).status).toBe(503);
    // Meta's next try, once the allowance is back: the two stored before are not counted again, so the third goes in.
    time.advance(1_100);
    expect((await messenger.post(body)).status).toBe(200);
    expect((await inboundOf(messenger)).map((m) => m.text)).toEqual(['hi', 'hello?', 'my order #4521 is late']);
  });

  it('leaves the customers of another Page of the same Meta app to that Page: acknowledged, logged once, neither stored nor answered', async () => {
    const { log, lines } = recordingLog();
    const messenger = await server({ log, config: { INSTAGRAM: '1' } });
    const otherPage = '5566778899';
    const theirCustomer = '7000000000000009';
    const body = {
      object: 'page',
      entry: [
        { id: otherPage, time: 1763950400000, messaging: [textEvent('Is my pizza on its way?', { from: theirCustomer, to: otherPage, mid: 'm_OTHER1' })] },
        { id: PAGE_ID, time: 1763950400000, messaging: [textEvent('My order never arrived', { mid: 'm_OURS1' })] },
      ],
    };
    expect(await messenger.post(body)).toEqual({ status: 200, body: { ok: true } });
    const again = { object: 'page', entry: [{ id: otherPage, time: 1763950401000, messaging: [textEvent('Hello??', { from: theirCustomer, to: otherPage, mid: 'm_OTHER2' })] }] };
    expect(await messenger.post(again)).toEqual({ status: 200, body: { ok: true } });
    // An Instagram account that is not the one linked to this Page: the same.
    const otherInstagram = { object: 'instagram', entry: [{ id: '17841400000000001', time: 1763950402000, messaging: [textEvent('is the dress in stock?', { from: '1234500000000009', to: '17841400000000001', mid: 'ig_OTHER1' })] }] };
    expect((await messenger.post(otherInstagram)).status).toBe(200);

    // Only this Page's customer is a contact, and only they are answered.
    expect((await messenger.app.store.contacts()).map((contact) => contact.identities)).toEqual([[{ channel: 'messenger', id: PSID }]]);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Hi there! How can we help?']);
    expect(messenger.graph.sentTo(theirCustomer)).toEqual([]);
    // The operator reads it once per account, not once per message; the Page was asked of Meta once.
    expect(lines.filter((line) => typeof line.msg === 'string' && line.msg.includes('acknowledged and not answered')).map((line) => line.account)).toEqual([otherPage, '17841400000000001']);
    expect(messenger.graph.callsTo('/v21.0/me').map((call) => call.query)).toEqual(['fields=id,instagram_business_account']);
  });

  it('still answers customers while Meta cannot say which Page the token is for', async () => {
    const messenger = await server();
    messenger.graph.setPage(undefined);
    expect((await messenger.post(batch([textEvent('My order never arrived', { mid: 'm_UNCHECKED' })]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Hi there! How can we help?']);
  });

  it('stores a message delivered twice once, and answers it once', async () => {
    const messenger = await server();
    const body = batch([textEvent('Hi, my order never arrived', { mid: 'm_TWICE' })]);
    expect((await messenger.post(body)).status).toBe(200);
    expect((await messenger.post(body)).status).toBe(200);
    expect((await inboundOf(messenger)).map((m) => m.text)).toEqual(['Hi, my order never arrived']);
    await settled(messenger);
    expect(messenger.graph.sentTo(PSID)).toHaveLength(1);
  });
});

describe('quick replies and postbacks', () => {
  const topicFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is this about?"
    expect: choice
    choices: [{ id: billing, title: Billing }, { id: tech, title: Technical problem }]
    save: conversation.topic
  - say: "Topic: {{conversation.topic}}"
`;

  it('offers choices as quick replies and takes the quick reply pressed as the choice', async () => {
    const messenger = await server({ flows: { 'inbound.yaml': topicFlow } });
    expect((await messenger.post(batch([textEvent('hello')]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.sentTo(PSID)[0]!.message).toEqual({
      text: 'What is this about?',
      // Each payload names the question's message; the fixture's bare payload, as sent before, still picks its choice.
      quick_replies: [{ content_type: 'text', title: 'Billing', payload: expect.stringMatching(/^\{"choice":"billing","of":\d+\}$/) }, { content_type: 'text', title: 'Technical problem', payload: expect.stringMatching(/^\{"choice":"tech","of":\d+\}$/) }],
      metadata: 'switchboard',
    });

    expect((await messenger.post(fixture('text-quick-reply'))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['What is this about?', 'Topic: billing']);
    expect((await inboundOf(messenger)).at(-1)).toMatchObject({ text: 'Billing', choice: 'billing' });
  });

  it('takes a postback\'s payload as the choice, and keeps the Get Started payload as the contact\'s referral', async () => {
    const messenger = await server({ flows: { 'inbound.yaml': topicFlow } });
    expect((await messenger.post(fixture('postback'))).status).toBe(200);
    const [contact] = await messenger.app.store.contacts();
    expect(contact!.fields.referral).toBe('GET_STARTED');
    expect((await inboundOf(messenger))[0]).toMatchObject({ channelMessageId: 'm_postback0001', text: 'Get Started', choice: 'GET_STARTED' });
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['What is this about?']);

    // A later postback (a button of ours) is an answer, not how the person arrived.
    const later = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950411000, postback: { mid: 'm_postback0002', title: 'Technical problem', payload: 'tech' } };
    expect((await messenger.post(batch([later]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['What is this about?', 'Topic: tech']);
    expect((await messenger.app.store.contacts())[0]!.fields.referral).toBe('GET_STARTED');
  });

  it('asks the question again when the customer taps Get Started while the bot waits for their answer, without spending a retry', async () => {
    const emailFlow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "Welcome to Acme!"
  - ask: "What is your email address?"
    expect: email
    save: contact.email
    retries: 1
    invalid: "That doesn't look like an email address. Could you check it?"
  - ask: "What can we help you with?"
    save: conversation.need
  - say: "Thanks, we are on it."
`;
    const messenger = await server({ flows: { 'inbound.yaml': emailFlow } });
    let at = 1763950420000;
    const getStarted = () => ({ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: at++, postback: { mid: `m_gs${at}`, title: 'Get Started', payload: 'GET_STARTED' } });
    expect((await messenger.post(fixture('postback'))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toEqual(['Welcome to Acme!', 'What is your email address?']);

    // Tapped again, twice: neither is a wrong email (one retry only: a second wrong answer would move on).
    expect((await messenger.post(batch([getStarted()]))).status).toBe(200);
    expect((await messenger.post(batch([getStarted()]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID).slice(2)).toEqual(['What is your email address?', 'What is your email address?']);

    expect((await messenger.post(batch([textEvent('layla at example', { timestamp: at++ })]))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('layla@example.com', { timestamp: at++ })]))).status).toBe(200);
    // Asked what they need, and Get Started is not their need either.
    expect((await messenger.post(batch([getStarted()]))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('My parcel is late', { timestamp: at++ })]))).status).toBe(200);
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID).slice(4)).toEqual([
      "That doesn't look like an email address. Could you check it?",
      'What can we help you with?',
      'What can we help you with?',
      'Thanks, we are on it.',
    ]);
    const [contact] = await messenger.app.store.contacts();
    expect(contact!.fields.email).toBe('layla@example.com');
    expect((await messenger.app.store.conversations())[0]!.fields.need).toBe('My parcel is late');
  });

  it('keeps the m.me link\'s ref of a Get Started over its payload', async () => {
    const messenger = await server();
    const started = fixture('postback');
    started.entry[0].messaging[0].postback.referral = { ref: 'summer-sale', source: 'SHORTLINK', type: 'OPEN_THREAD' };
    expect((await messenger.post(started)).status).toBe(200);
    expect((await messenger.app.store.contacts())[0]!.fields.referral).toBe('summer-sale');
  });
});

describe('referrals', () => {
  it('keeps a referral that came without a message for the person\'s next message, and an ad\'s id on a message', async () => {
    const messenger = await server();
    const referral = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, referral: { ref: 'spring-coupon', source: 'SHORTLINK', type: 'OPEN_THREAD' } };
    expect((await messenger.post(batch([referral]))).status).toBe(200);
    await nothingStored(messenger);
    expect((await messenger.post(batch([textEvent('I have a coupon')]))).status).toBe(200);
    expect((await messenger.app.store.contacts())[0]!.fields.referral).toBe('spring-coupon');

    const fromAd = textEvent('Is this still on sale?', { from: '7000000000000002' });
    (fromAd.message as Record<string, unknown>).referral = { source: 'ADS', type: 'OPEN_THREAD', ad_id: '23851234567890123', ads_context_data: { ad_title: 'Sale' } };
    expect((await messenger.post(batch([fromAd]))).status).toBe(200);
    expect((await messenger.app.store.contacts())[1]!.fields.referral).toBe('23851234567890123');
  });
});

describe('files customers send', () => {
  it('fetches a photo from the URL the webhook gives (no token sent) into the media store before delivering it', async () => {
    const messenger = await server();
    const jpeg = Buffer.from('\xff\xd8\xff\xe0 receipt, charged twice', 'latin1');
    const url = messenger.graph.addFile('receipt.jpg', jpeg, 'image/jpeg');
    const photo = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, message: { mid: 'm_IMG1', attachments: [{ type: 'image', payload: { url } }] } };
    expect((await messenger.post(batch([photo]))).status).toBe(200);

    expect(messenger.graph.downloads).toEqual(['receipt.jpg']);
    expect(messenger.graph.calls.find((call) => call.path.startsWith('/cdn/'))!.token).toBe('');
    const [stored] = await inboundOf(messenger);
    expect(stored!.attachments).toEqual([{ kind: 'image', mime: 'image/jpeg', size: jpeg.byteLength, ref: expect.stringMatching(/^[0-9a-f]{32}$/) }]);
    expect(await readFile(join(messenger.dir, 'media', stored!.attachments![0]!.ref!))).toEqual(jpeg);
  });

  it('delivers a file over the size limit with the reason, and tells the customer; a location arrives as one', async () => {
    const messenger = await server({ config: { MAX_ATTACHMENT_MB: 1 } });
    const url = messenger.graph.addFile('manual.pdf', Buffer.alloc(2 * 1024 * 1024, 1), 'application/pdf');
    const file = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, message: { mid: 'm_PDF1', attachments: [{ type: 'file', payload: { url } }] } };
    const place = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950401000, message: { mid: 'm_LOC1', attachments: [{ type: 'location', title: 'Acme Store', payload: { coordinates: { lat: 25.197197, long: 55.274376 } } }] } };
    expect((await messenger.post(batch([file, place]))).status).toBe(200);

    const [pdf, location] = await inboundOf(messenger);
    expect(pdf!.attachments).toEqual([{ kind: 'document', name: 'manual.pdf', refused: 'the file is larger than 1 MB', refusal: { kind: 'tooLarge', limitBytes: 1024 * 1024 } }]);
    expect(location!.attachments).toEqual([{ kind: 'location', location: { latitude: 25.197197, longitude: 55.274376, name: 'Acme Store' } }]);
    await eventually(() => messenger.graph.saidTo(PSID).some((said) => said.startsWith('Sorry, your file could not be received')));
  });

  it('stores the message of a photo whose URL answers 401, tells the customer, and does not hold the batch back for Meta to resend', async () => {
    const messenger = await server();
    const url = messenger.graph.addFile('expired.jpg', Buffer.from('jpeg'), 'image/jpeg');
    // The attachment URL is signed and needs no token (none is sent): its 401 is the URL's, not the Page token's.
    messenger.graph.failDownloads(1, 401);
    const photo = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, message: { mid: 'm_IMG401', attachments: [{ type: 'image', payload: { url } }] } };
    expect(await messenger.post(batch([photo, textEvent('it is the receipt', { mid: 'm_AFTER401' })]))).toEqual({ status: 200, body: { ok: true } });
    const [stored, after] = await inboundOf(messenger);
    expect(stored!.attachments).toEqual([{ kind: 'image', refused: 'the file could not be downloaded from Messenger', refusal: { kind: 'notFetched' } }]);
    expect(after!.text).toBe('it is the receipt');
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)[0]).toMatch(/^Sorry, your photo could not be received/);
  });

  it('asks a customer whose photo Messenger did not share (no URL) to send it again, not a smaller one', async () => {
    const messenger = await server();
    const photo = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, message: { mid: 'm_IMGNOURL', attachments: [{ type: 'image', payload: {} }] } };
    expect(await messenger.post(batch([photo]))).toEqual({ status: 200, body: { ok: true } });
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)).toContain('Sorry, your photo could not be received (Messenger did not share this file). Could you send it again?');
  });

  it('takes a text sent with a template as the answer, and keeps the template as a line beside it, where the template was dropped or the text refused', async () => {
    const messenger = await server();
    expect((await messenger.post(batch([textEvent('hi', { mid: 'm_HI' })]))).status).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).length === 1);
    const template = { type: 'template', payload: { template_type: 'generic', elements: [{ title: 'Blue dress' }] } };
    const event = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, message: { mid: 'm_TPL', text: 'is this one in stock?', attachments: [template] } };
    expect((await messenger.post(batch([event]))).status).toBe(200);
    await eventually(() => messenger.graph.saidTo(PSID).length === 2);
    expect(messenger.graph.saidTo(PSID)[1]).toBe('Noted: is this one in stock?');
    expect((await inboundOf(messenger))[1]).toMatchObject({ text: 'is this one in stock?', unsupported: 'template' });
  });

  it('takes a shared link as text: its title and address, after what the person wrote; one without an address as a line naming it', async () => {
    const messenger = await server();
    const event = (mid: string, message: Record<string, unknown>) => ({ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, message: { mid, ...message } });
    const link = (url?: string) => ({ type: 'fallback', title: 'Our store', payload: url !== undefined ? { url } : null });
    expect((await messenger.post(batch([
      event('m_LINK1', { attachments: [link('https://example.com/store')] }),
      // The person's words beside it were all the agent read of it: the link was lost.
      event('m_LINK2', { text: 'is this you?', attachments: [link('https://example.com/fake-store')] }),
      // Typed, the address is in the text already (its preview maybe behind Facebook's redirect): not said twice.
      event('m_LINK3', { text: 'see https://example.com/store', attachments: [link('https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com%2Fstore')] }),
      event('m_LINK4', { attachments: [link()] }),
    ]))).status).toBe(200);
    expect((await inboundOf(messenger)).map((message) => message.text)).toEqual([
      'Our store: https://example.com/store',
      'is this you?\nOur store: https://example.com/fake-store',
      'see https://example.com/store',
      '[a message of a kind that cannot be shown here: shared link]',
    ]);
  });
});

describe('names', () => {
  it('asks the profile API for a person\'s name once, and greets them by it', async () => {
    const messenger = await server();
    messenger.graph.addProfile(PSID, { first_name: 'Layla', last_name: 'Haddad', name: 'Layla Haddad', profile_pic: 'https://example.com/p.jpg' });
    expect((await messenger.post(batch([textEvent('hi')]))).status).toBe(200);
    expect((await messenger.post(batch([textEvent('my order #4521')]))).status).toBe(200);
    expect(messenger.graph.profileLookups).toEqual([PSID]);
    expect(messenger.graph.callsTo(`/${PSID}`)[0]!.query).toBe('fields=first_name,last_name,name,profile_pic');
    expect((await messenger.app.store.contacts())[0]!.name).toBe('Layla Haddad');
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)[0]).toBe('Hi Layla Haddad! How can we help?');
  });

  it('delivers the message without a name when the profile cannot be read', async () => {
    const messenger = await server();
    messenger.graph.addProfile(PSID, { name: 'Layla Haddad' });
    messenger.graph.failProfiles(1, metaError(400, 100, 'Unsupported get request'));
    expect((await messenger.post(batch([textEvent('hi')]))).status).toBe(200);
    expect((await messenger.app.store.contacts())[0]!.name).toBeUndefined();
    await settled(messenger);
    expect(messenger.graph.saidTo(PSID)[0]).toBe('Hi there! How can we help?');
  });

  describe('that the profile API does not hand over', () => {
    const team = (language = '') => `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]\n    max_open: 5\n${language}`;
    const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
    const OTHER = '6789012345670002';

    /** Two customers whose profiles Meta refuses write; Lina, online, gets both. Resolves to what she read, and the contacts' tags. */
    async function twoNameless(language = '') {
      const time = clock();
      const messenger = await server({ flows: { 'inbound.yaml': assignFlow }, team: team(language), now: time.now });
      const lina = visitor(messenger.app.url, 'agent-lina');
      await lina.say('/online');
      messenger.graph.addProfile(PSID, { name: 'Layla Haddad' });
      messenger.graph.addProfile(OTHER, { name: 'Omar Said' });
      messenger.graph.failProfiles(2, metaError(400, 100, 'Unsupported get request'));
      expect((await messenger.post(batch([textEvent('my order is late')]))).status).toBe(200);
      expect((await messenger.post(batch([textEvent('I was charged twice', { from: OTHER })]))).status).toBe(200);
      await settled(messenger);
      const contacts = await messenger.app.store.contacts();
      const tag = (psid: string) => contacts.find((contact) => contact.identities[0]!.id === psid)!.id.slice(0, 4);
      return { time, messenger, lina, tags: [tag(PSID), tag(OTHER)] as const };
    }

    it('are told apart on Lina\'s cards and /list by the start of their contact id, and named once a later message brings the profile', async () => {
      const { time, messenger, lina, tags: [layla, other] } = await twoNameless();
      expect(layla).not.toBe(other);
      const texts = async () => (await lina.messages()).map((m) => m.text);
      await eventually(async () => (await texts()).filter((line) => line.includes('on Messenger')).length === 2);
      expect((await texts()).filter((line) => line.includes('on Messenger')).map((card) => card.split('\n')[1])).toEqual([`Customer ${layla} on Messenger`, `Customer ${other} on Messenger`]);
      await lina.say('/list');
      await eventually(async () => (await texts()).some((line) => line.includes('#2 Customer')));
      expect((await texts()).at(-1)).toContain(`#1 Customer ${layla}`);

      // A message within the minute goes on without asking again; one after it brings the profile, and the name.
      expect((await messenger.post(batch([textEvent('hello?')]))).status).toBe(200);
      time.advance(61_000);
      expect((await messenger.post(batch([textEvent('any news?')]))).status).toBe(200);
      await settled(messenger);
      expect(messenger.graph.profileLookups.filter((id) => id === PSID)).toHaveLength(2);
      expect((await texts()).filter((line) => line.endsWith('hello?') || line.endsWith('any news?'))).toEqual([`#1 Customer ${layla}: hello?`, '#1 Layla Haddad: any news?']);
      await lina.say('/list');
      await eventually(async () => (await texts()).at(-1)!.includes('#1 Layla Haddad'));
      expect((await texts()).at(-1)).toContain(`#2 Customer ${other}`);
    });

    it('are told apart in Arabic for an agent with language: ar', async () => {
      const { lina, tags: [layla, other] } = await twoNameless('    language: ar\n');
      const cardsRead = async () => (await lina.messages()).map((m) => m.text).filter((line) => line.includes('عبر'));
      await eventually(async () => (await cardsRead()).length === 2);
      const cards = await cardsRead();
      expect(cards[0]).toContain(`العميل \u2068${layla}\u2069`);
      expect(cards[1]).toContain(`العميل \u2068${other}\u2069`);
    });
  });
});

describe('reactions and receipts', () => {
  it('records a reaction without answering it, and marks our messages delivered and read by mids and watermarks', async () => {
    const time = clock();
    const messenger = await server({ now: time.now });
    expect((await messenger.post(batch([textEvent('hi')]))).status).toBe(200);
    await settled(messenger);
    const [greeting] = messenger.graph.sent;
    time.advance(60_000);
    expect((await messenger.post(batch([textEvent('my order is late')]))).status).toBe(200);
    await settled(messenger);
    const noted = messenger.graph.sent[1]!;

    const reaction = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950430000, reaction: { reaction: 'love', emoji: '❤️', action: 'react', mid: noted.id } };
    const unreact = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950431000, reaction: { reaction: 'love', action: 'unreact', mid: noted.id } };
    expect((await messenger.post(batch([reaction, unreact]))).status).toBe(200);
    const inbound = await inboundOf(messenger);
    expect(inbound.at(-1)).toMatchObject({ text: '[reacted ❤️]', reaction: { emoji: '❤️', to: noted.id } });
    await settled(messenger);
    expect(messenger.graph.sent).toHaveLength(2);

    // Delivered: the greeting by watermark (sent before it), the second by its mid.
    const delivery = { sender: { id: PSID }, recipient: { id: PAGE_ID }, delivery: { watermark: time.ms() - 30_000, mids: [noted.id] } };
    expect((await messenger.post(batch([delivery]))).status).toBe(200);
    expect((await messenger.app.store.messageByChannelId('messenger', greeting!.id))?.delivery).toBe('delivered');
    expect((await messenger.app.store.messageByChannelId('messenger', noted.id))?.delivery).toBe('delivered');
    // Read: everything up to the watermark.
    const read = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: time.ms(), read: { watermark: time.ms() } };
    expect((await messenger.post(batch([read]))).status).toBe(200);
    expect((await messenger.app.store.messageByChannelId('messenger', greeting!.id))?.delivery).toBe('read');
    expect((await messenger.app.store.messageByChannelId('messenger', noted.id))?.delivery).toBe('read');
  });
});

describe('standby and handover events', () => {
  it('records them in the log and answers nothing', async () => {
    const { log, lines } = recordingLog();
    const messenger = await server({ log });
    const standby = [textEvent('written while the Page Inbox holds the thread')];
    const pass = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, pass_thread_control: { previous_owner_app_id: '263902037430900', metadata: 'back to the bot' } };
    const take = { sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: 1763950400000, take_thread_control: { previous_owner_app_id: '1517776481860111', metadata: 'agent' } };
    expect(await messenger.post(batch([pass, take], { standby }))).toEqual({ status: 200, body: { ok: true } });
    await nothingStored(messenger);
    await settled(messenger);
    expect(messenger.graph.sent).toEqual([]);
    const recorded = lines.filter((line) => line.msg === 'Messenger webhook item recorded, not answered').map((line) => [line.level, line.where, String(line.reason).split(':')[0]]);
    expect(recorded).toEqual([
      [30, 'entry[0].messaging[0]', 'pass_thread_control'],
      [30, 'entry[0].messaging[1]', 'take_thread_control'],
      [30, 'entry[0].standby[0]', 'standby'],
    ]);
  });
});

describe('configuration', () => {
  it('refuses to start with some of the three Messenger settings, naming the missing ones, and INSTAGRAM=1 without them', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': askFlow });
    const start = (config: Record<string, string>) => startSwitchboard({ config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, ...config }, log: quietLog, watch: false, sweepEveryMs: 0 });
    await expect(start({ MESSENGER_PAGE_TOKEN: TOKEN })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining('MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN: missing; the Messenger channel needs all of MESSENGER_PAGE_TOKEN, MESSENGER_APP_SECRET, MESSENGER_VERIFY_TOKEN'),
    });
    await expect(start({ INSTAGRAM: '1' })).rejects.toMatchObject({ name: 'ConfigError', message: expect.stringContaining('INSTAGRAM=1: Instagram Direct rides on the Messenger channel') });
  });

  it('takes the Graph API version from MESSENGER_API_VERSION, v21.0 by default, and INSTAGRAM as 0 or 1', () => {
    expect(readConfig({}).MESSENGER_API_VERSION).toBe('v21.0');
    expect(readConfig({ MESSENGER_API_VERSION: 'v23.0' }).MESSENGER_API_VERSION).toBe('v23.0');
    expect(() => readConfig({ MESSENGER_API_VERSION: 'latest' })).toThrow(/MESSENGER_API_VERSION="latest": must be a Graph API version such as v21.0/);
    expect(readConfig({}).INSTAGRAM).toBe('0');
    expect(() => readConfig({ INSTAGRAM: 'yes' })).toThrow(/INSTAGRAM="yes": must be 1 \(on\) or 0 \(off\)/);
  });
});

describe('a batch not stored', () => {
  /** The channel alone on an express app, with `deliver` as the runtime's. */
  async function channelWith(deliver: (message: InboundMessage) => Promise<void>) {
    const [channel] = createMessengerChannels({ pageToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, graphRoot: 'http://127.0.0.1:9', version: 'v21.0', log: quietLog });
    const app = express();
    channel!.mount?.(app);
    await channel!.start(hostFor(deliver));
    const listening: Server = await new Promise((done) => {
      const started = app.listen(0, '127.0.0.1', () => done(started));
    });
    running.push({ stop: () => new Promise((done) => { listening.closeAllConnections(); listening.close(done); }) });
    return async (body: unknown) => {
      const raw = JSON.stringify(body);
      const res = await fetch(`http://127.0.0.1:${(listening.address() as AddressInfo).port}/webhooks/messenger`, { method: 'POST', headers: { 'x-hub-signature-256': sign(raw) }, body: raw });
      await res.arrayBuffer();
      return res.status;
    };
  }

  it('answers 500 when a message could not be stored, so Meta sends the batch again, and stops there', async () => {
    const delivered: string[] = [];
    let fail = true;
    const post = await channelWith(async (message) => {
      if (fail && message.id === 'm_2') throw new Error('disk full');
      delivered.push(message.id);
    });
    const body = batch([textEvent('one', { mid: 'm_1' }), textEvent('two', { mid: 'm_2' }), textEvent('three', { mid: 'm_3' })]);
    expect(await post(body)).toBe(500);
    expect(delivered).toEqual(['m_1']);
    fail = false;
    expect(await post(body)).toBe(200);
    // m_1 was stored the first time: not handed over again (the runtime's dedup would have found it, after counting it)
    expect(delivered).toEqual(['m_1', 'm_2', 'm_3']);
  });

  it('answers 503 while the runtime refuses messages (shutting down)', async () => {
    const post = await channelWith(async () => {
      throw new DeliveryRefused('the bot is shutting down; try again shortly');
    });
    expect(await post(fixture('text-quick-reply'))).toBe(503);
  });
});
