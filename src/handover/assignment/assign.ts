// Handing conversations to agents: to an available agent of a team or to its queue, back to the queue when an
// agent is gone, and from the queue to an agent who can take more. Every function changes the transaction's live
// conversation and puts it itself.
import { randomUUID } from 'node:crypto';
import { byLanguage } from '../../flows/language.ts';
import type { Conversation, TextStyle, Tx } from '../../store/types.ts';
import { agentState, saveAgentState } from '../agent-state.ts';
import { agentOnFile, renamedTo } from '../agents-on-file.ts';
import { cardOf } from '../card-of.ts';
import { recordHandOver, recordQueuedHandOver, stamp, type DeskContext, type DeskEffects } from '../context.ts';
import { line, word } from '../lines.ts';
import { isolate } from '../../shared/text.ts';
import { deskIsLost, findAgent } from '../lookups.ts';
import { toAgent, toCustomer, toThread } from '../outgoing.ts';
import { agentId, type Agent, type Strategy, type Team } from '../team.ts';
import { aroundPlace } from './places.ts';
import { chooseAgent } from './pipeline.ts';
import { nextFor } from './queue.ts';

/** What a flow's `assign` step (or a transfer) asks for. */
export interface AssignRequest {
  team: string;
  /** An agent to try first (by name or id); the conversation waits in the team's queue if they cannot take it. */
  agent?: string;
  strategy?: Strategy;
  /** What to tell the customer when the conversation is queued, given their place in line (a number, or a mark to put it at), with its styles. */
  queuedText?: (position: number | string) => { text: string; styles?: TextStyle[] };
}

/**
 * Documents (collection `queues`, by team in lower case) written whenever a conversation joins a team's queue, and
 * read by every drain of that team's agents. Queuing and draining run in different transactions (a customer's, an
 * agent's), often in different processes: the drain looks at the queue as copies, so without a record both could
 * commit, each on what it saw before the other, and leave a customer queued while the agent who just came online
 * (or closed one) waits for work. With it, whichever commits second runs again and sees the other.
 */
const QUEUES = 'queues';

/** Records that a conversation joined `team`'s queue (see `QUEUES`). */
function queueChanged(ctx: DeskContext, tx: Tx, team: string): void {
  tx.putDoc(QUEUES, team.toLowerCase(), { changedAt: stamp(ctx) });
}

/**
 * Hands `conversation` to an available agent of the team, or queues it. A team that is empty or not in team.yaml
 * (a template that rendered nothing) is an error in the log, and the default team (the first in team.yaml) takes
 * the conversation; so does a team no agent is in (the first with agents): never a queue no agent serves.
 *
 *     await assign(ctx, tx, conversation, { team: 'Billing' }, fx);
 */
