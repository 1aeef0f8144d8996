// One inbound message, decided inside its transaction: a repeated delivery changes nothing; an agent's goes to
// the handover; a customer's finds or makes their contact and their conversation (one open per contact), then
// goes to the flow, to the queue, or to the agent holding it.
import type { Choice, IdentityUpdate, InboundMessage } from '../types.ts';
import type { Logger } from '../shared/log.ts';
import type { Attachment, Contact, Conversation, ConversationSource, Fields, FlowPosition, Message, Tx } from '../store/types.ts';
import { questionOf, type FlowInput } from '../flows/index.ts';
import { byLanguage } from '../flows/language.ts';
import { blank, personName } from '../shared/text.ts';
import { timedAlbum } from './albums.ts';
import { changesMayComeFirst, keepEarlyChange, takeEarlyChanges, type EarlyChange } from './early-changes.ts';
import { firstMessage } from './first-message.ts';
import { oldPress, oldPressText, pressedSince, type OldPress } from './old-buttons.ts';
import type { Desk } from '../handover/desk.ts';
import { writtenAsAgent } from '../handover/from-agents.ts';
import type { Agent } from '../handover/team.ts';
import { deletedLine, editLine, unshownKindLine } from '../handover/card.ts';
import { recordFirstResponse } from '../handover/context.ts';
import { line } from '../handover/lines.ts';
import type { Effects } from './effects.ts';
import type { Notices } from './notices.ts';
import { asksToStop, type Turns } from './turns.ts';

/** How long after closing a question asked by a `conversation.closed` flow still takes the customer's answer. */
const POST_CLOSE_ANSWER_WINDOW_MS = 60 * 60 * 1000;
/** How many of a conversation's last messages are looked at for the question a typed answer took a button of. */
const TYPED_CHOICE_LOOKED_AT = 20;
/** How many of a conversation's last messages a business echo is compared with (`#copyOfOwnReply`). */
const OWN_REPLIES_LOOKED_AT = 20;
/** An echo of a copy of our own reply comes within this long of the reply (a restart, Meta's redelivery). */
const OWN_REPLY_ECHO_WITHIN_MS = 60 * 60 * 1000;
/** How many of a conversation's last messages are looked at for an earlier edit of the message edited again. */
const EARLIER_EDITS_LOOKED_AT = 100;

/** Whose change it is, and its own channel message id (a reaction's: the message it quotes, `replyTo`). */
type ChangeSource = Pick<InboundMessage, 'channel' | 'from' | 'id' | 'replyTo'>;
/** The message a change is of (a reaction's may be the business's), and the customer. */
interface ChangeTarget {
  contact: Contact;
  original: Pick<Message, 'conversationId' | 'text' | 'attachments' | 'direction'>;
}

export interface IntakeOptions {
  desk: Desk;
  /** The agent team.yaml once gave this address to and no longer lists (see `formerAgentAt`), if any. */
  formerAgentAt?: (channel: string, id: string) => Promise<Agent | undefined>;
  turns: Turns;
  /** Tells a queued customer who writes again their place (`Notices.stillQueued`). */
  notices: Notices;
  now: () => Date;
  log: Logger;
}

/**
 * Decides what one inbound message changes.
 *
 *     const handled = await intake.decide(tx, inbound, fx); // false: a repeated delivery
 */
export class Intake {
  constructor(private readonly options: IntakeOptions) {}

