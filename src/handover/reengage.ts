// A closed 24-hour window refused an agent's reply: the re-engagement template (WHATSAPP_REENGAGE_TEMPLATE) goes in its
// place, carrying the reply on one line, so that the customer sees an answer waits for them and their reply reopens
// the window. Once until the customer writes again: every later reply refused meanwhile would otherwise send it again.
import type { Message, Tx } from '../store/types.ts';
import { oneLine } from '../shared/text.ts';
import { recordFirstResponse, stamp, type DeskContext, type DeskEffects } from './context.ts';
import { toCustomer } from './outgoing.ts';

/** How much of the reply the template carries: Meta refuses a template whose text passes 1,024 characters. */
const MAX_PARAMETER = 700;
/** How many of the conversation's latest messages are looked through for a template sent since the customer wrote. */
const LOOKED_AT = 50;

/**
 * Sends the re-engagement template in place of `failed`, an agent's reply its closed window refused, in a
 * conversation still open with that agent; resolves to the template's name, or undefined when none is set, the reply
 * has no text (or is a reaction, an edit), or a template already went since the customer last wrote.
 *
 *     await reengage(ctx, tx, refusedReply, fx); // 'reply_waiting'
 */
export async function reengage(ctx: DeskContext, tx: Tx, failed: Message, fx: DeskEffects): Promise<string | undefined> {
  const template = ctx.reengage;
  if (!template || failed.from !== 'agent' || failed.agentId === undefined || failed.conversationId === undefined || failed.text.trim() === '') return undefined;
  // A reaction or an edit's correction says nothing on its own inside a template.
  if (failed.reaction !== undefined || failed.edit !== undefined) return undefined;
  const conversation = await tx.conversation(failed.conversationId);
  if (conversation?.status !== 'open' || conversation.agentId !== failed.agentId) return undefined;
  const recent = await tx.recentMessages(conversation.id, LOOKED_AT);
  let sinceCustomer = recent.length;
  while (sinceCustomer > 0 && recent[sinceCustomer - 1]!.direction !== 'in') sinceCustomer--;
  if (recent.slice(sinceCustomer).some((message) => message.direction === 'out' && message.template !== undefined && !message.toAgent)) return undefined;
  const parameter = oneLine(failed.text, MAX_PARAMETER);
  await toCustomer(ctx, tx, conversation, {
    from: 'agent', agentId: failed.agentId, text: `[template ${template.name}: ${parameter}]`,
    template: { name: template.name, ...(template.language ? { language: template.language } : {}), params: [parameter] },
  }, fx);
  // The template carries the agent's answer: the customer's first word from anyone, when nothing reached them before.
  if (conversation.firstResponseAt === undefined) {
    recordFirstResponse(conversation, failed.agentId, stamp(ctx));
    tx.putConversation(conversation);
  }
  return template.name;
}