export async function assign(ctx: DeskContext, tx: Tx, conversation: Conversation, request: AssignRequest, fx: DeskEffects): Promise<void> {
  let team = ctx.directory.team(request.team);
  if (!team) {
    team = ctx.directory.defaultTeam();
    ctx.log.error(
      { conversation: conversation.id, team: request.team, instead: team?.name },
      request.team.trim() === '' ? 'assign names no team; the default team (first in team.yaml) takes the conversation' : 'assign names a team that is not in team.yaml; the default team (first in team.yaml) takes the conversation',
    );
  }
  if (team && ctx.directory.agentsOfTeam(team.name).length === 0) {
    // Its queue would be seen by nobody: no agent lists it in team.yaml (its agents removed, or none added yet).
    const served = servedTeam(ctx);
    if (served) {
      ctx.log.error({ conversation: conversation.id, team: team.name, instead: served.name }, `team ${team.name} has no agents in team.yaml; team ${served.name} takes the conversation (add an agent with teams: [${team.name}])`);
      team = served;
    }
  }
  const teamName = team?.name ?? request.team;
  if (conversation.team !== undefined && conversation.team.toLowerCase() !== teamName.toLowerCase()) leaveDeskThread(conversation, fx);
  conversation.team = teamName;
  tx.putConversation(conversation);
  if (team?.desk && !conversation.deskThread) {
    const name = (await tx.contact(conversation.contactId))?.name ?? 'customer';
    fx.openThread(conversation, team.desk, `#${conversation.id} ${name} · ${team.name}`);
  }
  const target = request.agent ? await agentNamed(ctx, tx, request.agent) : undefined;
  // Meant for someone team.yaml no longer has: queued for the team, for its agents to see, rather than given to whoever is free.
  const nobodyNamed = request.agent !== undefined && target === undefined;
  if (nobodyNamed) ctx.log.error({ conversation: conversation.id, agent: request.agent, team: teamName }, `assign names agent "${request.agent}", who is not in team.yaml; the conversation is queued for team ${teamName} (write the agent's name as team.yaml has it in the flow's agent:)`);
  const seat = team && !nobodyNamed ? await seatFor(ctx, tx, conversation, team, { ...(request.strategy ? { strategy: request.strategy } : {}), ...(target ? { target: target.id } : {}) }, fx) : undefined;
  // Given by a drain: a conversation moved here already queued (a transfer) whose turn came in the seats freed.
  if (seat === 'given') return;
  if (seat) {
    await giveTo(ctx, tx, conversation, seat, fx);
    return;
  }
  // A conversation joining a queue from the bot (a flow's assign step: again after an earlier step's `timeout`, or
  // after a hand back) waits from now: that step's `timeout` and its place in line count from here. One moved from
  // queue to queue (a transfer) comes in already `queued`, with the time its caller set.
  const entering = conversation.stage !== 'queued';
  conversation.stage = 'queued';
  if (entering || conversation.queuedAt === undefined) conversation.queuedAt = stamp(ctx);
  if (target) conversation.agentId = target.id;
  else delete conversation.agentId;
  queueChanged(ctx, tx, teamName);
  // Its place is not counted here: customers queuing at once would each count the queue without the others (a
  // count of records committed, not validated), and be told the same number. The team's placing, one at a time
  // after this commit, puts it at the end of the line and tells the customer their place (`placeInLine`).
  delete conversation.queueNotice;
  // The text is worded now, as the flow has the customer and the conversation, with a mark where the place goes.
  const mark = `\u2063${randomUUID()}\u2063`;
  const queued = request.queuedText?.(mark);
  conversation.awaitingPlace = queued?.text ? aroundPlace(queued.text, queued.styles ?? [], mark) : {};
  fx.placeInLine(teamName);
  fx.emit({ type: 'conversation.queued', payload: { conversation } });
}

/**
 * The agent a flow's `assign: { agent: … }` names: by name or id as team.yaml has them, else, renamed by hand since
 * (see `renamedTo`), by the name they had when team.yaml last had it.
 */
async function agentNamed(ctx: DeskContext, tx: Tx, name: string): Promise<Agent | undefined> {
  const found = findAgent(ctx, name);
  if (found) return found;
  const was = await agentOnFile(tx, agentId(name));
  return was && renamedTo(was, ctx.directory);
}

/**
 * The team that takes a conversation meant for a team no agent serves: the first in team.yaml that has agents;
 * undefined when none has.
 */
function servedTeam(ctx: DeskContext): Team | undefined {
  return ctx.directory.teams().find((team) => ctx.directory.agentsOfTeam(team.name).length > 0);
}

/**
 * Puts a conversation whose agent is gone (removed from team.yaml) back in its team's queue, then lets a free agent
 * take it. It takes its place as a customer queuing now does, behind every place already told: those waiting since it
 * was taken have waited longer for a first answer than a customer an agent was already helping, and a place told
 * never gets worse. Among those coming back at once, one no agent had answered yet keeps its first wait (it has waited
 * longest); one an agent answered waits from now. Its customer is told why and their place, once it has one.
 * `away`: the agent (their name) is in team.yaml but away, and the customer waited too long for them (see
 * `awayTooLong`): the customer is told that agent is away, rather than gone. `removed`: the agent who held it, as
 * team.yaml had them before they were removed: told, where they last wrote from, where it went.
 */
