// Teams and agents as team.yaml defines them: who may take which conversations, and how many at once.
import type { Identity } from '../store/types.ts';
import type { DeskLanguage } from './lines.ts';
import { fold, slug } from '../shared/text.ts';
import { localize } from '../flows/language.ts';

/** How a team picks among its available agents. */
export type Strategy = 'round_robin' | 'least_open';

/** A group of agents sharing one queue. */
export interface Team {
  name: string;
  strategy: Strategy;
  /** The group on a channel whose threads are this team's desk, one thread per conversation (a Telegram forum). */
  desk?: { channel: string; group: string };
  /** The language of what the bot says in the team's desk threads (`language:` in team.yaml); English without it. */
  language?: DeskLanguage;
  /**
   * What customers read where a text names the team (`title:` in team.yaml), by language tag in lower case; a plain
   * `title:` is under `en`. Without one for a customer's language they read the English title, else `name`. Agents
   * read it on their cards and in /list, and may name the team by any of its titles.
   */
  titles?: Readonly<Record<string, string>>;
  /**
   * The time zone (IANA, `Asia/Riyadh`) of the times the bot says in the team's desk threads (`timezone:` in team.yaml,
   * else the file's); UTC without one.
   */
  timeZone?: string;
}

/**
 * How team.yaml names an address on a channel: the key (`telegram: 9001`), the channels an address under it
 * reaches (`whatsapp:` reaches both WhatsApp channels), and how those channels write it. Each channel states
 * its own; the handover knows no channel by name.
 */
export interface AddressKey {
  key: string;
  channels: readonly string[];
  /** What a valid value looks like, as the fix of an error. */
  hint: string;
  /** An example line for the agent with this id, e.g. `webchat: agent-omar`. */
  example(agentId: string): string;
  /** The address as the channels write it (a phone number's digits, say), or undefined when it is not one. */
  normalize(value: string): string | undefined;
  /** A team may work in a group of this channel (`<key>_desk: <group>`). */
  desk?: { channel: string; hint: string };
  /**
   * The agent signs in on this channel with a secret (`<key>_token: <secret>`, or `env:NAME` to read it from the
   * environment); required with the address.
   */
  secret?: { channel: string; hint: string };
}

/** A person who takes conversations over from the bot, in the messaging app they already use. */
export interface Agent {
  /** The slug of `name` (`Omar Khalid` → `omar-khalid`); unique within team.yaml. */
  id: string;
  name: string;
  /** Where this person writes from: a message from one of these is an agent message, not a customer one. */
  identities: Identity[];
  /** Team names as team.yaml spells them, in the order given. */
  teams: string[];
  /** Auto-assignment never gives this agent more open conversations than this. */
  maxOpen: number;
  /** Credentials by channel (the web chat's `webchat_token`): what signs the agent in there. */
  secrets?: Record<string, string>;
  /**
   * Credentials named by an environment variable that is not set (`env:OMAR_WEBCHAT_TOKEN`), by channel: the agent
   * cannot sign in there until it is, and the sign-in says which variable to set.
   */
  missingSecrets?: Record<string, string>;
  /** The language of the bot's answers in the agent's messaging app (`language:` in team.yaml); English without it. */
  language?: DeskLanguage;
  /**
   * The time zone (IANA, `Asia/Riyadh`) of the times the bot says in the agent's messaging app, `#1 was closed by Nadia
   * on 2026-12-07 at 05:41 Asia/Riyadh` (`timezone:` in team.yaml, else the file's); UTC without one.
   */
  timeZone?: string;
}

/** `online` takes new conversations; `away` keeps what it holds but takes nothing new; agents start `offline`. */
export type AgentStatus = 'online' | 'away' | 'offline';

/** The strategies a team (or an `assign` step) may name. */
export const STRATEGIES = ['round_robin', 'least_open'] as const satisfies readonly Strategy[];

/**
 * The id of the agent called `name`, so people can name agents as they like (`/transfer 42 omar khalid`).
 *
 *     agentId('Omar Khalid'); // 'omar-khalid'
 *     agentId('José');        // 'jose'
 */
export function agentId(name: string): string {
  return slug(name);
}

/**
 * Whether `agent` belongs to `team`; team names match whatever their case, as flows and agents type them.
 *
 *     inTeam(omar, 'billing'); // true when team.yaml lists Omar in Billing
 */
export function inTeam(agent: Agent, team: string): boolean {
  return agent.teams.some((name) => sameTeam(name, team));
}

/**
 * How a customer speaking `language` reads the team's name: its title in that language (`ar-EG` reads `ar`), else
 * its English title, else its name in team.yaml.
 *
 *     teamTitle({ name: 'Billing', strategy: 'least_open', titles: { ar: 'الفواتير' } }, 'ar-EG'); // 'الفواتير'
 */
export function teamTitle(team: Team, language: string | undefined): string {
  const titles = team.titles ?? {};
  return localize({ variants: new Map(Object.entries(titles)), fallback: titles.en ?? team.name }, language);
}

/**
 * Whether `typed` is one of the team's titles, in any language, whatever its case or diacritics: an agent who reads
 * «الفواتير» for Billing may type it to name the team.
 *
 *     titledAs({ name: 'Billing', strategy: 'least_open', titles: { ar: 'الفواتير' } }, 'الفواتير'); // true
 */
export function titledAs(team: Team, typed: string): boolean {
  const wanted = fold(typed);
  return wanted !== '' && Object.values(team.titles ?? {}).some((title) => fold(title) === wanted);
}

/**
 * Whether two spellings name the same team.
 *
 *     sameTeam('Billing', 'billing'); // true
 */
export function sameTeam(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
