// What an admin decides from the dashboard about a conversation: the same decisions as an agent's (close, note,
// hand back, transfer), on any open conversation rather than only those they hold, plus giving a conversation to
// a named agent. They go through the agent action API (`runtime.act`) like every other decision; the holder, if
// another person, is told in their app.
import type { Conversation, TextStyle, Tx } from '../store/types.ts';
import { actionResult, type ActionResult, type HandBack } from './actions.ts';
import { agentState, takenFrom } from './agent-state.ts';
import { assign, drainFor, giveTo } from './assignment/assign.ts';
import { close, unseenByCloser } from './closing.ts';
import { recordHandOver, recordQueuedHandOver, stamp, whyNoHandBack, type DeskContext, type DeskEffects } from './context.ts';
import { line, type Line } from './lines.ts';
import { holderOf, notOpen } from './lookups.ts';
import { customerAddress, tell } from './outgoing.ts';

/** An admin acting from the dashboard, by the name they gave (`X-Admin-Name`, else "admin"). */
export interface Admin {
  kind: 'admin';
  name: string;
  /** The time zone of the admin's screen (`Asia/Riyadh`), as the dashboard sends it (`tz`): a refusal says times in it. */
  timeZone?: string;
}

/** What an admin decides. `conversationId` is the number people see as #42. */
export type AdminAction =
  /** `seen`: the newest message id the admin's screen showed; the close is refused when the customer wrote since. */
  | { kind: 'close'; conversationId: number; note?: string; shareNote?: boolean; noteStyles?: TextStyle[]; seen?: number; holder?: string | null }
  | { kind: 'note'; conversationId: number; text: string; styles?: TextStyle[] }
  | { kind: 'handBack'; conversationId: number; holder?: string | null }
  /** To a team's queue (and a free agent of it), or to a named agent; one of the two. */
  | { kind: 'transfer'; conversationId: number; team?: string; agentId?: string; holder?: string | null }
  | { kind: 'assign'; conversationId: number; agentId: string; holder?: string | null };
// `holder`: the agent (id) the admin's screen showed holding the conversation, null for none (queued, with the bot);
// the decision is refused when that changed since (an agent's /claim, a colleague's transfer), as a close is by `seen`.

const done = (said: Line, conversationId: number): ActionResult => actionResult(true, said, conversationId);
const refused = (said: Line, conversationId: number): ActionResult => actionResult(false, said, conversationId);

/** The name an admin's decisions are recorded under (`closedBy`, timelines), never mistaken for an agent's id. */
export const adminActorId = (admin: Admin): string => `admin:${admin.name}`;

/**
 * Carries out an admin's action in a transaction. Refusals change nothing and say why.
 *
 *     const result = await adminAct(ctx, tx, { kind: 'admin', name: 'Nadia' }, { kind: 'assign', conversationId: 42, agentId: 'omar' }, fx, handBack);
 *     result.message; // '#42 is now with Omar.'
 */
