// Presence for agents only the agent console reaches (a `webchat:` session in team.yaml, and no address on a messaging
// app that runs: the shipped Omar's `telegram:` reaches nobody while no Telegram token is set):
// once no console of theirs has been connected for the grace period (CONSOLE_AWAY_AFTER), an agent left Online is set
// Away through the agent action API, as their Away button does, so new customers are queued instead of given to
// nobody. What they hold stays theirs. Opening the console again shows them Away; they press Online themselves (a
// laptop waking up at home should not start taking customers).
//
// What counts as a console: the agent console (its live stream, or its API called, which it does every 15 s), and
// anything else working in the agent's own web chat session through its HTTP API (a front end of their own polling
// its messages, `/online` typed there): an agent who works only through the API is working.
//
// Several processes share the store: a console's event stream is connected to one of them, and every process checks
// every agent. So "last seen" is kept in the store (collection `console-presence`), written by whichever process sees
// the console (its stream open there, or its API called), at least every quarter of the grace period; a process
// sets an agent Away only when nobody wrote it for the whole grace period. That is decided again inside the Away's
// own transaction, on the presence and the status read there: a sign of the console, or a status the agent set
// themselves (Online pressed as the check ran), committed first wins, and the agent's own last action stands.
// The agent's own status actions write their sign first, so that it is committed before their status is.
import type { Store } from '../store/types.ts';
import type { ActionResult, AgentAction } from '../handover/actions.ts';
import type { AgentState } from '../handover/agent-state.ts';
import type { TeamDirectory } from '../handover/directory.ts';
import type { Agent } from '../handover/team.ts';
import { Failing } from '../shared/failing.ts';
import type { Logger } from '../shared/log.ts';

/** Where the last sign of each console-only agent's console is kept, by agent id. */
const PRESENCE = 'console-presence';
interface Presence {
  seenAt: string;
}

/** The longest wait between two writes of an agent's presence, and between two checks. */
const MAX_EVERY_MS = 30_000;

export interface ConsolePresenceOptions {
  store: Store;
  directory: TeamDirectory;
  /** The agent action API (`runtime.act`). */
  act: (agent: Agent, action: AgentAction) => Promise<ActionResult>;
  /** How long without a console before an Online agent is set Away (`CONSOLE_AWAY_AFTER`). */
  awayAfterMs: number;
  /** Whether a channel runs here (an agent's address on one that does not reaches nobody). */
  running: (channel: string) => boolean;
  log: Logger;
  /**
   * The wall clock, in ms. Not the runtime's clock, which tests move by hours to reach timeouts: a connection's age
   * is real time.
   */
  now?: () => number;
}

/**
 * Keeps console-only agents' status following their console.
 *
 *     const presence = new ConsolePresence({ store, directory, act: runtime.act, awayAfterMs: 120_000, log });
 *     presence.start(); presence.streams('agent-sara', true); presence.seen(sara); presence.sessionUsed('agent-sara');
 *     await presence.stop();
 */
export class ConsolePresence {
  /** Web chat sessions with an event stream open in this process. */
  readonly #streaming = new Set<string>();
  /** When this process last wrote each agent's presence. */
  readonly #written = new Map<string, number>();
  readonly #every: number;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  /** A check at the moment the next agent's grace period runs out, when that comes before the next periodic one. */
  #due: NodeJS.Timeout | undefined;
  #stopped = false;
  #checking: Promise<void> | undefined;

  /** The check's failures (the store away), logged when they start and when a check works again. */
  readonly #checks: Failing;