  /** Everything one message changes, inside one transaction. Returns false for a repeated delivery. */
  async decide(tx: Tx, inbound: InboundMessage, fx: Effects): Promise<boolean> {
    const { desk, turns, notices } = this.options;
    if (await tx.hasInbound(inbound.channel, inbound.id)) return false;
    const agent = desk.agentOf(inbound.channel, inbound.from.id);
    // In a desk's group only agents are heard; anyone else's message there is not a customer's.
    if (!agent && inbound.place !== undefined) return false;
    // History and the business's own messages in an agent's chat are not conversations with a customer, nor commands.
    if (agent && (inbound.history || inbound.echo)) return false;
    // A text that shows nothing: kept nowhere, relayed to nobody; only a question waiting for it is asked again.
    if (inbound.blank) return agent || inbound.place !== undefined || inbound.history || inbound.echo ? true : this.#blank(tx, inbound, fx);
    if (agent) {
      await desk.handleAgentMessage(tx, agent, inbound, fx);
      await turns.closedFlows(tx, fx);
      return true;
    }
    // Someone removed from team.yaml who writes a command or a "#3 …" as they did: told they are no agent here any
    // more, rather than greeted as a customer whose conversation an agent would read. Their other words are a customer's.
    if (inbound.place === undefined && !inbound.history && !inbound.echo && writtenAsAgent(inbound.text)) {
      const was = await this.options.formerAgentAt?.(inbound.channel, inbound.from.id);
      if (was) {
        desk.tellFormerAgent(tx, was, inbound, fx);
        return true;
      }
    }

    // A reaction taken back (an empty one) is an agent's to carry out; a customer's, or the business app's, says nothing.
    if (inbound.reaction?.emoji.trim() === '') return true;
    const now = this.options.now().toISOString();
    if (inbound.reaction && !inbound.history && !inbound.echo) return this.#reaction(tx, inbound, inbound.reaction, now, fx);
    if (inbound.edit && !inbound.history && !inbound.echo) return this.#edit(tx, inbound, inbound.edit, now, fx);
    if (inbound.deletion) return inbound.history || inbound.echo ? true : this.#deletion(tx, inbound, inbound.deletion, now, fx);
    const contact = await this.#contactOf(tx, inbound, now, fx);
    if (inbound.history) return this.#history(tx, inbound, contact);
    // What a question may take of it: the customer's words, without the lines a channel wrote beside them.
    const asked = answerPart(inbound);
    let conversation = await tx.openConversationOf(contact.id);
    if (inbound.echo) return this.#takeover(tx, inbound, contact, conversation, now, fx);
    if (conversation && isOver(conversation)) {
      this.#closeOver(tx, conversation, fx);
      conversation = undefined;
    }
    // A button of an earlier question (scrolled up to, pressed twice, after the close) answers none asked now. One
    // pressed while in line answers nothing either, on every channel: it is kept as such (the web chat shows it not
    // taken, the agent console as no answer) and the customer is told their place (`stillQueued`). One where a person
    // answers from the business's app is theirs.
    const pressedIn = inbound.choice === undefined ? undefined : conversation ?? (await tx.latestConversationOf(contact.id));
    let pressedInLine = false;
    if (pressedIn && !pressedIn.takenOver) {
      const old = await oldPress(tx, inbound, pressedIn, turns);
      const inLine = pressedIn.status === 'open' && pressedIn.stage === 'queued';
      if (old && !inLine) return this.#oldPress(tx, inbound, contact, pressedIn, old, now, fx);
      pressedInLine = old !== undefined;
    }
    let opened = false;
    // The conversation the customer's last photo went in, for the album this one may be part of.
    let before = conversation;
    if (!conversation) {
      const latest = await tx.latestConversationOf(contact.id);
      before = latest;
      // A flow started by `conversation.closed` (a satisfaction question, say) takes the answer, for a while.
      const recentlyClosed = latest?.closedAt !== undefined && Date.parse(now) - Date.parse(latest.closedAt) < POST_CLOSE_ANSWER_WINDOW_MS;
      // Not a message written before the close (sent as the agent closed, arriving after): it answers no question asked
      // after, and it was for the people; a new conversation hears it. A channel that stamps whole seconds (Telegram,
      // WhatsApp) stamps a rating given in the second of the close before the close's own moment: one in that second
      // may be after it, and is the survey's when it is an answer it takes (a new conversation hears anything else).
      // A button of a question asked at the close or after (the survey's) was pressed after it, however it is stamped.
      const writtenAfter = latest?.closedAt !== undefined
        && (Date.parse(inbound.at) >= closeSecond(inbound.at, latest.closedAt) || (await pressedSince(tx, inbound, latest, latest.closedAt)));
      // A button of the chat app's menu (Get Started) is no answer to it: the customer starts over. Nor is a message
      // that plainly says something else ("wait, I also have a problem with my invoice"): re-asked the rating, the
      // customer would read that nobody heard them, and the request would stay in a closed conversation.
      // A press of one of the question's own buttons can mean nothing else: it is the answer however late it comes (a
      // customer back at the chat a day later, the rating still on the screen). The question takes it only if it offered it.
      const pressedOnIt = inbound.choice !== undefined && !inbound.menu && latest !== undefined
        && (inbound.replyTo === undefined || (await tx.messageByChannelId(inbound.channel, inbound.replyTo))?.conversationId === latest.id);
      const surveyWaits = latest?.flow?.waiting !== undefined && !latest.flow.done && (recentlyClosed || pressedOnIt) && writtenAfter && !inbound.menu;
      if (latest && surveyWaits && (onlyUnshown(inbound) || (await turns.takesAnswer(latest, answerOf(asked))))) conversation = latest;
      else {
        if (latest && surveyWaits) this.#passOver(tx, latest);
        conversation = await this.#open(tx, contact, inbound.channel, 'contact', now);
        opened = true;
        // What they need, when their words say it: the flow may take it as the need, unasked.
        const need = firstMessage(asked, { returning: latest !== undefined, ...(contact.name !== undefined ? { name: contact.name } : {}) });
        if (need !== undefined) conversation.fields.first_message = need;
      }
    }

    // Written before a message of theirs this conversation already took (Meta delivers in no promised order, and sends
    // a batch again hours later): it answers no question asked since, nor corrects an answer; it is kept, and reaches
    // whoever holds the conversation. Both times are the channel's, so no clock of ours is compared with Meta's. A
    // button's press is not: the question it is of says what it answers (an earlier question's is told apart above).
    const late = !opened && inbound.choice === undefined && changesMayComeFirst(inbound.channel) && conversation.lastWrittenAt !== undefined
      && Date.parse(inbound.at) < Date.parse(conversation.lastWrittenAt);
    // Nothing in it a question may take (an Instagram story mention alone): kept, relayed, no answer.
    const answersNothing = late || (inbound.answer === '' && inbound.choice === undefined && (inbound.attachments?.length ?? 0) === 0);
    if (!late && changesMayComeFirst(inbound.channel)) {
      conversation.lastWrittenAt = inbound.at;
      tx.putConversation(conversation);
    }
    const offered = inbound.choice !== undefined && (inbound.text === undefined || inbound.menu) ? await offeredChoice(tx, conversation.id, inbound, inbound.choice) : undefined;
    const text = inbound.text ?? (offered?.title || inbound.choice) ?? describeKind(inbound);
    // A menu button (Get Started) answers no question, unless its payload is one of the choices the bot offered.
    const menu = inbound.menu === true && offered === undefined;
    // "/cancel" or "/stop" typed while the bot asks: no answer, but the wish that its questions end (`stopQuestions`).
    const stops = !opened && !answersNothing && !menu && inbound.choice === undefined && asksToStop(inbound.text) && !conversation.takenOver
      && conversation.status === 'open' && conversation.stage === 'bot' && conversation.flow?.waiting !== undefined && !conversation.flow.done;
    // The question the flow waits on, which these words answer (or are read beside): what the bot read them as.
    const answers = !opened && !answersNothing && !menu && !stops && !conversation.takenOver && (conversation.stage === 'bot' || conversation.status === 'closed') && conversation.flow?.waiting && !conversation.flow.done
      ? questionOf(conversation.flow) : undefined;
    const stored: Omit<Message, 'id'> = {
      contactId: contact.id,
      conversationId: conversation.id,
      channel: inbound.channel,
      address: inbound.from.id,
      direction: 'in',
      from: 'contact',
      text,
      ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}),
      ...(pressedInLine ? { oldPress: true as const } : {}),
      ...(inbound.attachments && inbound.attachments.length > 0 ? { attachments: inbound.attachments } : {}),
      ...(inbound.unsupported !== undefined ? { unsupported: inbound.unsupported } : {}),
      ...(answers !== undefined ? { answers } : {}),
      channelMessageId: inbound.id,
      ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}),
      at: now,
    };
    const typed = answersNothing ? undefined : await typedChoiceOf(tx, turns, conversation, asked);
    if (typed) stored.typedChoice = typed;
    tx.addMessage(stored);
    // Written with each message while people have it: a claim or a transfer at the same moment, whose card shows the
    // messages it read, then conflicts with this one and runs again, rather than its agent never reading this message
    // (relayed to the one who had it, or to nobody while it waited in the queue).
    if (conversation.status === 'open' && conversation.stage !== 'bot') {
      conversation.customerMessagesForPeople = (conversation.customerMessagesForPeople ?? 0) + 1;
      tx.putConversation(conversation);
    }
    fx.emit({ type: 'message.received', payload: { message: stored, conversation } });

    // Which album the photo is of, for a channel that names none: decided here, where the customer's earlier photos are
    // known whichever process took them.
    let album = inbound.album;
    // Known to be one of several sent at once: the channel says so, or an earlier photo of the same album came.
    let several = album !== undefined;
    if (inbound.albumByTime) {
      album = timedAlbum(inbound, before);
      several = album === before?.lastAlbum?.album;
      conversation.lastAlbum = { album, at: inbound.at };
      tx.putConversation(conversation);
    }
    const turn = turns.turn(contact, conversation, fx);
    if (inbound.followed) turn.followed = true;
    const refused = (inbound.attachments ?? []).filter((attachment) => attachment.refused !== undefined);
    // The customer learns at once that a file did not come through, whoever is answering them: once for an album
    // (a photo a message there), not once a photo. A photo that may yet be the first of several (WhatsApp names no
    // album) is told of as the one photo it is so far; another of its album refused after it is told of as an album.
    if (refused.length > 0 && (album === undefined || conversation.refusalToldFor !== album)) {
      turn.say({ text: refusalText(refused, contact.language, several) });
      if (album !== undefined && several) {
        conversation.refusalToldFor = album;
        tx.putConversation(conversation);
      }
    }
    const waiting = conversation.stage === 'bot' && conversation.flow?.waiting && !conversation.flow.done;
    // What the customer typed may answer the flow's questions before they are asked; a button or a menu's press answers none.
    const said = menu || stops || answersNothing || inbound.choice !== undefined || onlyUnshown(inbound) ? undefined : asked.text;
    const opening = { ...(album !== undefined ? { album } : {}), ...(said !== undefined ? { said } : {}) };
    if (conversation.takenOver && conversation.status === 'open') {
      // Someone at the business answers from their own app: the bot stands back, the transcript keeps it all.
    } else if (opened) {
      fx.emit({ type: 'conversation.opened', payload: { conversation, source: 'contact' } });
      await turns.start(tx, turn, 'conversation.opened', 'contact', opening);
    } else if (conversation.status === 'open' && withPeople(conversation)) {
      // "Sorry, I meant 12346" after the flow's questions: the answer the agent reads on the card is put right, and the
      // agent is told what changed beside the words, rather than left to notice the card is wrong.
      const corrected = said !== undefined ? await turns.correctWithPeople(turn, said) : undefined;
      // A kind nothing here can show is named to the agent in their words, not the transcript's; the agent asks for it.
      await desk.relay(tx, conversation, contact, {
        ...(corrected ? { corrected } : {}),
        // Beside words or files (a card with a text), the words and files come with that line.
        ...(inbound.unsupported !== undefined ? { text: inbound.text ?? '', unsupported: inbound.unsupported } : { text }),
        ...(inbound.text !== undefined && inbound.styles ? { styles: inbound.styles } : {}),
        ...(inbound.attachments ? { attachments: inbound.attachments } : {}), relayOf: inbound.id, ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}),
        ...(inbound.forwarded ? { forwarded: true as const } : {}), ...(inbound.textCut !== undefined ? { textCut: inbound.textCut } : {}),
      }, fx);
    } else if (onlyUnshown(inbound)) {
      // Not an answer, nor a wrong one: the question stays as it was, and the customer knows why nothing moved.
      if (waiting) turn.say({ text: byLanguage({ en: 'Sorry, that kind of message cannot be read here. Could you write your answer?', ar: 'عذرًا، لا يمكن قراءة هذا النوع من الرسائل هنا. هل يمكنك كتابة إجابتك؟' }, contact.language) });
      // Waiting for an agent, it would wait in the conversation for one who cannot see it either.
      else if (conversation.stage === 'queued' && conversation.status === 'open') turn.say({ text: notShownToTeam(contact.language) });
    } else if (conversation.stage === 'bot' && conversation.status === 'open' && conversation.flow === undefined) {
      // Opened while no flow greeted customers and left with the bot (a store from before such conversations went to
      // the people): the flow in service now greets them, or the people take them.
      await turns.start(tx, turn, 'conversation.opened', 'contact', opening);
    } else if (answersNothing) {
      // Kept in the transcript; the question waits for an answer.
    } else if (stops) {
      await turns.stopQuestions(turn);
    } else if (conversation.stage === 'bot' || conversation.status === 'closed') {
      // The flow's question, or the one a `conversation.closed` flow asked after an agent closed it.
      await turns.resume(turn, {
        ...answerOf(asked),
        ...(album !== undefined ? { album } : {}),
        ...(menu ? { menu: true as const } : {}),
      });
    } else if (conversation.stage === 'queued' && conversation.status === 'open') {
      // A correction puts right the answer the agent who takes it reads on the card.
      if (said !== undefined) await turns.correctWithPeople(turn, said);
      // A card beside their words would wait for an agent who cannot see it either.
      if (inbound.unsupported !== undefined) turn.say({ text: notShownToTeam(contact.language) });
      // What a queued customer writes waits in the conversation, for the agent who takes it (on the card); after a
      // while without news of their place (or at once, for a button pressed), they hear it again rather than silence.
      await notices.stillQueued(tx, fx, conversation, { pressed: inbound.choice !== undefined });
    }
    // The last of the messages she wrote before she could read the flow's question, and none answered it: said now.
    if (!inbound.followed && conversation.stage === 'bot' && conversation.status === 'open') await turns.sayUnsaid(turn);
    await turns.settle(tx, turn, fx);
    await turns.closedFlows(tx, fx, turn);
    await this.#earlyChanges(tx, inbound, { contact, original: stored }, now, fx);
    return true;
  }

  /**
   * A button of an earlier question (`oldPress`): kept in the conversation it came in (the latest, when it is closed:
   * no new one is opened for it), and no answer to anything. The customer reads that the question was answered or is
   * no longer asked, then the question waiting now again (its retries neither spent nor reset); with the team, or after
   * the close, where they are. An agent holding the conversation is not sent it: it says nothing to them.
   */
  async #oldPress(tx: Tx, inbound: InboundMessage, contact: Contact, conversation: Conversation, old: OldPress, now: string, fx: Effects): Promise<boolean> {
    const { turns } = this.options;
    const choice = inbound.choice!;
    const title = old.pressedOn?.choices?.find((option) => option.id === choice)?.title;
    const stored: Omit<Message, 'id'> = {
      contactId: contact.id, conversationId: conversation.id, channel: inbound.channel, address: inbound.from.id, direction: 'in', from: 'contact',
      text: inbound.text ?? (title || choice), choice, oldPress: true, channelMessageId: inbound.id, ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: now,
    };
    tx.addMessage(stored);
    if (conversation.status === 'open') fx.emit({ type: 'message.received', payload: { message: stored, conversation } });
    const waits = conversation.flow?.waiting !== undefined && !conversation.flow.done && (conversation.status === 'closed' || conversation.stage === 'bot');
    const gone = !old.earlier && (!old.answered || (old.pressedOn !== undefined && !turns.stillOffered(old.pressedOn.asks!, choice)));
    const turn = turns.turn(contact, conversation, fx);
    turn.say({ text: oldPressText({ gone, earlier: old.earlier }, waits ? 'asked' : conversation.status === 'closed' ? 'closed' : 'team', contact.language) });
    if (waits) await turns.resume(turn, { menu: true });
    await turns.settle(tx, turn, fx);
    await turns.closedFlows(tx, fx, turn);
    return true;
  }

  /**
   * A customer's text of only invisible characters (`InboundMessage.blank`): when the bot waits on a question in their
   * open conversation, it is asked again as it stands (its retries neither spent nor reset), as for a menu button;
   * before, they saw nothing happen. Nothing is stored: an empty line would be no answer, nor anything for an agent.
   * A repeated delivery of it asks again.
   */
  async #blank(tx: Tx, inbound: InboundMessage, fx: Effects): Promise<boolean> {
    const { turns } = this.options;
    const contact = await tx.contactByIdentity(inbound.channel, inbound.from.id);
    const conversation = contact ? await tx.openConversationOf(contact.id) : undefined;
    if (!contact || !conversation || isOver(conversation) || conversation.takenOver || conversation.stage !== 'bot' || !conversation.flow?.waiting || conversation.flow.done) return true;
    const turn = turns.turn(contact, conversation, fx);
    await turns.resume(turn, { menu: true });
    await turns.settle(tx, turn, fx);
    return true;
  }

  /**
   * A customer's reaction is recorded, never answered: nobody asked anything by reacting, so it opens no conversation
   * and starts no flow. It goes in their open conversation, else their latest (the closing notice is often what they
   * react to), else only in their transcript; from someone the bot never heard of, there is nothing to keep it with.
   * An agent holding the conversation sees it: a 👍 to "Did that fix it?" is an answer to them. A reaction taken back
   * (WhatsApp's empty emoji) says nothing at all. One to a message the store does not have yet waits for it, as an
   * edit does, so that the agent reads what it answers.
   */
  async #reaction(tx: Tx, inbound: InboundMessage, reaction: { emoji: string; to: string }, now: string, fx: Effects): Promise<boolean> {
    if (changesMayComeFirst(inbound.channel) && !(await tx.messageByChannelId(inbound.channel, reaction.to))) {
      await keepEarlyChange(tx, inbound.channel, inbound.from.id, { kind: 'reaction', id: inbound.id, of: reaction.to, emoji: reaction.emoji, at: now });
      this.options.log.info({ channel: inbound.channel, id: inbound.id, of: reaction.to }, 'a reaction to a message the store does not have; kept until it comes (Meta may deliver it later)');
      return true;
    }
    const contact = await tx.contactByIdentity(inbound.channel, inbound.from.id);
    if (!contact) return true;
    const conversation = (await tx.openConversationOf(contact.id)) ?? (await tx.latestConversationOf(contact.id));
    await this.#applyReaction(tx, inbound, contact, conversation, reaction, now, fx);
    return true;
  }

  /**
   * Records `reaction` in `conversation` (none: in the transcript only) and tells whoever works on it; `answered`: the
   * message it answers, when it was stored in this transaction (a reaction that came before it).
   */
  async #applyReaction(
    tx: Tx, inbound: ChangeSource, contact: Contact, conversation: Conversation | undefined, reaction: { emoji: string; to: string }, now: string, fx: Effects,
    answered?: Pick<Message, 'text' | 'attachments'>,
  ): Promise<void> {
    tx.addMessage({
      contactId: contact.id, ...(conversation ? { conversationId: conversation.id } : {}), channel: inbound.channel, address: inbound.from.id,
      direction: 'in', from: 'contact', text: reactionLine(reaction.emoji), reaction, channelMessageId: inbound.id,
      ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: now,
    });
    if (conversation?.status === 'open' && !conversation.takenOver && withPeople(conversation)) {
      await this.options.desk.relayReaction(tx, conversation, contact, { ...reaction, channel: inbound.channel }, fx, answered);
    }
  }

  /**
   * A customer's edit of one of their messages (a typo in an order number fixed) is recorded beside the message it
   * corrects, in that message's conversation, and answers no question: the flow went on from the first version. While
   * the bot talks with the customer, an answer the first version gave (an order number, an email) is changed to the
   * one the edit gives (`Turns.correctByEdit`). An agent holding the conversation sees it, since their app still shows
   * the first version; a queued conversation keeps it for the agent who takes it. An edit of a message the store does
   * not have yet waits for it (`keepEarlyChange`: Meta may deliver the message later); one of another person's is logged.
   */
  async #edit(tx: Tx, inbound: InboundMessage, edit: { of: string }, now: string, fx: Effects): Promise<boolean> {
    const text = inbound.text ?? '';
    const target = await this.#changed(tx, inbound, { kind: 'edit', id: inbound.id, of: edit.of, text, at: now });
    if (target) await this.#applyEdit(tx, inbound, target, { of: edit.of, text }, now, fx);
    return true;
  }

  /**
   * A customer deleted one of their messages for everyone: the transcript keeps it, with a line saying so, and it
   * answers nothing. An agent holding the conversation is told, since their app still shows it (a card number sent by
   * mistake, an order taken back). A deletion of a message the store does not have yet waits for it, as an edit does.
   */
  async #deletion(tx: Tx, inbound: InboundMessage, deletion: { of: string }, now: string, fx: Effects): Promise<boolean> {
    const target = await this.#changed(tx, inbound, { kind: 'deletion', id: inbound.id, of: deletion.of, at: now });
    if (target) await this.#applyDeletion(tx, inbound, target, deletion, now, fx);
    return true;
  }

  /**
   * The customer and their message that `change` is of; undefined when there is none to change now: one the store
   * does not have yet is kept for when it comes, one of another person's (or of the business) is only logged.
   */
  async #changed(tx: Tx, inbound: InboundMessage, change: EarlyChange): Promise<ChangeTarget | undefined> {
    const contact = await tx.contactByIdentity(inbound.channel, inbound.from.id);
    const original = await tx.messageByChannelId(inbound.channel, change.of);
    if (contact && original && original.contactId === contact.id && original.direction === 'in') return { contact, original };
    const kept = !original && changesMayComeFirst(inbound.channel);
    if (kept) await keepEarlyChange(tx, inbound.channel, inbound.from.id, change);
    const what = change.kind === 'edit' ? 'an edit' : 'a deletion';
    const fate = kept ? 'kept until it comes (Meta may deliver it later)' : 'nothing to change';
    this.options.log.info({ channel: inbound.channel, id: inbound.id, of: change.of }, `${what} of a message the store does not have (or not the sender's); ${fate}`);
    return undefined;
  }

  /** Records `edit` of the message `target` (a blank one as a deletion) and tells whoever works on its conversation. */
  async #applyEdit(tx: Tx, inbound: ChangeSource, target: ChangeTarget, edit: { of: string; text: string }, now: string, fx: Effects): Promise<void> {
    const { contact, original } = target;
    const { text } = edit;
    // Edited into nothing to read (only spaces or invisible characters: how a person blanks out what they wrote where
    // their app cannot delete it): taken back, as a deletion is, rather than a blank new version for the agent.
    if (blank(text)) return this.#applyDeletion(tx, inbound, target, edit, now, fx);
    const conversation = original.conversationId !== undefined ? await tx.conversation(original.conversationId) : undefined;
    // Edited again: what it said before is the last edit's text.
    const earlier = conversation ? (await tx.recentMessages(conversation.id, EARLIER_EDITS_LOOKED_AT)).reverse().find((message) => message.edit?.of === edit.of) : undefined;
    const was = earlier?.edit?.text ?? original.text;
    // Once people have the conversation, or while it waits for them (in the queue, or in its team desk's thread), the
    // order number put right is put right on the card the agent reads, or will read. An edit that gives the answer none
    // it takes ("sam@example.com" edited to "sam@example") changes nothing: while nobody has it yet, the customer is
    // told, as before the queue, and the edit keeps what stands for the card of whoever takes it; an agent holding it
    // is told instead (the bot says nothing while an agent has them).
    const open = conversation?.status === 'open' && !conversation.takenOver ? conversation : undefined;
    const withTeam = open && (withPeople(open) || open.stage === 'queued') ? open : undefined;
    const turn = withTeam ? this.options.turns.turn(contact, withTeam, fx) : undefined;
    const edited = turn ? await this.options.turns.editWithPeople(turn, was, text) : undefined;
    const corrected = edited && !('kept' in edited) ? edited : undefined;
    const kept = edited && 'kept' in edited ? edited : undefined;
    const told = kept !== undefined && withTeam?.stage === 'queued';
    const stored: Omit<Message, 'id'> = {
      contactId: contact.id, ...(original.conversationId !== undefined ? { conversationId: original.conversationId } : {}), channel: inbound.channel,
      address: inbound.from.id, direction: 'in', from: 'contact', text: editLine(was, text), channelMessageId: inbound.id, at: now,
      edit: { of: edit.of, text, ...(kept && told ? { kept: { path: kept.path, field: kept.field, kept: kept.kept, lacks: kept.lacks, ...(kept.removed ? { removed: true as const } : {}) } } : {}) },
    };
    tx.addMessage(stored);
    // The dashboard's open transcript shows it at once.
    fx.emit({ type: 'message.received', payload: { message: stored, ...(conversation ? { conversation } : {}) } });
    if (withTeam && corrected) {
      tx.putContact(contact);
      tx.putConversation(withTeam);
    }
    if (turn && kept && told) turn.say({ text: kept.toCustomer });
    if (withTeam && withPeople(withTeam)) {
      // The agent holding it, or its desk's thread, reads what changed under the edit, as under a correction written
      // ("sorry, I meant 12346"), or what stands, and whether the bot told the customer.
      await this.options.desk.relayEdit(tx, withTeam, contact, { text, was, of: edit.of, ...(corrected ? { corrected } : {}), ...(kept ? { kept: { ...kept, ...(told ? { told } : {}) } } : {}) }, fx);
    } else if (open?.stage === 'bot') {
      // The order number put right in the message that gave it, while the bot asks what comes next: the answer kept is
      // the one it says now, not the typo.
      const botTurn = this.options.turns.turn(contact, open, fx);
      await this.options.turns.correctByEdit(botTurn, was, text);
      await this.options.turns.settle(tx, botTurn, fx);
    }
  }

  /** Records `deletion` of the message `target` and tells whoever works on its conversation. */
  async #applyDeletion(tx: Tx, inbound: ChangeSource, target: ChangeTarget, deletion: { of: string }, now: string, fx: Effects): Promise<void> {
    const { contact, original } = target;
    const conversation = original.conversationId !== undefined ? await tx.conversation(original.conversationId) : undefined;
    // Edited before: what it said last.
    const edited = conversation ? (await tx.recentMessages(conversation.id, EARLIER_EDITS_LOOKED_AT)).reverse().find((message) => message.edit?.of === deletion.of) : undefined;
    const was = edited?.edit?.text ?? original.text;
    const stored: Omit<Message, 'id'> = {
      contactId: contact.id, ...(original.conversationId !== undefined ? { conversationId: original.conversationId } : {}), channel: inbound.channel,
      address: inbound.from.id, direction: 'in', from: 'contact', text: deletedLine(was), deletion: { of: deletion.of }, channelMessageId: inbound.id, at: now,
    };
    tx.addMessage(stored);
    fx.emit({ type: 'message.received', payload: { message: stored, ...(conversation ? { conversation } : {}) } });
    if (conversation?.status === 'open' && !conversation.takenOver && withPeople(conversation)) {
      await this.options.desk.relayDeletion(tx, conversation, contact, { was, of: deletion.of }, fx);
    }
  }

  /**
   * The edits, deletions and reactions of the message just stored that came before it, taken now, in the order they
   * came. Only a reaction may be of the business's message (an echo); anything else of one changes nothing. Reactions
   * that waited `REACTION_WAITS_MS` for another message are told too, without the words they answer.
   */
  async #earlyChanges(tx: Tx, inbound: InboundMessage, target: ChangeTarget, now: string, fx: Effects): Promise<void> {
    if (!changesMayComeFirst(inbound.channel)) return;
    const { contact, original } = target;
    for (const change of await takeEarlyChanges(tx, inbound.channel, inbound.from.id, inbound.id, now)) {
      const source = { channel: inbound.channel, from: inbound.from, id: change.id };
      if (change.kind === 'reaction' && change.of !== inbound.id) {
        // Its message has not come in all this time (one older than the store, say): told as it stands, "to a message".
        const conversation = (await tx.openConversationOf(contact.id)) ?? (await tx.latestConversationOf(contact.id));
        await this.#applyReaction(tx, source, contact, conversation, { emoji: change.emoji, to: change.of }, now, fx);
      } else if (change.kind === 'reaction') {
        const conversation = original.conversationId !== undefined ? await tx.conversation(original.conversationId) : undefined;
        await this.#applyReaction(tx, source, contact, conversation, { emoji: change.emoji, to: change.of }, now, fx, original);
      } else if (original.direction !== 'in') this.options.log.info({ channel: inbound.channel, id: change.id, of: change.of }, `a customer's ${change.kind} of the business's message; nothing to change`);
      else if (change.kind === 'edit') await this.#applyEdit(tx, source, target, change, now, fx);
      else await this.#applyDeletion(tx, source, target, change, now, fx);
    }
  }

  /**
   * A person at the business wrote from the business's own app into this customer's chat: they take the
   * conversation over (opening one if none is open); the bot stands back in it and auto-close counts from them.
   */
  async #takeover(tx: Tx, inbound: InboundMessage, contact: Contact, open: Conversation | undefined, now: string, fx: Effects): Promise<boolean> {
    // The business's messages are outbound: `hasInbound` does not know them, so a repeated delivery is found here.
    if (await tx.messageByChannelId(inbound.channel, inbound.id)) return false;
    // The bot's last words may have closed the conversation: their echo must not open one nobody answers.
    const latest = open ?? (await tx.latestConversationOf(contact.id));
    if (latest && (await this.#copyOfOwnReply(tx, latest, inbound))) return false;
    const conversation = open ?? (await this.#open(tx, contact, inbound.channel, 'agent', now));
    if (!open) fx.emit({ type: 'conversation.opened', payload: { conversation, source: 'agent' } });
    const stored: Omit<Message, 'id'> = {
      contactId: contact.id, conversationId: conversation.id, channel: inbound.channel, address: inbound.from.id, direction: 'out', from: 'agent',
      text: inbound.text ?? describeKind(inbound), ...(inbound.attachments && inbound.attachments.length > 0 ? { attachments: inbound.attachments } : {}),
      ...(inbound.reaction ? { reaction: inbound.reaction } : {}), ...(inbound.unsupported !== undefined ? { unsupported: inbound.unsupported } : {}),
      channelMessageId: inbound.id, at: now, status: 'sent',
    };
    tx.addMessage(stored);
    recordFirstResponse(conversation, `app:${inbound.channel}`, now);
    conversation.lastAgentMessageAt = now;
    if (!conversation.takenOver && conversation.stage !== 'assigned') {
      conversation.takenOver = { channel: inbound.channel, at: now };
      conversation.stage = 'assigned';
      conversation.assignedAt ??= now;
      delete conversation.agentId;
      // The bot's questions are over: a person is answering.
      if (conversation.flow && !conversation.flow.done) conversation.flow = { ...conversation.flow, done: true };
      fx.emit({ type: 'conversation.assigned', payload: { conversation } });
    } else if (conversation.agentId) {
      // An agent of the team holds it: they see what was answered from the business's app.
      // A reaction, or a kind nothing here can show (a poll), is worded for them (in their language), not as the transcript's line.
      await this.options.desk.relay(tx, conversation, contact, {
        ...(inbound.reaction ? { text: '', reaction: inbound.reaction }
          : inbound.unsupported !== undefined ? { text: inbound.text ?? '', unsupported: inbound.unsupported }
            : { text: inbound.text ?? describeKind(inbound), ...(inbound.text !== undefined && inbound.styles ? { styles: inbound.styles } : {}) }),
        answeredInApp: true,
      }, fx);
    }
    tx.putConversation(conversation);
    // The customer's reaction to it may have come first.
    await this.#earlyChanges(tx, inbound, { contact, original: stored }, now, fx);
    return true;
  }

  /**
   * Closes a conversation whose flow ended with the bot before flows' ends closed their conversations (a store kept
   * from an earlier version): nobody would answer it, so the message opens a new one. Its `conversation.closed`
   * flows do not start: a survey about a conversation long over would take the new one's first words as its answer.
   */
  #closeOver(tx: Tx, conversation: Conversation, fx: Effects): void {
    this.options.desk.close(tx, conversation, 'bot', `flow "${conversation.flow?.flow ?? ''}" had ended; closed at the customer's next message`, fx);
    const index = fx.closedConversations.indexOf(conversation);
    if (index >= 0) fx.closedConversations.splice(index, 1);
  }

  /**
   * Ends the wait of a closed conversation's flow (a rating) that the customer's message passed over for a new
   * request: that message opens a new conversation, and the question is not put again.
   */
  #passOver(tx: Tx, conversation: Conversation): void {
    const position: FlowPosition = { ...(conversation.flow as FlowPosition), done: true };
    delete position.waiting;
    conversation.flow = position;
    tx.putConversation(conversation);
    this.options.log.info({ conversation: conversation.id, flow: position.flow }, 'the customer wrote something other than an answer to the closed conversation\'s question; it opens a new conversation');
  }

  /**
   * Whether the business's message repeats, under another id, one of the last replies sent from here in the
   * conversation (the bot's, or an agent's through the bot): the first copy of a reply whose send was cut short (the
   * process killed while sending it, the reply sent again on restart), which the channel could not know as its own,
   * not a person at the business writing, when it comes within an hour of the reply. A person who types word for
   * word what was just sent is not seen taking over.
   */
  async #copyOfOwnReply(tx: Tx, conversation: Conversation, inbound: InboundMessage): Promise<boolean> {
    if (inbound.text === undefined || inbound.text.trim() === '') return false;
    const recent = await tx.recentMessages(conversation.id, OWN_REPLIES_LOOKED_AT);
    return recent.some((message) => message.direction === 'out' && message.channel === inbound.channel && message.address === inbound.from.id
      && (message.from === 'bot' || (message.from === 'agent' && message.agentId !== undefined))
      && message.channelMessageId !== inbound.id && message.text === inbound.text
      && Math.abs(Date.parse(inbound.at) - Date.parse(message.at)) < OWN_REPLY_ECHO_WITHIN_MS);
  }

  /** A message a history sync brings: kept in the contact's transcript (once), nothing answered, no flow. */
  async #history(tx: Tx, inbound: InboundMessage, contact: Contact): Promise<boolean> {
    if (await tx.messageByChannelId(inbound.channel, inbound.id)) return false;
    tx.addMessage({
      contactId: contact.id, channel: inbound.channel, address: inbound.from.id,
      direction: inbound.echo ? 'out' : 'in', from: inbound.echo ? 'agent' : 'contact', text: inbound.text ?? describeKind(inbound),
      ...(inbound.attachments && inbound.attachments.length > 0 ? { attachments: inbound.attachments } : {}),
      ...(inbound.reaction ? { reaction: inbound.reaction } : {}), ...(inbound.unsupported !== undefined ? { unsupported: inbound.unsupported } : {}),
      channelMessageId: inbound.id, at: inbound.at, history: true, ...(inbound.echo ? { status: 'sent' as const } : {}),
    });
    return true;
  }

  /**
   * The language a known contact's words give away, read while the bot is talking with them (a message that opens
   * a conversation, or one to the flow): one Arabic sentence to an agent in an English conversation does not make
   * the bot speak Arabic to them from then on.
   */
  async #writtenLanguage(tx: Tx, contact: Contact, inbound: InboundMessage): Promise<string | undefined> {
    const language = languageOf(inbound.text);
    if (language === undefined) return undefined;
    const open = await tx.openConversationOf(contact.id);
    return open === undefined || open.stage === 'bot' ? language : undefined;
  }

  async #contactOf(tx: Tx, inbound: InboundMessage, now: string, fx: Effects): Promise<Contact> {
    const known = await tx.contactByIdentity(inbound.channel, inbound.from.id);
    const referral: Fields = inbound.referral ? { referral: inbound.referral } : {};
    const profileName = inbound.from.name === undefined ? undefined : personName(inbound.from.name);
    if (known) {
      // The name a customer gave us is kept; a channel's profile name only fills a gap.
      const name = known.name ?? profileName;
      const language = known.language ?? inbound.from.language ?? (await this.#writtenLanguage(tx, known, inbound));
      const identity = known.identities.find((own) => own.channel === inbound.channel && own.id === inbound.from.id);
      const reference = inbound.from.reference;
      const newReference = reference !== undefined && JSON.stringify(identity?.reference) !== JSON.stringify(reference);
      if (name !== known.name || language !== known.language || newReference || (inbound.referral && inbound.referral !== known.fields.referral)) {
        Object.assign(known, { updatedAt: now, fields: { ...known.fields, ...referral }, ...(name ? { name } : {}), ...(language ? { language } : {}) });
        // What the channel needs to reach them later is the one their last message came with.
        if (identity && newReference) identity.reference = reference;
        tx.putContact(known);
        fx.emit({ type: 'contact.updated', payload: { contact: known } });
      }
      return known;
    }
    const contact: Contact = {
      id: await tx.newContactId(),
      identities: [{ channel: inbound.channel, id: inbound.from.id, ...(inbound.from.reference ? { reference: inbound.from.reference } : {}) }],
      ...(profileName ? { name: profileName } : {}),
      ...((inbound.from.language ?? languageOf(inbound.text)) ? { language: (inbound.from.language ?? languageOf(inbound.text)) as string } : {}),
      fields: { ...referral },
      tags: [],
      createdAt: now,
      updatedAt: now,
    };
    // Put at once: from now on every read of it in this transaction (the agent's card, say) sees this object.
    tx.putContact(contact);
    fx.emit({ type: 'contact.updated', payload: { contact } });
    return contact;
  }

  async #open(tx: Tx, contact: Contact, channel: string, source: ConversationSource, now: string): Promise<Conversation> {
    const conversation: Conversation = { id: await tx.newConversationId(), contactId: contact.id, channel, status: 'open', stage: 'bot', fields: {}, source, openedAt: now };
    tx.putConversation(conversation);
    return conversation;
  }
}

