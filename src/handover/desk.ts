// The handover desk: hands conversations to agents or queues them, relays both ways, and carries out agent
// commands. Everything here runs inside one store transaction; the store refuses a commit whose reads went
// stale (another transaction changed an agent or a conversation meanwhile) and runs it again, so capacity and
// "one agent per conversation" hold under concurrency. Every method that changes a conversation changes the
// transaction's live object of it and puts it itself: no caller holds a copy to write back.
import type { AssignRequest } from '../flows/index.ts';
import type { DomainEvent } from '../shared/events.ts';
import type { Contact, Conversation, Identity, Message, Tx } from '../store/types.ts';
import type { InboundMessage } from '../types.ts';
import { chooseAgent } from './assignment/pipeline.ts';
import { nextFor, queueOf } from './assignment/queue.ts';
import { assignmentCard, relayText } from './card.ts';
import { helpText, parseAgentCommand, type AgentCommand } from './commands.ts';
import type { TeamDirectory } from './team-file.ts';
import type { Agent, AgentStatus, Team } from './team.ts';

/** An agent's state kept in the store (collection `agents`), across restarts. */
export interface AgentState {
  status: AgentStatus;
  since: string;
  lastAssignedAt?: string;
  /** The conversation picked with `/use N`. */
  current?: number;
  /** Where the agent last wrote from: cards and relays go there. */
  replyTo?: Identity;
}

/** A team desk's thread (collection `desk-threads`, keyed by the thread's address): the conversation it is about. */
export interface DeskThread {
  conversationId: number;
}

/** What the desk asks of the transaction's owner: store-and-send messages, announce events, run closing flows. */
export interface DeskEffects {
  /** Stores an outbound message (to its `address`) in this transaction; it is sent once the transaction is on disk. */
  send(message: Omit<Message, 'id'>): void;
  emit(event: DomainEvent): void;
  /** A conversation was closed: its `conversation.closed` flows should start. */
  closed(conversation: Conversation): void;
  /** Asks for a thread in a team desk's group for this conversation, once the transaction is on disk. */
  openThread(conversation: Conversation, group: string, title: string): void;
  /** Asks to close a desk thread, once the transaction is on disk. */
  closeThread(thread: string): void;
}

export interface DeskOptions {
  directory: TeamDirectory;
  now: () => Date;
  log: { warn(o: object, msg: string): void; error(o: object, msg: string): void };
}

const RECENT_FOR_CARD = 5;
/** /list shows this many conversations of each queue, then how many more wait. */
const LISTED_PER_QUEUE = 10;

/**
 * The handover's decisions, on a transaction.
 *
 *     const desk = new Desk({ directory, now, log });
 *     await desk.assign(tx, conversation, { team: 'Billing' }, effects);
 */
export class Desk {
  readonly #directory: TeamDirectory;
  readonly #now: () => Date;
  readonly #log: DeskOptions['log'];

  constructor(options: DeskOptions) {
    this.#directory = options.directory;
    this.#now = options.now;
    this.#log = options.log;
  }

  /** The agent behind a channel address, if it is one: their messages are agent messages. */
  agentOf(channel: string, id: string): Agent | undefined {
    return this.#directory.agentByIdentity(channel, id);
  }

