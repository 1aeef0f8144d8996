// The shapes the flows module shares with the runtime: a compiled flow, and what a run of it may touch.
import type { Attachment, Contact, Conversation, ConversationSource } from '../store/types.ts';
import type { OutboundMessage } from '../types.ts';
import type { AssignRequest } from '../handover/assignment/assign.ts';
import type { StepKindName, StepSpec } from './steps/index.ts';
import type { NoticeMoment } from './schema.ts';
import type { Localized } from './language.ts';
import type { Template } from './template.ts';

/** Where the flows module reports; pino's logger fits. */
export interface FlowLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

/** One turn of a conversation in a flow: the records to change and what the flow may ask of the runtime. */
export interface FlowRun {
  /** The transaction's live contact: steps write `contact.fields` and `contact.tags` here; the runtime puts it. */
  contact: Contact;
  /** Mutable copy: `conversation.flow` (the position), `conversation.fields`, team, intent… */
  conversation: Conversation;
  now: Date;
  /** Queues a bot message to the customer. */
  say(message: OutboundMessage): void;
  /**
   * The customer's next message is in already (`InboundMessage.followed`): a question asked now waits unsaid
   * (`waiting.unsaid`) for it, said only if it does not answer it.
   */
  followed?: true;
  /** Asks the runtime to close the conversation (the `close` step). */
  close(note?: string): void;
  /** Asks the runtime to hand the conversation to a team's agent, or queue it (the `assign` step). */
  assign(request: AssignRequest): void;
  /** The intent of a text with its confidence (0–1); undefined while no model is ready (the `classify` step). */
  classify(text: string): Classification | undefined;
  /**
   * How the customer reads a team's name in the texts the flow says them (`{{conversation.team}}`): its title in
   * their language from team.yaml. Without it, the name as the conversation holds it.
   */
  teamTitle?(team: string, language: string | undefined): string;
  log: FlowLog;
}

/** An NLP prediction: the likeliest intent and how sure the model is of it. */
export interface Classification {
  intent: string;
  confidence: number;
}

/** What an `assign` step asks for, rendered: the handover's own request type. */
export type { AssignRequest } from '../handover/assignment/assign.ts';

/** The customer's message as a waiting step sees it: typed text, the id of a pressed button, what they sent. */
export interface FlowInput {
  text?: string;
  choice?: string;
  /** Files, a location or a contact card the customer sent (`expect: image | file | location` take them). */
  attachments?: Attachment[];
  /** The album the message is part of (`InboundMessage.album`): an album is one answer, so the rest of it is none. */
  album?: string;
  /** A button of the chat app's own menu (`InboundMessage.menu`): no answer; the waiting step asks its question again. */
  menu?: true;
  /** Set instead of an answer when the step's `timeout` passed (an `assign` nobody took in time). */
  timedOut?: true;
  /**
   * Set instead of an answer when the agent who held the conversation handed it back to the bot: an `assign` step goes
   * on after the hand-over; a question a person took the conversation in the middle of is asked again.
   */
  handedBack?: true;
}

/** What starts a flow: a conversation opening (by whom), or one closing. */
export type FlowTrigger =
  | { on: 'conversation.opened'; source: ConversationSource }
  | { on: 'conversation.closed' };

/**
 * A step after loading: its kind, its compiled options (`spec`, shaped by the kind) and where it is written.
 * A union over the step registry, so checking `kind` narrows `spec`:
 *
 *     if (step.kind === 'assign') console.log(step.spec.timeoutMs);
 *
 * `CompiledStep<'ask'>` is an ask step only.
 */
export type CompiledStep<K extends StepKindName = StepKindName> = {
  [P in K]: {
    kind: P;
    id?: string;
    /** Line of the step in its file, for run-time errors an admin can find. */
    line: number;
    spec: StepSpec<P>;
  };
}[K];

/** One version of one flow script, checked and ready to run. Immutable: versions are shared by conversations. */
export interface CompiledFlow {
  readonly name: string;
  /** Short sha256 of the source: conversations keep the version they started on. */
  readonly version: string;
  /** The file it was read from, as admins know it, e.g. `flows/inbound.yaml`. */
  readonly file: string;
  readonly source: string;
  readonly trigger: FlowTrigger;
  readonly steps: readonly CompiledStep[];
  /** Step index by step id, for goto. */
  readonly stepIndex: ReadonlyMap<string, number>;
  /** Field paths the flow writes (`save:`, `set:`); any flow's templates may read them. */
  readonly saves: readonly string[];
  /** What agents read for the fields it saves (`label:` beside an ask's `save:`, `fields:`), by field path. */
  readonly labels: ReadonlyMap<string, Localized<string>>;
  /** What the customer hears at each lifecycle moment of the conversations it started, where the flow says. */
  readonly notices: Readonly<Partial<Record<NoticeMoment, Localized<Template>>>>;
}
