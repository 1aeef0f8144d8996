// The Telegram channel on grammY: webhook mode (POST /webhooks/telegram, secret header checked) when a webhook
// secret is set, long polling otherwise. Updates are acknowledged once the runtime stored them, or at once when
// they cannot be decoded (decode.ts): such an update is refused for good, so it must not come back nor block the rest.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';
import { Bot } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import { autoRetry } from '@grammyjs/auto-retry';
import { DeliveryRefused, type Channel, type ChannelHost, type Choice, type CommandDescription, type Deliver, type OutboundMessage } from '../../types.ts';
import type { Logger } from '../../shared/log.ts';
import { MAX_CALLBACK_DATA_BYTES, decodeUpdate } from './decode.ts';

/** The longest text Telegram takes in one message. */
export const MAX_MESSAGE_LENGTH = 4096;
export const WEBHOOK_PATH = '/webhooks/telegram';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface TelegramOptions {
  token: string;
  /** The Bot API's base URL, e.g. https://api.telegram.org or a self-hosted Bot API server. */
  apiRoot: string;
  /** Webhook mode when set: Telegram must send it in X-Telegram-Bot-Api-Secret-Token. */
  webhookSecret?: string;
  /** With a webhook secret: the bot registers `${publicUrl}/webhooks/telegram` at start. */
  publicUrl?: string;
  log: Logger;
  /** The private chats of agents (their Telegram user ids): they get the agent commands in the bot's menu. */
  agentChatIds?: () => string[];
  /** The supergroups that are team desks (`telegram_desk` in team.yaml): their topic messages are delivered. */
  deskChats?: () => string[];
  /** Subscribes to changes of the agent list (team.yaml edits): agents added later get the menu too. */
  onAgentsChange?: (listener: () => void) => () => void;
  /** Long polling: seconds a getUpdates call waits for updates (default 30). */
  pollTimeoutSeconds?: number;
  /** Long polling: delay after a failed getUpdates or deliver before trying again (default 1000 ms, doubling up to 30 s). */
  pollRetryMs?: number;
}

/**
 * The Telegram channel.
 *
 *     const telegram = createTelegramChannel({ token, apiRoot: 'https://api.telegram.org', webhookSecret, log });
 *     telegram.mount?.(app); await telegram.start(host);
 */
