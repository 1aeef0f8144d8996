// Peer: a botbuilder bot running the ask flow as a state machine in ConversationState (`memory`: MemoryStorage,
// `file`: a Storage writing one JSON file per conversation, below), behind an ActivityHandler. botbuilder has no
// Telegram adapter of its own (Azure Bot Service relays Telegram), so a small BotAdapter here turns the Telegram
// update into an Activity and sends replies with the same undici Pool as the baseline: the cheapest client there is.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import {
  ActivityHandler, ActivityTypes, BotAdapter, ConversationState, MemoryStorage, TurnContext,
  type Activity, type ConversationReference, type ResourceResponse, type Storage, type StoreItems,
} from 'botbuilder';
import { BOT_TOKEN, WEBHOOK_SECRET, botSays, looksLikeEmail } from '../ask-flow.ts';
import { serveBenchmark } from './report.ts';

/** A Storage of one JSON file per key (botbuilder ships none for Node besides memory and Azure). */
class FileStorage implements Storage {
  constructor(private readonly dir: string) {}
  #path(key: string): string {
    return join(this.dir, `${encodeURIComponent(key)}.json`);
  }
  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    await Promise.all(keys.map(async (key) => {
      try {
        items[key] = JSON.parse(await readFile(this.#path(key), 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }));
    return items;
  }
  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, value]) => writeFile(this.#path(key), JSON.stringify(value))));
  }
  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => rm(this.#path(key), { force: true })));
  }
}

const pool = new Pool(process.env.BOT_API_ROOT as string, { connections: 64, pipelining: 1 });

class TelegramBenchAdapter extends BotAdapter {
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const answer = await pool.request({
        path: `/bot${BOT_TOKEN}/sendMessage`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: Number(context.activity.conversation.id), text: activity.text }),
      });
      const sent = (await answer.body.json()) as { result: { message_id: number } };
      responses.push({ id: String(sent.result.message_id) });
    }
    return responses;
  }
  async updateActivity(): Promise<void> {}
  async deleteActivity(): Promise<void> {}
  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    await this.runMiddleware(new TurnContext(this, TurnContext.applyConversationReference({ type: ActivityTypes.Event }, reference, true)), logic);
  }
  /** One Telegram update as a message activity through the middleware and `logic`. */
  async process(update: { message: { message_id: number; chat: { id: number }; from: { id: number; first_name: string }; text: string } }, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const { message } = update;
    const activity: Partial<Activity> = {
      type: ActivityTypes.Message,
      id: String(message.message_id),
      channelId: 'telegram',
      serviceUrl: 'https://telegram.invalid',
      conversation: { id: String(message.chat.id), isGroup: false, conversationType: 'personal', name: '' },
      from: { id: String(message.from.id), name: message.from.first_name },
      recipient: { id: 'bench_bot', name: 'Bench' },
      text: message.text,
      timestamp: new Date(),
    };
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}

interface AskState {
  step: 'email' | 'need';
  email?: string;
}

const storageKind = process.argv[2] === 'file' ? 'file' : 'memory';
const dir = storageKind === 'file' ? mkdtempSync(join(tmpdir(), 'botbuilder-bench-')) : undefined;
const conversationState = new ConversationState(dir ? new FileStorage(dir) : new MemoryStorage());
const askState = conversationState.createProperty<AskState | undefined>('ask');

class AskBot extends ActivityHandler {
  constructor() {
    super();
    this.onMessage(async (context, next) => {
      const text = context.activity.text ?? '';
      const state = await askState.get(context);
      if (!state) {
        await context.sendActivity(botSays.greeting(context.activity.from.name ?? 'there'));
        await context.sendActivity(botSays.askEmail);
        await askState.set(context, { step: 'email' });
      } else if (state.step === 'email') {
        if (looksLikeEmail(text)) {
          await context.sendActivity(botSays.askNeed);
          await askState.set(context, { step: 'need', email: text });
        } else {
          await context.sendActivity(botSays.invalidEmail);
        }
      } else {
        await context.sendActivity(botSays.thanks(state.email ?? ''));
        // The flow is over: the conversation closes.
        await askState.delete(context);
      }
      await next();
    });
  }
  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await conversationState.saveChanges(context, false);
  }
}

const adapter = new TelegramBenchAdapter();
const bot = new AskBot();
const app = express();
app.post('/webhooks/telegram', express.json(), async (req, res) => {
  if (req.get('x-telegram-bot-api-secret-token') !== WEBHOOK_SECRET) {
    res.status(401).end();
    return;
  }
  await adapter.process(req.body, (context) => bot.run(context));
  res.status(200).json({ ok: true });
});
const server = app.listen(0, '127.0.0.1', () => {
  serveBenchmark(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    server.close();
    await pool.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
});