export async function requeue(ctx: DeskContext, tx: Tx, conversation: Conversation, fx: DeskEffects, away?: { agent: string; id: string }, removed?: Agent, gone?: { unreachable: string }): Promise<void> {
  const now = stamp(ctx);
  conversation.stage = 'queued';
  recordHandOver(conversation, now);
  delete conversation.agentId;
  // Whoever takes it now takes it from the queue, not from the colleague who once passed it on.
  delete conversation.passedOn;
  conversation.queuedAt = waitsSince(conversation, now);
  // The place told in an earlier wait is not theirs any more: the placing tells the new one.
  delete conversation.queueNotice;
  if (conversation.team) {
    const language = (await tx.contact(conversation.contactId))?.language;
    conversation.awaitingPlace = { text: backInLineText(language, away?.agent), why: byLanguage(away ? agentAway(away.agent) : AGENT_GONE, language) };
    queueChanged(ctx, tx, conversation.team);
    fx.placeInLine(conversation.team);
  }
  tx.putConversation(conversation);
  const auto = away ? { by: 'auto' as const, from: away.id, because: 'away' as const }
    : gone ? { by: 'auto' as const, from: gone.unreachable, because: 'unreachable' as const } : {};
  fx.emit({ type: 'conversation.queued', payload: { conversation, ...auto } });
  for (const agent of ctx.directory.agentsOfTeam(conversation.team ?? '')) await drainFor(ctx, tx, agent, fx);
  // Taken by a free colleague at once, never placed: its customer would hear "Lina has joined" alone, though they
  // were talking with someone else. Told why first (the joined notice follows, at the commit).
  const taken = await tx.conversation(conversation.id);
  if (taken?.stage === 'assigned' && conversation.team) {
    const language = (await tx.contact(conversation.contactId))?.language;
    await toCustomer(ctx, tx, taken, { from: 'bot', text: away ? byLanguage(agentAway(away.agent), language) : byLanguage(AGENT_GONE, language) }, fx);
  }
  if (removed) {
    // Their app still shows the customer's messages: a reply there would reach nobody, or open a conversation of its own.
    const taker = taken?.stage === 'assigned' && taken.agentId !== undefined ? ctx.directory.agent(taken.agentId)?.name : undefined;
    const customer = (await tx.contact(conversation.contactId))?.name;
    await toAgent(ctx, tx, removed, word(line('passedOnRemoved', conversation.id, customer, ctx.directory.title(conversation.team ?? '', removed.language), taker), removed.language), fx, conversation.id);
  }
}

/**
 * Gives a conversation `from` holds to a colleague of its team who is online with room (the team's strategy picks),
 * never back to `from`; its customer hears, in their language, that another agent will answer them, before who
 * joined. Resolves the colleague, or undefined, changing nothing, when no colleague is free.
 *
 *     const taker = await passToColleague(ctx, tx, conversation, omar, fx);
 */
export async function passToColleague(ctx: DeskContext, tx: Tx, conversation: Conversation, from: Agent, fx: DeskEffects): Promise<Agent | undefined> {
  const team = conversation.team !== undefined ? ctx.directory.team(conversation.team) : undefined;
  const colleague = team && (await choose(ctx, tx, team, { except: from.id }));
  if (!colleague) return undefined;
  const language = (await tx.contact(conversation.contactId))?.language;
  await toCustomer(ctx, tx, conversation, { from: 'bot', text: byLanguage(ANOTHER_AGENT, language) }, fx);
  // Nobody's move, as an auto-close is: the timeline (and the agent console) say it was the wait.
  fx.emit({ type: 'conversation.transferred', payload: { conversation, agentId: 'auto', to: colleague.name, from: from.id, because: 'unanswered' } });
  recordHandOver(conversation, stamp(ctx));
  await giveTo(ctx, tx, conversation, colleague, fx);
  return colleague;
}

/** What a customer left unanswered hears as a colleague of their agent takes them (see `passToColleague`). */
const ANOTHER_AGENT = {
  en: 'So that you are not kept waiting, another agent will answer you.',
  ar: 'حتى لا يطول انتظارك، سيجيبك موظف آخر.',
};

/** What a customer whose agent is gone hears when a colleague takes them at once (see `backInLineText` otherwise). */
const AGENT_GONE = {
  en: 'The agent who was helping you is no longer available.',
  ar: 'الموظف الذي كان يساعدك لم يعد متاحًا.',
};

/** What a customer whose agent is away hears when a colleague takes them at once (see `backInLineText` otherwise). */
const agentAway = (agent: string) => ({
  en: `${isolate(agent)} is away at the moment, so another agent will answer you.`,
  ar: `${isolate(agent)} غير متاح حاليًا، لذا سيجيبك موظف آخر.`,
});

/**
 * Whether someone could ever take a queued conversation: the agent it waits for by name is in team.yaml, or else its
 * team has agents. One nobody could take (team.yaml edited while it waited) goes on with `rehome`.
 */
export function stranded(ctx: DeskContext, conversation: Conversation): boolean {
  if (conversation.agentId !== undefined) return !ctx.directory.agent(conversation.agentId);
  return conversation.team === undefined || ctx.directory.agentsOfTeam(conversation.team).length === 0;
}

