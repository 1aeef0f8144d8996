// team.yaml in service: reads and checks it (every refusal names the line and the fix), keeps the last
// good version when an edit breaks it, reloads it when it changes, and answers who is who.
import { FileError } from '../shared/file-error.ts';
import { Reloader } from '../shared/reloader.ts';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { describeIssue } from '../shared/schema-issues.ts';
import { didYouMean } from '../shared/suggest.ts';
import { parseYamlSource, type Path, type YamlSource } from '../shared/yaml-source.ts';
import type { Identity } from '../store/types.ts';
import { agentId, inTeam, sameTeam, STRATEGIES, type Agent, type Team } from './team.ts';

/** Where the directory reports what it loaded and what it refused (pino fits). */
export interface TeamLog {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

/** Options of `TeamDirectory.load`. */
export interface TeamDirectoryOptions {
  /** The team file, e.g. `data/team.yaml`; a missing file means no teams and no agents. */
  file: string;
  log: TeamLog;
  /** Reload when the file changes, is replaced or removed (default true). */
  watch?: boolean;
}

/** Everything team.yaml defines, in file order. */
export interface Roster {
  teams: Team[];
  agents: Agent[];
}

/**
 * One reason team.yaml was refused, pointing at the line to fix.
 *
 *     String(new TeamFileError('team.yaml', 7, 'unknown team "Biling"', 'did you mean "Billing"?'));
 *     // 'team.yaml:7: unknown team "Biling" (did you mean "Billing"?)'
 */
export class TeamFileError extends FileError {
  override readonly name = 'TeamFileError';
}

const IDENTITY_KEYS = ['telegram', 'whatsapp', 'webchat'] as const;
const EMPTY: Roster = { teams: [], agents: [] };

// YAML reads `telegram: 9001` and an unquoted `whatsapp: +15550001` as numbers; ids are text everywhere else.
const address = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string().trim().min(1, 'must not be empty'),
);

const fileSchema = z
  .object({
    teams: z.array(z.unknown()).nullish(),
    agents: z.array(z.unknown()).nullish(),
  })
  .strict();

const teamSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty'),
    strategy: z.enum(STRATEGIES).default('round_robin'),
    telegram_desk: address.optional(),
  })
  .strict();

const agentSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty'),
    telegram: address.optional(),
    whatsapp: address.optional(),
    webchat: address.optional(),
    teams: z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'an agent needs at least one team'),
    // Checked by hand below, for a message that says what a valid value is.
    max_open: z.unknown().optional(),
  })
  .strict();

// The fix for a key whose value is wrong, when the schema's message does not already say it.
const HINTS: Readonly<Record<string, string>> = {
  file: 'team.yaml has two lists, teams: and agents:, see the comments in the shipped data/team.yaml',
  'file.teams': 'list each team as "- name: Billing" on its own line under teams:',
  'file.agents': 'list each agent as "- name: Omar" on its own line under agents:',
  'team.name': 'e.g. name: Billing',
  'team.strategy': 'least_open gives each conversation to the agent holding the fewest; round_robin takes turns',
  'team.telegram_desk': 'the chat id of a Telegram supergroup with topics, e.g. telegram_desk: -1001234567890',
  'agent.name': 'e.g. name: Omar',
  'agent.telegram': 'the agent\'s numeric Telegram user id, e.g. telegram: 9001',
  'agent.whatsapp': 'the agent\'s WhatsApp number in quotes, e.g. whatsapp: "+15550001"',
  'agent.webchat': 'a web chat session name only this agent knows, e.g. webchat: agent-omar',
  'agent.teams': 'e.g. teams: [Billing, Support]',
  team: 'a team is a map like "- name: Billing" with strategy: on the next line',
  agent: 'an agent is a map like "- name: Omar" with webchat:, teams: and max_open: below it',
};

/**
 * Reads team.yaml's text: the teams and agents it defines, or every reason it is refused.
 *
 *     const result = parseTeamFile('team.yaml', await readFile(path, 'utf8'));
 *     if ('errors' in result) console.log(result.errors.map(String).join('\n'));
 */
