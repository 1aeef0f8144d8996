// What an agent types to the bot: `/online`, `/claim 42`, `/close 42 refunded`… One row per command: its usage,
// its parser (the text into a command, or one line saying what went wrong: never silence) and its handler, which
// carries out the decision through the agent action API (`act`), like every other way an agent acts. What a command
// says (its description, its errors, /list) is worded in lines.ts, in the agent's language, with every other line.
import type { InboundMessage } from '../types.ts';
import type { Conversation, TextStyle, Tx } from '../store/types.ts';
import { within } from '../shared/text-styles.ts';
import { suggest } from '../shared/suggest.ts';
import { asciiDigits, bareLetters } from '../shared/text.ts';
import { queueOf } from './assignment/queue.ts';
import type { ActionResult, AgentAction } from './actions.ts';
import { saveAgentState, type AgentState } from './agent-state.ts';
import type { DeskContext } from './context.ts';
import { COMMAND_WORDS_AR, line, word, type DeskLanguage, type Line } from './lines.ts';
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
  | { name: 'transfer'; conversationId?: number; to: string }
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
  /**
   * `args` is the trimmed text after the command word, '' when there is none. An error is worded in the agent's language.
   */
  parse(args: string): Command<N> | { error: Line };
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
// Telegram sends /start when someone first opens a chat with the bot: an agent doing so gets the help. Arabic-speaking
// agents type the commands' Arabic words (/إغلاق), compared by their letters (اغلاق).
const ALIASES: ReadonlyMap<string, AgentCommandName> = new Map([
  ['start', 'help'],
  // The word agents reach for as they leave: answered "Did you mean /online?", they stayed online and were given customers.
  ['offline', 'away'],
  ...Object.entries(COMMAND_WORDS_AR).flatMap(([name, words]) => words.map((arabic): [string, AgentCommandName] => [bareLetters(arabic), name as AgentCommandName])),
]);
/** What an unknown command may have been meant as, by its letters: the English names and the Arabic words. */
const KNOWN_WORDS: ReadonlyMap<string, string> = new Map([...Object.keys(COMMAND_WORDS_AR), ...Object.values(COMMAND_WORDS_AR).flat()].map((known) => [bareLetters(known), known]));

