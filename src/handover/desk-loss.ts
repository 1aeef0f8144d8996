// A team desk's group the bot was removed from (or banned from): nothing reaches its threads, so the conversations
// its agents held there would hear nothing of their customers. Each comes to its holder's own chat, where the bot
// still reaches them, with its card; one whose holder nothing reaches goes back to its queue (to a free colleague at
// once, worked in their chat), its customer told as when an agent cannot be reached. One nobody took yet leaves its
// thread and waits in the queue as the team's new ones do (/claim takes it; a thread opens for it when the bot is
// back). The team's agents are told once.
import type { Tx } from '../store/types.ts';
import { agentState, unreachableAt } from './agent-state.ts';
import { requeue } from './assignment/assign.ts';
import { cardOf } from './card-of.ts';
import { stamp, type DeskContext, type DeskEffects } from './context.ts';
import { line, word } from './lines.ts';
import { tell, toAgent } from './outgoing.ts';
import type { Agent } from './team.ts';

/**
 * The bot is out of the desk group `desk`: the agents of its teams are told, and the conversations held in its
 * threads are passed on (see above). False when no team's desk is there.
 *
 *     await deskLost(ctx, tx, { channel: 'telegram', group: '-1001234567890' }, fx); // Omar reads #42's card in his chat
 */
export async function deskLost(ctx: DeskContext, tx: Tx, desk: { channel: string; group: string }, fx: DeskEffects): Promise<boolean> {
  const teams = ctx.directory.teams().filter((team) => team.desk?.channel === desk.channel && team.desk.group === desk.group);
  const told = new Set<string>();
  for (const team of teams) {
    for (const agent of ctx.directory.agentsOfTeam(team.name)) {
      if (told.has(agent.id)) continue;
      told.add(agent.id);
      await tell(ctx, tx, agent.id, line('deskLost', team.name), fx);
    }
  }
  for (const team of teams) {
    const open = [...(await tx.openConversations({ stage: 'queued', team: team.name })), ...(await tx.openConversations({ stage: 'assigned', team: team.name }))];
    for (const conversation of open) {
      const thread = conversation.deskThread;
      if (!thread || thread.channel !== desk.channel || thread.address.split('/')[0] !== desk.group) continue;
      if (conversation.stage === 'queued') {
        delete conversation.deskThread;
        tx.putConversation(conversation);
        continue;
      }
      const holder = conversation.agentId !== undefined ? ctx.directory.agent(conversation.agentId) : undefined;
      // Its thread is left as it is: the bot can no longer close it. Back in the group, no thread opens for it again.
      delete conversation.deskThread;
      if (holder && (await reachable(ctx, tx, holder))) {
        conversation.heldOutOfDesk = holder.id;
        tx.putConversation(conversation);
        const language = holder.language ?? 'en';
        const card = await cardOf(ctx, tx, conversation, { language, returning: true });
        if (card) await toAgent(ctx, tx, holder, card, fx, conversation.id);
        const customer = (await tx.contact(conversation.contactId))?.name;
        await toAgent(ctx, tx, holder, word(line('deskHeldHere', conversation.id, customer, ctx.directory.title(team.name, language)), language), fx, conversation.id);
        continue;
      }
      tx.putConversation(conversation);
      await requeue(ctx, tx, conversation, fx, undefined, undefined, holder ? { unreachable: holder.id } : undefined);
    }
  }
  return teams.length > 0;
}

/** Whether the bot reaches `agent` somewhere outside desk groups: an address of theirs on a channel that runs, not refused. */
async function reachable(ctx: DeskContext, tx: Tx, agent: Agent): Promise<boolean> {
  const state = await agentState(tx, agent, stamp(ctx));
  return agent.identities.some((identity) => (ctx.running?.(identity.channel) ?? true) && !unreachableAt(state, identity));
}