export function parseTeamFile(file: string, text: string): { roster: Roster } | { errors: TeamFileError[] } {
  const parsed = parseYamlSource(text);
  if ('errors' in parsed) {
    return {
      errors: parsed.errors.map((error) => new TeamFileError(file, error.line, `YAML syntax error: ${error.reason}`, 'check the indentation and quotes around here')),
    };
  }
  const reader = new TeamFileReader(file, parsed.source);
  const roster = reader.read();
  return reader.errors.length === 0 ? { roster } : { errors: [...reader.errors].sort((a, b) => a.line - b.line) };
}

class TeamFileReader {
  readonly errors: TeamFileError[] = [];

  constructor(private readonly file: string, private readonly source: YamlSource) {}

  read(): Roster {
    const value = this.source.value;
    // An emptied file is read like a missing one.
    if (value === null || value === undefined) return EMPTY;
    const top = fileSchema.safeParse(value);
    if (!top.success) for (const issue of top.error.issues) this.problems(issue, fileSchema, [], this.file, 'file');
    const list = (key: 'teams' | 'agents') => (isRecord(value) && Array.isArray(value[key]) ? (value[key] as unknown[]) : []);
    const rawTeams = list('teams');
    const teams = this.teams(rawTeams);
    // Names of teams refused for another reason still count as known, so agents are not blamed for them.
    const teamNames = rawTeams.flatMap((raw) => (isRecord(raw) && typeof raw.name === 'string' ? [raw.name.trim()] : []));
    const agents = this.agents(list('agents'), teamNames);
    return { teams, agents };
  }

  private teams(raws: readonly unknown[]): Team[] {
    const teams: Team[] = [];
    const lines = new Map<string, number>();
    raws.forEach((raw, index) => {
      const at: Path = ['teams', index];
      const { fields, valid } = this.item(teamSchema, raw, at, itemName('team', raw, index), 'team');
      const { name, strategy, telegram_desk: desk } = fields;
      if (name === undefined) return;
      const first = lines.get(name.toLowerCase());
      if (first !== undefined) {
        this.report([...at, 'name'], `team "${name}" is named twice`, `line ${first} has it already; remove one of them or rename it`);
        return;
      }
      lines.set(name.toLowerCase(), this.source.lineOf([...at, 'name']));
      if (!valid || strategy === undefined) return;
      teams.push(desk === undefined ? { name, strategy } : { name, strategy, telegramDesk: desk });
    });
    return teams;
  }

  private agents(raws: readonly unknown[], teamNames: readonly string[]): Agent[] {
    const agents: Agent[] = [];
    const nameLines = new Map<string, number>();
    const owners = new Map<string, { who: string; line: number }>();
    raws.forEach((raw, index) => {
      const at: Path = ['agents', index];
      const where = itemName('agent', raw, index);
      const { fields, valid } = this.item(agentSchema, raw, at, where, 'agent');
      const name = fields.name ?? '';
      const id = agentId(name);
      if (fields.name !== undefined) {
        const first = nameLines.get(id);
        if (id === '') this.report([...at, 'name'], `agent name "${name}" has no letter or digit`, 'name agents as their colleagues call them, e.g. name: Omar');
        else if (first !== undefined) this.report([...at, 'name'], `agent "${name}" is named twice`, `line ${first} has this name already; give each agent their own name`);
        else nameLines.set(id, this.source.lineOf([...at, 'name']));
      }

      const teams: string[] = [];
      (fields.teams ?? []).forEach((team, position) => {
        const known = teamNames.find((teamName) => sameTeam(teamName, team));
        if (known === undefined) {
          this.report(
            [...at, 'teams', position],
            `${where} is in unknown team "${team}"`,
            didYouMean(team, teamNames) ?? (teamNames.length > 0 ? `teams in this file: ${teamNames.join(', ')}` : `add it under teams: first, e.g. - name: ${team}`),
          );
        } else if (!teams.includes(known)) {
          teams.push(known);
        }
      });

      const identities: Identity[] = [];
      for (const channel of IDENTITY_KEYS) {
        const identity = fields[channel];
        if (identity === undefined) continue;
        const key = `${channel}:${identity}`;
        const owner = owners.get(key);
        if (owner) this.report([...at, channel], `${channel} "${identity}" is already given to ${owner.who} on line ${owner.line}`, 'each identity belongs to one agent; remove it from one of them');
        else owners.set(key, { who: where, line: this.source.lineOf([...at, channel]) });
        identities.push({ channel, id: identity });
      }
      // A refused identity was given, just wrongly: that is reported already.
      if (!IDENTITY_KEYS.some((channel) => isRecord(raw) && raw[channel] !== undefined)) {
        this.report(at, `${where} has no telegram, whatsapp or webchat`, `add one, so the bot knows them when they write, e.g. webchat: agent-${id || 'name'}`);
      }

      const maxOpen = fields.max_open ?? 3;
      if (typeof maxOpen !== 'number' || !Number.isInteger(maxOpen) || maxOpen < 1) {
        this.report([...at, 'max_open'], `"max_open" must be a whole number of 1 or more, not ${JSON.stringify(maxOpen)}`, 'e.g. max_open: 3, the most open conversations auto-assignment gives this agent');
      } else if (valid && fields.teams !== undefined) {
        agents.push({ id, name, identities, teams, maxOpen });
      }
    });
    return agents;
  }

