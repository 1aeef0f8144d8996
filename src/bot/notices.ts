// What the customer hears at each lifecycle moment of their conversation: an agent joined, their place in line
// improved, they were moved to another team, the conversation closed (by an agent, with the note they chose to
// share, or by inactivity), they are back with the bot. The conversation's flow words each one (`notices:`), in
// the customer's language where it gives one; shipped defaults speak English and Arabic.
import type { ExtraFields } from '../flows/fields.ts';
import { renderStyled, type Template } from '../flows/template.ts';
import type { FlowLibrary } from '../flows/index.ts';
import { byLanguage, localize, type Localized } from '../flows/language.ts';
import type { NoticeMoment } from '../flows/schema.ts';
import { parseTemplate } from '../flows/template.ts';
import { queueOf } from '../handover/assignment/queue.ts';
import type { TeamDirectory } from '../handover/directory.ts';
import { endsSentence, isolate } from '../shared/text.ts';
import type { Contact, Conversation, TextStyle, Tx } from '../store/types.ts';
import { within } from '../shared/text-styles.ts';
import type { Effects } from './effects.ts';

/** A place in line is told again at most this often, and only when it improved. */
const QUEUE_NOTICE_EVERY_MS = 60_000;
/** How far down a queue improvements are told: those further back learn at their next turn. */
const QUEUE_NOTICE_DEPTH = 20;
/**
 * A queued customer who writes again hears where they stand when nothing was told them about their place for this
 * long: "hello?" ten minutes after "you are number 3 in line" met silence, and read as nobody being there.
 */
const STILL_QUEUED_AFTER_MS = 3 * 60_000;

const DEFAULTS: Record<'en' | 'ar', Record<NoticeMoment, string>> = {
  en: {
    assigned: '{{agent.name}} has joined the conversation.',
    queue_moved: 'You are now number {{queue.position}} in line.',
    transferred: 'Your conversation was passed to our {{conversation.team}} team.',
    closed: 'This conversation is now closed. {{closing.note}} Write to us any time.',
    auto_closed: 'This conversation was closed after a while without news. Write to us any time.',
    handed_back: 'You are back with our assistant.',
    still_queued: 'You are still number {{queue.position}} in line. Someone from our team will answer you here as soon as they can.',
  },
  ar: {
    assigned: 'انضم {{agent.name}} إلى المحادثة.',
    queue_moved: 'ترتيبك الآن {{queue.position}} في قائمة الانتظار.',
    transferred: 'تم تحويل محادثتك إلى فريق {{conversation.team}}.',
    closed: 'تم إغلاق هذه المحادثة. {{closing.note}} راسلنا في أي وقت.',
    auto_closed: 'أُغلقت هذه المحادثة بعد فترة دون نشاط. راسلنا في أي وقت.',
    handed_back: 'عدت إلى مساعدنا الآلي.',
    still_queued: 'ما زال ترتيبك {{queue.position}} في قائمة الانتظار. سيرد عليك أحد أعضاء فريقنا هنا في أقرب وقت.',
  },
};

/** The place a customer moved into a queue is told after the move's notice, around the number. */
const IN_LINE: { en: [string, string]; ar: [string, string] } = {
  en: ['You are number ', ' in line.'],
  ar: ['ترتيبك ', ' في قائمة الانتظار.'],
};

const compiled = new Map<NoticeMoment, Localized<Template>>();
// The defaults as a flow's localized notice: Arabic for Arabic speakers, English for everyone else.
function defaultTemplate(moment: NoticeMoment): Localized<Template> {
  let template = compiled.get(moment);
  if (!template) {
    const en = shipped(DEFAULTS.en[moment]);
    template = { variants: new Map([['en', en], ['ar', shipped(DEFAULTS.ar[moment])]]), fallback: en };
    compiled.set(moment, template);
  }
  return template;
}

function shipped(text: string): Template {
  const parsed = parseTemplate(text);
  return 'template' in parsed ? parsed.template : { source: '', parts: [] };
}

/**
 * Whether queued `waiting`, now at `position` (from 1) in its line, has a better place than it was last told, which the
 * minute's limit held back when the line moved: told a minute ago or more, and within the places that are told.
 *
 *     const line = queueOf(team, queued);
 *     line.forEach((waiting, index) => placeHeldBack(waiting, index + 1, now) && tell(waiting));
 */
export function placeHeldBack(waiting: Conversation, position: number, nowMs: number): boolean {
  const told = waiting.queueNotice;
  if (!told || waiting.awaitingPlace || position < 1 || position > QUEUE_NOTICE_DEPTH) return false;
  return told.position > position && nowMs - Date.parse(told.at) >= QUEUE_NOTICE_EVERY_MS;
}

