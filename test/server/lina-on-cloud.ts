// The dashboard's pages about an agent's replies on WhatsApp (those waiting for the channel, Send again): Layla writes
// on a fake Graph API, the flow queues her for Billing, whose one agent is Lina on the web chat. Each test's servers
// stop after it (`stopCloudsAfterEach` in the file).
import { afterEach, expect } from 'vitest';
import { messagesBody, startCloud, text as cloudText, type CloudServer, type CloudServerOptions } from '../channels/whatsapp-cloud/harness.ts';
import { agentToken, builtDashboard, cleanupDirs, eventually, visitor } from '../helpers.ts';
import { ADMIN_TOKEN } from './admin/client.ts';

export const LAYLA = '966501234567';
/** The flow: one assign step, to Billing ("Please wait for an agent." while queued). */
export const LINA_FLOW = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
/** Team Billing, whose one agent is Lina on the web chat (`agent-lina`). */
export const LINA_TEAM = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n`;

const running: CloudServer[] = [];

/** Registers the hook that stops the servers `startLinaCloud` started, after each test of the calling file. */
export function stopCloudsAfterEach(): void {
  afterEach(async () => {
    for (const server of running.splice(0).reverse()) await server.stop();
    await cleanupDirs();
  });
}

/** Switchboard on a fake Graph API with that flow and team, the admin API and the built dashboard. */
export async function startLinaCloud(options: Pick<CloudServerOptions, 'outbox'> = {}): Promise<CloudServer> {
  const cloud = await startCloud({ flows: { 'inbound.yaml': LINA_FLOW }, team: LINA_TEAM, ...options, config: { ADMIN_TOKEN }, dashboardDir: await builtDashboard() });
  running.push(cloud);
  return cloud;
}

/**
 * `startLinaCloud`, then Lina online on her web chat session and Layla's "Is my refund on its way?" in her hands (#1):
 * Lina's session, to say and read as she does.
 */
export async function linaHoldsLayla(options: Pick<CloudServerOptions, 'outbox'> = {}): Promise<{ cloud: CloudServer; lina: ReturnType<typeof visitor> }> {
  const cloud = await startLinaCloud(options);
  const lina = visitor(cloud.app.url, 'agent-lina');
  await lina.say('/online');
  expect((await cloud.post(messagesBody([cloudText('Is my refund on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
  await eventually(async () => (await lina.messages()).some((m) => m.text.includes('Is my refund on its way?')), 15_000);
  return { cloud, lina };
}