/**
 * Gives a queued conversation nobody could take (see `stranded`) to its team's agents, or, its team having none, to
 * the first team with agents, where it takes its place behind those waiting there; its customer is told they were
 * passed to that team. Left as it is when no team has agents. `renamed`: the name team.yaml gives its team now (see
 * `renamedTeams`): it waits there, in its place, and its customer is told nothing (their team is the same).
 */
export async function rehome(ctx: DeskContext, tx: Tx, conversation: Conversation, fx: DeskEffects, renamed?: string): Promise<void> {
  // Put back in its queue in this transaction (`requeue`: its agent went with its team), not placed yet: what its
  // customer is told goes with the place it takes where it goes now, in one message.
  const unplaced = conversation.awaitingPlace;
  if (renamed !== undefined && ctx.directory.agentsOfTeam(renamed).length > 0) {
    ctx.log.warn({ conversation: conversation.id, team: conversation.team, now: renamed }, `team ${conversation.team ?? ''} is not in team.yaml any more; its agents are in ${renamed} now, so the conversation waits there (a team renamed)`);
    conversation.team = renamed;
    const waitsFor = conversation.agentId !== undefined ? ctx.directory.agent(conversation.agentId)?.id : undefined;
    await assign(ctx, tx, conversation, { team: renamed, ...(waitsFor ? { agent: waitsFor } : {}) }, fx);
    await toldWhereItWent(ctx, tx, conversation, unplaced, fx, { moved: false });
    return;
  }
  const own = conversation.team !== undefined && ctx.directory.agentsOfTeam(conversation.team).length > 0 ? conversation.team : undefined;
  const team = own ?? servedTeam(ctx)?.name;
  if (team === undefined) return;
  // Its customer moved on: a hand-over, nobody's at the business.
  recordQueuedHandOver(conversation, stamp(ctx), 'auto');
  delete conversation.agentId;
  const moved = team !== conversation.team;
  if (moved) {
    ctx.log.warn({ conversation: conversation.id, team: conversation.team, instead: team }, 'no agent in team.yaml can take this queued conversation any more; it goes to the first team with agents');
    fx.emit({ type: 'conversation.transferred', payload: { conversation, agentId: 'bot', to: team } });
  }
  await assign(ctx, tx, conversation, { team }, fx);
  await toldWhereItWent(ctx, tx, conversation, unplaced, fx, { moved });
}

/**
 * After `rehome` of a conversation still waiting for its place (`unplaced`, as `requeue` left it): waiting where it
 * went, its customer is told in the one message of its placing: in the same team for them (renamed), the words they
 * would have read there; `moved` to another team, why (see `awaitingPlace.why`), then the move's notice and their
 * place. Taken by an agent at once, why, before who joined.
 */
async function toldWhereItWent(ctx: DeskContext, tx: Tx, conversation: Conversation, unplaced: Conversation['awaitingPlace'], fx: DeskEffects, { moved }: { moved: boolean }): Promise<void> {
  if (!unplaced?.why) return;
  if (conversation.stage === 'assigned') {
    await toCustomer(ctx, tx, conversation, { from: 'bot', text: unplaced.why }, fx);
    return;
  }
  if (!conversation.awaitingPlace) return;
  conversation.awaitingPlace = moved ? { ...conversation.awaitingPlace, why: unplaced.why } : unplaced;
  tx.putConversation(conversation);
}

/**
 * Since when a conversation going back to its queue has waited for an agent: its first wait if no agent answered its
 * customer yet, else from `now`. Several going back at once go in this order (`requeue` them so).
 *
 *     orphans.sort((a, b) => Date.parse(waitsSince(a, now)) - Date.parse(waitsSince(b, now)));
 */
export function waitsSince(conversation: Conversation, now: string): string {
  return conversation.firstResponseAt === undefined ? (conversation.queuedAt ?? conversation.assignedAt ?? now) : now;
}

/** What a customer whose agent is gone (or `away`: that agent is away) is told, around their new place in line (see `requeue`). */
function backInLineText(language: string | undefined, away?: string): string[] {
  if (away !== undefined) {
    return byLanguage({
      en: [`${isolate(away)} is away at the moment, so the next free agent will answer you. You are number `, ' in line.'],
      ar: [`${isolate(away)} غير متاح حاليًا، لذا سيجيبك أول موظف يتفرغ. ترتيبك `, ' في قائمة الانتظار.'],
    }, language);
  }
  return byLanguage({
    en: ['The agent who was helping you is no longer available. You are number ', ' in line for the next one.'],
    ar: ['الموظف الذي كان يساعدك لم يعد متاحًا. ترتيبك ', ' في قائمة الانتظار للموظف التالي.'],
  }, language);
}

