// What an agent types to the bot: `/online`, `/claim 42`, `/close 42 refunded`… One row per command: its usage,
// its parser (the text into a command, or one line saying what went wrong: never silence) and its handler, which
// carries out the decision through the agent action API (`act`), like every other way an agent acts.
import type { InboundMessage } from '../types.ts';
import type { Conversation, Tx } from '../store/types.ts';
import { suggest } from '../shared/suggest.ts';
import { queueOf } from './assignment/queue.ts';
import type { ActionResult, AgentAction } from './actions.ts';
import { saveAgentState, type AgentState } from './agent-state.ts';
import type { DeskContext } from './context.ts';
import { isolate } from '../shared/text.ts';
import { word, type DeskLanguage } from './lines.ts';
import { customerName, heldBy, type Held } from './lookups.ts';
import type { Agent } from './team.ts';

/** A parsed agent command. `conversationId` is the number people see as #42. */
export type AgentCommand =
  | { name: 'online' }
  | { name: 'away' }
  | { name: 'list' }
  | { name: 'help' }
  | { name: 'claim'; conversationId: number }
  | { name: 'use'; conversationId: number }
  | { name: 'transfer'; conversationId: number; to: string }
  | { name: 'note'; conversationId: number; text: string }
  | { name: 'close'; conversationId?: number; note?: string }
  | { name: 'handback'; conversationId?: number }
  | { name: 'template'; template: string; params: string[] };

export type AgentCommandName = AgentCommand['name'];

/** What a command's handler works with: the agent, their state, the transaction, and how to act and answer. */
export interface CommandContext {
  desk: DeskContext;
  tx: Tx;
  agent: Agent;
  state: AgentState;
  inbound: InboundMessage;
  /**
   * Carries out an action through the agent action API; `confirm` says its result before the cards of conversations
   * the action lets come to the agent.
   */
  act(action: AgentAction, confirm?: (result: ActionResult) => Promise<void>): Promise<ActionResult>;
  /** Answers the agent in their app. */
  reply(text: string, conversationId?: number): Promise<void>;
  /** The conversation the agent's message is about: the quoted one, the only one they hold, the one picked with /use. */
  target(): Promise<Held>;
}

type Command<N extends AgentCommandName> = Extract<AgentCommand, { name: N }>;

interface CommandSpec<N extends AgentCommandName> {
  usage: string;
  description: string;
  /** `args` is the trimmed text after the command word, '' when there is none; `says`, the agent's language's words. */
  parse(args: string, says: CommandWords): Command<N> | { error: string };
  run(ctx: CommandContext, command: Command<N>): Promise<void>;
}

/**
 * Acts, and tells the agent how it went before any card that comes to them after it (a claim that worked says
 * nothing: the card is the answer).
 */
async function actAndSay(ctx: CommandContext, action: AgentAction, quietWhenDone = false): Promise<void> {
  await ctx.act(action, async (result) => {
    if (!result.ok || !quietWhenDone) await ctx.reply(word(result.line, ctx.agent.language), result.conversationId);
  });
}

/** The conversation a command names by number, or else the one the agent's message is about. */
async function named(ctx: CommandContext, conversationId: number | undefined): Promise<Held> {
  return conversationId !== undefined ? heldBy(ctx.desk, ctx.tx, ctx.agent, conversationId) : ctx.target();
}

const NUMBER = /^#?(\d+)$/;
// Telegram sends /start when someone first opens a chat with the bot: an agent doing so gets the help.
const ALIASES: ReadonlyMap<string, AgentCommandName> = new Map([['start', 'help']]);

