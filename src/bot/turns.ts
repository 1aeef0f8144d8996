// Flows inside a transaction: a conversation's turn (what the flow says is stored as outbound messages), starting
// the flows an event triggers, feeding the customer's answer to the step that waits, and carrying out what the
// flow asked for (hand over to a team, close).
import type { Contact, Conversation, ConversationSource, Tx } from '../store/types.ts';
import { askAgain, correctAnswer, correctAnswerByEdit, correctByEdit, offersChoice, questionOf, readQuestion, resumeFlow, sayUnsaid, startFlow, takesAnswer, typedChoice, type AnswerChange, type AnswerKept, type AssignRequest, type Classification, type FlowInput, type CompiledFlow, type FlowLibrary, type FlowRun } from '../flows/index.ts';
import { beingRemoved } from '../flows/removals.ts';
import { byLanguage } from '../flows/language.ts';
import type { BotResume } from '../handover/context.ts';
import type { Desk } from '../handover/desk.ts';
import type { Logger } from '../shared/log.ts';
import type { Effects } from './effects.ts';
import type { Notices } from './notices.ts';

/** What a customer whose conversation no flow greets is told when it waits in the default team's queue. */
function waitingForAgentText(language: string | undefined, position: number | string): string {
  return byLanguage({
    en: `Thanks for your message. Someone from our team will answer you here; you are number ${position} in line.`,
    ar: `شكرًا لرسالتك. سيرد عليك أحد أعضاء فريقنا هنا؛ ترتيبك ${position} في قائمة الانتظار.`,
  }, language);
}

/** What a customer who typed /cancel or /stop to the flow's question is told as their conversation goes to the queue. */
function stoppedText(language: string | undefined, position: number | string): string {
  return byLanguage({
    en: `All right, no more questions. Someone from our team will answer you here; you are number ${position} in line.`,
    ar: `حسنًا، لا مزيد من الأسئلة. سيرد عليك أحد أعضاء فريقنا هنا؛ ترتيبك ${position} في قائمة الانتظار.`,
  }, language);
}

/**
 * Whether a customer's text is a chat command asking the bot to stop: /cancel or /stop (with Telegram's @bot after
 * it), or their Arabic words («/إلغاء», «/توقف», «/إيقاف»). Customers type them on Telegram, whose bots often take
 * them, and on WhatsApp alike.
 *
 *     asksToStop('/cancel@acme_bot'); // true
 *     asksToStop('stop charging me'); // false
 */
export function asksToStop(text: string | undefined): boolean {
  return text !== undefined && STOP_COMMAND.test(text.trim());
}

const STOP_COMMAND = /^\/(?:cancel|stop|[اإأ]لغاء|توقف|[اإأ]يقاف)(?:@\w+)?$/iu;

/**
 * What a customer queued by a flow's `assign` step without `queued:` text is told: left with nothing, they wrote
 * "hello? anyone there?" into silence.
 */
function queuedText(language: string | undefined, position: number | string): string {
  return byLanguage({
    en: `Someone from our team will answer you here; you are number ${position} in line.`,
    ar: `سيرد عليك أحد أعضاء فريقنا هنا؛ ترتيبك ${position} في قائمة الانتظار.`,
  }, language);
}

/** A flow's turn, plus what it asked of the runtime (closing, handing over) to do once the flow has run. */
export interface Turn extends FlowRun {
  closeRequest?: { note?: string };
  assignRequest?: AssignRequest;
  /** The last prediction the flow asked for, announced if it set the conversation's intent. */
  prediction?: Classification;
  /** The conversation's intent when the turn began (or was last announced). */
  intentBefore?: string;
}

export interface TurnsOptions {
  flows: FlowLibrary;
  log: Logger;
  now: () => Date;
  /** The NLP model's prediction for a text, for `classify` steps; undefined while none is ready. */
  classify?: (text: string) => Classification | undefined;
  /** The customer's notices of closings and hand-backs, said before any flow they start. */
  notices?: Notices;
}

/**
 * Runs flows on conversations, in the caller's transaction.
 *
 *     const turn = turns.turn(contact, conversation, fx);
 *     await turns.resume(turn, { text: 'layla@example.com' }); await turns.settle(tx, turn, fx);
 */
export class Turns {
  #desk: Desk | undefined;

  constructor(private readonly options: TurnsOptions) {}

