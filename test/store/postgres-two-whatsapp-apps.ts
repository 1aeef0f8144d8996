// Two Switchboard instances with WhatsApp Cloud on one fresh PostgreSQL database and one fake Graph API, Meta's
// webhooks posted to either as a load balancer spreads them: for the WhatsApp races across processes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start } from '../helpers.ts';
import { FakeGraphApi } from '../channels/meta/fake-graph-api.ts';
import { APP_SECRET, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN, sign } from '../channels/whatsapp-cloud/harness.ts';
import { dropDatabase, makeDatabase } from './postgres-two-apps.ts';

/** The two instances (`a` started first) and the fake Graph API both send through. */
export interface TwoWhatsAppApps {
  a: Switchboard;
  b: Switchboard;
  graph: FakeGraphApi;
}

/**
 * `start` makes a database, a fake Graph API and two instances on them over `flows` (file name → YAML) and, when
 * given, `team` as team.yaml; all are taken down after the file's tests (held Graph API answers released first).
 *
 *     const two = twoWhatsAppAppsForFile();
 *     it.skipIf(!databaseUrl)('…', async () => { const { a, b, graph } = await two.start({ 'inbound.yaml': flow }); … });
 */
export function twoWhatsAppAppsForFile(): { start(flows: Record<string, string>, team?: string): Promise<TwoWhatsAppApps> } {
  const running: Switchboard[] = [];
  let graph: FakeGraphApi | undefined;
  let database: { name: string } | undefined;
  afterAll(async () => {
    graph?.releaseAnswers();
    for (const app of running.splice(0)) await app.stop();
    await graph?.close();
    if (database) await dropDatabase(database.name);
    await cleanupDirs();
  });
  return {
    async start(flows, team) {
      graph = await FakeGraphApi.start(TOKEN);
      const made = await makeDatabase();
      database = made;
      const dir = await dataDirWith(flows);
      if (team !== undefined) await writeFile(join(dir, 'team.yaml'), team);
      const config = {
        STORE: 'postgres', DATABASE_URL: made.url, WHATSAPP_TOKEN: TOKEN, WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, GRAPH_API_ROOT: graph.url,
      } as never;
      const a = await start(dir, { config });
      running.push(a);
      const b = await start(dir, { config });
      running.push(b);
      return { a, b, graph };
    },
  };
}

/**
 * Posts `body` to `app`'s WhatsApp webhook, signed as Meta signs it; the status it is answered.
 *
 *     expect(await postWhatsApp(a, messagesBody([text('hi')]))).toBe(200);
 */
export async function postWhatsApp(app: Switchboard, body: unknown): Promise<number> {
  const raw = JSON.stringify(body);
  const res = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw });
  await res.arrayBuffer();
  return res.status;
}