/**
 * A channel's news about a person's identity: their address moved (the identity moves, no new contact), another
 * address of theirs on the same channel, or the name the business's address book gives them.
 */
export async function updateIdentity(tx: Tx, update: IdentityUpdate, fx: Effects, log: Logger, now: string, desk?: Desk): Promise<void> {
  const contact = await tx.contactByIdentity(update.channel, update.id);
  if (!contact) return;
  let changed = false;
  const identity = contact.identities.find((own) => own.channel === update.channel && own.id === update.id);
  for (const [address, move] of [[update.movedTo, true], [update.alsoKnownAs, false]] as const) {
    if (address === undefined || address === update.id) continue;
    const owner = await tx.contactByIdentity(update.channel, address);
    if (owner && owner.id !== contact.id && move && identity && desk) {
      // Their new number wrote before the channel said it was theirs (Meta's notice in a later webhook): the contact
      // it made is merged into theirs, which takes the new number (see `mergeNewAddress`).
      await mergeNewAddress(tx, contact, identity, address, owner, fx, desk, now);
      changed = true;
      continue;
    }
    if (owner && owner.id !== contact.id) {
      log.warn({ channel: update.channel, contact: contact.id, other: owner.id }, 'an identity update names an address another contact has; left as it is');
      continue;
    }
    if (owner) continue;
    if (move && identity) identity.id = address;
    else contact.identities.push({ channel: update.channel, id: address });
    changed = true;
  }
  const name = update.name === undefined ? undefined : personName(update.name);
  if (name && name !== contact.name) {
    contact.name = name;
    changed = true;
  }
  if (!changed) return;
  contact.updatedAt = now;
  tx.putContact(contact);
  fx.emit({ type: 'contact.updated', payload: { contact } });
}