// One row per command, in the order /help lists them.
const COMMANDS: { [N in AgentCommandName]: CommandSpec<N> } = {
  online: {
    usage: '/online',
    description: 'Start taking conversations',
    parse: () => ({ name: 'online' }),
    run: (ctx) => actAndSay(ctx, { kind: 'status', status: 'online' }),
  },
  away: {
    usage: '/away',
    description: 'Take no new conversations (you keep the ones you hold)',
    parse: () => ({ name: 'away' }),
    run: (ctx) => actAndSay(ctx, { kind: 'status', status: 'away' }),
  },
  list: {
    usage: '/list',
    description: 'Your conversations and your teams\' queues',
    parse: () => ({ name: 'list' }),
    run: async (ctx) => ctx.reply(await listing(ctx)),
  },
  claim: {
    usage: '/claim N',
    description: 'Take conversation N from the queue',
    parse: (args, says) => numberOnly('claim', args, says),
    run: (ctx, command) => actAndSay(ctx, { kind: 'claim', conversationId: command.conversationId }, true),
  },
  use: {
    usage: '/use N',
    description: 'Send what you write next to conversation N',
    parse: (args, says) => numberOnly('use', args, says),
    async run(ctx, command) {
      const says = commandWords(ctx.agent.language);
      const held = await heldBy(ctx.desk, ctx.tx, ctx.agent, command.conversationId);
      if ('problem' in held) return ctx.reply(says.notHeld(command.conversationId));
      ctx.state.current = held.conversation.id;
      delete ctx.state.erased;
      saveAgentState(ctx.tx, ctx.agent, ctx.state);
      return ctx.reply(says.nowGoTo(held.conversation.id, await customerName(ctx.tx, held.conversation)), held.conversation.id);
    },
  },
  transfer: {
    usage: '/transfer N team|agent',
    description: 'Hand conversation N to a team or a colleague',
    parse(args, says) {
      const [first, rest] = splitFirst(args);
      const needs = says.needsTransfer;
      if (first === '') return { error: needs };
      const conversationId = conversationNumber(first);
      if (conversationId === undefined) return { error: says.badNumber(first, '/transfer 42 Billing') };
      return rest === '' ? { error: needs } : { name: 'transfer', conversationId, to: rest };
    },
    run: (ctx, command) => actAndSay(ctx, { kind: 'transfer', conversationId: command.conversationId, to: command.to }),
  },
  note: {
    usage: '/note N text',
    description: 'Add an internal note to conversation N (the customer never sees it)',
    parse(args, says) {
      const [first, rest] = splitFirst(args);
      const needs = says.needsNote;
      if (first === '') return { error: needs };
      const conversationId = conversationNumber(first);
      if (conversationId === undefined) return { error: says.badNumber(first, says.noteExample) };
      return rest === '' ? { error: needs } : { name: 'note', conversationId, text: rest };
    },
    run: (ctx, command) => actAndSay(ctx, { kind: 'note', conversationId: command.conversationId, text: command.text }),
  },
  close: {
    usage: '/close [N] [note]',
    description: 'Close conversation N (or the one you are in), with an optional closing note; a note in "quotes" is also sent to the customer',
    parse(args, says) {
      const [first, rest] = splitFirst(args);
      if (first === '') return { name: 'close' };
      const conversationId = conversationNumber(first);
      if (conversationId !== undefined) return rest === '' ? { name: 'close', conversationId } : { name: 'close', conversationId, note: rest };
      // "#abc" was meant as a number; any other first word starts a note on the current conversation.
      if (first.startsWith('#')) return { error: says.badNumber(first, says.closeExample) };
      return { name: 'close', note: args };
    },
    async run(ctx, command) {
      const held = await named(ctx, command.conversationId);
      if ('problem' in held) return ctx.reply(word(held.problem, ctx.agent.language));
      const { note, shared } = closingNote(command.note);
      // Refused while a customer message relayed to the agent had not reached their app when they sent /close.
      const typed = { channel: ctx.inbound.channel, address: ctx.inbound.from.id, messageId: ctx.inbound.id };
      return actAndSay(ctx, { kind: 'close', conversationId: held.conversation.id, ...(note ? { note } : {}), ...(shared ? { shareNote: true } : {}), typed });
    },
  },
  handback: {
    usage: '/handback [N]',
    description: 'Hand conversation N (or the one you are in) back to the bot',
    parse(args, says) {
      if (args === '') return { name: 'handback' };
      const conversationId = conversationNumber(args);
      return conversationId === undefined ? { error: says.badNumber(args, '/handback 42') } : { name: 'handback', conversationId };
    },
    async run(ctx, command) {
      const held = await named(ctx, command.conversationId);
      if ('problem' in held) return ctx.reply(word(held.problem, ctx.agent.language));
      return actAndSay(ctx, { kind: 'handBack', conversationId: held.conversation.id });
    },
  },
  template: {
    usage: '/template name [params]',
    description: 'Send an approved message template to the customer (when their 24-hour window is closed)',
    parse(args, says) {
      const [name, rest] = splitFirst(args);
      if (name === '') return { error: says.needsTemplate };
      const params = rest === '' ? [] : (rest.includes('|') ? rest.split('|') : rest.split(/\s+/)).map((param) => param.trim()).filter((param) => param !== '');
      return { name: 'template', template: name, params };
    },
    async run(ctx, command) {
      const held = await ctx.target();
      if ('problem' in held) return ctx.reply(word(held.problem, ctx.agent.language));
      return actAndSay(ctx, { kind: 'template', conversationId: held.conversation.id, name: command.template, params: command.params });
    },
  },
  help: {
    usage: '/help',
    description: 'Show these commands',
    parse: () => ({ name: 'help' }),
    run: (ctx) => ctx.reply(helpText(ctx.agent.language)),
  },
};