/**
 * Adds the customer notices a transaction's events call for, in the same transaction: those of the events emitted
 * since the last call (a decision may ask for them early, `fx.noticesNow()`).
 *
 *     await notices.add(tx, fx); // after the work, before the commit
 */
export class Notices {
  constructor(private readonly options: { flows: FlowLibrary; directory: TeamDirectory; now: () => Date }) {}

  async add(tx: Tx, fx: Effects): Promise<void> {
    const queuesToTell = new Set<string>();
    const events = fx.events.slice(fx.noticed);
    fx.noticed = fx.events.length;
    for (const event of events) {
      switch (event.type) {
        case 'conversation.assigned': {
          const { conversation } = event.payload;
          const agent = conversation.agentId ? this.options.directory.agent(conversation.agentId) : undefined;
          // Not again to a customer who was told this agent is with them and nothing else since: a transfer that came
          // back to the agent who held it (a team of theirs) changes nothing they see.
          if (agent && !conversation.takenOver && conversation.announcedAgent !== agent.id) await this.#tell(tx, fx, conversation, 'assigned', { 'agent.name': agent.name });
          if (conversation.team) queuesToTell.add(conversation.team);
          break;
        }
        case 'conversation.transferred': {
          const { conversation } = event.payload;
          if (conversation.stage !== 'queued') break;
          // Moved into a queue, it waits for its place: its customer hears the move with that place, in one message,
          // once it is placed ("…passed to our Sales team. You are number 2 in line."), not the move alone.
          if (conversation.awaitingPlace && !conversation.awaitingPlace.text) await this.#toldWhenPlaced(tx, conversation);
          else await this.#tell(tx, fx, conversation, 'transferred', {});
          break;
        }
        case 'conversation.closed': {
          // Its notice was said when it closed (`closed`), before any flow the closing starts.
          const { conversation } = event.payload;
          if (conversation.team && conversation.assignedAt === undefined) queuesToTell.add(conversation.team);
          break;
        }
      }
    }
    for (const team of queuesToTell) await this.#queueMoved(tx, fx, team);
  }

  /** The customer's notice of a closing (by an agent, with the note they shared, or by inactivity); none for a flow's own close. */
  async closed(tx: Tx, fx: Effects, conversation: Conversation): Promise<void> {
    if (conversation.closedBy === 'auto') await this.#tell(tx, fx, conversation, 'auto_closed', {});
    else if (conversation.closedBy !== 'bot') {
      const note = conversation.closingNoteShared ? conversation.closingNote ?? '' : '';
      const told = asSentence(note);
      // The agent's styles (`*on its way*` from WhatsApp) go with their words, where the notice shows them.
      const lead = note.length - note.trimStart().length;
      const styles = conversation.closingNoteStyles ? within(conversation.closingNoteStyles, lead, lead + told.length) : [];
      await this.#tell(tx, fx, conversation, 'closed', { 'closing.note': told }, styles.length > 0 ? { value: told, styles } : undefined);
    }
  }

  /** The customer's notice that they are back with the bot. */
  handedBack(tx: Tx, fx: Effects, conversation: Conversation): Promise<void> {
    return this.#tell(tx, fx, conversation, 'handed_back', {});
  }

  /**
   * A queued customer wrote again: they hear their place when nothing was said about it for a while (see
   * `STILL_QUEUED_AFTER_MS`); what they wrote waits for the agent who takes them, on the card. A button they pressed
   * (one of a question answered already, its buttons still shown in their app) is answered at once: a press met with
   * silence reads as taken, "Sales" pressed while in Billing's line as a move to Sales; the next presses within the minute,
   * the place unchanged, are not answered with the same line again.
   *
   *     if (conversation.stage === 'queued') await notices.stillQueued(tx, fx, conversation, { pressed: inbound.choice !== undefined });
   */
  async stillQueued(tx: Tx, fx: Effects, conversation: Conversation, options: { pressed?: boolean } = {}): Promise<void> {
    // Not placed yet: its placing tells it its place.
    if (conversation.awaitingPlace || conversation.team === undefined) return;
    const now = this.options.now();
    const told = conversation.queueNotice?.at ?? conversation.queuedAt;
    if (!options.pressed && told !== undefined && now.getTime() - Date.parse(told) < STILL_QUEUED_AFTER_MS) return;
    const line = queueOf(conversation.team, await tx.openConversations({ stage: 'queued', team: conversation.team }, { live: false }));
    const position = line.findIndex((waiting) => waiting.id === conversation.id) + 1;
    if (position === 0) return;
    // Presses in a row (another stale button, seconds after the first): the answer to the first is just above, and the
    // same line at every press reads as the bot not listening. A minute later, or at another place, it is said again.
    const last = conversation.queueNotice;
    if (options.pressed && last?.still && last.position === position && now.getTime() - Date.parse(last.at) < QUEUE_NOTICE_EVERY_MS) return;
    conversation.queueNotice = { position, at: now.toISOString(), still: true };
    tx.putConversation(conversation);
    await this.#tell(tx, fx, conversation, 'still_queued', { 'queue.position': position });
  }