  constructor(private readonly options: ConsolePresenceOptions) {
    this.#checks = new Failing(options.log, {
      failing: 'could not check the agent consoles\' presence; tried again shortly (logged again once a check works)',
      recovered: 'the agent consoles\' presence is checked again',
    });
    this.#every = Math.max(50, Math.min(MAX_EVERY_MS, Math.floor(options.awayAfterMs / 4)));
    this.#now = options.now ?? Date.now;
  }

  /** Checks now and then until `stop`, and when an agent's grace period runs out. */
  start(): void {
    this.#timer = setInterval(() => this.#checkNow(), this.#every);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#due);
    await this.#checking;
  }

  #checkNow(): void {
    this.#checking ??= this.check().finally(() => (this.#checking = undefined));
  }

  /** A session's first event stream in this process opened (`open`), or its last one closed. */
  streams(session: string, open: boolean): void {
    if (open) this.#streaming.add(session);
    else this.#streaming.delete(session);
    const agent = this.options.directory.agentByIdentity('webchat', session);
    // Closed: the grace period counts from now, not from the last periodic write.
    if (agent) void this.#write(agent, true);
  }

  /**
   * The agent's console called the API (it polls): a sign of it, written at most every so often; `now`: written now,
   * before an action of the agent's own (their status) is carried out.
   */
  seen(agent: Agent, now = false): Promise<void> {
    return this.#write(agent, now);
  }

  /** A request of the agent's own web chat session (`webchat:` in team.yaml) through its HTTP API: a sign of them. */
  sessionUsed(session: string): Promise<void> {
    const agent = this.options.directory.agentByIdentity('webchat', session);
    return agent ? this.#write(agent, false) : Promise.resolve();
  }

  /** Writes the presence of this process's consoles, and sets Away the console-only agents none was seen of for long. */
  async check(): Promise<void> {
    const { store, directory, log } = this.options;
    try {
      for (const session of this.#streaming) {
        const agent = directory.agentByIdentity('webchat', session);
        if (agent) await this.#write(agent, false);
      }
      const states = await store.docs<AgentState>('agents');
      let next = Number.POSITIVE_INFINITY;
      for (const agent of directory.agents().filter((agent) => this.#consoleOnly(agent))) {
        const state = states.get(agent.id);
        if (state?.status !== 'online' || this.#streamingHere(agent)) continue;
        const seenAt = (await store.doc<Presence>(PRESENCE, agent.id))?.seenAt;
        // Online with no sign of a console yet (online before this version ran): the grace period starts now.
        if (seenAt === undefined) {
          await this.#write(agent, true);
          continue;
        }
        if (!this.#gone(seenAt)) {
          next = Math.min(next, Date.parse(seenAt) + this.options.awayAfterMs);
          continue;
        }
        const onlineSince = state.since;
        const result = await this.options.act(agent, {
          kind: 'status', status: 'away', because: 'noConsole',
          // Read again in the Away's transaction, so that what committed since (the console back, Online pressed) wins.
          stillDue: async (tx, now) => now.status === 'online' && now.since === onlineSince && !this.#streamingHere(agent)
            && this.#gone((await tx.doc<Presence>(PRESENCE, agent.id))?.seenAt),
        });
        if (result.ok) log.info({ agent: agent.id, since: seenAt, reason: 'noConsole', awayAfterMs: this.options.awayAfterMs }, 'no agent console of theirs connected for the grace period (CONSOLE_AWAY_AFTER): set away');
        else log.info({ agent: agent.id }, 'an agent console came back, or the agent set their status, as they were being set away: left as they are');
      }
      this.#checkAt(next);
      this.#checks.worked();
    } catch (error) {
      this.#checks.failed(error);
    }
  }

  /**
   * Checks again when the next grace period runs out (`at`, ms), if that is before the next periodic check: an agent
   * is set Away on time, not up to a check's interval later. A console seen meanwhile makes that check find nothing.
   */
  #checkAt(at: number): void {
    const wait = at - this.#now();
    if (this.#stopped || this.#timer === undefined || !Number.isFinite(at) || wait >= this.#every) return;
    clearTimeout(this.#due);
    this.#due = setTimeout(() => this.#checkNow(), Math.max(wait, 0));
    this.#due.unref();
  }

  /** An agent whom only the agent console reaches: a web chat session, and no address on another channel that runs. */
  #consoleOnly(agent: Agent): boolean {
    const { running } = this.options;
    return agent.identities.some((identity) => identity.channel === 'webchat')
      && !agent.identities.some((identity) => identity.channel !== 'webchat' && running(identity.channel));
  }

  /** Whether a presence last written at `seenAt` is older than the grace period (none written: not gone, its grace starts). */
  #gone(seenAt: string | undefined): boolean {
    return seenAt !== undefined && this.#now() - Date.parse(seenAt) >= this.options.awayAfterMs;
  }

  #streamingHere(agent: Agent): boolean {
    return agent.identities.some((identity) => identity.channel === 'webchat' && this.#streaming.has(identity.id));
  }

  async #write(agent: Agent, always: boolean): Promise<void> {
    if (!this.#consoleOnly(agent)) return;
    const now = this.#now();
    if (!always && now - (this.#written.get(agent.id) ?? -Infinity) < this.#every) return;
    this.#written.set(agent.id, now);
    try {
      await this.options.store.transaction(`${PRESENCE}:${agent.id}`, async (tx) => {
        tx.putDoc(PRESENCE, agent.id, { seenAt: new Date(now).toISOString() } satisfies Presence);
      });
    } catch (error) {
      this.#written.delete(agent.id);
      this.options.log.warn({ error: String(error), agent: agent.id }, 'could not record that an agent console is connected');
    }
  }
}