/**
 * Runs a parsed command.
 *
 *     const command = parseAgentCommand(text);
 *     if (command && !('error' in command)) await runAgentCommand(ctx, command);
 */
export function runAgentCommand(ctx: CommandContext, command: AgentCommand): Promise<void> {
  const spec = COMMANDS[command.name] as CommandSpec<AgentCommandName>;
  return spec.run(ctx, command as never);
}

/** Every command with a one-line description, e.g. for Telegram's setMyCommands (`{ command: name, description }`). */
export const AGENT_COMMANDS: readonly { name: AgentCommandName; usage: string; description: string }[] = Object.entries(COMMANDS).map(
  ([name, spec]) => ({ name: name as AgentCommandName, usage: spec.usage, description: spec.description }),
);

/**
 * The commands with their descriptions in `language`, for a menu (Telegram's, in an Arabic agent's chat).
 *
 *     agentCommandsIn('ar').find((command) => command.name === 'help')?.description; // 'اعرض هذه الأوامر'
 */
export function agentCommandsIn(language: DeskLanguage): readonly { name: AgentCommandName; usage: string; description: string }[] {
  const descriptions = commandWords(language).descriptions;
  return AGENT_COMMANDS.map((command) => ({ ...command, description: descriptions?.[command.name] ?? command.description }));
}

/**
 * Parses an agent's message: a command, a one-line error to send back (in the agent's `language`), or undefined when
 * the text is not a command (it does not start with "/") and goes to the customer.
 *
 *     parseAgentCommand('/close #42 refunded'); // { name: 'close', conversationId: 42, note: 'refunded' }
 *     parseAgentCommand('/clsoe');              // { error: 'Unknown command /clsoe. Did you mean /close? …' }
 */
export function parseAgentCommand(text: string, language: DeskLanguage = 'en'): AgentCommand | { error: string } | undefined {
  const says = commandWords(language);
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return undefined;
  const [word, args] = splitFirst(trimmed.slice(1));
  // Telegram appends the bot's username in groups: /close@acme_bot.
  const typed = word.replace(/@\S*$/, '');
  const name = ALIASES.get(typed.toLowerCase()) ?? typed.toLowerCase();
  if (!isCommandName(name)) {
    const near = suggest(name, Object.keys(COMMANDS));
    return { error: says.unknown(typed, near) };
  }
  return (COMMANDS[name] as CommandSpec<AgentCommandName>).parse(args, says);
}