/**
 * Gives `agent` the longest-waiting conversations they can take, while they are online and under capacity; resolves
 * with how many it gave.
 */
export async function drainFor(ctx: DeskContext, tx: Tx, agent: Agent, fx: DeskEffects): Promise<number> {
  const state = await agentState(tx, agent, stamp(ctx));
  if (state.status !== 'online') return 0;
  let given = 0;
  let recorded = false;
  /** Conversations a copy showed queued that were no longer this agent's to take when read. */
  const gone = new Set<number>();
  for (;;) {
    if ((await tx.countOpenConversations({ stage: 'assigned', agentId: agent.id })) >= agent.maxOpen) return given;
    // Looked at as copies, then only the one picked is read (and validated): a queue changing elsewhere
    // (a queued customer writing) does not make this transaction conflict.
    const queued: Conversation[] = [];
    for (const team of agent.teams) queued.push(...(await tx.openConversations({ stage: 'queued', team }, { live: false })));
    const picked = nextFor(agent, queued.filter((conversation) => !gone.has(conversation.id)));
    const read = picked && (await tx.conversation(picked.id));
    // The copy may be older than the record read now: another agent's claim (on another process, say) may have
    // taken it in between. Taken only if it is still queued for this agent.
    const next = read && nextFor(agent, [read]);
    if (next) {
      await giveTo(ctx, tx, next, agent, fx);
      given++;
      continue;
    }
    if (picked) {
      gone.add(picked.id);
      continue;
    }
    if (!recorded) {
      // Room left and nothing to take: the one case where a conversation queued by another transaction meanwhile
      // would be missed (see QUEUES). Read, so checked at commit, then the queue is looked at again: one queued
      // before the read is seen now, one queued after it makes this transaction run again. Only here: a drain
      // that fills the agent up never conflicts with a busy queue.
      for (const team of agent.teams) await tx.doc(QUEUES, team.toLowerCase());
      recorded = true;
      continue;
    }
    // The other way round: an assign that read this agent's state (every assign of their teams does) and queued a
    // conversation on a count from before this one freed room runs again, and gives it to them.
    state.roomAt = stamp(ctx);
    saveAgentState(tx, agent, state);
    return given;
  }
}

/**
 * Makes `agent` hold `conversation` and sends them its card (in a desk team, the card is the thread's first
 * message, posted when the thread opens; `announce` says in the thread who took it).
 */
export async function giveTo(ctx: DeskContext, tx: Tx, conversation: Conversation, agent: Agent, fx: DeskEffects, options: { announce?: boolean } = {}): Promise<void> {
  const now = stamp(ctx);
  const returning = conversation.assignedAt !== undefined;
  tx.putConversation(conversation);
  conversation.stage = 'assigned';
  conversation.agentId = agent.id;
  conversation.handledBy = agent.id;
  conversation.assignedAt ??= now;
  // The inactivity clock (AUTO_CLOSE_AFTER) starts again for this agent: the last agent message may be a colleague's, long ago.
  conversation.heldSince = now;
  // A customer nobody answered yet waits for this agent's first words (see `awayDueAt`).
  if (conversation.firstResponseAt === undefined) conversation.customerWaitingSince = now;
  delete conversation.awaitingPlace;
  // One the business's own app had taken over (given by an admin): the agent holds it through the bot now, so the
  // customer's messages reach them, and the customer hears who joined.
  delete conversation.takenOver;
  // The flow rested on its assign step; with a person in charge it is over (handing back resumes it).
  if (conversation.flow && !conversation.flow.done) conversation.flow = { ...conversation.flow, done: true };
  if (!conversation.team) conversation.team = agent.teams[0];
  const state = await agentState(tx, agent, now);
  state.lastAssignedAt = now;
  saveAgentState(tx, agent, state);
  if (conversation.team) tx.putDoc('teams', conversation.team.toLowerCase(), { lastAgentId: agent.id });
  const team = conversation.team ? ctx.directory.team(conversation.team) : undefined;
  // Passed on by another agent: who, and what was said lately, as a desk's card says it.
  const card = await cardOf(ctx, tx, conversation, { language: agent.language ?? 'en', returning });
  // Worked in its team's desk by one of the team; an agent from elsewhere (given it by a transfer) works it in their
  // chat, and the desk's thread, which would take the customer's words from them, is left.
  // One they took into their chat while the desk had no thread for it is worked there (see `heldOutOfDesk`), as is one
  // given them while the bot is out of the desk's group, or passed on from a colleague's chat where it was worked so.
  const ofTeam = team?.desk !== undefined && agent.teams.some((name) => name.toLowerCase() === team.name.toLowerCase());
  if (ofTeam && !conversation.deskThread && (conversation.heldOutOfDesk !== undefined || (await deskIsLost(tx, team.desk!)))) conversation.heldOutOfDesk = agent.id;
  const inDesk = ofTeam && (conversation.deskThread !== undefined || conversation.heldOutOfDesk !== agent.id);
  if (!inDesk) leaveDeskThread(conversation, fx);
  if (card && !inDesk) await toAgent(ctx, tx, agent, card, fx, conversation.id);
  if (inDesk && conversation.deskThread && options.announce) await toThread(ctx, tx, conversation, word(line('threadTaken', conversation.id, agent.name), team.language), fx);
  fx.emit({ type: 'conversation.assigned', payload: { conversation } });
}

