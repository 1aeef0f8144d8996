// The Telegram adapter on its own against the fake Bot API: rendering (keyboards, numbered lists, long texts),
// failures of deliver in webhook and polling mode, updates that cannot be decoded, and errors of the Bot API
// reaching the caller as ChannelSendError (permanent, or temporary with how long to wait).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramChannel } from '../../../src/channels/telegram/index.ts';
import { splitText } from '../../../src/shared/text.ts';
import { ChannelSendError, type Channel, type Deliver, type InboundMessage } from '../../../src/types.ts';
import type { Logger } from '../../../src/shared/log.ts';
import { eventually, hostFor, quietLog, recordingLog } from '../../helpers.ts';
import { FakeBotApi } from './fake-bot-api.ts';

const TOKEN = '123456:TEST-token';
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function channelOn(options: { webhookSecret?: string; log?: Logger; pollTimeoutSeconds?: number; pollRetryMs?: number } = {}): Promise<{ api: FakeBotApi; channel: Channel }> {
  const api = await FakeBotApi.start();
  cleanup.push(() => api.close());
  const channel = createTelegramChannel({ token: TOKEN, apiRoot: api.url, log: quietLog, pollTimeoutSeconds: 1, pollRetryMs: 20, ...options });
  cleanup.push(() => channel.stop());
  return { api, channel };
}

const choices = [{ id: 'billing', title: 'Billing' }, { id: 'sales', title: 'Sales' }];

