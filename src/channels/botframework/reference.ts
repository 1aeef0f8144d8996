// A Bot Framework conversation reference (where the person's conversation with the bot lives: the channel's service
// URL, the conversation, the bot's and the person's ids there) as the flat strings the core keeps on the person's
// identity, and back. Every send is proactive: it is rebuilt from what the person's last message brought.
import type { ChannelAccount, ConversationAccount, ConversationReference } from 'botbuilder';

/** The fields kept; the names are the store's, so they must not change once written. */
const FIELDS = ['serviceUrl', 'channelId', 'conversationId', 'conversationType', 'tenantId', 'botId', 'botName', 'userId', 'aadObjectId'] as const;

export type FlatReference = Partial<Record<(typeof FIELDS)[number], string>>;

/**
 * The flat form of the reference of an activity's conversation.
 *
 *     flatten({ serviceUrl, channelId: 'msteams', conversation: { id: 'a:1conv' }, bot, user }); // { serviceUrl, channelId, conversationId: 'a:1conv', … }
 */
export function flatten(reference: {
  serviceUrl: string;
  channelId: string;
  conversation: { id: string; conversationType?: string | undefined; tenantId?: string | undefined };
  bot: { id: string; name?: string | undefined };
  user: { id: string; aadObjectId?: string | undefined };
}): Record<string, string> {
  const flat: FlatReference = {
    serviceUrl: reference.serviceUrl,
    channelId: reference.channelId,
    conversationId: reference.conversation.id,
    conversationType: reference.conversation.conversationType,
    tenantId: reference.conversation.tenantId,
    botId: reference.bot.id,
    botName: reference.bot.name,
    userId: reference.user.id,
    aadObjectId: reference.user.aadObjectId,
  };
  return Object.fromEntries(Object.entries(flat).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
}

/**
 * The conversation reference `flatten` made, or undefined when what was kept lacks what a send needs.
 *
 *     const reference = rebuild(await host.referenceOf('webchat:dl_123'));
 *     await adapter.continueConversationAsync(appId, reference, logic);
 */
export function rebuild(flat: Record<string, string> | undefined): ConversationReference | undefined {
  const { serviceUrl, channelId, conversationId, conversationType, tenantId, botId, botName, userId, aadObjectId } = (flat ?? {}) as FlatReference;
  if (!serviceUrl || !channelId || !conversationId || !botId || !userId) return undefined;
  // The schema's types ask for names and a conversation type that the service does not need: what is unknown is left out.
  const conversation = { id: conversationId, isGroup: false, ...(conversationType ? { conversationType } : {}), ...(tenantId ? { tenantId } : {}) } as ConversationAccount;
  const bot = { id: botId, ...(botName ? { name: botName } : {}) } as ChannelAccount;
  const user = { id: userId, ...(aadObjectId ? { aadObjectId } : {}) } as ChannelAccount;
  return { serviceUrl, channelId, conversation, bot, user };
}
