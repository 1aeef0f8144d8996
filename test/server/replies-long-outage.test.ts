// Replies that cannot go out for hours (a channel's token revoked, its API down), through the real server with the
// channels' APIs faked on 127.0.0.1 and a clock the test moves: an agent's answer waits for the channel (up to a day)
// and reaches the customer once, when it is back, its agent told both times; an agent whose only address is a channel
// that is down gets the new-conversation card and the customer's words after it, in order, once it is back; the bot's words that waited hours are
// not sent out of context after the admin fixed the token and restarted: its question is asked at the customer's
// next message instead.
import { describe, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { eventually } from '../helpers.ts';
import { metaError } from '../channels/meta/fake-graph-api.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { LAYLA, OMAR, SECRET, TOKEN, post, telegramServers, textNow } from '../channels/telegram/harness.ts';
import { messagesBody, startCloud, text as cloudText } from '../channels/whatsapp-cloud/harness.ts';
import { batch, startMessenger, textEvent } from '../channels/messenger/harness.ts';

const HOUR = 3_600_000;
const LAYLA_WA = '966501234567';
const assignFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = 'teams:\n  - name: Billing\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Billing]\n    max_open: 5\n';
const telegramDown = { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } };
const tokenRevoked = metaError(401, 190, 'Error validating access token: The session has been invalidated because the user changed their password.', undefined, 460);

const servers = telegramServers();

/** Omar's Telegram app, faked and stopped after the test: the settings that start it, and what he read starting so. */
async function omarsTelegram(): Promise<{ omarsApp: FakeBotApi; telegram: Record<string, string>; toOmar: (start: string) => string[] }> {
  const omarsApp = await FakeBotApi.start();
  servers.stopAfterTest({ stop: () => omarsApp.close() });
  return {
    omarsApp,
    telegram: { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: omarsApp.url, TELEGRAM_WEBHOOK_SECRET: SECRET },
    toOmar: (start) => omarsApp.sentTo(OMAR).filter((said) => said.startsWith(start)),
  };
}

/** Omar goes online, then the customer writes (`writes`, resolving to the webhook's status): #1 is his. */
async function withCustomer(app: Switchboard, toOmar: (start: string) => string[], writes: () => Promise<number>): Promise<void> {
  expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
  await eventually(() => toOmar('You are online').length === 1);
  expect(await writes()).toBe(200);
  await eventually(() => toOmar('#1 · new conversation').length === 1);
  // What the bot told her meanwhile ("Omar joined") has gone: a channel failing from here on fails the agent's own
  // answer first, not a notice it would wait behind (on a loaded machine the notice could still be on its way).
  await eventually(async () => {
    const [conversation] = await app.store.openConversations();
    const told = conversation ? await app.store.messagesOfContact(conversation.contactId) : [];
    return told.some((message) => message.direction === 'out') && told.every((message) => message.direction === 'in' || message.status === 'sent');
  }, 15_000);
}

/** A clock that runs with the real one, `advance` moving it on. */
function movingClock(): { now: () => Date; advance(ms: number): void } {
  let shift = 0;
  return { now: () => new Date(Date.now() + shift), advance: (ms) => void (shift += ms) };
}