/**
 * A conversation passed out of its desk's team (to another team, or to an agent not in it) leaves the desk's thread,
 * which closes: the customer's words go to whoever works it now (the new team's desk opens a thread of its own), and
 * the thread says no more of it.
 */
function leaveDeskThread(conversation: Conversation, fx: DeskEffects): void {
  const thread = conversation.deskThread;
  if (!thread) return;
  fx.closeThread(thread.channel, thread.address);
  delete conversation.deskThread;
}

/**
 * The agent who takes `conversation` now, once the free seats went to those waiting before it (first in, first out):
 * a seat can be free while customers wait (an erase or a close on another process frees it, and the queue is not
 * served yet; `max_open` raised in team.yaml, until the reload's drain commits), and the one the team's strategy picks
 * goes first to the longest-waiting conversation that agent can take, as their drain would give it; then the strategy
 * picks again. Undefined when no seat is left for it (it queues behind them); `given` when a drain gave it a seat
 * itself (it came in queued). `/claim N` does not come here: an agent choosing whom to take from the queue is theirs
 * to decide.
 */
async function seatFor(ctx: DeskContext, tx: Tx, conversation: Conversation, team: Team, options: { strategy?: Strategy; target?: string }, fx: DeskEffects): Promise<Agent | 'given' | undefined> {
  const queuedBefore = conversation.stage === 'queued';
  const drained = new Set<string>();
  for (;;) {
    const agent = await choose(ctx, tx, team, options);
    // An agent drained already has nothing more they can take: the seat left is this conversation's.
    if (!agent || drained.has(agent.id) || !(await waitingFor(tx, agent, conversation))) return agent;
    drained.add(agent.id);
    await drainFor(ctx, tx, agent, fx);
    if (queuedBefore && conversation.stage === 'assigned') return 'given';
  }
}

/**
 * Whether a conversation other than `conversation` waits in a queue of `agent`'s teams that they could take (see
 * `nextFor`), by copies: counted first, so a free agent whose queues are empty (the usual case) reads none.
 */
async function waitingFor(tx: Tx, agent: Agent, conversation: Conversation): Promise<boolean> {
  for (const team of agent.teams) {
    if ((await tx.countOpenConversations({ stage: 'queued', team })) === 0) continue;
    const queued = await tx.openConversations({ stage: 'queued', team }, { live: false });
    if (nextFor(agent, queued.filter((other) => other.id !== conversation.id))) return true;
  }
  return false;
}

/**
 * The agent the team's strategy picks among its online agents under capacity (`target` first, if given; never the
 * agent `except`).
 */
async function choose(ctx: DeskContext, tx: Tx, team: Team, options: { strategy?: Strategy; target?: string; except?: string }): Promise<Agent | undefined> {
  const { except, ...asked } = options;
  const agents = ctx.directory.agentsOfTeam(team.name).filter((agent) => agent.id !== except);
  const now = stamp(ctx);
  const states = new Map<string, Awaited<ReturnType<typeof agentState>>>();
  const held = new Map<string, number>();
  for (const agent of agents) {
    states.set(agent.id, await agentState(tx, agent, now));
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
    ...asked,
  });
}