// One row per command, in the order /help lists them.
const COMMANDS: { [N in AgentCommandName]: CommandSpec<N> } = {
  online: {
    usage: '/online',
    parse: () => ({ name: 'online' }),
    run: (ctx) => actAndSay(ctx, { kind: 'status', status: 'online' }),
  },
  away: {
    usage: '/away',
    parse: () => ({ name: 'away' }),
    run: (ctx) => actAndSay(ctx, { kind: 'status', status: 'away' }),
  },
  list: {
    usage: '/list',
    parse: () => ({ name: 'list' }),
    run: async (ctx) => ctx.reply(await listing(ctx)),
  },
  claim: {
    usage: '/claim N',
    parse: (args) => numberOnly('claim', args),
    run: (ctx, command) => actAndSay(ctx, { kind: 'claim', conversationId: command.conversationId }, true),
  },
  use: {
    usage: '/use N',
    parse: (args) => numberOnly('use', args),
    async run(ctx, command) {
      const language = ctx.agent.language;
      const held = await heldBy(ctx.desk, ctx.tx, ctx.agent, command.conversationId);
      // Closed since their chat showed it: who closed it and when, as /close N says it.
      if ('problem' in held) return ctx.reply(word(held.problem.key === 'closedAlready' ? held.problem : line('notHeld', command.conversationId), language));
      ctx.state.current = held.conversation.id;
      delete ctx.state.erased;
      saveAgentState(ctx.tx, ctx.agent, ctx.state);
      return ctx.reply(word(line('nowGoTo', held.conversation.id, await customerName(ctx.tx, held.conversation, language)), language), held.conversation.id);
    },
  },
  transfer: {
    usage: '/transfer [N] team|agent',
    parse(args) {
      const [first, rest] = splitFirst(args);
      const needs = line('needsTransfer');
      if (first === '') return { error: needs };
      const conversationId = conversationNumber(first);
      // `/transfer Sara` passes on the conversation the message is about, as /close does: the topic's, in a desk topic.
      if (conversationId === undefined && !first.startsWith('#')) return { name: 'transfer', to: args };
      if (conversationId === undefined) return { error: line('badNumber', first, 'transfer') };
      return rest === '' ? { error: needs } : { name: 'transfer', conversationId, to: rest };
    },
    async run(ctx, command) {
      const held = await named(ctx, command.conversationId);
      if ('problem' in held) return ctx.reply(word(held.problem, ctx.agent.language));
      return actAndSay(ctx, { kind: 'transfer', conversationId: held.conversation.id, to: command.to });
    },
  },
  note: {
    usage: '/note N text',
    parse(args) {
      const [first, rest] = splitFirst(args);
      const needs = line('needsNote');
      if (first === '') return { error: needs };
      const conversationId = conversationNumber(first);
      if (conversationId === undefined) return { error: line('badNumber', first, 'note') };
      return rest === '' ? { error: needs } : { name: 'note', conversationId, text: rest };
    },
    run(ctx, command) {
      const styles = endingStyles(command.text, ctx.inbound);
      return actAndSay(ctx, { kind: 'note', conversationId: command.conversationId, text: command.text, ...(styles.length > 0 ? { styles } : {}) });
    },
  },
  close: {
    usage: '/close [N] [note]',
    parse(args) {
      // "/close 3 4" or "/close 3, 4" would close 3 with "4" as its note, and leave 4 open.
      const several = conversationNumbers(args);
      if (several.length > 1) return { error: line('closeOneAtATime', several) };
      const [first, rest] = splitFirst(args);
      if (first === '') return { name: 'close' };
      const conversationId = conversationNumber(first);
      if (conversationId !== undefined) return rest === '' ? { name: 'close', conversationId } : { name: 'close', conversationId, note: rest };
      // "#abc", "0", "42." or "1,2" was meant as a number (closing the current conversation with it as the note would
      // close another customer's); any other first word ("2nd") starts a note on the current conversation.
      if (first.startsWith('#') || meantAsNumber(first)) return { error: line('badNumber', first, 'close') };
      return { name: 'close', note: args };
    },
    async run(ctx, command) {
      const held = await named(ctx, command.conversationId);
      if ('problem' in held) return ctx.reply(word(held.problem, ctx.agent.language));
      const { note, shared, styles } = closingNote(command.note, ctx.inbound);
      // Refused while a customer message relayed to the agent had not reached their app when they sent /close.
      const typed = { channel: ctx.inbound.channel, address: ctx.inbound.from.id, messageId: ctx.inbound.id };
      return actAndSay(ctx, { kind: 'close', conversationId: held.conversation.id, ...(note ? { note } : {}), ...(shared ? { shareNote: true } : {}), ...(styles ? { noteStyles: styles } : {}), typed });
    },
  },
  handback: {
    usage: '/handback [N]',
    parse(args) {
      if (args === '') return { name: 'handback' };
      const conversationId = conversationNumber(args);
      return conversationId === undefined ? { error: line('badNumber', args, 'handback') } : { name: 'handback', conversationId };
    },
    async run(ctx, command) {
      const held = await named(ctx, command.conversationId);
      if ('problem' in held) return ctx.reply(word(held.problem, ctx.agent.language));
      return actAndSay(ctx, { kind: 'handBack', conversationId: held.conversation.id });
    },
  },
  template: {
    usage: '/template name [params]',
    parse(args) {
      const [name, rest] = splitFirst(args);
      if (name === '') return { error: line('needsTemplate') };
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
  ([name, spec]) => ({ name: name as AgentCommandName, usage: spec.usage, description: word(line('commandDescription', name as AgentCommandName)) }),
);

/**
 * The commands with their descriptions in `language`, for a menu (Telegram's, in an Arabic agent's chat).
 *
 *     agentCommandsIn('ar').find((command) => command.name === 'help')?.description; // 'اعرض هذه الأوامر'
 */
export function agentCommandsIn(language: DeskLanguage): readonly { name: AgentCommandName; usage: string; description: string }[] {
  return AGENT_COMMANDS.map((command) => ({ ...command, description: word(line('commandDescription', command.name), language) }));
}

/**
 * An agent's message as a command is read from it: without the spaces and invisible marks before it (the right-to-left
 * mark an Arabic keyboard may start a message with, a zero-width space, an isolate mark), which hide no command.
 *
 *     commandText('\u200f/close 1'); // '/close 1'
 */
export function commandText(text: string): string {
  return text.replace(/^[\s\p{Cf}]+/u, '').trim();
}

/**
 * Whether an agent's message is a command (or a mistyped one), one rule for every place an agent writes: in a chat with
 * the bot, in a desk topic and in the console, where such a reply is refused rather than sent to the customer.
 *
 *     looksLikeCommand('\u200f/note refund'); // true
 *     looksLikeCommand('50/50');              // false
 */
export function looksLikeCommand(text: string): boolean {
  return commandText(text).startsWith('/');
}

/**
 * Parses an agent's message: a command, a one-line error to send back (in the agent's `language`), or undefined when
 * the text is not a command (it does not start with "/") and goes to the customer.
 *
 *     parseAgentCommand('/close #42 refunded'); // { name: 'close', conversationId: 42, note: 'refunded' }
 *     parseAgentCommand('/clsoe');              // { error: 'Unknown command /clsoe. Did you mean /close? …' }
 *     parseAgentCommand('/transfer Sara');      // { name: 'transfer', to: 'Sara' }: the conversation the message is about
 *     parseAgentCommand('/إغلاق ٤٢');           // { name: 'close', conversationId: 42 }: the Arabic word, Arabic digits
 */
export function parseAgentCommand(text: string, language: DeskLanguage = 'en'): AgentCommand | { error: string } | undefined {
  if (!looksLikeCommand(text)) return undefined;
  const trimmed = commandText(text);
  const [first, args] = twoWordCommand(trimmed.slice(1)) ?? splitFirst(trimmed.slice(1));
  // Telegram appends the bot's username in groups: /close@acme_bot.
  const typed = first.replace(/@\S*$/, '');
  const name = ALIASES.get(typed.toLowerCase()) ?? ALIASES.get(bareLetters(typed)) ?? typed.toLowerCase();
  if (!isCommandName(name)) {
    const near = KNOWN_WORDS.get(suggest(bareLetters(typed), KNOWN_WORDS.keys()) ?? '');
    return { error: word(line('unknownCommand', typed, near), language) };
  }
  const parsed = (COMMANDS[name] as CommandSpec<AgentCommandName>).parse(args);
  return 'error' in parsed ? { error: word(parsed.error, language) } : parsed;
}

// What an agent types when they forget the slash: a command's word alone, or with a conversation number where the
// command takes one. No customer is written just that.
const BARE = /^(online|away|list|help|close|handback|claim|use)(?:\s+#?(\d{1,15}))?$/i;
const NEEDS_NUMBER: ReadonlySet<string> = new Set(['claim', 'use']);

/**
 * The command an agent's message would be with its slash, when it is only a command's word (`close`, `List`, `use 2`):
 * what they meant is that command, not a message for their customer.
 *
 *     bareCommand('Close 2'); // '/close 2'
 *     bareCommand('close the ticket, please'); // undefined
 */
export function bareCommand(text: string): string | undefined {
  const match = BARE.exec(asciiDigits(text).trim());
  const name = match?.[1]?.toLowerCase();
  if (!match || name === undefined || (NEEDS_NUMBER.has(name) && match[2] === undefined)) return undefined;
  return `/${name}${match[2] !== undefined ? ` ${match[2]}` : ''}`;
}

/**
 * The reply to /help: one line per command, and how messages find their conversation, in the agent's `language`.
 *
 *     await send(agentAddress, { text: helpText() });
 */
export function helpText(language: DeskLanguage = 'en'): string {
  return [
    word(line('helpHead'), language),
    ...AGENT_COMMANDS.map((command) => word(line('helpLine', command.usage, command.name), language)),
    word(line('helpTail'), language),
  ].join('\n');
}

/**
 * The note of a /close as it is kept, and whether the customer is told it: a note in quotes is, without its quotes;
 * any other note stays among the team. The same in the agent's chat with the bot and in a desk thread.
 *
 * A shared note keeps the styles the agent gave it in `written`, the message the command came in (WhatsApp's markup
 * is read before the command is: `/close 42 "Your refund is *on its way*"`).
 *
 *     closingNote('"Your refund is on its way."'); // { note: 'Your refund is on its way.', shared: true }
 *     closingNote('refunded');                      // { note: 'refunded', shared: false }
 */
export function closingNote(typed: string | undefined, written?: { text?: string; styles?: TextStyle[] }): { note?: string; shared: boolean; styles?: TextStyle[] } {
  const quoted = typed !== undefined ? /^["“«](.+)["”»]$/s.exec(typed)?.[1] : undefined;
  const note = quoted ?? typed;
  // The note ends the command, so it is the last place its words are found in the message.
  const at = quoted !== undefined && written?.styles && written.text !== undefined ? written.text.lastIndexOf(typed!) : -1;
  const styles = at !== -1 ? within(written!.styles!, at + 1, at + 1 + quoted!.length) : [];
  return { ...(note !== undefined ? { note } : {}), shared: quoted !== undefined, ...(styles.length > 0 ? { styles } : {}) };
}

/**
 * The styles the agent gave `words`, which end the command in `written` (a note's "*VIP*" from WhatsApp, read before
 * the command was, or Telegram's bold), on `words` alone.
 *
 *     endingStyles('VIP customer', { text: '/note 3 VIP customer', styles: [{ style: 'bold', offset: 8, length: 3 }] }); // [bold 0-3]
 */
export function endingStyles(words: string, written: { text?: string; styles?: TextStyle[] }): TextStyle[] {
  const at = written.styles && written.text !== undefined ? written.text.lastIndexOf(words) : -1;
  return at !== -1 ? within(written.styles!, at, at + words.length) : [];
}

/** How many conversations of each queue /list shows before "… and N more". */
const LISTED_PER_QUEUE = 10;

/** The answer to /list: the agent's status, the conversations they hold, their teams' queues. */
async function listing(ctx: CommandContext): Promise<string> {
  const { tx, agent, state } = ctx;
  const says = (said: Line) => word(said, agent.language);
  const now = ctx.desk.now().getTime();
  const lines = [says(line('listStatus', state.status))];
  const held = await tx.openConversations({ stage: 'assigned', agentId: agent.id }, { live: false });
  lines.push(held.length === 0 ? says(line('listHoldsNone')) : says(line('listYours', held.length, agent.maxOpen)));
  // Teams read by their titles in the agent's language, as on the cards.
  const titled = (team: string) => ctx.desk.directory.title(team, agent.language);
  for (const conversation of held) {
    lines.push(says(line('listHeld', conversation.id, await customerName(tx, conversation, agent.language), conversation.team === undefined ? undefined : titled(conversation.team), state.current === conversation.id)));
  }
  for (const team of agent.teams) {
    const queue: Conversation[] = queueOf(team, await tx.openConversations({ stage: 'queued', team }, { live: false }));
    lines.push(queue.length === 0 ? says(line('listQueueEmpty', titled(team))) : says(line('listQueueHead', titled(team), queue.length)));
    for (const conversation of queue.slice(0, LISTED_PER_QUEUE)) {
      const waited = Math.max(0, Math.round((now - Date.parse(conversation.queuedAt ?? conversation.openedAt)) / 60_000));
      lines.push(says(line('listWaiting', conversation.id, await customerName(tx, conversation, agent.language), waited)));
    }
    if (queue.length > LISTED_PER_QUEUE) lines.push(says(line('listMore', queue.length - LISTED_PER_QUEUE)));
  }
  return lines.join('\n');
}

function isCommandName(name: string): name is AgentCommandName {
  return Object.hasOwn(COMMANDS, name);
}

function numberOnly<N extends 'claim' | 'use'>(name: N, args: string): Command<N> | { error: Line } {
  const [first, rest] = splitFirst(args);
  if (first === '') return { error: line('needsNumber', name) };
  const conversationId = conversationNumber(first);
  if (conversationId === undefined) return { error: line('badNumber', first, name) };
  if (rest !== '') return { error: line('justNumber', name) };
  return { name, conversationId } as Command<N>;
}

function conversationNumber(typed: string): number | undefined {
  // An Arabic keyboard types ٤٢ for 42, and may put a direction mark beside it.
  const digits = NUMBER.exec(asciiDigits(typed).replace(/\p{Cf}/gu, ''))?.[1];
  const number = digits === undefined ? 0 : Number(digits);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

/** The conversation numbers `typed` is made of (`3 4`, `#3, #4`, `٣،٤`), or none when it holds anything else. */
function conversationNumbers(typed: string): number[] {
  const numbers = typed.split(/[\s,،]+/).filter((word) => word !== '').map(conversationNumber);
  return numbers.every((number) => number !== undefined) ? numbers : [];
}

/** Whether a word that is no conversation number was typed as one: digits, with no letter (`0`, `42.`, `1,2`, `-3`). */
function meantAsNumber(typed: string): boolean {
  const ascii = asciiDigits(typed);
  return /\d/.test(ascii) && !/\p{L}/u.test(ascii);
}

// The first word and the rest, both trimmed; the rest keeps its inner spaces and line breaks.
/** A command whose word is two words («/غير متصل»), with what follows it; undefined for any other text. */
function twoWordCommand(text: string): [string, string] | undefined {
  const match = /^(\S+\s+\S+)\s*([\s\S]*)$/.exec(text.trim());
  return match && ALIASES.has(bareLetters(match[1]!)) ? [match[1]!, match[2]!.trim()] : undefined;
}

function splitFirst(text: string): [string, string] {
  const match = /^(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return [match?.[1] ?? '', match?.[2]?.trim() ?? ''];
}
