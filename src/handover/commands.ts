// What an agent types to the bot: `/online`, `/claim 42`, `/close 42 refunded`… parsed into a command, or
// into one line telling them what went wrong (never silence).
import { suggest } from '../shared/suggest.ts';

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
  | { name: 'close'; conversationId?: number; note?: string };

export type AgentCommandName = AgentCommand['name'];

interface CommandSpec {
  usage: string;
  description: string;
  /** `args` is the trimmed text after the command word, '' when there is none. */
  parse(args: string): AgentCommand | { error: string };
}

const NUMBER = /^#?(\d+)$/;
// Telegram sends /start when someone first opens a chat with the bot: an agent doing so gets the help.
const ALIASES: ReadonlyMap<string, AgentCommandName> = new Map([['start', 'help']]);

// One row per command, in the order /help lists them.
const COMMANDS: Record<AgentCommandName, CommandSpec> = {
  online: {
    usage: '/online',
    description: 'Start taking conversations',
    parse: () => ({ name: 'online' }),
  },
  away: {
    usage: '/away',
    description: 'Take no new conversations (you keep the ones you hold)',
    parse: () => ({ name: 'away' }),
  },
  list: {
    usage: '/list',
    description: 'Your conversations and your teams\' queues',
    parse: () => ({ name: 'list' }),
  },
  claim: {
    usage: '/claim N',
    description: 'Take conversation N from the queue',
    parse: (args) => numberOnly('claim', args),
  },
  use: {
    usage: '/use N',
    description: 'Send what you write next to conversation N',
    parse: (args) => numberOnly('use', args),
  },
  transfer: {
    usage: '/transfer N team|agent',
    description: 'Hand conversation N to a team or a colleague',
    parse(args) {
      const [first, rest] = splitFirst(args);
      const needs = '/transfer needs a conversation number and a team or agent, like /transfer 42 Billing.';
      if (first === '') return { error: needs };
      const conversationId = conversationNumber(first);
      if (conversationId === undefined) return { error: badNumber(first, '/transfer 42 Billing') };
      return rest === '' ? { error: needs } : { name: 'transfer', conversationId, to: rest };
    },
  },
  note: {
    usage: '/note N text',
    description: 'Add an internal note to conversation N (the customer never sees it)',
    parse(args) {
      const [first, rest] = splitFirst(args);
      const needs = '/note needs a conversation number and a text, like /note 42 called the customer.';
      if (first === '') return { error: needs };
      const conversationId = conversationNumber(first);
      if (conversationId === undefined) return { error: badNumber(first, '/note 42 called the customer') };
      return rest === '' ? { error: needs } : { name: 'note', conversationId, text: rest };
    },
  },
  close: {
    usage: '/close [N] [note]',
    description: 'Close conversation N (or the one you are in), with an optional closing note',
    parse(args) {
      const [first, rest] = splitFirst(args);
      if (first === '') return { name: 'close' };
      const conversationId = conversationNumber(first);
      if (conversationId !== undefined) return rest === '' ? { name: 'close', conversationId } : { name: 'close', conversationId, note: rest };
      // "#abc" was meant as a number; any other first word starts a note on the current conversation.
      if (first.startsWith('#')) return { error: badNumber(first, '/close 42 refunded') };
      return { name: 'close', note: args };
    },
  },
  help: {
    usage: '/help',
    description: 'Show these commands',
    parse: () => ({ name: 'help' }),
  },
};

/** Every command with a one-line description, e.g. for Telegram's setMyCommands (`{ command: name, description }`). */
export const AGENT_COMMANDS: readonly { name: AgentCommandName; usage: string; description: string }[] = Object.entries(COMMANDS).map(
  ([name, spec]) => ({ name: name as AgentCommandName, usage: spec.usage, description: spec.description }),
);

/**
 * Parses an agent's message: a command, a one-line error to send back, or undefined when the text is not a
 * command (it does not start with "/") and goes to the customer.
 *
 *     parseAgentCommand('/close #42 refunded'); // { name: 'close', conversationId: 42, note: 'refunded' }
 *     parseAgentCommand('/clsoe');              // { error: 'Unknown command /clsoe. Did you mean /close? …' }
 */
export function parseAgentCommand(text: string): AgentCommand | { error: string } | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return undefined;
  const [word, args] = splitFirst(trimmed.slice(1));
  // Telegram appends the bot's username in groups: /close@acme_bot.
  const typed = word.replace(/@\S*$/, '');
  const name = ALIASES.get(typed.toLowerCase()) ?? typed.toLowerCase();
  if (!isCommandName(name)) {
    const near = suggest(name, Object.keys(COMMANDS));
    return { error: `Unknown command /${typed}.${near ? ` Did you mean /${near}?` : ''} Send /help for the list.` };
  }
  return COMMANDS[name].parse(args);
}

/**
 * The reply to /help: one line per command, and how messages find their conversation.
 *
 *     await send(agentAddress, { text: helpText() });
 */
export function helpText(): string {
  return [
    'Commands (N is a conversation number, like 42 or #42):',
    ...AGENT_COMMANDS.map((command) => `${command.usage} — ${command.description}`),
    'Anything else you write goes to the customer: of the message you reply to, else of the only conversation',
    'you hold, else of the one picked with /use N.',
  ].join('\n');
}

function isCommandName(name: string): name is AgentCommandName {
  return Object.hasOwn(COMMANDS, name);
}

function numberOnly(name: 'claim' | 'use', args: string): AgentCommand | { error: string } {
  const example = `/${name} 42`;
  const [first, rest] = splitFirst(args);
  if (first === '') return { error: `/${name} needs a conversation number, like ${example}.` };
  const conversationId = conversationNumber(first);
  if (conversationId === undefined) return { error: badNumber(first, example) };
  if (rest !== '') return { error: `/${name} takes just a conversation number, like ${example}.` };
  return { name, conversationId };
}

function conversationNumber(word: string): number | undefined {
  const digits = NUMBER.exec(word)?.[1];
  const number = digits === undefined ? 0 : Number(digits);
  return Number.isSafeInteger(number) && number > 0 ? number : undefined;
}

function badNumber(word: string, example: string): string {
  return `"${word}" is not a conversation number; write it like ${example}.`;
}

// The first word and the rest, both trimmed; the rest keeps its inner spaces and line breaks.
function splitFirst(text: string): [string, string] {
  const match = /^(\S*)\s*([\s\S]*)$/.exec(text.trim());
  return [match?.[1] ?? '', match?.[2]?.trim() ?? ''];
}
