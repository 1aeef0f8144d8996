// Peer: a grammY bot running the ask flow with the conversations plugin, as its docs show it, on its default
// Bot API client; `memory` (the plugin's default storage) or `file` (@grammyjs/storage-file, one file per chat).
import express from 'express';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bot, webhookCallback, type Context } from 'grammy';
import { conversations, createConversation, type Conversation, type ConversationFlavor } from '@grammyjs/conversations';
import { FileAdapter } from '@grammyjs/storage-file';
import { BOT_TOKEN, WEBHOOK_SECRET, botSays, looksLikeEmail } from '../ask-flow.ts';
import { serveBenchmark } from './report.ts';

type BotContext = ConversationFlavor<Context>;
const storageKind = process.argv[2] === 'file' ? 'file' : 'memory';
const dir = storageKind === 'file' ? mkdtempSync(join(tmpdir(), 'grammy-bench-')) : undefined;

const bot = new Bot<BotContext>(BOT_TOKEN, {
  botInfo: {
    id: 123456, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: false,
    can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false,
    has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false,
  } as never,
  client: { apiRoot: process.env.BOT_API_ROOT as string },
});

async function ask(conversation: Conversation<BotContext, Context>, ctx: Context): Promise<void> {
  await ctx.reply(botSays.greeting(ctx.from?.first_name ?? 'there'));
  await ctx.reply(botSays.askEmail);
  let answer = await conversation.waitFor('message:text');
  while (!looksLikeEmail(answer.message.text)) {
    await answer.reply(botSays.invalidEmail);
    answer = await conversation.waitFor('message:text');
  }
  const email = answer.message.text;
  await answer.reply(botSays.askNeed);
  const need = await conversation.waitFor('message:text');
  await need.reply(botSays.thanks(email));
}

bot.use(dir ? conversations({ storage: { type: 'key', adapter: new FileAdapter({ dirName: dir }) } }) : conversations());
bot.use(createConversation(ask, 'ask'));
bot.on('message:text', (ctx) => ctx.conversation.enter('ask'));

const app = express();
app.post('/webhooks/telegram', express.json(), webhookCallback(bot, 'express', { secretToken: WEBHOOK_SECRET }));
const server = app.listen(0, '127.0.0.1', () => {
  serveBenchmark(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, async () => {
    server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
});