/**
 * The reply to /help: one line per command, and how messages find their conversation, in the agent's `language`.
 *
 *     await send(agentAddress, { text: helpText() });
 */
export function helpText(language: DeskLanguage = 'en'): string {
  const says = commandWords(language);
  return [
    says.helpHead,
    ...AGENT_COMMANDS.map((command) => says.usageLine(command.usage, says.descriptions?.[command.name] ?? command.description)),
    ...says.helpTail,
  ].join('\n');
}

/**
 * The note of a /close as it is kept, and whether the customer is told it: a note in quotes is, without its quotes;
 * any other note stays among the team. The same in the agent's chat with the bot and in a desk thread.
 *
 *     closingNote('"Your refund is on its way."'); // { note: 'Your refund is on its way.', shared: true }
 *     closingNote('refunded');                      // { note: 'refunded', shared: false }
 */
export function closingNote(typed: string | undefined): { note?: string; shared: boolean } {
  const quoted = typed !== undefined ? /^["“«](.+)["”»]$/s.exec(typed)?.[1] : undefined;
  const note = quoted ?? typed;
  return { ...(note !== undefined ? { note } : {}), shared: quoted !== undefined };
}

/** How many conversations of each queue /list shows before "… and N more". */
const LISTED_PER_QUEUE = 10;

/** The answer to /list: the agent's status, the conversations they hold, their teams' queues. */
async function listing(ctx: CommandContext): Promise<string> {
  const { tx, agent, state } = ctx;
  const says = commandWords(agent.language);
  const now = ctx.desk.now().getTime();
  const lines = [says.status(state.status)];
  const held = await tx.openConversations({ stage: 'assigned', agentId: agent.id }, { live: false });
  lines.push(held.length === 0 ? says.holdNone : says.yours(held.length, agent.maxOpen));
  for (const conversation of held) lines.push(says.heldLine(conversation.id, await customerName(tx, conversation), conversation.team, state.current === conversation.id));
  for (const team of agent.teams) {
    const queue: Conversation[] = queueOf(team, await tx.openConversations({ stage: 'queued', team }, { live: false }));
    lines.push(queue.length === 0 ? says.queueEmpty(team) : says.queueHead(team, queue.length));
    for (const conversation of queue.slice(0, LISTED_PER_QUEUE)) {
      const waited = Math.max(0, Math.round((now - Date.parse(conversation.queuedAt ?? conversation.openedAt)) / 60_000));
      lines.push(says.waitingLine(conversation.id, await customerName(tx, conversation), waited));
    }
    if (queue.length > LISTED_PER_QUEUE) lines.push(says.more(queue.length - LISTED_PER_QUEUE));
  }
  return lines.join('\n');
}

function isCommandName(name: string): name is AgentCommandName {
  return Object.hasOwn(COMMANDS, name);
}

function numberOnly<N extends 'claim' | 'use'>(name: N, args: string, says: CommandWords): Command<N> | { error: string } {
  const example = `/${name} 42`;
  const [first, rest] = splitFirst(args);
  if (first === '') return { error: says.needsNumber(name, example) };
  const conversationId = conversationNumber(first);
  if (conversationId === undefined) return { error: says.badNumber(first, example) };
  if (rest !== '') return { error: says.justNumber(name, example) };
  return { name, conversationId } as Command<N>;
}