  // Checks one list entry against its schema and reports every issue. Returns the fields that passed too,
  // so the checks across entries (named twice, unknown team…) still run and every mistake shows at once.
  // Any error refuses the whole file, so an entry with one is never served.
  private item<T extends z.AnyZodObject>(schema: T, raw: unknown, at: Path, where: string, scope: string): { fields: Partial<z.infer<T>>; valid: boolean } {
    const parsed = schema.safeParse(raw);
    if (parsed.success) return { fields: parsed.data as z.infer<T>, valid: true };
    for (const issue of parsed.error.issues) this.problems(issue, schema, at, where, scope);
    if (!isRecord(raw)) return { fields: {}, valid: false };
    const refused = new Set(parsed.error.issues.map((issue) => issue.path[0]));
    const rest = Object.fromEntries(Object.entries(raw).filter(([key]) => !refused.has(key)));
    const partial = schema.partial().strip().safeParse(rest);
    return { fields: partial.success ? (partial.data as Partial<z.infer<T>>) : {}, valid: false };
  }

  private problems(issue: z.ZodIssue, schema: z.ZodTypeAny, prefix: Path, where: string, scope: string): void {
    for (const problem of describeIssue(issue, schema, where)) {
      const key = [...problem.at].reverse().find((segment): segment is string => typeof segment === 'string');
      const hint = problem.hint ?? (key === undefined ? undefined : HINTS[`${scope}.${key}`]) ?? HINTS[scope];
      this.report([...prefix, ...problem.at], problem.reason, hint);
    }
  }

  private report(at: Path, reason: string, hint?: string): void {
    this.errors.push(new TeamFileError(this.file, this.source.lineOf(at), reason, hint));
  }
}

/**
 * The teams and agents in service. An edit that breaks team.yaml is refused (see `errors()`) and the last
 * good version keeps serving.
 *
 *     const team = await TeamDirectory.load({ file: join(DATA_DIR, 'team.yaml'), log });
 *     team.agentByIdentity('telegram', '9001')?.name; // 'Omar'
 */
export class TeamDirectory {
  private roster: Roster = EMPTY;
  private byId = new Map<string, Agent>();
  private byIdentity = new Map<string, Agent>();
  private fileErrors: TeamFileError[] = [];
  private readonly listeners = new Set<(before: Roster, after: Roster) => void>();
  private served = false;
  private readonly reloader: Reloader;

  private constructor(private readonly options: TeamDirectoryOptions) {
    this.reloader = new Reloader({ read: () => this.read(), label: basename(options.file), log: options.log });
  }

  /**
   * Reads the file and, unless `watch: false`, follows its changes.
   *
   *     const team = await TeamDirectory.load({ file: 'data/team.yaml', log, watch: false });
   */
  static async load(options: TeamDirectoryOptions): Promise<TeamDirectory> {
    const directory = new TeamDirectory(options);
    await directory.reload();
    if (options.watch ?? true) {
      const name = basename(options.file);
      directory.reloader.watch(dirname(options.file), (changed) => changed === null || changed === name);
    }
    return directory;
  }

  /** Every team, in file order. */
  teams(): Team[] {
    return [...this.roster.teams];
  }

  /**
   * The team called `name`, whatever its case (flows and agents type team names by hand).
   *
   *     team.team('billing')?.strategy; // 'least_open'
   */
  team(name: string): Team | undefined {
    return this.roster.teams.find((team) => sameTeam(team.name, name));
  }

