// What an operator reads in the log: one info line per lifecycle event, with the ids that tie them together
// (conversation, contact, agent, team), never what anybody wrote. An agent's status change says who made it (`reason`:
// `agent` when they set it themselves, `noConsole` when they were set Away for having no console connected).
import type { Logger } from '../shared/log.ts';
import type { EventBus } from './events.ts';

/**
 * Logs every lifecycle event on the bus; returns the function that stops it.
 *
 *     const stop = logLifecycle(bus, log);
 */
export function logLifecycle(bus: EventBus, log: Logger): () => void {
  const ids = (conversation: { id: number; contactId: string; team?: string; agentId?: string; channel: string }) => ({
    conversation: conversation.id, contact: conversation.contactId, channel: conversation.channel,
    ...(conversation.team ? { team: conversation.team } : {}), ...(conversation.agentId ? { agent: conversation.agentId } : {}),
  });
  const offs = [
    bus.on('conversation.opened', ({ conversation, source }) => log.info({ ...ids(conversation), source }, 'conversation opened')),
    bus.on('intent.classified', ({ conversation, intent, confidence }) => log.info({ ...ids(conversation), intent, confidence: Math.round(confidence * 100) / 100 }, 'conversation classified')),
    bus.on('conversation.queued', ({ conversation, from, because }) => log.info({ ...ids(conversation), ...(from !== undefined ? { from, reason: because } : {}) }, 'conversation queued')),
    bus.on('conversation.assigned', ({ conversation }) => log.info({ ...ids(conversation), ...(conversation.takenOver ? { takenOverOn: conversation.takenOver.channel } : {}) }, conversation.takenOver ? 'conversation taken over from the business app' : 'conversation assigned')),
    bus.on('conversation.transferred', ({ conversation, agentId, to, from, because }) => log.info({ ...ids(conversation), by: agentId, to, ...(from !== undefined ? { from, reason: because } : {}) }, 'conversation transferred')),
    bus.on('conversation.handedBack', ({ conversation, agentId }) => log.info({ ...ids(conversation), by: agentId }, 'conversation handed back to the bot')),
    bus.on('conversation.closed', ({ conversation }) => log.info({ ...ids(conversation), by: conversation.closedBy }, 'conversation closed')),
    bus.on('agent.status', ({ agentId, status, because }) => log.info({ agent: agentId, status, reason: because ?? 'agent' }, `agent ${status}`)),
  ];
  return () => {
    for (const off of offs) off();
  };
}