  /** The desk that carries out hand-overs and closings (set once, by the runtime that owns both). */
  set desk(desk: Desk) {
    this.#desk = desk;
  }

  /** The flow's view of this transaction: what it says is stored as pending outbound messages. */
  turn(contact: Contact, conversation: Conversation, fx: Effects): Turn {
    const { log } = this.options;
    // Methods, not arrow functions: under tsx (`npm start`) each arrow function made here would be named at run time
    // (esbuild's `keepNames`), about a microsecond each, eight a turn.
    const turns = this;
    const now = this.options.now();
    const to = contact.identities.find((identity) => identity.channel === conversation.channel)?.id ?? contact.identities[0]?.id ?? '';
    const turn: Turn = {
      contact,
      conversation,
      now,
      ...(conversation.intent !== undefined ? { intentBefore: conversation.intent } : {}),
      log: {
        info(o, msg) {
          log.info({ conversation: conversation.id, ...o }, msg);
        },
        warn(o, msg) {
          log.warn({ conversation: conversation.id, ...o }, msg);
        },
        error(o, msg) {
          log.error({ conversation: conversation.id, ...o }, msg);
        },
      },
      say(out) {
        fx.send({
          contactId: contact.id,
          conversationId: conversation.id,
          channel: conversation.channel,
          address: to,
          direction: 'out',
          from: 'bot',
          text: out.text,
          ...(out.styles && out.styles.length > 0 ? { styles: out.styles } : {}),
          ...(out.choices && out.choices.length > 0 ? { choices: out.choices } : {}),
          // Said by the flow (the step running now): a button of it pressed later is known to be of this question.
          ...(out.choices && out.choices.length > 0 && conversation.flow && !conversation.flow.done ? { asks: questionOf(conversation.flow) } : {}),
          ...(out.attachments && out.attachments.length > 0 ? { attachments: out.attachments } : {}),
          // With files or choices, the customer's language: a file the channel cannot send, a list's button are worded in it.
          ...((out.attachments?.length || out.choices?.length) && contact.language !== undefined ? { language: contact.language } : {}),
          at: now.toISOString(),
          status: 'pending',
        });
      },
      close(note) {
        turn.closeRequest = note === undefined ? {} : { note };
      },
      assign(request) {
        turn.assignRequest = request.queuedText ? request : { ...request, queuedText: (position) => ({ text: queuedText(turn.contact.language, position) }) };
      },
      classify(text) {
        const prediction = turns.options.classify?.(text);
        if (prediction) turn.prediction = prediction;
        return prediction;
      },
      teamTitle(team, language) {
        return turns.#desk?.teamTitle(team, language) ?? team;
      },
    };
    return turn;
  }

  /**
   * Starts the flow that `on` triggers (the first, if several do); `opening`: the album of the message that opened it,
   * and what it said (its typed text), which may answer the flow's questions before they are asked.
   */
  async start(tx: Tx, turn: Turn, on: 'conversation.opened' | 'conversation.closed', source?: ConversationSource, opening: { album?: string; said?: string } = {}): Promise<void> {
    const [flow, ...others] = await this.#inService(tx, this.options.flows.forTrigger(on, source), turn.now);
    if (!flow) {
      if (on === 'conversation.opened') this.#toAgents(turn, source ?? 'contact');
      return;
    }
    if (others.length > 0) {
      this.options.log.warn({ on, source, used: flow.name, ignored: others.map((other) => other.name) }, 'several flows share a trigger; the first one runs');
    }
    startFlow(flow, turn, opening);
    this.#closeIfEnded(turn);
  }