function conversationNumber(word: string): number | undefined {
  const digits = NUMBER.exec(word)?.[1];
  const number = digits === undefined ? 0 : Number(digits);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** What the commands say to an agent, in English and in Arabic (`language:` in team.yaml). */
export interface CommandWords {
  /** The commands' descriptions in /help, where they are not the English ones of the table above. */
  descriptions?: Record<AgentCommandName, string>;
  helpHead: string;
  helpTail: string[];
  usageLine: (usage: string, description: string) => string;
  unknown: (typed: string, near: string | undefined) => string;
  needsNumber: (name: string, example: string) => string;
  justNumber: (name: string, example: string) => string;
  badNumber: (word: string, example: string) => string;
  needsTransfer: string;
  needsNote: string;
  noteExample: string;
  closeExample: string;
  needsTemplate: string;
  notHeld: (id: number) => string;
  nowGoTo: (id: number, customer: string) => string;
  status: (status: AgentState['status']) => string;
  holdNone: string;
  yours: (count: number, max: number) => string;
  heldLine: (id: number, customer: string, team: string | undefined, current: boolean) => string;
  queueEmpty: (team: string) => string;
  queueHead: (team: string, count: number) => string;
  waitingLine: (id: number, customer: string, minutes: number) => string;
  more: (count: number) => string;
  /** An agent's message that reaches no customer: neither text nor a file. */
  onlyTextAndFiles: string;
  editedCommand: string;
}

const COMMAND_WORDS: Readonly<Record<DeskLanguage, CommandWords>> = {
  en: {
    helpHead: 'Commands (N is a conversation number, like 42 or #42):',
    helpTail: [
      'Anything else you write goes to the customer: of the message you reply to, else of the only conversation',
      'you hold, else of the one picked with /use N.',
    ],
    usageLine: (usage, description) => `${usage} — ${description}`,
    unknown: (typed, near) => `Unknown command /${typed}.${near ? ` Did you mean /${near}?` : ''} Send /help for the list.`,
    needsNumber: (name, example) => `/${name} needs a conversation number, like ${example}.`,
    justNumber: (name, example) => `/${name} takes just a conversation number, like ${example}.`,
    badNumber: (word, example) => `"${word}" is not a conversation number; write it like ${example}.`,
    needsTransfer: '/transfer needs a conversation number and a team or agent, like /transfer 42 Billing.',
    needsNote: '/note needs a conversation number and a text, like /note 42 called the customer.',
    noteExample: '/note 42 called the customer',
    closeExample: '/close 42 refunded',
    needsTemplate: '/template needs a template name, like /template order_update Layla | #4521.',
    notHeld: (id) => `You do not hold #${id}. /list shows yours.`,
    nowGoTo: (id, customer) => `Your messages now go to #${id} (${customer}).`,
    status: (status) => `You are ${status}.`,
    holdNone: 'You hold no conversation.',
    yours: (count, max) => `Yours (${count}/${max}):`,
    heldLine: (id, customer, team, current) => `  #${id} ${customer} · ${team ?? 'no team'}${current ? ' · /use' : ''}`,
    queueEmpty: (team) => `${team} queue: empty.`,
    queueHead: (team, count) => `${team} queue (${count}):`,
    waitingLine: (id, customer, minutes) => `  #${id} ${customer} · waiting ${minutes} min`,
    more: (count) => `  … and ${count} more`,
    onlyTextAndFiles: 'Only text and files reach the customer. Send /help for the commands.',
    editedCommand: 'An edited command is not carried out: send it again as a new message.',
  },
  // Commands, names and examples are isolated (FSI … PDI): a Latin one keeps its place in the Arabic sentence.
  ar: {
    descriptions: {
      online: 'ابدأ باستلام المحادثات',
      away: 'لا تستلم محادثات جديدة (تبقى معك المحادثات التي لديك)',
      list: 'محادثاتك وقوائم انتظار فرقك',
      claim: 'استلم المحادثة N من قائمة الانتظار',
      use: 'أرسل ما تكتبه بعد ذلك إلى المحادثة N',
      transfer: 'حوّل المحادثة N إلى فريق أو زميل',
      note: 'أضف ملاحظة داخلية إلى المحادثة N (لا يراها العميل أبدًا)',
      close: 'أغلق المحادثة N (أو التي أنت فيها) مع ملاحظة إغلاق اختيارية؛ والملاحظة بين "علامتي تنصيص" تُرسل إلى العميل أيضًا',
      handback: 'أعد المحادثة N (أو التي أنت فيها) إلى البوت',
      template: 'أرسل إلى العميل قالب رسالة معتمدًا (حين تُغلق نافذة الـ24 ساعة)',
      help: 'اعرض هذه الأوامر',
    },
    helpHead: 'الأوامر (N رقم المحادثة، مثل 42 أو #42):',
    helpTail: [`وكل ما تكتبه غير ذلك يصل إلى العميل: عميل الرسالة التي ترد عليها، وإلا فعميل المحادثة الوحيدة التي معك، وإلا فعميل المحادثة التي اخترتها بـ ${isolate('/use N')}.`],
    usageLine: (usage, description) => `${isolate(usage)} — ${description}`,
    unknown: (typed, near) => `لا يوجد أمر ${isolate(`/${typed}`)}.${near ? ` هل تقصد ${isolate(`/${near}`)}؟` : ''} أرسل ${isolate('/help')} لعرض الأوامر.`,
    needsNumber: (name, example) => `يحتاج ${isolate(`/${name}`)} إلى رقم محادثة، مثل ${isolate(example)}.`,
    justNumber: (name, example) => `يأخذ ${isolate(`/${name}`)} رقم محادثة فقط، مثل ${isolate(example)}.`,
    badNumber: (word, example) => `«${isolate(word)}» ليس رقم محادثة؛ اكتبه هكذا: ${isolate(example)}.`,
    needsTransfer: `يحتاج ${isolate('/transfer')} إلى رقم محادثة واسم فريق أو موظف، مثل ${isolate('/transfer 42 Billing')}.`,
    needsNote: `يحتاج ${isolate('/note')} إلى رقم محادثة ونص، مثل ${isolate('/note 42 اتصلت بالعميل')}.`,
    noteExample: '/note 42 اتصلت بالعميل',
    closeExample: '/close 42 استُرد المبلغ',
    needsTemplate: `يحتاج ${isolate('/template')} إلى اسم قالب، مثل ${isolate('/template order_update Layla | #4521')}.`,
    notHeld: (id) => `المحادثة #${id} ليست معك. يعرض ${isolate('/list')} محادثاتك.`,
    nowGoTo: (id, customer) => `تصل رسائلك الآن إلى المحادثة #${id} (${isolate(customer)}).`,
    status: (status) => `أنت ${{ online: 'متصل', away: 'غير متاح', offline: 'غير متصل' }[status]}.`,
    holdNone: 'ليست معك أي محادثة.',
    yours: (count, max) => `محادثاتك (${count}/${max}):`,
    heldLine: (id, customer, team, current) => `  #${id} ${isolate(customer)} · ${team ? isolate(team) : 'بلا فريق'}${current ? ` · ${isolate('/use')}` : ''}`,
    queueEmpty: (team) => `قائمة انتظار ${isolate(team)}: فارغة.`,
    queueHead: (team, count) => `قائمة انتظار ${isolate(team)} (${count}):`,
    waitingLine: (id, customer, minutes) => `  #${id} ${isolate(customer)} · ينتظر منذ ${minutes} د`,
    more: (count) => `  … و${count} أخرى`,
    onlyTextAndFiles: `لا يصل إلى العميل إلا النص والملفات. أرسل ${isolate('/help')} لعرض الأوامر.`,
    editedCommand: 'لا يُنفَّذ الأمر المعدَّل: أرسله مجددًا في رسالة جديدة.',
  },
};

/**
 * What the commands say, in `language` (English without one).
 *
 *     commandWords('ar').holdNone; // 'ليست معك أي محادثة.'
 */
export function commandWords(language: DeskLanguage = 'en'): CommandWords {
  return COMMAND_WORDS[language];
}

// The first word and the rest, both trimmed; the rest keeps its inner spaces and line breaks.
function splitFirst(text: string): [string, string] {
  const match = /^(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return [match?.[1] ?? '', match?.[2]?.trim() ?? ''];
}