export function createTelegramChannel(options: TelegramOptions): Channel {
  const { log } = options;
  const bot = new Bot(options.token, { client: { apiRoot: options.apiRoot } });
  // Network errors are not retried here (auto-retry would retry those without a bound): the outbox retries sends.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  const webhook = options.webhookSecret !== undefined;
  const pollTimeout = options.pollTimeoutSeconds ?? 30;
  const pollRetryMs = options.pollRetryMs ?? 1000;

  let deliver: Deliver | undefined;
  let stopped = false;
  const polling = new AbortController();
  let pollLoop: Promise<void> | undefined;
  /** Bot API calls started in the background (answers, set-up): awaited by stop(). */
  const background = new Set<Promise<unknown>>();
  /** Parts of a split message already sent, by stored message id: a retried send resumes after them. */
  const partsSent = new Map<number, { count: number; last: string }>();

  function track(what: string, work: () => Promise<unknown>): void {
    const running = work().catch((error: unknown) => log.warn({ err: String(error), call: what }, 'Telegram call failed'));
    background.add(running);
    void running.finally(() => background.delete(running));
  }

  /**
   * Hands one update to the runtime; resolves when it is stored, deliberately ignored or refused (to the reason
   * it was refused for), rejects when it could not be stored.
   */
  async function handle(update: unknown): Promise<string | undefined> {
    const isDesk = (chatId: string) => (options.deskChats?.() ?? []).includes(chatId);
    const decoded = decodeUpdate(update, { isDesk, receivedAt: new Date() });
    if (decoded.kind === 'refused') {
      log.warn({ update: updateId(update), reason: decoded.reason }, 'Telegram update refused');
      return decoded.reason;
    }
    if (decoded.kind === 'ignored') {
      log[decoded.level]({ update: updateId(update), reason: decoded.reason }, 'Telegram update ignored');
      return;
    }
    if (decoded.kind === 'callback-ignored') {
      log.debug({ update: updateId(update), reason: decoded.reason }, 'Telegram callback query ignored');
      track('answerCallbackQuery', () => bot.api.answerCallbackQuery(decoded.queryId));
      return;
    }
    if (!deliver) throw new Error('the Telegram channel is not started');
    if (decoded.kind === 'message') {
      await deliver(decoded.inbound);
      return;
    }
    try {
      await deliver(decoded.inbound);
    } catch (error) {
      // The button press was not stored: stop the spinner, keep the keyboard so it can be pressed again.
      track('answerCallbackQuery', () => bot.api.answerCallbackQuery(decoded.queryId, { text: 'Sorry, please try again in a moment.' }));
      throw error;
    }
    track('answerCallbackQuery', () => bot.api.answerCallbackQuery(decoded.queryId));
    const { chatId, messageId } = decoded;
    if (chatId !== undefined && messageId !== undefined) {
      track('editMessageReplyMarkup', () =>
        bot.api.editMessageReplyMarkup(chatId, messageId, { reply_markup: { inline_keyboard: [] } }).catch((error: unknown) => {
          log.debug({ err: String(error) }, 'could not remove the keyboard of an answered message');
        }),
      );
    }
  }

  async function onWebhook(req: Request, res: Response): Promise<void> {
    const body: unknown = req.body;
    if (!isRecord(body) || !Number.isSafeInteger(body.update_id)) {
      res.status(400).json({ error: 'expected a Telegram update: a JSON object with an update_id' });
      return;
    }
    if (!deliver) {
      res.status(503).json({ error: 'the Telegram channel is not started' });
      return;
    }
    let refused: string | undefined;
    try {
      refused = await handle(body);
    } catch (error) {
      // Not stored: a non-2xx answer makes Telegram send the update again.
      if (error instanceof DeliveryRefused) {
        res.status(503).set('retry-after', '5').json({ error: error.message });
        return;
      }
      log.error({ err: String(error), update: body.update_id }, 'Telegram update could not be stored');
      res.status(500).json({ error: 'not stored; please retry' });
      return;
    }
    // A refused update is answered 200 all the same: any other answer makes Telegram send it again, for ever.
    res.status(200).json({ ok: true, ...(refused !== undefined ? { refused } : {}) });
  }

  function checkSecret(req: Request, res: Response, next: () => void): void {
    if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), options.webhookSecret ?? '')) {
      log.warn({ ip: req.ip }, 'Telegram webhook refused: wrong or missing secret token');
      res.status(401).json({ error: 'wrong or missing X-Telegram-Bot-Api-Secret-Token' });
      return;
    }
    next();
  }

  async function poll(): Promise<void> {
    let offset: number | undefined;
    let delay = pollRetryMs;
    const pause = (ms: number) =>
      new Promise<void>((done) => {
        const timer = setTimeout(done, ms);
        polling.signal.addEventListener('abort', () => { clearTimeout(timer); done(); }, { once: true });
      });
    while (!stopped) {
      let updates: unknown[];
      try {
        updates = await bot.api.getUpdates(
          { ...(offset !== undefined ? { offset } : {}), timeout: pollTimeout, allowed_updates: [...ALLOWED_UPDATES] },
          // grammY types its signal as the abort-controller shim's; Node's own works the same at run time.
          polling.signal as unknown as Parameters<typeof bot.api.getUpdates>[1],
        );
      } catch (error) {
        if (stopped) return;
        log.warn({ err: String(error), retryInMs: delay }, 'Telegram getUpdates failed');
        await pause(delay);
        delay = Math.min(delay * 2, 30_000);
        continue;
      }
      delay = pollRetryMs;
      for (const update of updates) {
        if (stopped) return;
        const id = updateId(update);
        try {
          await handle(update);
        } catch (error) {
          // Not stored: the offset stays, so the next getUpdates serves this update again.
          log.error({ err: String(error), update: id }, 'Telegram update could not be stored; will fetch it again');
          await pause(delay);
          delay = Math.min(delay * 2, 30_000);
          break;
        }
        if (id !== undefined) offset = id + 1;
      }
    }
  }

  /** Agent chats that already have the commands in their menu. */
  const withMenu = new Set<string>();
  let offAgents: (() => void) | undefined;

  let commands: readonly CommandDescription[] = [];

  function giveAgentsTheMenu(): void {
    for (const chatId of options.agentChatIds?.() ?? []) {
      if (withMenu.has(chatId)) continue;
      withMenu.add(chatId);
      track('setMyCommands', () => bot.api.setMyCommands(commands, { scope: { type: 'chat', chat_id: chatId } }));
    }
  }

  async function setUp(): Promise<void> {
    giveAgentsTheMenu();
    offAgents = options.onAgentsChange?.(giveAgentsTheMenu);
    if (webhook && options.publicUrl) {
      const url = `${options.publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
      track('setWebhook', async () => {
        await bot.api.setWebhook(url, { secret_token: options.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] });
        log.info({ url }, 'Telegram webhook registered');
      });
    }
  }

  return {
    name: 'telegram',
    mount(app: Express) {
      if (!webhook) return;
      app.post(WEBHOOK_PATH, checkSecret, express.json({ limit: '1mb' }), onWebhook);
    },
    async start(host: ChannelHost) {
      deliver = host.deliver;
      commands = host.commands;
      await setUp();
      if (!webhook) {
        pollLoop = (async () => {
          // A webhook left registered makes getUpdates fail with 409.
          await bot.api.deleteWebhook().catch((error: unknown) => log.warn({ err: String(error) }, 'Telegram deleteWebhook failed'));
          await poll();
        })();
        log.info('Telegram long polling started');
      }
    },
    async send(to: string, message: OutboundMessage) {
      const { text, keyboard } = render(message);
      const parts = splitText(text, MAX_MESSAGE_LENGTH);
      const done = message.id !== undefined ? partsSent.get(message.id) : undefined;
      let last = done?.last;
      for (let index = done?.count ?? 0; index < parts.length; index++) {
        const isLast = index === parts.length - 1;
        // A desk topic's address is "<chat>/<thread>": the message goes into that topic of the group.
        const [chat, thread] = to.split('/') as [string, string | undefined];
        const sent = await bot.api.sendMessage(chat, parts[index]!, {
          ...(thread ? { message_thread_id: Number(thread) } : {}),
          ...(isLast && keyboard ? { reply_markup: keyboard } : {}),
        });
        last = `${chat}:${sent.message_id}`;
        if (message.id !== undefined && !isLast) {
          partsSent.set(message.id, { count: index + 1, last });
          // A message the outbox gave up on is never sent again: keep the memory bounded.
          if (partsSent.size > 1000) partsSent.delete(partsSent.keys().next().value!);
        }
      }
      if (message.id !== undefined) partsSent.delete(message.id);
      return last ?? `${to}:unsent`;
    },
    async openThread(group: string, title: string) {
      // Telegram takes topic names of 1-128 characters.
      const topic = await bot.api.createForumTopic(group, [...title].slice(0, 128).join(''));
      return `${group}/${topic.message_thread_id}`;
    },
    async closeThread(thread: string) {
      const [chat, id] = thread.split('/') as [string, string];
      await bot.api.closeForumTopic(chat, Number(id));
    },
    async stop() {
      stopped = true;
      offAgents?.();
      polling.abort();
      await pollLoop?.catch(() => undefined);
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  };
}

/** Renders choices as an inline keyboard (one button a row), or as a numbered list when an id cannot be callback_data. */
function render(message: OutboundMessage): { text: string; keyboard?: InlineKeyboardMarkup } {
  const choices = message.choices ?? [];
  if (choices.length === 0) return { text: message.text };
  if (choices.every(fitsCallbackData)) {
    return { text: message.text, keyboard: { inline_keyboard: choices.map((choice) => [{ text: choice.title, callback_data: choice.id }]) } };
  }
  return { text: `${message.text}\n\n${choices.map((choice, index) => `${index + 1}. ${choice.title}`).join('\n')}` };
}

function fitsCallbackData(choice: Choice): boolean {
  const bytes = Buffer.byteLength(choice.id, 'utf8');
  return bytes >= 1 && bytes <= MAX_CALLBACK_DATA_BYTES;
}

/**
 * Splits a text into parts of at most `max` UTF-16 units, at a line break if there is one in the second half of
 * a part, else at a space, else anywhere (never inside a surrogate pair).
 *
 *     splitText('a'.repeat(5000), 4096).map((part) => part.length); // [4096, 904]
 */
export function splitText(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    } else {
      parts.push(rest.slice(0, cut));
      rest = rest.slice(cut + 1);
    }
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined || expected === '') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function updateId(update: unknown): number | undefined {
  return isRecord(update) && Number.isSafeInteger(update.update_id) ? Number(update.update_id) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