describe('replies that wait hours for their channel', () => {
  it('an agent\'s answer to a WhatsApp customer waits through 3 hours of a revoked token and reaches her once when it is replaced, the agent told both times', async () => {
    const clock = movingClock();
    const { telegram, toOmar } = await omarsTelegram();
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team, now: clock.now,
      config: telegram,
      outbox: { retryDelaysMs: [5, 5], longWaitMs: 5 },
    });
    servers.stopAfterTest(cloud);
    await withCustomer(cloud.app, toOmar, async () => (await cloud.post(messagesBody([cloudText('My refund has not arrived', { from: LAYLA_WA })], { from: LAYLA_WA, name: 'Layla' }))).status);

    // The WhatsApp token is revoked: Omar's answer cannot go, and he hears it in his own app.
    cloud.graph.fail(1_000_000, tokenRevoked);
    const answer = 'Your refund of 50 EUR left our bank yesterday.';
    expect(await post(cloud.app, textNow(OMAR, answer))).toBe(200);
    await eventually(() => toOmar('#1: your message to Layla has not gone yet').length === 1);
    expect(toOmar('#1: your message to Layla has not gone yet')[0]).toContain('for up to 24 hours');

    // A second answer waits behind the first, for the same customer.
    const second = 'It should reach your account by Thursday.';
    expect(await post(cloud.app, textNow(OMAR, second))).toBe(200);

    // Three hours later it is still tried: not given up after the first minutes.
    clock.advance(3 * HOUR);
    const attempts = cloud.graph.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/messages')).length;
    await eventually(() => cloud.graph.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/messages')).length >= attempts + 5);
    expect(toOmar('#1: your message to Layla was not delivered')).toEqual([]);

    // The admin's monitor sees it: /healthz is degraded, saying which channel holds how many replies, since when and
    // why: both, as the dashboard's banner counts them, the second waiting its turn.
    const health = async () => {
      const res = await fetch(`${cloud.app.url}/healthz`);
      return { status: res.status, body: (await res.json()) as { reasons?: string[]; waitingReplies?: { channel: string; replies: number }[] } };
    };
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.body.waitingReplies).toEqual([expect.objectContaining({ channel: 'whatsapp-cloud', replies: 2 })]);
    expect(down.body.reasons).toEqual([expect.stringMatching(/^whatsapp-cloud: 2 replies wait for the channel since \S+Z: the WhatsApp access token was refused: Error validating access token/)]);

    // The admin replaces the token: Layla gets the answer, once, and Omar is told it went.
    cloud.graph.recover();
    await eventually(() => cloud.graph.sent.some((sent) => sent.body.text?.body === answer));
    await eventually(() => cloud.graph.sent.some((sent) => sent.body.text?.body === second));
    // Each answer told once that it waits (the second at once, queued behind the first), and once that it went.
    await eventually(() => toOmar('#1: your message to Layla went after all').length === 2);
    expect(toOmar('#1: your message to Layla has not gone yet').map((said) => said.includes(second))).toEqual([false, true]);
    expect(toOmar('#1: your message to Layla went after all').map((said) => said.includes(second))).toEqual([false, true]);
    expect(cloud.graph.sent.filter((sent) => sent.body.text?.body === answer)).toHaveLength(1);
    expect(toOmar('#1: your message to Layla was not delivered')).toEqual([]);
    const layla = await cloud.app.store.contactByIdentity('whatsapp-cloud', LAYLA_WA);
    const mine = (await cloud.app.store.messagesOfContact(layla!.id)).filter((message) => message.text === answer);
    expect(mine.map((message) => message.status)).toEqual(['sent']);
    // Healthy again within the second for which /healthz and the banner share one look at the store.
    await eventually(async () => (await health()).status === 200);
    const back = await health();
    expect([back.status, back.body.reasons, back.body.waitingReplies]).toEqual([200, undefined, undefined]);
  });

  it('an agent\'s answer to a Messenger customer waits through 3 hours of a revoked Page token and reaches him once when it is replaced', async () => {
    const clock = movingClock();
    const { telegram, toOmar } = await omarsTelegram();
    const messenger = await startMessenger({
      flows: { 'inbound.yaml': assignFlow }, team, now: clock.now,
      config: telegram,
      outbox: { retryDelaysMs: [5, 5], longWaitMs: 5 },
    });
    servers.stopAfterTest(messenger);
    await withCustomer(messenger.app, toOmar, async () => (await messenger.post(batch([textEvent('Where is my refund?')]))).status);

    messenger.graph.fail(1_000_000, metaError(401, 190, 'Error validating access token: The user has not authorized application 123.', undefined, 458));
    const answer = 'Your refund left our bank yesterday.';
    expect(await post(messenger.app, textNow(OMAR, answer))).toBe(200);
    await eventually(() => toOmar('#1: your message to').some((said) => said.includes('has not gone yet')));
    clock.advance(3 * HOUR);
    const tries = () => messenger.graph.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/messages')).length;
    const attempts = tries();
    await eventually(() => tries() >= attempts + 5);

    messenger.graph.recover();
    await eventually(() => toOmar('#1: your message to').some((said) => said.includes('went after all')));
    expect(messenger.graph.sent.filter((sent) => sent.body.message?.text === answer)).toHaveLength(1);
    expect(toOmar('#1: your message to').filter((said) => said.includes('was not delivered'))).toEqual([]);
  });

  it('Omar, whose only address is Telegram, gets the new-conversation card and then Layla\'s next words, in order, when Telegram is back after 30 minutes down', async () => {
    const clock = movingClock();
    const { omarsApp, telegram, toOmar } = await omarsTelegram();
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team, now: clock.now,
      config: telegram,
      outbox: { retryDelaysMs: [5, 5], longWaitMs: 5 },
    });
    servers.stopAfterTest(cloud);
    expect(await post(cloud.app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => toOmar('You are online').length === 1);

    // Telegram's API is down: Layla is assigned to Omar, and writes on while he cannot be told.
    omarsApp.fail('sendMessage', 1_000_000, telegramDown);
    const writes = async (said: string) => (await cloud.post(messagesBody([cloudText(said, { from: LAYLA_WA })], { from: LAYLA_WA, name: 'Layla' }))).status;
    expect(await writes('My refund has not arrived')).toBe(200);
    const tries = () => omarsApp.callsOf('sendMessage').length;
    await eventually(() => tries() >= 4);
    expect(await writes('Order 4411, 50 EUR')).toBe(200);

    // Half an hour of it, tried all along: the card is not dropped after its first minutes for want of another address.
    clock.advance(30 * 60_000);
    const attempts = tries();
    await eventually(() => tries() >= attempts + 5);
    omarsApp.recover('sendMessage');

    await eventually(() => omarsApp.sentTo(OMAR).some((said) => said.includes('Order 4411, 50 EUR')), 15_000).catch(() => {
      throw new Error(`Omar never read Layla's words; he read ${JSON.stringify(omarsApp.sentTo(OMAR))}`);
    });
    const read = omarsApp.sentTo(OMAR);
    const card = read.findIndex((said) => said.startsWith('#1 · new conversation'));
    const words = read.findIndex((said) => said.includes('Order 4411, 50 EUR'));
    expect(card).toBeGreaterThan(-1);
    expect(card).toBeLessThan(words);
    expect(read.filter((said) => said.startsWith('#1 · new conversation'))).toHaveLength(1);
  });

  it('Omar, who has a WhatsApp address too, gets the card there after the first minutes of Telegram down, not hours later', async () => {
    const clock = movingClock();
    const { omarsApp, telegram, toOmar } = await omarsTelegram();
    const omarWa = '966509990001';
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team: team.replace('telegram: 9001', `telegram: 9001\n    whatsapp: "+${omarWa}"`), now: clock.now,
      config: telegram,
      outbox: { retryDelaysMs: [5, 5], longWaitMs: 5 },
    });
    servers.stopAfterTest(cloud);
    // He wrote on WhatsApp this morning (its window is open), and last from Telegram: notices go to Telegram first.
    expect((await cloud.post(messagesBody([cloudText('/online', { from: omarWa })], { from: omarWa, name: 'Omar' }))).status).toBe(200);
    expect(await post(cloud.app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => toOmar('You are online').length === 1);

    omarsApp.fail('sendMessage', 1_000_000, telegramDown);
    expect((await cloud.post(messagesBody([cloudText('My refund has not arrived', { from: LAYLA_WA })], { from: LAYLA_WA, name: 'Layla' }))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(omarWa).some((said) => said.startsWith('#1 · new conversation')), 15_000);
    expect(omarsApp.sentTo(OMAR).filter((said) => said.startsWith('#1 · new conversation'))).toEqual([]);
  });

  it('an agent\'s answer queued behind the bot\'s notice that waits for a revoked token is told not gone yet at once, not after the notice\'s retry, and went once, after the notice', async () => {
    const { telegram, toOmar } = await omarsTelegram();
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team,
      config: telegram,
      // The bot's notice fails once, then waits longer than the test: the answer behind it is not tried meanwhile.
      outbox: { retryDelaysMs: [120_000], longWaitMs: 5 },
    });
    servers.stopAfterTest(cloud);
    expect(await post(cloud.app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => toOmar('You are online').length === 1);

    // The token is revoked right after Layla wrote: what the bot tells her ("Omar has joined") fails first.
    cloud.graph.fail(1_000_000, tokenRevoked);
    expect((await cloud.post(messagesBody([cloudText('My refund has not arrived', { from: LAYLA_WA })], { from: LAYLA_WA, name: 'Layla' }))).status).toBe(200);
    await eventually(() => toOmar('#1 · new conversation').length === 1, 15_000);
    const sends = () => cloud.graph.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/messages'));
    await eventually(() => sends().length >= 1, 15_000);
    const noticeTries = sends().length;

    const answer = 'Your refund of 50 EUR left our bank yesterday.';
    expect(await post(cloud.app, textNow(OMAR, answer))).toBe(200);
    await eventually(() => toOmar('#1: your message to Layla has not gone yet').length === 1, 15_000).catch(() => {
      throw new Error(`Omar was not told his answer waits; he read ${JSON.stringify(toOmar(''))}`);
    });
    expect(toOmar('#1: your message to Layla has not gone yet')[0]).toContain('the WhatsApp access token was refused');
    // Told while the notice ahead of it still waits for its next try: nothing more was sent to Graph meanwhile.
    expect(sends().length).toBe(noticeTries);

    // The admin replaces WHATSAPP_TOKEN and restarts: the notice, then the answer, once; Omar hears it went, once.
    cloud.graph.recover();
    await cloud.restart();
    await eventually(() => cloud.graph.sent.some((sent) => sent.body.text?.body === answer), 15_000);
    await eventually(() => toOmar('#1: your message to Layla went after all').length === 1, 15_000);
    expect(cloud.graph.sent.filter((sent) => sent.body.text?.body === answer)).toHaveLength(1);
    const said = cloud.graph.saidTo(LAYLA_WA);
    expect(said.findIndex((text) => text.includes('Omar'))).toBeGreaterThan(-1);
    expect(said.findIndex((text) => text.includes('Omar'))).toBeLessThan(said.indexOf(answer));
    expect(toOmar('#1: your message to Layla has not gone yet')).toHaveLength(1);
    expect(toOmar('#1: your message to Layla was not delivered')).toEqual([]);
  }, 60_000);

  it('an agent told his answer had not gone yet is told it went after all when it goes after the admin restarted with a new token', async () => {
    const { telegram, toOmar } = await omarsTelegram();
    const cloud = await startCloud({
      flows: { 'inbound.yaml': assignFlow }, team,
      config: telegram,
      // One failure, then a wait longer than the test: the answer is still waiting when the admin restarts.
      outbox: { retryDelaysMs: [60_000], longWaitMs: 5 },
    });
    servers.stopAfterTest(cloud);
    await withCustomer(cloud.app, toOmar, async () => (await cloud.post(messagesBody([cloudText('My refund has not arrived', { from: LAYLA_WA })], { from: LAYLA_WA, name: 'Layla' }))).status);

    cloud.graph.fail(1_000_000, tokenRevoked);
    const answer = 'Your refund of 50 EUR left our bank yesterday.';
    expect(await post(cloud.app, textNow(OMAR, answer))).toBe(200);
    await eventually(() => toOmar('#1: your message to Layla has not gone yet').length === 1, 15_000).catch(() => {
      throw new Error(`Omar was not told his answer waits; he read ${JSON.stringify(toOmar(''))}`);
    });

    // The admin replaces WHATSAPP_TOKEN and restarts: the answer goes, once, and Omar hears it did.
    cloud.graph.recover();
    await cloud.restart();
    // Waits made for a loaded machine: the restarted server sends, then tells Omar through Telegram.
    await eventually(() => cloud.graph.sent.some((sent) => sent.body.text?.body === answer), 15_000);
    await eventually(() => toOmar('#1: your message to Layla went after all').length === 1, 15_000);
    expect(cloud.graph.sent.filter((sent) => sent.body.text?.body === answer)).toHaveLength(1);
  }, 60_000);

  it('the bot\'s greeting and question that waited 3 hours for a revoked Telegram token are not sent after the restart; Layla\'s next message gets the question', async () => {
    const clock = movingClock();
    const { app, api, dir } = await servers.setUp({ webhook: true, now: clock.now, outbox: { retryDelaysMs: [60_000] } });
    api.fail('sendMessage', 1_000, { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await post(app, textNow(LAYLA, 'hello'))).toBe(200);
    await eventually(() => api.callsOf('sendMessage').length >= 1);
    await app.stop();

    // Three hours later the admin has a new token from @BotFather and restarts.
    clock.advance(3 * HOUR);
    const again = await servers.setUp({ webhook: true, now: clock.now, dir, outbox: { retryDelaysMs: [60_000] } });
    const layla = await again.app.store.contactByIdentity('telegram', String(LAYLA));
    const fromBot = async () => (await again.app.store.messagesOfContact(layla!.id)).filter((message) => message.direction === 'out');
    await eventually(async () => (await fromBot()).every((message) => message.status === 'failed'));
    expect((await fromBot()).map((message) => [message.text, message.status])).toEqual([['Hi Layla!', 'failed'], ['Which team?', 'failed']]);
    expect(again.api.sentTo(LAYLA)).toEqual([]);
    const [conversation] = await again.app.store.openConversations();
    await eventually(async () => (await again.app.store.conversation(conversation!.id))?.flow?.waiting?.unseen === true);

    // She writes again: the question she never saw is asked now, in context, not her words taken as its answer.
    expect(await post(again.app, textNow(LAYLA, 'hello? anyone there?'))).toBe(200);
    await eventually(() => again.api.sentTo(LAYLA).length >= 1);
    expect(again.api.sentTo(LAYLA)).toEqual(['Which team?']);
  });
});