  /**
   * The team a conversation goes to when a flow names no team or one team.yaml does not have: the first team
   * listed, so that no conversation waits in a queue no agent serves.
   *
   *     directory.defaultTeam()?.name; // 'Billing' when it comes first in team.yaml
   */
  defaultTeam(): Team | undefined {
    return this.roster.teams[0];
  }

  /** Every agent, in file order (the order round robin takes turns in). */
  agents(): Agent[] {
    return [...this.roster.agents];
  }

  /**
   * The agent with this id (see `agentId`).
   *
   *     team.agent(agentId('Omar Khalid'));
   */
  agent(id: string): Agent | undefined {
    return this.byId.get(id);
  }

  /**
   * The agent who writes from this address, or undefined for a customer.
   *
   *     const agent = team.agentByIdentity(message.channel, message.from.id);
   */
  agentByIdentity(channel: string, id: string): Agent | undefined {
    return this.byIdentity.get(identityKey(channel, id));
  }

  /**
   * The agents of a team, in file order.
   *
   *     team.agentsOfTeam('Billing').map((agent) => agent.name);
   */
  agentsOfTeam(team: string): Agent[] {
    return this.roster.agents.filter((agent) => inTeam(agent, team));
  }

  /**
   * Why the file as it is now on disk is not in service (file, line, reason, fix); empty when it is.
   *
   *     for (const error of team.errors()) console.error(String(error));
   */
  errors(): TeamFileError[] {
    return [...this.fileErrors];
  }

  /**
   * Calls `listener` after a reload changes the teams or agents; returns the function that stops it.
   * The runtime uses it to requeue the conversations of a removed agent.
   *
   *     const stop = team.onChange((before, after) => requeueRemovedAgents(before.agents, after.agents));
   */
  onChange(listener: (before: Roster, after: Roster) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Re-reads the file. Reloads run one at a time, in call order.
   *
   *     await team.reload();
   */
  reload(): Promise<void> {
    return this.reloader.reload();
  }

  /** Stops following the file. */
  close(): void {
    this.reloader.close();
  }

  private async read(): Promise<void> {
    const { file, log } = this.options;
    const label = basename(file);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code !== 'ENOENT') return this.refuse([new TeamFileError(label, 1, `cannot read ${label}: ${message}`, 'check the file\'s permissions')]);
    }
    const result = text === undefined ? { roster: EMPTY } : parseTeamFile(label, text);
    if ('errors' in result) return this.refuse(result.errors);
    if (this.fileErrors.length > 0) log.info({ file }, `${label} is fixed`);
    this.fileErrors = [];
    this.serve(result.roster, text === undefined ? `${label} not found: no teams and no agents` : `${label}: ${result.roster.teams.length} teams and ${result.roster.agents.length} agents in service`);
  }

  private refuse(errors: TeamFileError[]): void {
    const { file, log } = this.options;
    this.fileErrors = errors;
    for (const error of errors) log.error({ file, line: error.line }, String(error));
    if (this.served) log.warn({ file }, `${basename(file)} was refused; the last good version stays in service`);
  }

  private serve(roster: Roster, summary: string): void {
    const before = this.roster;
    const changed = JSON.stringify(before) !== JSON.stringify(roster);
    if (this.served && !changed) return;
    this.served = true;
    this.roster = roster;
    this.byId = new Map(roster.agents.map((agent) => [agent.id, agent]));
    this.byIdentity = new Map(roster.agents.flatMap((agent) => agent.identities.map((identity) => [identityKey(identity.channel, identity.id), agent] as const)));
    this.options.log.info({ file: this.options.file }, summary);
    if (!changed) return;
    for (const listener of this.listeners) {
      try {
        listener(before, roster);
      } catch (error) {
        this.options.log.error({ file: this.options.file }, `a team change listener failed: ${(error as Error).message}`);
      }
    }
  }
}

function identityKey(channel: string, id: string): string {
  return `${channel}\u0000${id}`;
}

// `agent "Omar"` reads better in an error than `item 3 of "agents"` when the entry has a name.
function itemName(kind: 'team' | 'agent', raw: unknown, index: number): string {
  return isRecord(raw) && typeof raw.name === 'string' && raw.name.trim() !== '' ? `${kind} "${raw.name.trim()}"` : `${kind} ${index + 1}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