  /**
   * The periodic check: tells the customer of queued conversation `id` their place when it improved while the minute's
   * limit held the notice back (their line moved within a minute of the place they were told, and has not moved since:
   * without this they would read "number 3" until someone took them). Re-read here, in their transaction: told once.
   *
   *     if (placeHeldBack(waiting, position, now)) await transactions.onCustomerKey(waiting, (tx, fx) => notices.heldBackPlace(tx, fx, waiting.id));
   */
  async heldBackPlace(tx: Tx, fx: Effects, id: number): Promise<void> {
    const conversation = await tx.conversation(id);
    if (conversation?.status !== 'open' || conversation.stage !== 'queued' || conversation.team === undefined) return;
    const now = this.options.now();
    const line = queueOf(conversation.team, await tx.openConversations({ stage: 'queued', team: conversation.team }, { live: false }));
    const position = line.findIndex((waiting) => waiting.id === id) + 1;
    if (!placeHeldBack(conversation, position, now.getTime())) return;
    conversation.queueNotice = { position, at: now.toISOString() };
    tx.putConversation(conversation);
    await this.#tell(tx, fx, conversation, 'queue_moved', { 'queue.position': position });
  }

  /** Tells the customers queued in `team` whose place improved, at most once a minute each. */
  async #queueMoved(tx: Tx, fx: Effects, team: string): Promise<void> {
    const now = this.options.now();
    const queued = queueOf(team, await tx.openConversations({ stage: 'queued', team }, { live: false }));
    for (const [index, waiting] of queued.slice(0, QUEUE_NOTICE_DEPTH).entries()) {
      const position = index + 1;
      // Not placed yet: its placing tells it its place.
      if (waiting.awaitingPlace) continue;
      const told = waiting.queueNotice;
      // Held back by the minute's limit: the periodic check tells it once the minute is over (`heldBackPlace`).
      if (told && (told.position <= position || now.getTime() - Date.parse(told.at) < QUEUE_NOTICE_EVERY_MS)) continue;
      if (!told && waiting.queuedAt !== undefined && now.getTime() - Date.parse(waiting.queuedAt) < QUEUE_NOTICE_EVERY_MS) continue;
      const conversation = await tx.conversation(waiting.id);
      if (conversation?.status !== 'open' || conversation.stage !== 'queued' || conversation.awaitingPlace) continue;
      conversation.queueNotice = { position, at: now.toISOString() };
      tx.putConversation(conversation);
      await this.#tell(tx, fx, conversation, 'queue_moved', { 'queue.position': position });
    }
  }

  /**
   * The transfer's notice, put before the place its placing tells (`placeInLine`); after why it moved, when its team went
   * with its agent (`awaitingPlace.why`): "The agent who was helping you is no longer available. Your conversation was
   * passed to our Billing team. You are number 2 in line."
   */
  async #toldWhenPlaced(tx: Tx, conversation: Conversation): Promise<void> {
    const worded = await this.#worded(tx, conversation, 'transferred', {});
    const why = conversation.awaitingPlace?.why;
    // Worded as nothing (`transferred: ""`): nothing is said, the place neither.
    if (!worded) return;
    const [before, after] = byLanguage(IN_LINE, worded.contact.language);
    const lead = why ? `${why} ` : '';
    const styles = worded.styles.map((style) => ({ ...style, offset: style.offset + lead.length }));
    conversation.awaitingPlace = { text: [`${lead}${worded.text} ${before}`, after], ...(styles.length > 0 ? { styles } : {}) };
    tx.putConversation(conversation);
  }

  /**
   * A moment's text for the conversation's customer, with the styles the flow wrote in WhatsApp's markup (`*Thanks*`) and
   * the address it goes to; undefined when there is none.
   */
  async #worded(tx: Tx, conversation: Conversation, moment: NoticeMoment, extra: Record<string, string | number>): Promise<{ contact: Contact; to: string; text: string; styles: TextStyle[] } | undefined> {
    const contact = await tx.contact(conversation.contactId);
    const to = contact?.identities.find((identity) => identity.channel === conversation.channel)?.id;
    if (!contact || to === undefined) return undefined;
    const template = await this.#template(conversation, contact, moment);
    const isolated = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, typeof value === 'string' && value !== '' ? isolate(value) : value]));
    // The team by its title in the customer's language ("فريق المبيعات"), as the flow's own texts name it.
    const team: ExtraFields = conversation.team !== undefined ? { 'conversation.team': this.options.directory.title(conversation.team, contact.language) } : {};
    const { text, styles } = collapsed(renderStyled(template, contact, conversation, { ...team, ...isolated }));
    return text === '' ? undefined : { contact, to, text, styles };
  }

  /** `styled`: a value of `extra` that has styles of its own (an agent's note), which go where the text shows it. */
  async #tell(tx: Tx, fx: Effects, conversation: Conversation, moment: NoticeMoment, extra: Record<string, string | number>, styled?: { value: string; styles: TextStyle[] }): Promise<void> {
    const worded = await this.#worded(tx, conversation, moment, extra);
    if (!worded) return;
    const { contact, to, text } = worded;
    const styles = [...worded.styles, ...(styled ? stylesWhereShown(text, styled.value, styled.styles) : [])];
    // What the customer now believes about who is with them (see `Conversation.announcedAgent`).
    if (moment === 'assigned' || conversation.announcedAgent !== undefined) {
      if (moment === 'assigned' && conversation.agentId !== undefined) conversation.announcedAgent = conversation.agentId;
      else delete conversation.announcedAgent;
      tx.putConversation(conversation);
    }
    fx.send({
      contactId: contact.id, conversationId: conversation.id, channel: conversation.channel, address: to,
      direction: 'out', from: 'bot', text, ...(styles.length > 0 ? { styles } : {}), at: this.options.now().toISOString(), status: 'pending',
    });
  }

  /** The flow's wording of a moment, else the shipped default; in the customer's language as flow steps pick it. */
  async #template(conversation: Conversation, contact: Contact, moment: NoticeMoment): Promise<Template> {
    const position = conversation.flow;
    const flow = position ? await this.options.flows.version(position.flow, position.version) : undefined;
    return localize(flow?.notices[moment] ?? defaultTemplate(moment), contact.language);
  }
}