  /**
   * The flows of those the trigger names that are still in service: not one being removed (`DELETE /api/flows/:name`,
   * maybe on another process), nor one whose file went since this process read the flows folder.
   */
  async #inService(tx: Tx, flows: CompiledFlow[], now: Date): Promise<CompiledFlow[]> {
    const kept: CompiledFlow[] = [];
    // The mark first, then the file (see flows/removals.ts): a removal that ends between the two is seen either way.
    for (const flow of flows) if (!(await beingRemoved(tx, flow.name, now)) && this.options.flows.stillOnDisk(flow)) kept.push(flow);
    return kept;
  }

  /**
   * Feeds `input` to the step the conversation's flow waits on, if it waits; or, when the channel reported that its
   * question never reached the customer (`waiting.unseen`), asks it again instead, once.
   */
  async resume(turn: Turn, input: FlowInput): Promise<void> {
    const position = turn.conversation.flow;
    if (!position?.waiting || position.done) return;
    const flow = await this.options.flows.version(position.flow, position.version);
    if (flow && position.waiting.unseen === true && askAgain(flow, turn, input.album)) {
      this.options.log.info({ conversation: turn.conversation.id, flow: position.flow, step: position.step }, 'the question never reached the customer (the channel reported it failed): asked again');
    } else if (flow) resumeFlow(flow, turn, input);
    else {
      this.options.log.error({ conversation: turn.conversation.id, flow: position }, 'flow version not found; flow stopped');
      turn.conversation.flow = { ...position, done: true, error: 'flow version not found' };
    }
    this.#closeIfEnded(turn);
  }

  /**
   * The customer typed /cancel or /stop (`asksToStop`) while the flow waited on a question: no answer, and no wrong one
   * (it was taken as a need, or refused as an email address and a retry spent). The questions end and the conversation
   * goes to the default team's queue, the customer told so (`#toPeople`), since the bot has nothing else to offer them
   * and a person can read why they stopped. The flow keeps the question it waited on: an agent's hand back asks it
   * again. With no team in team.yaml, the question is asked again instead, as for a menu button.
   */
  async stopQuestions(turn: Turn): Promise<void> {
    const position = turn.conversation.flow;
    if (!position?.waiting || position.done) return;
    turn.conversation.flow = { ...position, done: true };
    const language = turn.contact.language;
    if (this.#toPeople(turn, (at) => stoppedText(language, at)) !== undefined) {
      turn.log.info({ flow: position.flow, step: position.step }, 'the customer asked the questions to stop: the conversation goes to the people');
      return;
    }
    turn.conversation.flow = position;
    await this.resume(turn, { menu: true });
  }

  /**
   * Says the question the flow waits on unsaid (`waiting.unsaid`): the customer's messages written before they could
   * read it are all in, and none answered it.
   */
  async sayUnsaid(turn: Turn): Promise<void> {
    const position = turn.conversation.flow;
    if (!position?.waiting?.unsaid || position.done) return;
    const flow = await this.options.flows.version(position.flow, position.version);
    if (flow) sayUnsaid(flow, turn);
    this.#closeIfEnded(turn);
  }

  /**
   * A customer's edit of a message that answered one of the flow's questions (`was` → `now`): the answer is changed,
   * and the customer told so. The flow stays where it waits.
   */
  async correctByEdit(turn: Turn, was: string, now: string): Promise<void> {
    const position = turn.conversation.flow;
    if (!position?.waiting || position.done) return;
    const flow = await this.options.flows.version(position.flow, position.version);
    if (flow && correctByEdit(flow, turn, was, now)) {
      this.options.log.info({ conversation: turn.conversation.id, flow: position.flow }, 'the customer edited an answer: changed');
    }
  }

  /**
   * A customer's correction of an answer the flow saved ("sorry, I meant 12346"), written once people have the
   * conversation: the answer is changed, and what changed is returned for the agent; undefined when it changes none.
   */
  async correctWithPeople(turn: Turn, text: string): Promise<AnswerChange | undefined> {
    const position = turn.conversation.flow;
    const flow = position && (await this.options.flows.version(position.flow, position.version));
    const corrected = flow ? correctAnswer(flow, turn, text) : undefined;
    if (corrected) this.options.log.info({ conversation: turn.conversation.id, flow: position?.flow }, 'the customer corrected an answer while with people: changed');
    return corrected;
  }

  /**
   * A customer's edit of a message that answered one of the flow's questions (`was` → `now`), once people have the
   * conversation: the answer is changed, as by a correction written, and what changed is returned for the agent; or,
   * the edit giving that question no answer it takes, the answer kept is returned for the agent (`kept`).
   */
  async editWithPeople(turn: Turn, was: string, now: string): Promise<AnswerChange | AnswerKept | undefined> {
    const position = turn.conversation.flow;
    const flow = position && (await this.options.flows.version(position.flow, position.version));
    const edited = flow ? correctAnswerByEdit(flow, turn, was, now) : undefined;
    if (edited) this.options.log.info({ conversation: turn.conversation.id, flow: position?.flow }, `the customer edited an answer while with people: ${'kept' in edited ? 'kept' : 'changed'}`);
    return edited;
  }

  /**
   * Whether the question a closed conversation's flow waits on (a rating) takes the customer's message as its answer,
   * or as a try at one; false when the message is something else, a new request, or the flow is no longer found.
   *
   *     if (!(await turns.takesAnswer(latest, { text: 'I also have a problem with my invoice' }))) // open a new one
   */
  async takesAnswer(conversation: Conversation, input: FlowInput): Promise<boolean> {
    const position = conversation.flow;
    if (!position?.waiting || position.done) return false;
    const flow = await this.options.flows.version(position.flow, position.version);
    return flow !== undefined && takesAnswer(flow, position, input);
  }

  /**
   * The button of the question `conversation` waits on that the typed `input` is taken as, if any: the web chat shows it
   * chosen, as a press.
   *
   *     const choice = await turns.typedChoice(conversation, { text: 'Billing' }); // 'billing'
   */
  async typedChoice(conversation: Conversation, input: FlowInput): Promise<string | undefined> {
    const position = conversation.flow;
    if (!position?.waiting || position.done) return undefined;
    const flow = await this.options.flows.version(position.flow, position.version);
    return flow && typedChoice(flow, position, input);
  }

  /**
   * Whether the flow in service of the question `asks` names (`Message.asks`) still offers a button with id `choice`:
   * false once an admin removed that question, or the whole flow.
   *
   *     if (!turns.stillOffered(pressedOn.asks, 'billing')) // "That button is from a question we no longer ask."
   */
  stillOffered(asks: string, choice: string): boolean {
    const name = readQuestion(asks)?.flow;
    const flow = this.options.flows.inService().find((served) => served.name === name);
    return flow !== undefined && offersChoice(flow, choice);
  }

  /**
   * Whether the step that said the message `asks` names waits for its answer (an `ask`, a `classify`'s clarifying
   * question): a `say`'s buttons are not waited for, and a press of one answers whatever the flow asks next, as ever.
   *
   *     if (!(await turns.waitsForAnswer(pressedOn.asks))) // the press goes on as any message
   */
  async waitsForAnswer(asks: string): Promise<boolean> {
    const question = readQuestion(asks);
    const flow = question && (await this.options.flows.version(question.flow, question.version));
    const step = question && flow?.steps[question.step];
    return step !== undefined && step.kind !== 'say';
  }

  /**
   * Carries out what the flow asked for during its turn: a hand-over to a team, or closing. A conversation left with
   * the bot waits for its customer from now on: the bot's idle close counts from here.
   */
  async settle(tx: Tx, turn: Turn, fx: Effects): Promise<void> {
    const { conversation } = turn;
    if (conversation.status === 'open' && conversation.stage === 'bot') conversation.awaitingCustomerSince = turn.now.toISOString();
    tx.putConversation(conversation);
    tx.putContact(turn.contact);
    if (conversation.intent !== undefined && conversation.intent !== turn.intentBefore) {
      // A pressed clarify button is the customer's own word: full confidence.
      const confidence = turn.prediction?.intent === conversation.intent ? turn.prediction.confidence : 1;
      fx.emit({ type: 'intent.classified', payload: { conversation, intent: conversation.intent, confidence } });
      turn.intentBefore = conversation.intent;
    }
    const assign = turn.assignRequest;
    delete turn.assignRequest;
    if (assign && conversation.status === 'open') await this.#deskOf().assign(tx, conversation, assign, fx);
    const close = turn.closeRequest;
    delete turn.closeRequest;
    if (close && conversation.status === 'open') await this.#deskOf().closeByFlow(tx, conversation, close.note, fx);
  }

  /** Starts the `conversation.closed` flows of every conversation closed in this transaction. */
  async closedFlows(tx: Tx, fx: Effects, current?: Turn): Promise<void> {
    while (fx.closedConversations.length > 0) {
      const conversation = fx.closedConversations.shift() as Conversation;
      const contact = current?.conversation.id === conversation.id ? current.contact : await tx.contact(conversation.contactId);
      if (!contact) continue;
      const turn = current?.conversation.id === conversation.id ? current : this.turn(contact, conversation, fx);
      await this.options.notices?.closed(tx, fx, conversation);
      await this.start(tx, turn, 'conversation.closed');
      await this.settle(tx, turn, fx);
    }
  }

  /**
   * Whether a hand back would give the customer a flow: the one that handed it over, still to be found, or else a
   * `conversation.opened` one. Without either, the bot would have nothing to say to them.
   */
  async canResume(conversation: Conversation): Promise<BotResume> {
    const position = conversation.flow;
    const flow = position?.waiting ? await this.options.flows.version(position.flow, position.version) : undefined;
    // Its last step the one that handed it over: the flow would end at once, and the conversation with it.
    if (flow && position) return flow.steps[position.step]?.kind === 'assign' && position.step === flow.steps.length - 1 ? { flowEnds: flow.name } : 'goesOn';
    return this.options.flows.forTrigger('conversation.opened', 'contact').length > 0 ? 'goesOn' : 'noFlow';
  }

  /**
   * A conversation an agent handed back: its flow goes on after the step that handed it over; without one to go
   * on with, the inbound flow starts again (it skips what it already knows).
   */
  async handBack(tx: Tx, conversation: Conversation, fx: Effects): Promise<void> {
    const contact = await tx.contact(conversation.contactId);
    if (!contact) return;
    const turn = this.turn(contact, conversation, fx);
    await this.options.notices?.handedBack(tx, fx, conversation);
    const position = conversation.flow;
    if (position?.waiting) {
      conversation.flow = { ...position, done: false };
      await this.resume(turn, { handedBack: true });
    } else {
      await this.start(tx, turn, 'conversation.opened', 'contact');
    }
    await this.settle(tx, turn, fx);
    await this.closedFlows(tx, fx, turn);
  }

  /**
   * A conversation that opened with no flow to greet the customer (none in service has the trigger: the file removed,
   * refused since it was first read, or given another trigger) goes to the people (see `#toPeople`). The operator reads
   * in the log which trigger no flow has, and why files are refused.
   */
  #toAgents(turn: Turn, source: ConversationSource): void {
    const refused = this.options.flows.errors().map(String);
    const why = `no flow starts on conversation.opened (source: ${source})`;
    const fix = `add a flow with trigger: { on: conversation.opened, source: ${source} } to the flows folder`;
    const team = this.#toPeople(turn);
    if (team === undefined) turn.log.error({ on: 'conversation.opened', source, refused }, `${why} and team.yaml lists no team: nobody answers this conversation; ${fix}`);
    else turn.log.error({ on: 'conversation.opened', source, team, refused }, `${why}: the conversation goes to team ${team} (the first in team.yaml); ${fix}`);
  }

  /**
   * Asks for the conversation to go to the default team's queue, the customer told they are waiting for someone (`told`,
   * the words with their place in line), as an `assign` step would: the bot has nothing (more) to say, and left with
   * it nobody would ever answer or even see what the customer writes. Returns the team, or undefined when team.yaml
   * lists none.
   */
  #toPeople(turn: Turn, told: (position: number | string) => string = (position) => waitingForAgentText(turn.contact.language, position)): string | undefined {
    const team = this.#deskOf().defaultTeam();
    if (team === undefined) return undefined;
    turn.assign({ team, queuedText: (position) => ({ text: told(position) }) });
    return team;
  }

  /**
   * A flow that ended in this turn without handing over (`assign`) or closing asks for the conversation to close, as
   * a `close` step would: left open with the bot, nobody would ever answer the customer's next messages in it (no flow
   * waits, no agent holds it, no queue has it), and a new conversation could not open. A closed conversation's flow
   * (`conversation.closed`) asks too; `settle` then does nothing. A flow that stopped on an error in an open
   * conversation hands it to the people instead: the customer was mid-way, and what they just wrote would be read by
   * nobody (closed, their next message would only start the same flow again); it closes only when team.yaml lists no team.
   */
  #closeIfEnded(turn: Turn): void {
    const position = turn.conversation.flow;
    if (!position?.done || turn.closeRequest || turn.assignRequest) return;
    if (position.error !== undefined && turn.conversation.status === 'open') {
      const team = this.#toPeople(turn);
      if (team !== undefined) {
        turn.log.error({ flow: position.flow, version: position.version, team }, `flow "${position.flow}" stopped: ${position.error}; the conversation goes to team ${team} (the first in team.yaml)`);
        return;
      }
    }
    turn.close(position.error === undefined ? `flow "${position.flow}" ended without close or assign` : `flow "${position.flow}" stopped: ${position.error}`);
  }

  #deskOf(): Desk {
    if (!this.#desk) throw new Error('Turns used before its desk was set');
    return this.#desk;
  }
}