export async function adminAct(ctx: DeskContext, tx: Tx, admin: Admin, action: AdminAction, fx: DeskEffects, handBack: HandBack): Promise<ActionResult> {
  const id = action.conversationId;
  const conversation = await tx.conversation(id);
  if (!conversation || conversation.status !== 'open') return refused(notOpen(ctx, id, conversation, undefined, admin.timeZone), id);
  const holder = holderOf(ctx, conversation);
  const by = adminActorId(admin);
  // Taken meanwhile, the admin would take it from an agent they did not know had it (or meant to take it from one who
  // no longer has it): they look again first.
  const heldNow = conversation.stage === 'assigned' ? conversation.agentId ?? null : null;
  if ('holder' in action && action.holder !== undefined && heldNow !== action.holder) return refused(line('holderChanged', id, holder?.name ?? heldNow ?? undefined), id);
  switch (action.kind) {
    case 'note': {
      tx.addMessage({
        contactId: conversation.contactId, conversationId: id, channel: conversation.channel,
        address: (await customerAddress(tx, conversation)) ?? '', direction: 'in', from: 'note', author: admin.name, text: action.text, ...(action.styles?.length ? { styles: action.styles } : {}), at: stamp(ctx),
      });
      return done(line('noteAdded', id), id);
    }
    case 'close': {
      const unseen = action.seen !== undefined ? await unseenByCloser(tx, conversation, action.seen) : undefined;
      if (unseen) return refused(unseen, id);
      close(ctx, tx, conversation, by, action.note, fx, { shared: action.shareNote === true, ...(action.noteStyles ? { styles: action.noteStyles } : {}) });
      if (holder) {
        await tell(ctx, tx, holder.id, line('closedBy', id, admin.name, action.note), fx, id);
        await takenFrom(tx, holder, id, stamp(ctx));
        await drainFor(ctx, tx, holder, fx);
      }
      return done(line('closed', id, action.note), id);
    }
    case 'handBack': {
      if (conversation.stage === 'bot') return refused(line('alreadyWithBot', id), id);
      const noHandBack = await whyNoHandBack(ctx, conversation, 'notMoved');
      if (noHandBack) return refused(noHandBack, id);
      conversation.stage = 'bot';
      delete conversation.agentId;
      delete conversation.passedOn;
      // Taken over in the business's own app before: the bot answers again, as it just told the customer.
      delete conversation.takenOver;
      tx.putConversation(conversation);
      fx.emit({ type: 'conversation.handedBack', payload: { conversation, agentId: by } });
      await handBack(tx, conversation, fx);
      if (holder) {
        await tell(ctx, tx, holder.id, line('handedBackBy', id, admin.name), fx, id);
        await takenFrom(tx, holder, id, stamp(ctx));
        await drainFor(ctx, tx, holder, fx);
      }
      return done(line('handedBack', id), id);
    }
    case 'assign':
      return toAgent(ctx, tx, conversation, action.agentId, admin, fx);
    case 'transfer': {
      if (action.agentId !== undefined) return toAgent(ctx, tx, conversation, action.agentId, admin, fx);
      const team = action.team === undefined ? undefined : ctx.directory.team(action.team);
      if (!team) {
        return refused(line('noTeam', action.team ?? '', ctx.directory.teams().map((t) => t.name)), id);
      }
      // Its queue would be seen by nobody.
      if (ctx.directory.agentsOfTeam(team.name).length === 0) return refused(line('teamHasNoAgents', ctx.directory.titled(team.name), id, 'notMoved'), id);
      if (holder) recordHandOver(conversation, stamp(ctx), by);
      else if (conversation.stage === 'queued') recordQueuedHandOver(conversation, stamp(ctx), by);
      delete conversation.agentId;
      conversation.passedOn = { by: admin.name, ...(conversation.team !== undefined ? { team: conversation.team } : {}) };
      // Taken over in the business's own app before: waiting in the queue, the customer hears their place as others do.
      delete conversation.takenOver;
      tx.putConversation(conversation);
      fx.emit({ type: 'conversation.transferred', payload: { conversation, agentId: by, to: team.name } });
      conversation.stage = 'queued';
      conversation.queuedAt = stamp(ctx);
      await assign(ctx, tx, conversation, { team: team.name }, fx);
      if (holder) {
        await tell(ctx, tx, holder.id, line('movedBy', id, ctx.directory.titled(team.name), admin.name), fx, id);
        await takenFrom(tx, holder, id, stamp(ctx));
        await drainFor(ctx, tx, holder, fx);
      }
      const taker = holderOf(ctx, conversation);
      return done(line('transferred', id, ctx.directory.titled(team.name), taker?.name), id);
    }
  }
}

/** Gives the conversation to an agent who is online, whoever holds it now. */
async function toAgent(ctx: DeskContext, tx: Tx, conversation: Conversation, agentId: string, admin: Admin, fx: DeskEffects): Promise<ActionResult> {
  const { id } = conversation;
  const agent = ctx.directory.agent(agentId);
  if (!agent) return refused(line('noAgent', agentId), id);
  const holder = holderOf(ctx, conversation);
  if (holder?.id === agent.id) return refused(line('alreadyWith', id, agent.name), id);
  if ((await agentState(tx, agent, stamp(ctx))).status !== 'online') return refused(line('agentNotOnline', agent.name, id, 'notMoved'), id);
  // Taken from its agent, it is the admin who passes it on (the card says so), not whoever passed it to that agent.
  // From the queue, it is still where the last one to pass it on put it.
  if (holder) conversation.passedOn = { by: admin.name, ...(conversation.team !== undefined ? { team: conversation.team } : {}) };
  if (holder || conversation.stage !== 'bot') {
    // From the queue too: the admin chose who takes it, not the team's strategy.
    if (holder) recordHandOver(conversation, stamp(ctx), adminActorId(admin));
    else if (conversation.stage === 'queued') recordQueuedHandOver(conversation, stamp(ctx), adminActorId(admin));
    delete conversation.agentId;
    tx.putConversation(conversation);
    fx.emit({ type: 'conversation.transferred', payload: { conversation, agentId: adminActorId(admin), to: agent.name } });
  }
  await giveTo(ctx, tx, conversation, agent, fx);
  if (holder) {
    await tell(ctx, tx, holder.id, line('givenBy', id, agent.name, admin.name), fx, id);
    await takenFrom(tx, holder, id, stamp(ctx));
    await drainFor(ctx, tx, holder, fx);
  }
  return done(line('nowWith', id, agent.name), id);
}
