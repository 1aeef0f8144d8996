// team.yaml in service: keeps the last good version when an edit breaks the file, reloads it when it changes,
// tells who listens when the teams or agents change, and answers who is who.
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { logged, placed } from '../shared/file-error.ts';
import { identityKey } from '../shared/identity.ts';
import { Reloader } from '../shared/reloader.ts';
import type { ServedCount } from './agents-on-file.ts';
import { brokenWhileDownError, EMPTY_ROSTER, emptiedError, lostWhileDownError, parseTeamFile, TeamFileError, type Roster } from './team-file.ts';
import type { PerLanguage } from './lines.ts';
import { inTeam, sameTeam, teamTitle, titledAs, type AddressKey, type Agent, type Team } from './team.ts';

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
  /** The keys naming an agent's address on a channel, as the channels state them (`ADDRESS_KEYS`). */
  addressKeys: readonly AddressKey[];
  log: TeamLog;
  /** Reload when the file changes, is replaced or removed (default true). */
  watch?: boolean;
  /**
   * How many teams and agents the file had in service when the server last ran (the store keeps it: `servedLastRun`).
   * A file missing, empty or refused at load over some is not served: `load` rejects with the TeamFileError that says so.
   */
  lastRun?: ServedCount;
}

/**
 * The teams and agents in service. An edit that breaks team.yaml is refused (see `errors()`) and the last
 * good version keeps serving.
 *
 *     const team = await TeamDirectory.load({ file: join(DATA_DIR, 'team.yaml'), log });
 *     team.agentByIdentity('telegram', '9001')?.name; // 'Omar'
 */
export class TeamDirectory {
  private roster: Roster = EMPTY_ROSTER;
  private byId = new Map<string, Agent>();
  private byIdentity = new Map<string, Agent>();
  private fileErrors: TeamFileError[] = [];
  private readonly listeners = new Set<(before: Roster, after: Roster) => void>();
  private served = false;
  /** The file found missing, empty or refused at load, over the teams and agents of the last run (see `lastRun`). */
  private lost: TeamFileError | undefined;
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
    if (directory.lost) throw directory.lost;
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
   * The team called `name`, whatever its case (flows and agents type team names by hand), or else the one with that
   * title in some language: agents read teams by their titles (`title`), and name them so in /transfer.
   *
   *     team.team('billing')?.strategy; // 'least_open'
   *     team.team('الفواتير')?.name;     // 'Billing' with title: { en: Billing, ar: الفواتير }
   */
  team(name: string): Team | undefined {
    return this.roster.teams.find((team) => sameTeam(team.name, name)) ?? this.roster.teams.find((team) => titledAs(team, name));
  }

  /**
   * How a customer or an agent speaking `language` reads the team called `name` (see `teamTitle`); a team team.yaml
   * does not have reads as it is named.
   *
   *     directory.title('billing', 'ar'); // 'الفواتير' with title: { en: Billing, ar: الفواتير }
   */
  title(name: string, language: string | undefined): string {
    const team = this.team(name);
    return team ? teamTitle(team, language) : name;
  }

  /**
   * The team called `name` as each reader of a line reads it: by its title in their language (see `title`).
   *
   *     word(line('transferred', 42, directory.titled('Support')), 'ar'); // '…إلى فريق الدعم الفني…'
   */
  titled(name: string): PerLanguage {
    return { perLanguage: { en: this.title(name, 'en'), ar: this.title(name, 'ar') } };
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
   * Why the file as it is now on disk is not in service (file, line, column, reason, fix); empty when it is.
   *
   *     for (const error of team.errors()) console.error(String(error));
   */
  errors(): TeamFileError[] {
    return [...this.fileErrors];
  }

  /**
   * Calls `listener` after a reload changes the teams or agents; returns the function that stops it.
   * The runtime uses it to requeue the conversations of a removed agent, and to seat the customers waiting for an agent
   * given more room (`roomAdded`).
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
    const lost = !this.served && this.options.lastRun ? lostWhileDownError(file, text, this.options.lastRun) : undefined;
    if (lost) {
      this.lost = lost;
      return this.refuse([lost], text);
    }
    const result = text === undefined ? { roster: EMPTY_ROSTER } : parseTeamFile(label, text, this.options.addressKeys);
    if ('errors' in result) return this.refuse(result.errors, text);
    // An emptied (or deleted) file over one in service is a save cut short far more often than a wish to remove everyone.
    const emptied = this.served ? emptiedError(label, text, this) : undefined;
    if (emptied) return this.refuse([emptied], text);
    if (this.fileErrors.length > 0) log.info({ file }, `${label} is fixed`);
    this.fileErrors = [];
    this.serve(result.roster, text === undefined ? `${label} not found: no teams and no agents` : `${label}: ${result.roster.teams.length} teams and ${result.roster.agents.length} agents in service`);
  }

  private refuse(errors: TeamFileError[], text?: string): void {
    const { file, log } = this.options;
    // Kept at their columns (the text is not kept): /healthz names the column the log names.
    this.fileErrors = errors.map((error) => placed(error, text));
    for (const error of this.fileErrors) {
      const { fields, message } = logged(error);
      log.error({ ...fields, file }, message);
    }
    // Refused at start over the teams and agents of the last run: not started without them (see `lastRun`).
    if (!this.served && this.options.lastRun) this.lost ??= brokenWhileDownError(file, this.fileErrors, this.options.lastRun);
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
    const unset = unsetSignIns(roster.agents);
    if (unset) this.options.log.warn({ file: this.options.file, unset: unset.fields }, `${basename(this.options.file)}: ${unset.message}`);
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

/**
 * The agents who cannot sign in on a channel because the environment variable their token is read from is not set
 * (`webchat_token: env:OMAR_WEBCHAT_TOKEN`), named with the variable to set, for the start log: the sign-in form
 * says it only to the agent who tries. Never a token's value.
 *
 *     unsetSignIns(roster.agents)?.message; // 'Omar cannot sign in on webchat until OMAR_WEBCHAT_TOKEN is set …'
 */
function unsetSignIns(agents: readonly Agent[]): { message: string; fields: Record<string, Record<string, string>> } | undefined {
  const byChannel = new Map<string, { agent: string; variable: string }[]>();
  for (const agent of agents) {
    for (const [channel, variable] of Object.entries(agent.missingSecrets ?? {})) {
      byChannel.set(channel, [...(byChannel.get(channel) ?? []), { agent: agent.name, variable }]);
    }
  }
  if (byChannel.size === 0) return undefined;
  const parts = [...byChannel].map(([channel, unset]) => unset.length === 1
    ? `${unset[0]!.agent} cannot sign in on ${channel} until ${unset[0]!.variable} is set`
    : `${unset.length} agents cannot sign in on ${channel} until their variable is set: ${unset.map(({ agent, variable }) => `${agent} (${variable})`).join(', ')}`);
  return {
    message: `${parts.join('; ')}. Set each to a long random secret (openssl rand -hex 24) and restart Switchboard.`,
    fields: Object.fromEntries([...byChannel].map(([channel, unset]) => [channel, Object.fromEntries(unset.map(({ agent, variable }) => [agent, variable]))])),
  };
}