/**
 * A customer's address (`identity`, theirs) moved to `address`, which made a contact of its own, `newcomer`: it wrote
 * before the channel said the address was theirs. `newcomer` becomes part of `contact` (theirs, with their history,
 * fields and the conversation an agent may hold): its conversations and messages move, its other addresses and the
 * fields `contact` lacks come along (`contact`'s win where both have one). Of two open conversations the one with an
 * agent stays (both or neither: the older), the other closes as part of it, its `conversation.*` answers kept where the
 * one kept lacks them (the old contact's win), and the agent holding the one kept is told in one line.
 */
async function mergeNewAddress(tx: Tx, contact: Contact, identity: Contact['identities'][number], address: string, newcomer: Contact, fx: Effects, desk: Desk, now: string): Promise<void> {
  const [ours, theirs] = [await tx.openConversationOf(contact.id), await tx.openConversationOf(newcomer.id)];
  if (ours && theirs) {
    const assigned = (conversation: Conversation): boolean => conversation.stage === 'assigned';
    const kept = assigned(theirs) && !assigned(ours) ? theirs : ours;
    const closing = kept === ours ? theirs : ours;
    kept.fields = kept === ours ? { ...closing.fields, ...kept.fields } : { ...kept.fields, ...closing.fields };
    tx.putConversation(kept);
    const said = (await tx.recentMessages(theirs.id, 20)).filter((message) => message.direction === 'in' && message.from === 'contact' && message.text !== '').at(-1)?.text;
    await desk.mergedAway(tx, closing, kept.id, contact.name, fx);
    const holder = desk.holderOf(kept);
    const told = kept === ours ? line('numberMerged', kept.id, contact.name, theirs.id, said) : line('numberMergedHere', kept.id, contact.name, ours.id);
    if (holder) await desk.tell(tx, holder.id, told, fx, kept.id);
  }
  await tx.mergeContact(newcomer.id, contact.id);
  identity.id = address;
  for (const other of newcomer.identities) {
    if (!contact.identities.some((own) => own.channel === other.channel && own.id === other.id)) contact.identities.push(other);
  }
  contact.fields = { ...newcomer.fields, ...contact.fields };
  contact.tags = [...new Set([...contact.tags, ...newcomer.tags])];
  contact.language ??= newcomer.language;
  contact.name ??= newcomer.name;
  contact.updatedAt = now;
}