  /**
   * Hands `conversation` to an available agent of the team, or queues it. A team that is empty or not in team.yaml
   * (a template that rendered nothing) is an error in the log, and the default team (the first in team.yaml)
   * takes the conversation: never a queue no agent serves.
   */
  async assign(tx: Tx, conversation: Conversation, request: AssignRequest, fx: DeskEffects): Promise<void> {
    let team = this.#directory.team(request.team);
    if (!team) {
      team = this.#directory.defaultTeam();
      this.#log.error(
        { conversation: conversation.id, team: request.team, instead: team?.name },
        request.team.trim() === '' ? 'assign names no team; the default team (first in team.yaml) takes the conversation' : 'assign names a team that is not in team.yaml; the default team (first in team.yaml) takes the conversation',
      );
    }
    const teamName = team?.name ?? request.team;
    conversation.team = teamName;
    tx.putConversation(conversation);
    if (team?.telegramDesk && !conversation.deskThread) {
      const name = (await tx.contact(conversation.contactId))?.name ?? 'customer';
      fx.openThread(conversation, team.telegramDesk, `#${conversation.id} ${name} · ${team.name}`);
    }
    const target = request.agent ? this.#findAgent(request.agent) : undefined;
    const agent = team ? await this.#choose(tx, team, conversation, { ...(request.strategy ? { strategy: request.strategy } : {}), ...(target ? { target: target.id } : {}) }) : undefined;
    if (agent) {
      await this.#giveTo(tx, conversation, agent, fx);
      return;
    }
    conversation.stage = 'queued';
    conversation.queuedAt ??= this.#stamp();
    if (target) conversation.agentId = target.id;
    else delete conversation.agentId;
    tx.putConversation(conversation);
    // The conversation is at the end of the line: everyone queued, itself included (it is put above). A count,
    // so a long queue is not copied, nor every conversation in it made a read that conflicts when it changes.
    const position = await tx.countOpenConversations({ stage: 'queued', team: teamName });
    fx.emit({ type: 'conversation.queued', payload: { conversation } });
    const text = request.queuedText?.(position);
    if (text) await this.#toCustomer(tx, conversation, { from: 'bot', text }, fx);
  }

  /**
   * A customer's message in a conversation an agent holds, or that waits in a team desk: relayed to the
   * desk's thread, or to the agent, tagged with its number.
   */
  async relay(tx: Tx, conversation: Conversation, contact: Contact, text: string, fx: DeskEffects): Promise<void> {
    if (conversation.deskThread) {
      await this.#toThread(tx, conversation, relayText(conversation, contact.name, text), fx);
      return;
    }
    const agent = conversation.agentId ? this.#directory.agent(conversation.agentId) : undefined;
    if (!agent) {
      await this.requeue(tx, conversation, fx);
      return;
    }
    await this.#toAgent(tx, agent, relayText(conversation, contact.name, text), fx, conversation.id);
  }

  /** Puts a conversation whose agent is gone back in its team's queue, then lets a free agent take it. */
  async requeue(tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
    conversation.stage = 'queued';
    delete conversation.agentId;
    conversation.queuedAt ??= conversation.assignedAt ?? this.#stamp();
    tx.putConversation(conversation);
    fx.emit({ type: 'conversation.queued', payload: { conversation } });
    for (const agent of this.#directory.agentsOfTeam(conversation.team ?? '')) await this.drainFor(tx, agent, fx);
  }

  /** Gives `agent` the longest-waiting conversations they can take, while they are online and under capacity. */
  async drainFor(tx: Tx, agent: Agent, fx: DeskEffects): Promise<void> {
    if ((await this.#state(tx, agent)).status !== 'online') return;
    for (;;) {
      if ((await tx.countOpenConversations({ stage: 'assigned', agentId: agent.id })) >= agent.maxOpen) return;
      // Looked at as copies, then only the one picked is read (and validated): a queue changing elsewhere
      // (a queued customer writing) does not make this transaction conflict.
      const queued: Conversation[] = [];
      for (const team of agent.teams) queued.push(...(await tx.openConversations({ stage: 'queued', team }, { live: false })));
      const picked = nextFor(agent, queued);
      const next = picked && (await tx.conversation(picked.id));
      if (!next) return;
      await this.#giveTo(tx, next, agent, fx);
    }
  }

  /** Closes a conversation: by its agent, by inactivity, or by a flow's `close` step. */
  close(tx: Tx, conversation: Conversation, by: string, note: string | undefined, fx: DeskEffects): void {
    tx.putConversation(conversation);
    conversation.status = 'closed';
    conversation.closedAt = this.#stamp();
    conversation.closedBy = by;
    if (note) conversation.closingNote = note;
    if (conversation.deskThread) fx.closeThread(conversation.deskThread);
    fx.emit({ type: 'conversation.closed', payload: { conversation } });
    fx.closed(conversation);
  }

  /** Tells an agent something in their app (a message of theirs that failed, say). */
  async tell(tx: Tx, agentId: string, text: string, fx: DeskEffects, conversationId?: number): Promise<void> {
    const agent = this.#directory.agent(agentId);
    if (agent) await this.#toAgent(tx, agent, text, fx, conversationId);
  }

  /** Closes a conversation nobody wrote in for too long, tells its agent, and frees their capacity. */
  async autoClose(tx: Tx, conversation: Conversation, idleFor: string, fx: DeskEffects): Promise<void> {
    const agent = conversation.agentId ? this.#directory.agent(conversation.agentId) : undefined;
    this.close(tx, conversation, 'auto', `closed automatically after ${idleFor} without activity`, fx);
    if (agent) {
      await this.#toAgent(tx, agent, `#${conversation.id} was closed after ${idleFor} without activity.`, fx, conversation.id);
      await this.drainFor(tx, agent, fx);
    }
  }

  /** Everything an agent writes to the bot: a command, or a reply for one of their customers. */
  async handleAgentMessage(tx: Tx, agent: Agent, inbound: InboundMessage, fx: DeskEffects): Promise<void> {
    if (inbound.place !== undefined) return this.#inThread(tx, agent, inbound, inbound.place, fx);
    const identity = { channel: inbound.channel, id: inbound.from.id };
    const text = inbound.text ?? '';
    tx.addMessage({
      channel: inbound.channel, address: identity.id, direction: 'in', from: 'agent', agentId: agent.id, text,
      channelMessageId: inbound.id, ...(inbound.replyTo !== undefined ? { replyTo: inbound.replyTo } : {}), at: this.#stamp(),
    });
    const state = await this.#state(tx, agent);
    if (state.replyTo?.channel !== identity.channel || state.replyTo.id !== identity.id) {
      state.replyTo = identity;
      tx.putDoc('agents', agent.id, state);
    }
    const reply = (answer: string, conversationId?: number) => this.#toAgent(tx, agent, answer, fx, conversationId);
    const command = parseAgentCommand(text);
    if (command && 'error' in command) return reply(command.error);
    if (command) return this.#run(tx, agent, state, command, inbound, fx, reply);
    if (!text.trim()) return reply('Only text reaches the customer. Send /help for the commands.');

    const target = await this.#target(tx, agent, state, inbound);
    if ('problem' in target) return reply(target.problem);
    const conversation = target.conversation;
    await this.#toCustomer(tx, conversation, { from: 'agent', agentId: agent.id, text }, fx);
    conversation.firstResponseAt ??= this.#stamp();
    conversation.lastAgentMessageAt = this.#stamp();
    tx.putConversation(conversation);
  }

  async #run(
    tx: Tx, agent: Agent, state: AgentState, command: AgentCommand, inbound: InboundMessage, fx: DeskEffects,
    reply: (text: string, conversationId?: number) => Promise<void>,
  ): Promise<void> {
    switch (command.name) {
      case 'help':
        return reply(helpText());
      case 'online':
      case 'away': {
        state.status = command.name;
        state.since = this.#stamp();
        tx.putDoc('agents', agent.id, state);
        await reply(command.name === 'online' ? 'You are online: new conversations will come to you.' : 'You are away: no new conversations until you send /online.');
        return this.drainFor(tx, agent, fx);
      }
      case 'list':
        return reply(await this.#listing(tx, agent, state));
      case 'use': {
        const conversation = await tx.conversation(command.conversationId);
        if (conversation?.status !== 'open' || conversation.agentId !== agent.id || conversation.stage !== 'assigned') {
          return reply(`You do not hold #${command.conversationId}. /list shows yours.`);
        }
        state.current = conversation.id;
        tx.putDoc('agents', agent.id, state);
        return reply(`Your messages now go to #${conversation.id} (${await this.#nameOf(tx, conversation)}).`, conversation.id);
      }
      case 'claim': {
        const conversation = await tx.conversation(command.conversationId);
        const refusal = this.#claimRefusal(conversation, agent, command.conversationId);
        if (refusal || !conversation) return reply(refusal ?? `There is no conversation #${command.conversationId}.`);
        await this.#giveTo(tx, conversation, agent, fx);
        return;
      }
      case 'note': {
        const conversation = await tx.conversation(command.conversationId);
        if (!conversation || !this.#mayTouch(conversation, agent)) return reply(`There is no conversation #${command.conversationId} in your teams.`);
        tx.addMessage({ contactId: conversation.contactId, conversationId: conversation.id, channel: conversation.channel, address: await this.#customerAddress(tx, conversation) ?? '', direction: 'in', from: 'note', agentId: agent.id, text: command.text, at: this.#stamp() });
        return reply(`Note added to #${conversation.id} (only agents see it).`, conversation.id);
      }
      case 'close': {
        const target = command.conversationId !== undefined
          ? await this.#held(tx, agent, command.conversationId)
          : await this.#target(tx, agent, state, inbound);
        if ('problem' in target) return reply(target.problem);
        const conversation = target.conversation;
        this.close(tx, conversation, agent.id, command.note, fx);
        await reply(`Closed #${conversation.id}${command.note ? ` (${command.note})` : ''}.`, conversation.id);
        return this.drainFor(tx, agent, fx);
      }
      case 'transfer': {
        const held = await this.#held(tx, agent, command.conversationId);
        if ('problem' in held) return reply(held.problem);
        return this.#transfer(tx, agent, held.conversation, command.to, fx, reply);
      }
    }
  }

  async #transfer(
    tx: Tx, agent: Agent, conversation: Conversation, to: string, fx: DeskEffects,
    reply: (text: string, conversationId?: number) => Promise<void>,
  ): Promise<void> {
    const team = this.#directory.team(to);
    const colleague = team ? undefined : this.#findAgent(to);
    if (!team && !colleague) {
      const teams = this.#directory.teams().map((t) => t.name).join(', ');
      return reply(`There is no team or agent named "${to}". Teams: ${teams || 'none'}.`);
    }
    if (colleague?.id === agent.id) return reply(`#${conversation.id} is already yours.`);
    if (colleague && (await this.#state(tx, colleague)).status !== 'online') return reply(`${colleague.name} is not online; #${conversation.id} stays with you.`);
    delete conversation.agentId;
    tx.putConversation(conversation);
    if (colleague) {
      await this.#giveTo(tx, conversation, colleague, fx);
      await reply(`#${conversation.id} is now with ${colleague.name}.`, conversation.id);
    } else if (team) {
      conversation.stage = 'queued';
      conversation.queuedAt = this.#stamp();
      await this.assign(tx, conversation, { team: team.name }, fx);
      const taker = this.#holder(conversation);
      await reply(`#${conversation.id} is transferred to ${team.name}${taker ? ` (${taker.name} has it)` : ' (waiting in its queue)'}.`, conversation.id);
    }
    await this.drainFor(tx, agent, fx);
  }

  /** Posts a desk conversation's card as the first message of its thread, once the thread exists. */
  async postCard(tx: Tx, conversation: Conversation, fx: DeskEffects): Promise<void> {
    const contact = await tx.contact(conversation.contactId);
    if (!contact || !conversation.deskThread) return;
    const recent = (await tx.recentMessages(conversation.id, 30)).filter((m) => m.from === 'contact').slice(-RECENT_FOR_CARD);
    const team = conversation.team ? this.#directory.team(conversation.team) : undefined;
    const holder = this.#holder(conversation);
    const card = assignmentCard({ conversation, contact, ...(team ? { team } : {}), messages: recent });
    await this.#toThread(tx, conversation, holder ? `${card}\n\n${holder.name} has it.` : `${card}\n\nWhoever writes here first takes it.`, fx);
  }

  /** An agent writing in a desk thread: commands act on its conversation; text goes to the customer, and claims it. */
  async #inThread(tx: Tx, agent: Agent, inbound: InboundMessage, thread: string, fx: DeskEffects): Promise<void> {
    const desk = await tx.doc<DeskThread>('desk-threads', thread);
    const text = inbound.text ?? '';
    const conversation = desk ? await tx.conversation(desk.conversationId) : undefined;
    if (!conversation) return;
    tx.addMessage({ conversationId: conversation.id, channel: inbound.channel, address: thread, direction: 'in', from: 'agent', agentId: agent.id, text, channelMessageId: inbound.id, at: this.#stamp() });
    const reply = (answer: string) => this.#toThread(tx, conversation, answer, fx);
    if (conversation.status !== 'open') return reply(`#${conversation.id} is closed.`);
    if (!this.#mayTouch(conversation, agent)) return reply(`${agent.name} is not in ${conversation.team}: nothing was sent.`);
    const command = parseAgentCommand(text);
    if (command && 'error' in command) return reply(command.error);
    if (command?.name === 'close') {
      if (command.conversationId !== undefined && command.conversationId !== conversation.id) return reply(`This topic is #${conversation.id}; close #${command.conversationId} in its own topic.`);
      this.close(tx, conversation, agent.id, command.note, fx);
      await reply(`Closed #${conversation.id}${command.note ? ` (${command.note})` : ''}.`);
      if (conversation.agentId) {
        const holder = this.#directory.agent(conversation.agentId);
        if (holder) await this.drainFor(tx, holder, fx);
      }
      return;
    }
    if (command) return reply('In a desk topic, write to the customer or send /close [note]; other commands work in your private chat with the bot.');
    if (!text.trim()) return;
    if (conversation.stage !== 'assigned') await this.#giveTo(tx, conversation, agent, fx, { announce: true });
    await this.#toCustomer(tx, conversation, { from: 'agent', agentId: agent.id, text }, fx);
    conversation.firstResponseAt ??= this.#stamp();
    conversation.lastAgentMessageAt = this.#stamp();
    tx.putConversation(conversation);
  }

  async #toThread(tx: Tx, conversation: Conversation, text: string, fx: DeskEffects): Promise<void> {
    const thread = conversation.deskThread;
    if (!thread) return;
    if (!(await tx.doc<DeskThread>('desk-threads', thread))) tx.putDoc('desk-threads', thread, { conversationId: conversation.id } satisfies DeskThread);
    fx.send({ conversationId: conversation.id, channel: 'telegram', address: thread, direction: 'out', from: 'bot', text, at: this.#stamp(), status: 'pending' });
  }

  /** Which conversation an agent's message is for: the quoted one, the only one, the one picked with /use. */
  async #target(tx: Tx, agent: Agent, state: AgentState, inbound: InboundMessage): Promise<{ conversation: Conversation } | { problem: string }> {
    if (inbound.replyTo !== undefined) {
      const quoted = await tx.messageByChannelId(inbound.channel, inbound.replyTo);
      if (quoted?.conversationId !== undefined) return this.#held(tx, agent, quoted.conversationId);
    }
    const held = await tx.openConversations({ stage: 'assigned', agentId: agent.id });
    if (held.length === 1 && held[0]) return this.#held(tx, agent, held[0].id);
    if (state.current !== undefined && held.some((c) => c.id === state.current)) return this.#held(tx, agent, state.current);
    if (held.length === 0) return { problem: 'You hold no conversation right now. /list shows the queue and /claim N takes one.' };
    return { problem: `You hold ${held.map((c) => `#${c.id}`).join(', ')}: reply to one of their messages, or pick one with /use N.` };
  }

  async #held(tx: Tx, agent: Agent, id: number): Promise<{ conversation: Conversation } | { problem: string }> {
    const conversation = await tx.conversation(id);
    if (!conversation || conversation.status !== 'open') return { problem: `#${id} is not an open conversation.` };
    if (conversation.stage !== 'assigned' || conversation.agentId !== agent.id) {
      const holder = conversation.agentId && conversation.stage === 'assigned' ? this.#directory.agent(conversation.agentId)?.name : undefined;
      return { problem: `#${id} is not yours${holder ? ` (${holder} has it)` : ''}; nothing was changed.` };
    }
    return { conversation };
  }

  /** The agent holding the conversation, if an agent holds it. */
  #holder(conversation: Conversation): Agent | undefined {
    return conversation.stage === 'assigned' && conversation.agentId ? this.#directory.agent(conversation.agentId) : undefined;
  }

  #claimRefusal(conversation: Conversation | undefined, agent: Agent, id: number): string | undefined {
    if (!conversation || conversation.status !== 'open') return `#${id} is not an open conversation.`;
    if (conversation.stage === 'assigned') {
      const holder = conversation.agentId ? this.#directory.agent(conversation.agentId)?.name : undefined;
      return conversation.agentId === agent.id ? `#${id} is already yours.` : `#${id} is already with ${holder ?? 'another agent'}.`;
    }
    if (!this.#mayTouch(conversation, agent)) return `#${id} belongs to ${conversation.team}, which is not one of your teams.`;
    return undefined;
  }

  /** An agent may act on conversations of their teams, and on those not routed to any team yet. */
  #mayTouch(conversation: Conversation, agent: Agent): boolean {
    if (conversation.agentId === agent.id) return true;
    const team = conversation.team?.toLowerCase();
    return team === undefined || agent.teams.some((name) => name.toLowerCase() === team);
  }

  async #listing(tx: Tx, agent: Agent, state: AgentState): Promise<string> {
    const now = this.#now().getTime();
    const lines = [`You are ${state.status}.`];
    const held = await tx.openConversations({ stage: 'assigned', agentId: agent.id }, { live: false });
    lines.push(held.length === 0 ? 'You hold no conversation.' : `Yours (${held.length}/${agent.maxOpen}):`);
    for (const conversation of held) lines.push(`  #${conversation.id} ${await this.#nameOf(tx, conversation)} · ${conversation.team ?? 'no team'}${state.current === conversation.id ? ' · /use' : ''}`);
    for (const team of agent.teams) {
      const queue = queueOf(team, await tx.openConversations({ stage: 'queued', team }, { live: false }));
      lines.push(queue.length === 0 ? `${team} queue: empty.` : `${team} queue (${queue.length}):`);
      for (const conversation of queue.slice(0, LISTED_PER_QUEUE)) {
        const waited = Math.max(0, Math.round((now - Date.parse(conversation.queuedAt ?? conversation.openedAt)) / 60_000));
        lines.push(`  #${conversation.id} ${await this.#nameOf(tx, conversation)} · waiting ${waited} min`);
      }
      if (queue.length > LISTED_PER_QUEUE) lines.push(`  … and ${queue.length - LISTED_PER_QUEUE} more`);
    }
    return lines.join('\n');
  }

  async #choose(tx: Tx, team: Team, conversation: Conversation, options: { strategy?: Team['strategy']; target?: string }): Promise<Agent | undefined> {
    const agents = this.#directory.agentsOfTeam(team.name);
    const states = new Map<string, AgentState>();
    const held = new Map<string, number>();
    for (const agent of agents) {
      states.set(agent.id, await this.#state(tx, agent));
      held.set(agent.id, await tx.countOpenConversations({ stage: 'assigned', agentId: agent.id }));
    }
    const teamState = await tx.doc<{ lastAgentId?: string }>('teams', team.name.toLowerCase());
    return chooseAgent({
      team,
      agents,
      statusOf: (id) => states.get(id)?.status ?? 'offline',
      openCountOf: (id) => held.get(id) ?? 0,
      lastAssignedAtOf: (id) => states.get(id)?.lastAssignedAt,
      ...(teamState?.lastAgentId ? { lastAssignedInTeam: teamState.lastAgentId } : {}),
      ...options,
    });
  }

  /** Makes `agent` hold `conversation` and sends them its card. */
  async #giveTo(tx: Tx, conversation: Conversation, agent: Agent, fx: DeskEffects, options: { announce?: boolean } = {}): Promise<void> {
    const now = this.#stamp();
    tx.putConversation(conversation);
    conversation.stage = 'assigned';
    conversation.agentId = agent.id;
    conversation.assignedAt ??= now;
    // The flow rested on its assign step; with a person in charge it is over.
    if (conversation.flow && !conversation.flow.done) conversation.flow = { ...conversation.flow, done: true };
    if (!conversation.team) conversation.team = agent.teams[0];
    const state = await this.#state(tx, agent);
    state.lastAssignedAt = now;
    tx.putDoc('agents', agent.id, state);
    if (conversation.team) tx.putDoc('teams', conversation.team.toLowerCase(), { lastAgentId: agent.id });
    const contact = await tx.contact(conversation.contactId);
    const recent = (await tx.recentMessages(conversation.id, 30)).filter((m) => m.from === 'contact').slice(-RECENT_FOR_CARD);
    const team = conversation.team ? this.#directory.team(conversation.team) : undefined;
    const card = contact ? assignmentCard({ conversation, contact, ...(team ? { team } : {}), messages: recent }) : undefined;
    // A desk team works in its group: the card is the thread's first message (posted when the thread opens).
    if (card && !team?.telegramDesk) await this.#toAgent(tx, agent, card, fx, conversation.id);
    if (card && team?.telegramDesk && conversation.deskThread && options.announce) await this.#toThread(tx, conversation, `${agent.name} took #${conversation.id}.`, fx);
    fx.emit({ type: 'conversation.assigned', payload: { conversation } });
  }

  async #toCustomer(tx: Tx, conversation: Conversation, message: { from: 'bot' | 'agent'; agentId?: string; text: string }, fx: DeskEffects): Promise<void> {
    const to = await this.#customerAddress(tx, conversation);
    if (to === undefined) {
      this.#log.error({ conversation: conversation.id }, 'the customer has no address on the conversation\'s channel');
      return;
    }
    fx.send({
      contactId: conversation.contactId, conversationId: conversation.id, channel: conversation.channel, address: to, direction: 'out',
      from: message.from, ...(message.agentId ? { agentId: message.agentId } : {}), text: message.text, at: this.#stamp(), status: 'pending',
    });
  }

  /** The customer's address on the conversation's channel. */
  async #customerAddress(tx: Tx, conversation: Conversation): Promise<string | undefined> {
    const contact = await tx.contact(conversation.contactId);
    return contact?.identities.find((identity) => identity.channel === conversation.channel)?.id;
  }

  /** A message to the agent, where they last wrote from (else their first address in team.yaml). */
  async #toAgent(tx: Tx, agent: Agent, text: string, fx: DeskEffects, conversationId?: number): Promise<void> {
    const state = await this.#state(tx, agent);
    const identity = state.replyTo ?? agent.identities[0];
    if (!identity) return;
    fx.send({
      ...(conversationId !== undefined ? { conversationId } : {}), channel: identity.channel, address: identity.id,
      agentId: agent.id, direction: 'out', from: 'bot', text, at: this.#stamp(), status: 'pending',
    });
  }

  async #state(tx: Tx, agent: Agent): Promise<AgentState> {
    return (await tx.doc<AgentState>('agents', agent.id)) ?? { status: 'offline', since: this.#stamp() };
  }

  async #nameOf(tx: Tx, conversation: Conversation): Promise<string> {
    return (await tx.contact(conversation.contactId))?.name ?? 'customer';
  }

  #findAgent(nameOrId: string): Agent | undefined {
    const wanted = nameOrId.trim().toLowerCase();
    return this.#directory.agents().find((agent) => agent.id === wanted || agent.name.toLowerCase() === wanted);
  }

  #stamp(): string {
    return this.#now().toISOString();
  }
}