/**
 * A note told between two sentences, as a sentence of its own: with a stop when the writer put none.
 *
 *     asSentence('refunded');                    // 'refunded.'
 *     asSentence('Your refund is on its way!');  // as it is
 */
function asSentence(note: string): string {
  const text = note.trim();
  return text === '' || endsSentence(text) ? text : `${text}.`;
}

/**
 * The `styles` of `value` where `text` shows it: isolated (`isolate`), its runs of spaces and line breaks one space, as
 * `#worded` writes a notice; none when the text does not show it (a flow's notice without the field).
 *
 *     stylesWhereShown('Closed. \u2068Your refund is on its way.\u2069', 'Your refund is on its way.', [{ style: 'bold', offset: 15, length: 10 }]); // offset 24
 */
function stylesWhereShown(text: string, value: string, styles: readonly TextStyle[]): TextStyle[] {
  const { said: collapsed, at } = spacesCollapsed(value);
  const found = text.indexOf(isolate(collapsed));
  if (found === -1) return [];
  return styles.flatMap((style) => {
    const from = at[style.offset];
    const to = at[Math.min(style.offset + style.length, value.length)];
    return from !== undefined && to !== undefined && to > from ? [{ ...style, offset: found + 1 + from, length: to - from }] : [];
  });
}

/**
 * `text` with each run of spaces and line breaks one space, and where each of its units lands in it (`at`, one more
 * than `text` has units: where its end lands).
 *
 *     spacesCollapsed('a  b'); // { said: 'a b', at: [0, 1, 2, 2, 3] }
 */
function spacesCollapsed(text: string): { said: string; at: number[] } {
  const at: number[] = [];
  let said = '';
  for (let index = 0; index < text.length; index++) {
    at.push(said.length);
    if (!/\s/.test(text[index]!)) said += text[index];
    else if (index === 0 || !/\s/.test(text[index - 1]!)) said += ' ';
  }
  at.push(said.length);
  return { said, at };
}

/**
 * A notice as it is said: its runs of spaces and line breaks one space, none at either end, its styles on the same words.
 *
 *     collapsed({ text: ' Thanks,\n  Layla ', styles: [{ style: 'bold', offset: 1, length: 6 }] }); // { text: 'Thanks, Layla', styles: [{ style: 'bold', offset: 0, length: 6 }] }
 */
function collapsed(written: { text: string; styles: readonly TextStyle[] }): { text: string; styles: TextStyle[] } {
  const { said, at } = spacesCollapsed(written.text);
  const lead = said.startsWith(' ') ? 1 : 0;
  const trimmed = said.trim();
  const placed = (position: number) => Math.min(Math.max(at[position]! - lead, 0), trimmed.length);
  const styles = written.styles.flatMap((style) => {
    const from = placed(style.offset);
    const to = placed(style.offset + style.length);
    return to > from ? [{ ...style, offset: from, length: to - from }] : [];
  });
  return { text: trimmed, styles };
}