/**
 * The language a customer's words give away when their channel does not say: Arabic script is `ar`. Other texts
 * say nothing sure (a Latin "ok" may be any language), so the flow's default language stays.
 *
 *     languageOf('مرحبا، عندي سؤال'); // 'ar'
 */
export function languageOf(text: string | undefined): string | undefined {
  // Letters only: digits typed in Arabic-Indic form (a phone set to show them, "١٢٣٤") are not Arabic words.
  return text !== undefined && /(?=\p{L})\p{Script=Arabic}/u.test(text) ? 'ar' : undefined;
}

/**
 * Whether what the customer says goes to the people: an agent holds the conversation, or it waits in a team desk's
 * thread, which sees it. One handed back to the bot keeps its thread, but the bot's flow takes the customer's answers.
 */
function withPeople(conversation: Conversation): boolean {
  return conversation.stage === 'assigned' || (conversation.stage === 'queued' && conversation.deskThread !== undefined);
}

/**
 * The earliest a message stamped `at` may have been written after `closedAt`: the close's own moment, or the start of
 * its second when the channel stamps whole seconds (`at` on a second): written in that second, it may follow the close.
 *
 *     closeSecond('2026-12-07T16:08:16.000Z', '2026-12-07T16:08:16.789Z'); // Date.parse('2026-12-07T16:08:16.000Z')
 */