describe('sending', () => {
  it('gives up on a Bot API call that never answers, as a failure that may pass, so the outbox tries again', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    cleanup.push(() => new Promise((done) => silent.close(done)), async () => silent.closeAllConnections());
    const channel = createTelegramChannel({ token: TOKEN, apiRoot: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, log: quietLog, callTimeoutSeconds: 1 });
    await expect(channel.send('5001', { text: 'Hi' })).rejects.toMatchObject({ permanent: false });
  });

  it('splits a 5,000-character text into two messages at a line break, keyboard on the last, and returns its id', async () => {
    const { api, channel } = await channelOn();
    const first = `${'a'.repeat(3000)}\n${'b'.repeat(999)}`;
    const second = 'c'.repeat(1000);
    const id = await channel.send('5001', { text: `${first}\n${second}`, choices });
    const sent = api.messagesTo(5001);
    expect(sent.map((m) => m.text.length)).toEqual([first.length, second.length]);
    expect(sent.map((m) => m.text)).toEqual([first, second]);
    expect(sent[0]!.reply_markup).toBeUndefined();
    expect(sent[1]!.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Billing', callback_data: 'billing' }], [{ text: 'Sales', callback_data: 'sales' }]] });
    expect(id).toBe(`5001:${sent[1]!.message_id}`);
  });

  it('splits text without breaks at the limit, never inside a surrogate pair', () => {
    expect(splitText('a'.repeat(5000), 4096).map((part) => part.length)).toEqual([4096, 904]);
    const emoji = `${'a'.repeat(4095)}😀b`;
    const parts = splitText(emoji, 4096);
    expect(parts.join('')).toBe(emoji);
    expect(parts[0]!.length).toBe(4095);
    expect(splitText('short', 4096)).toEqual(['short']);
  });

  it('renders choices as a numbered list when an id does not fit in 64 bytes of callback_data', async () => {
    const { api, channel } = await channelOn();
    await channel.send('5001', { text: 'Which plan?', choices: [{ id: 'x'.repeat(65), title: 'Pro' }, { id: 'basic', title: 'Basic' }] });
    const [sent] = api.messagesTo(5001);
    expect(sent!.text).toBe('Which plan?\n\n1. Pro\n2. Basic');
    expect(sent!.reply_markup).toBeUndefined();
  });

  it('propagates a Bot API error, and a retried split message resumes after the parts already sent', async () => {
    const { api, channel } = await channelOn();
    const refused = { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: chat not found' } };
    api.fail('sendMessage', 1, refused);
    await expect(channel.send('5002', { id: 8, text: 'hello' })).rejects.toThrow(/chat not found/);
    expect(api.messagesTo(5002)).toHaveLength(0);

    // The first part goes out, the second is refused: the outbox's retry sends only the second.
    const text = `${'a'.repeat(4000)}\n${'b'.repeat(1000)}`;
    api.fail('sendMessage', 1, refused, 1);
    await expect(channel.send('5003', { id: 9, text })).rejects.toThrow(/chat not found/);
    expect(api.sentTo(5003)).toEqual(['a'.repeat(4000)]);
    const id = await channel.send('5003', { id: 9, text });
    expect(api.sentTo(5003)).toEqual(['a'.repeat(4000), 'b'.repeat(1000)]);
    expect(id).toBe(`5003:${api.messagesTo(5003)[1]!.message_id}`);
  });
});

describe('send errors', () => {
  const failure = (status: number, description: string, parameters?: Record<string, unknown>) => ({
    status,
    body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
  });

  it('turns a long flood wait into a temporary ChannelSendError with retryAfterMs, without waiting it inside grammY', async () => {
    const { api, channel } = await channelOn();
    api.fail('sendMessage', 1, failure(429, 'Too Many Requests: retry after 75', { retry_after: 75 }));
    const started = Date.now();
    const error = await channel.send('5001', { text: 'hello' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ permanent: false, retryAfterMs: 75_000, message: 'Too Many Requests: retry after 75' });
    // Far below the 75 s grammY would wait, and far above one call on a busy machine.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(api.callsOf('sendMessage')).toHaveLength(1);
  });

  it('fails for good, with Telegram\'s description, when the user blocked the bot, the chat does not exist or the text is empty', async () => {
    const { api, channel } = await channelOn();
    api.fail('sendMessage', 1, failure(403, 'Forbidden: bot was blocked by the user'));
    await expect(channel.send('5001', { text: 'hello' })).rejects.toMatchObject({
      name: 'ChannelSendError', permanent: true, message: 'Forbidden: bot was blocked by the user', retryAfterMs: undefined,
    });
    api.fail('sendMessage', 1, failure(400, 'Bad Request: chat not found'));
    await expect(channel.send('5002', { text: 'hello' })).rejects.toMatchObject({ permanent: true, message: 'Bad Request: chat not found' });
    await expect(channel.send('5002', { text: ' ' })).rejects.toMatchObject({ permanent: true, message: 'Bad Request: message text is empty' });
  });

  it('counts Telegram\'s own failures and an unreachable Bot API as temporary, and tries neither again itself', async () => {
    const { api, channel } = await channelOn();
    api.fail('sendMessage', 1, failure(502, 'Bad Gateway'));
    await expect(channel.send('5001', { text: 'hello' })).rejects.toMatchObject({ name: 'ChannelSendError', permanent: false, message: 'Bad Gateway' });
    expect(api.callsOf('sendMessage')).toHaveLength(1);
    await api.close();
    await expect(channel.send('5001', { text: 'hello' })).rejects.toMatchObject({ name: 'ChannelSendError', permanent: false, message: expect.stringMatching(/network/i) });
  });
});

describe('receiving', () => {
  async function serve(channel: Channel): Promise<string> {
    const app = express();
    channel.mount?.(app);
    const server: Server = await new Promise((done) => {
      const listening = app.listen(0, '127.0.0.1', () => done(listening));
    });
    cleanup.push(() => new Promise((done) => { server.closeAllConnections(); server.close(done); }));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/telegram`;
  }

  it('answers 500 when a button press cannot be stored, still answers the callback query, and keeps the keyboard', async () => {
    const { api, channel } = await channelOn({ webhookSecret: 's3cret' });
    const url = await serve(channel);
    let fail = true;
    const got: InboundMessage[] = [];
    await channel.start(hostFor(async (message: InboundMessage) => {
      if (fail) throw new Error('disk full');
      got.push(message);
    }));
    const update = {
      update_id: 5,
      callback_query: { id: 'q1', from: { id: 5001, is_bot: false, first_name: 'Layla' }, message: { message_id: 12, date: 1, chat: { id: 5001, type: 'private' } }, chat_instance: '1', data: 'billing' },
    };
    const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 's3cret' }, body: JSON.stringify(update) });
    expect((await post()).status).toBe(500);
    await eventually(() => api.callsOf('answerCallbackQuery').length === 1);
    expect(api.callsOf('editMessageReplyMarkup')).toHaveLength(0);

    fail = false;
    expect((await post()).status).toBe(200);
    expect(got).toEqual([{ channel: 'telegram', id: 'cb:q1', from: { id: '5001', name: 'Layla' }, choice: 'billing', replyTo: '5001:12', at: expect.any(String) }]);
    await eventually(() => api.callsOf('answerCallbackQuery').length === 2 && api.callsOf('editMessageReplyMarkup').length === 1);
  });

  it('takes the keyboard off a question the customer answered by typing, or asked again with new buttons, once: a failure is not tried again, and /start leaves it', async () => {
    const { api, channel } = await channelOn({ webhookSecret: 's3cret' });
    const url = await serve(channel);
    const got: InboundMessage[] = [];
    await channel.start(hostFor(async (message: InboundMessage) => {
      got.push(message);
    }));
    let updates = 0;
    const type = async (text: string) => {
      updates += 1;
      const update = { update_id: 100 + updates, message: { message_id: 500 + updates, date: 1, chat: { id: 5001, type: 'private' }, from: { id: 5001, is_bot: false, first_name: 'Layla' }, text } };
      const answered = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 's3cret' }, body: JSON.stringify(update) });
      expect(answered.status).toBe(200);
      await eventually(() => got.length === updates);
    };
    const removed = () => api.callsOf('editMessageReplyMarkup').map((call) => [call.params.chat_id, call.params.message_id, call.params.reply_markup]);
    const asked = async (text: string) => Number((await channel.send('5001', { text, choices })).split(':')[1]);

    // Layla types "billing" under the question: its keyboard goes. Telegram refuses (the message was deleted).
    const first = await asked('Which team?');
    api.fail('editMessageReplyMarkup', 1, { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message to edit not found' } });
    await type('billing');
    await eventually(() => removed().length === 1);
    expect(removed()).toEqual([[5001, first, { inline_keyboard: [] }]]);
    await type('and sales too');

    // Another question; she opens the chat again (/start), which answers nothing: it is asked again, with new buttons,
    // and the earlier set goes (before, both stayed). Then she types her answer.
    const second = await asked('Which plan?');
    await type('/start');
    expect(removed()).toHaveLength(1);
    const third = await asked('Which plan? Basic or Pro?');
    await eventually(() => removed().length === 2);
    await type('pro');
    await eventually(() => removed().length === 3);
    // Not the refused one again.
    expect(removed()).toEqual([[5001, first, { inline_keyboard: [] }], [5001, second, { inline_keyboard: [] }], [5001, third, { inline_keyboard: [] }]]);
  });

  it('says a button press that could not be stored in the language of the customer\'s Telegram app: Arabic for Arabic', async () => {
    const { api, channel } = await channelOn({ webhookSecret: 's3cret' });
    const url = await serve(channel);
    await channel.start(hostFor(async () => {
      throw new Error('disk full');
    }));
    const press = (id: string, language?: string) => fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 's3cret' },
      body: JSON.stringify({
        update_id: Number(id.slice(1)),
        callback_query: { id, from: { id: 5001, is_bot: false, first_name: 'Layla', ...(language ? { language_code: language } : {}) }, message: { message_id: 12, date: 1, chat: { id: 5001, type: 'private' } }, chat_instance: '1', data: 'billing' },
      }),
    });
    expect((await press('q7', 'ar')).status).toBe(500);
    expect((await press('q8', 'en-GB')).status).toBe(500);
    await eventually(() => api.callsOf('answerCallbackQuery').length === 2);
    // Before: English to both, a customer reading Arabic included.
    expect(api.callsOf('answerCallbackQuery').map((call) => [call.params.callback_query_id, call.params.text])).toEqual([
      ['q7', 'عذرًا، يُرجى المحاولة مرة أخرى بعد قليل.'],
      ['q8', 'Sorry, please try again in a moment.'],
    ]);
  });

  it('long polling: does not advance the offset past an update that could not be stored, and stop() ends the loop', async () => {
    // A poll that would hold 30 s: stop() must cut it short, not wait it out (with 1 s, the two were 500 ms apart).
    const { api, channel } = await channelOn({ pollTimeoutSeconds: 30 });
    let failures = 1;
    const got: string[] = [];
    const deliver: Deliver = async (message) => {
      if (failures-- > 0) throw new Error('not now');
      got.push(message.text ?? '');
    };
    api.push({ update_id: 41, message: { message_id: 1, date: 1, chat: { id: 5001, type: 'private' }, from: { id: 5001, is_bot: false, first_name: 'Layla' }, text: 'one' } });
    api.push({ update_id: 42, message: { message_id: 2, date: 1, chat: { id: 5001, type: 'private' }, from: { id: 5001, is_bot: false, first_name: 'Layla' }, text: 'two' } });
    await channel.start(hostFor(deliver));
    await eventually(() => got.length === 2);
    expect(got).toEqual(['one', 'two']);
    const offsets = api.callsOf('getUpdates').map((call) => call.params.offset);
    // The failed first attempt fetched again without an offset; then 43 confirms both.
    expect(offsets.slice(0, 2)).toEqual([undefined, undefined]);
    await eventually(() => api.callsOf('getUpdates').some((call) => call.params.offset === 43));
    expect(api.callsOf('getUpdates').some((call) => call.params.offset === 42)).toBe(false);
    const started = Date.now();
    await channel.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    const count = api.callsOf('getUpdates').length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.callsOf('getUpdates').length).toBe(count);
  });

  it('long polling: leaves no listener behind at each pause, so a long outage draws no MaxListenersExceededWarning', async () => {
    const warnings: Error[] = [];
    const warned = (warning: Error) => warnings.push(warning);
    process.on('warning', warned);
    cleanup.push(async () => process.off('warning', warned));
    // The pauses double from 1 ms: 12 of them take about 4 s.
    const { api, channel } = await channelOn({ pollRetryMs: 1 });
    // Telegram failing 12 tries in a row: a pause after each (Node warns past 10 listeners on one signal).
    api.fail('getUpdates', 12, { status: 502, body: { ok: false, error_code: 502, description: 'Bad Gateway' } });
    api.push({ update_id: 41, message: { message_id: 1, date: 1, chat: { id: 5001, type: 'private' }, from: { id: 5001, is_bot: false, first_name: 'Layla' }, text: 'back' } });
    const got: string[] = [];
    await channel.start(hostFor(async (message) => {
      got.push(message.text ?? '');
    }));
    await eventually(() => got.length === 1, 20_000);
    expect(api.callsOf('getUpdates').length).toBeGreaterThan(12);
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning').map(String)).toEqual([]);
  });

  it('long polling: waits out the flood wait a 429 on getUpdates asks for before asking again, and logs that wait', async () => {
    const { log, lines } = recordingLog();
    const { api, channel } = await channelOn({ log });
    // Longer than auto-retry waits itself (5 s): the poller's to wait.
    api.fail('getUpdates', 1, { status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 6', parameters: { retry_after: 6 } } });
    api.push({ update_id: 41, message: { message_id: 1, date: 1, chat: { id: 5001, type: 'private' }, from: { id: 5001, is_bot: false, first_name: 'Layla' }, text: 'hello' } });
    const got: number[] = [];
    const started = Date.now();
    await channel.start(hostFor(async () => {
      got.push(Date.now());
    }));
    await eventually(() => got.length === 1, 20_000);
    // Asked again after the 6 s asked for, not after the poller's own 20 ms.
    expect(got[0]! - started).toBeGreaterThanOrEqual(5_900);
    expect(api.callsOf('getUpdates').filter((call) => call.status === 429)).toHaveLength(1);
    expect(lines.filter((line) => line.msg === 'Telegram getUpdates failed; trying again')).toEqual([expect.objectContaining({ level: 40, retryInMs: 6_000 })]);
  });

  it('webhook: acknowledges an update it cannot decode with 200 and a warning naming it, and delivers nothing', async () => {
    const { log, lines } = recordingLog();
    const { api, channel } = await channelOn({ webhookSecret: 's3cret', log });
    const url = await serve(channel);
    const got: InboundMessage[] = [];
    await channel.start(hostFor(async (message: InboundMessage) => {
      got.push(message);
    }));
    const poison = { update_id: 7, message: { message_id: 'seven', date: 1763950000, chat: { id: 5001, type: 'private' }, text: 'hi' } };
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 's3cret' }, body: JSON.stringify(poison) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, refused: expect.stringMatching(/message\.message_id/) });
    expect(got).toEqual([]);
    const refused = lines.filter((line) => line.msg === 'Telegram update refused');
    expect(refused).toEqual([expect.objectContaining({ level: 40, update: 7, reason: expect.stringMatching(/message\.message_id/) })]);
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
    expect(api.calls.filter((call) => call.method !== 'getMe')).toEqual([]);
  });

  it('long polling: delivers the updates after one it cannot decode, and moves the offset past all of them', async () => {
    const { log, lines } = recordingLog();
    const { api, channel } = await channelOn({ log });
    const got: InboundMessage[] = [];
    const message = (id: number, fields: Record<string, unknown>) => ({
      update_id: id,
      message: { message_id: id, date: 1763950000, chat: { id: 5001, type: 'private' }, from: { id: 5001, is_bot: false, first_name: 'Layla' }, ...fields },
    });
    api.push(message(41, { text: 'one' }));
    // A date no clock can show: the text is fine, so it is kept with the time it arrived.
    api.push(message(42, { text: 'clock gone wrong', date: 1e13 }));
    // A chat id that is no id: whose message it is cannot be known, so it is refused.
    api.push(message(43, { text: 'nobody', chat: { id: { nested: [1, 2] }, type: 'private' } }));
    api.push(message(44, { text: 'two' }));
    const before = Date.now();
    await channel.start(hostFor(async (inbound: InboundMessage) => {
      got.push(inbound);
    }));
    await eventually(() => api.callsOf('getUpdates').some((call) => call.params.offset === 45));
    expect(got.map((inbound) => inbound.text)).toEqual(['one', 'clock gone wrong', 'two']);
    expect(got[0]!.at).toBe(new Date(1763950000 * 1000).toISOString());
    expect(Date.parse(got[1]!.at)).toBeGreaterThanOrEqual(before);
    expect(lines.filter((line) => line.msg === 'Telegram update refused')).toEqual([
      expect.objectContaining({ level: 40, update: 43, reason: expect.stringMatching(/message\.chat\.id/) }),
    ]);
  });
});
