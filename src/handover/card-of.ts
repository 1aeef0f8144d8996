// The card of a stored conversation, read with its recent messages, as an agent's chat or a desk's thread gets it:
// one way of building it, so an agent given a conversation passed on reads what a desk reads of it.
import type { Conversation, Tx } from '../store/types.ts';
import { assignmentCard, quotingFrom } from './card.ts';
import type { DeskContext } from './context.ts';
import type { DeskLanguage } from './lines.ts';
import type { Said } from './outgoing.ts';
import { kept } from './relay.ts';

/** How many of the customer's recent messages a card shows. */
const RECENT_FOR_CARD = 5;
/** How far back the card looks for the messages it shows and the ones their reactions quote. */
const LOOKED_AT = 30;
/** How far back it looks for the customer's edits that kept an answer, to say what stands (as far as intake looks for earlier edits). */
const EDITS_LOOKED_AT = 100;

/**
 * The card that hands `conversation` over, in `language`, with the files of the customer's messages it shows;
 * undefined without its contact. Passed on (`Conversation.passedOn`), it says by whom; passed on or `returning` (an
 * agent held it before), it shows the recent exchange.
 *
 *     const card = await cardOf(ctx, tx, conversation, { language: agent.language ?? 'en', returning });
 *     if (card) await toAgent(ctx, tx, agent, card, fx, conversation.id);
 */
export async function cardOf(ctx: DeskContext, tx: Tx, conversation: Conversation, options: { language: DeskLanguage; returning?: boolean }): Promise<Said | undefined> {
  const contact = await tx.contact(conversation.contactId);
  if (!contact) return undefined;
  const edits = await tx.recentMessages(conversation.id, EDITS_LOOKED_AT);
  const lately = edits.slice(-LOOKED_AT);
  const recent = lately.filter((m) => m.from === 'contact').slice(-RECENT_FOR_CARD);
  const team = conversation.team ? ctx.directory.team(conversation.team) : undefined;
  const wording = ctx.wording ? await ctx.wording(conversation) : undefined;
  // Held before (passed on, or back from an agent who was away or left it unanswered): what the agents answered too.
  const exchange = conversation.passedOn !== undefined || options.returning === true;
  const passedOn = conversation.passedOn ? { passedOn: conversation.passedOn } : {};
  const text = assignmentCard({
    conversation, contact, ...(team ? { team } : {}), titleOf: (name) => ctx.directory.title(name, options.language), messages: exchange ? lately : recent, quoting: quotingFrom(lately), edits,
    ...(exchange ? { agentName: (id: string) => ctx.directory.agent(id)?.name } : {}),
    language: options.language, returning: options.returning ?? false, ...(wording ? { wording } : {}), ...passedOn,
  });
  // The files of the messages on the card come with it: the agent sees the photo the customer opened with.
  return { text, attachments: kept(recent.flatMap((m) => m.attachments ?? [])) };
}