function closeSecond(at: string, closedAt: string): number {
  const closed = Date.parse(closedAt);
  return Date.parse(at) % 1000 === 0 ? closed - (closed % 1000) : closed;
}

/**
 * An open conversation nobody answers: with the bot, its flow over, no person from the business answering from the
 * business's own app (one handed back from a team desk's thread is over too: the thread no longer hears the customer).
 */
function isOver(conversation: Conversation): boolean {
  return conversation.stage === 'bot' && conversation.flow?.done === true && !conversation.takenOver;
}

/** The message as a question reads it: its `text` only the part that answers (`InboundMessage.answer`), if any. */
function answerPart(inbound: InboundMessage): InboundMessage {
  if (inbound.answer === undefined) return inbound;
  const { text: _whole, answer, ...rest } = inbound;
  return answer === '' ? rest : { ...rest, text: answer };
}

/** What of a customer's message a flow's question may take as its answer: what they typed, pressed or sent. */
function answerOf(inbound: InboundMessage): FlowInput {
  return {
    ...(inbound.text !== undefined ? { text: inbound.text } : {}),
    ...(inbound.choice !== undefined ? { choice: inbound.choice } : {}),
    ...(inbound.attachments && inbound.attachments.length > 0 ? { attachments: inbound.attachments } : {}),
  };
}

