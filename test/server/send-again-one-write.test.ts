// The dashboard's Send again writes the copy of the failed reply and the admin's entry in the conversation's timeline
// ("reply sent again · Lina · by Nadia (admin)") in one store write: a process that dies right after the store took the
// copy (the store refusing every write from then on, as a killed process writes nothing more) leaves both or neither,
// never a copy the timeline does not account for. On the embedded store, and on PostgreSQL when DATABASE_URL is set
// (a throwaway database of its own).
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { TIMELINES, type TimelineEvent } from '../../src/bot/timeline.ts';
import { StoreUnavailableError } from '../../src/store/errors.ts';
import type { Store } from '../../src/store/types.ts';
import { metaError } from '../channels/meta/fake-graph-api.ts';
import { messagesBody, startCloud, text as cloudText, type CloudServer } from '../channels/whatsapp-cloud/harness.ts';
import { agentToken, builtDashboard, cleanupDirs, eventually, visitor } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from '../store/postgres-helpers.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';
import { LAYLA } from './lina-on-cloud.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "Please wait for an agent."\n';
const team = `teams:\n  - name: Billing\nagents:\n  - name: Lina\n    webchat: agent-lina\n    webchat_token: ${agentToken('agent-lina')}\n    teams: [Billing]\n`;
const databases: string[] = [];
afterAll(async () => {
  for (const name of databases) await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await cleanupDirs();
});

/** Whether `store` holds a copy Send again sent of a failed reply (relayed from `<session>:again-<id>`). */
const holdsCopy = async (store: Store) => (await store.messagesOfConversation(1)).some((message) => message.relayOf !== undefined && /:again-\d+$/.test(message.relayOf));
const timelineSaysSentAgain = async (store: Store) => ((await store.doc<TimelineEvent[]>(TIMELINES, '1')) ?? []).some((event) => event.type === 'sent again');

for (const kind of ['lowdb', 'postgres'] as const) {
  it.skipIf(kind === 'postgres' && !databaseUrl)(`leaves the copy and the timeline's entry both or neither when the process dies right after the copy is stored (${kind})`, async () => {
    let config: Record<string, string> = { ADMIN_TOKEN };
    if (kind === 'postgres') {
      const name = `t_${randomBytes(6).toString('hex')}`;
      await sql(`CREATE DATABASE ${name}`);
      databases.push(name);
      config = { ...config, STORE: 'postgres', DATABASE_URL: urlOfDatabase(name) };
    }
    const cloud: CloudServer = await startCloud({ flows: { 'inbound.yaml': flow }, team, config, dashboardDir: await builtDashboard() });
    const store = cloud.app.store;
    const real = store.transaction.bind(store);
    try {
      const lina = visitor(cloud.app.url, 'agent-lina');
      await lina.say('/online');
      expect((await cloud.post(messagesBody([cloudText('Is my refund on its way?', { from: LAYLA })], { from: LAYLA, name: 'Layla' }))).status).toBe(200);
      await eventually(async () => (await lina.messages()).some((m) => m.text.includes('Is my refund on its way?')), 30_000);
      // The bot's "Lina has joined" has gone: the one failure below is her answer's.
      await eventually(() => cloud.graph.saidTo(LAYLA).some((said) => said.includes('Lina')), 30_000);
      // WhatsApp refuses Lina's answer for good.
      cloud.graph.fail(1, metaError(400, 100, 'Invalid parameter'));
      await lina.say('Yes, it went out today.');
      const failed = async () => (await store.messagesOfConversation(1)).find((m) => m.from === 'agent' && m.text === 'Yes, it went out today.' && m.status === 'failed');
      await eventually(async () => (await failed()) !== undefined, 30_000);

      // From the commit that stores the copy on, the process is as good as dead: the store takes no write more.
      let dead = false;
      store.transaction = async (key, work, options) => {
        if (dead) throw new StoreUnavailableError('the process was killed');
        const done = await real(key, work, options);
        if (await holdsCopy(store)) dead = true;
        return done;
      };
      const admin = adminClient(cloud.app.url);
      await admin.post(`/conversations/1/messages/${(await failed())!.id}/again`, {}, { 'x-requested-with': 'switchboard' });
      expect(dead).toBe(true);
      expect(await timelineSaysSentAgain(store)).toBe(await holdsCopy(store));
    } finally {
      store.transaction = real;
      await cloud.stop();
    }
  }, 150_000);
}
