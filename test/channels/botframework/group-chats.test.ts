// What someone sees who calls the bot in a Teams group chat or channel: Switchboard holds a customer's conversation
// only where nobody else reads it, so the chat is told once, in its language, to write to the bot one to one; nothing
// is stored as a conversation, and the bot does not answer every message there.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../../helpers.ts';
import { fixture, startBotFramework, type BotFrameworkServer } from './harness.ts';

const running: BotFrameworkServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const greeting = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi {{contact.name | there}}!"\n';

let next = 1;
/** Jonas calling the bot by name in the group chat `chat` (or a team's channel), in `locale`. */
function inGroup(text: string, serviceUrl: string, chat: string, options: { locale?: string; conversationType?: string } = {}): Record<string, unknown> {
  return {
    ...fixture('teams-message'), id: `1764000400${String(next++).padStart(3, '0')}`, serviceUrl, text, locale: options.locale ?? 'en-US',
    conversation: { id: chat, conversationType: options.conversationType ?? 'groupChat', isGroup: true, tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
    entities: [{ type: 'mention', text: '<at>Acme Bot</at>', mentioned: { id: '28:botAppId', name: 'Acme Bot' } }],
  };
}

/** Waits until `count` activities went to `chat`. */
async function sentTo(bf: BotFrameworkServer, chat: string, count: number): Promise<string[]> {
  for (let waited = 0; bf.service.sentTo(chat).length < count; waited += 10) {
    if (waited > 10_000) throw new Error(`${bf.service.sentTo(chat).length} of ${count} activities went to ${chat} in 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return bf.service.sentTo(chat).map((sent) => sent.activity.text as string);
}

describe('someone who calls the bot in a Teams group chat', () => {
  it('is told once, in the chat\'s language, that the bot answers one to one only, and nothing opens', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': greeting } });
    running.push(bf);
    const serviceUrl = bf.service.serviceUrl('teams');
    expect((await bf.post(inGroup('<at>Acme Bot</at> hello', serviceUrl, '19:abc@thread.v2'))).status).toBe(200);
    expect(await sentTo(bf, '19:abc@thread.v2', 1)).toEqual(['I answer in one-to-one chats only: write to me directly and I will help you there.']);
    // Called again in the same chat: not answered again.
    expect((await bf.post(inGroup('<at>Acme Bot</at> are you there?', serviceUrl, '19:abc@thread.v2'))).status).toBe(200);
    // A team's channel where Arabic is spoken is told in Arabic.
    expect((await bf.post(inGroup('<at>Acme Bot</at> مرحبا', serviceUrl, '19:general@thread.tacv2', { locale: 'ar-EG', conversationType: 'channel' }))).status).toBe(200);
    expect(await sentTo(bf, '19:general@thread.tacv2', 1)).toEqual(['أجيب في المحادثات الفردية فقط: راسلني مباشرةً وسأساعدك هناك.']);
    expect(bf.service.sentTo('19:abc@thread.v2')).toHaveLength(1);
    expect(await bf.app.store.conversations()).toEqual([]);
    expect(await bf.app.store.contacts()).toEqual([]);
  });
});