/**
 * The button of the question waiting now that a typed answer is taken as, and the bot's message that offered it, for a
 * conversation with the bot; none for a press, or a question whose message is not among the last looked at.
 */
async function typedChoiceOf(tx: Tx, turns: Turns, conversation: Conversation, inbound: InboundMessage): Promise<Message['typedChoice']> {
  if (inbound.choice !== undefined || inbound.text === undefined || inbound.menu || conversation.status !== 'open' || conversation.stage !== 'bot' || conversation.takenOver) return undefined;
  const choice = await turns.typedChoice(conversation, { text: inbound.text });
  if (choice === undefined) return undefined;
  const asks = questionOf(conversation.flow!);
  const question = [...(await tx.recentMessages(conversation.id, TYPED_CHOICE_LOOKED_AT))].reverse().find((message) =>
    message.direction === 'out' && message.asks === asks && message.id !== undefined && (message.choices?.some((option) => option.id === choice) ?? false));
  return question?.id !== undefined ? { choice, of: question.id } : undefined;
}

/**
 * The button a customer pressed: from the message it hangs on when the channel names it (one of an earlier
 * conversation's, too) or its payload does, else from the bot's recent message that offered it; undefined when none did.
 */
async function offeredChoice(tx: Tx, conversationId: number, inbound: InboundMessage, choice: string): Promise<Choice | undefined> {
  const pressedOn = inbound.replyTo !== undefined ? await tx.messageByChannelId(inbound.channel, inbound.replyTo) : undefined;
  const own = pressedOn?.direction === 'out' ? pressedOn.choices?.find((option) => option.id === choice) : undefined;
  if (own) return own;
  const recent = await tx.recentMessages(conversationId, 10);
  const named = inbound.choiceOf !== undefined ? recent.find((message) => message.id === inbound.choiceOf)?.choices?.find((option) => option.id === choice) : undefined;
  if (named) return named;
  for (const message of recent.reverse()) {
    const offered = message.choices?.find((option) => option.id === choice);
    if (offered) return offered;
  }
  return undefined;
}

/**
 * Whether all a message brings is a kind nothing here can read (a poll, a card): beside words or files, those are
 * read (an answer, a relay) and the kind is a line beside them.
 */
function onlyUnshown(inbound: InboundMessage): boolean {
  return inbound.unsupported !== undefined && inbound.text === undefined && (inbound.attachments?.length ?? 0) === 0;
}

/** The line a message without text stands for in the transcript: a reaction, a kind the channel cannot read. */
function describeKind(inbound: InboundMessage): string {
  if (inbound.reaction) return reactionLine(inbound.reaction.emoji);
  if (inbound.unsupported !== undefined) return unshownKindLine(inbound.unsupported);
  return '';
}

/** The transcript's line for a reaction (the dashboard and the agents read it with the message it answers). */
function reactionLine(emoji: string): string {
  return `[reacted ${emoji}]`;
}

/**
 * What a customer waiting for an agent is told when they send a kind of message nothing here can show (a poll, a
 * story), in their language: the agent would not see it either, and they would wait for an answer to it.
 */
function notShownToTeam(language: string | undefined): string {
  return byLanguage({
    en: 'Sorry, that kind of message can\'t be shown to our team. Could you write it instead?',
    ar: 'عذرًا، لا يمكن عرض هذا النوع من الرسائل لفريقنا. هل يمكنك كتابته بدلًا من ذلك؟',
  }, language);
}

/** What the customer is told about files that did not come through, in their language (`album`: some of several sent at once). */
function refusalText(refused: readonly Attachment[], language: string | undefined, album: boolean): string {
  const one = refused.length === 1 && !album;
  const kind = refused[0]?.kind;
  const reasons = [...new Set(refused.map((attachment) => attachment.refused))].join('; ');
  // A file the channel failed to hand over (Meta's server, a link gone) comes through when sent again as it is: asked
  // for a smaller one, the customer would shrink a photo that was never too large.
  const ask = refused.every((attachment) => attachment.refusal?.kind === 'notFetched') ? SEND_AGAIN : SEND_SMALLER;
  // The reasons are the channels' English: an Arabic speaker is told what to do, without them.
  // One file is named by its kind where the customer knows it by one (the agent's line names it so too).
  const which = album ? 'album' : !one ? 'files' : kind === 'image' ? 'photo' : kind === 'sticker' ? 'sticker' : kind === 'audio' && refused[0]?.voice ? 'voice' : 'file';
  return byLanguage({ en: `${REFUSED[which].en} (${reasons}). ${ask[which].en}`, ar: `${REFUSED[which].ar}. ${ask[which].ar}` }, language);
}

type RefusalWords = Record<'album' | 'files' | 'photo' | 'sticker' | 'voice' | 'file', { en: string; ar: string }>;

/** How a refusal of the customer's files begins (in English the channels' reasons follow): an album, several files, one photo, sticker, voice message or other file. */
const REFUSED: RefusalWords = {
  album: { en: 'Sorry, one or more of the files you sent could not be received', ar: 'عذرًا، تعذّر استلام ملف أو أكثر مما أرسلته' },
  files: { en: 'Sorry, your files could not be received', ar: 'عذرًا، تعذّر استلام ملفاتك' },
  photo: { en: 'Sorry, your photo could not be received', ar: 'عذرًا، تعذّر استلام صورتك' },
  sticker: { en: 'Sorry, your sticker could not be received', ar: 'عذرًا، تعذّر استلام الملصق الذي أرسلته' },
  voice: { en: 'Sorry, your voice message could not be received', ar: 'عذرًا، تعذّر استلام رسالتك الصوتية' },
  file: { en: 'Sorry, your file could not be received', ar: 'عذرًا، تعذّر استلام ملفك' },
};

/** What a customer is asked whose files were too large (or not taken): smaller ones, or a description. */
const SEND_SMALLER: RefusalWords = {
  album: { en: 'Could you send smaller ones, or describe them?', ar: 'هل يمكنك إرسال ملفات أصغر أو وصفها؟' },
  files: { en: 'Could you send smaller ones?', ar: 'هل يمكنك إرسال ملفات أصغر؟' },
  photo: { en: 'Could you send a smaller one, or describe it?', ar: 'هل يمكنك إرسال صورة أصغر أو وصفها؟' },
  sticker: { en: 'Could you write what you meant instead?', ar: 'هل يمكنك كتابة ما قصدته بدلًا منه؟' },
  voice: { en: 'Could you send a shorter one, or write it instead?', ar: 'هل يمكنك إرسال رسالة أقصر أو كتابتها بدلًا منها؟' },
  file: { en: 'Could you send a smaller one, or describe it?', ar: 'هل يمكنك إرسال ملف أصغر أو وصفه؟' },
};

/** What a customer is asked whose files the channel failed to hand over: the same again. */
const SEND_AGAIN: RefusalWords = {
  album: { en: 'Could you send them again?', ar: 'هل يمكنك إرسالها مرة أخرى؟' },
  files: { en: 'Could you send them again?', ar: 'هل يمكنك إرسالها مرة أخرى؟' },
  photo: { en: 'Could you send it again?', ar: 'هل يمكنك إرسالها مرة أخرى؟' },
  sticker: { en: 'Could you send it again?', ar: 'هل يمكنك إرساله مرة أخرى؟' },
  voice: { en: 'Could you send it again?', ar: 'هل يمكنك إرسالها مرة أخرى؟' },
  file: { en: 'Could you send it again?', ar: 'هل يمكنك إرساله مرة أخرى؟' },
};
