// A team removed from team.yaml together with its agent while that agent holds customers: what the customers then read,
// through a real server on the embedded store (Telegram webhooks to it, the fake Bot API, the save from the admin API).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, start } from '../../helpers.ts';
import { FakeBotApi, SECRET, handoverDataDir, post, quiet, until, update } from '../../store/postgres-two-apps.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

// Routed to Sales by a field, so team.yaml may drop Sales while the flow stays.
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - set: { conversation.team: Sales }\n  - assign: { team: "{{conversation.team}}" }\n    queued: "You are number {{queue.position}} in line."\n';

const both = `teams:
  - name: Billing
  - name: Sales
agents:
  - name: Sara
    telegram: 9002
    teams: [Billing]
  - name: Omar
    telegram: 9001
    teams: [Sales]
`;
const billingOnly = `teams:
  - name: Billing
agents:
  - name: Sara
    telegram: 9002
    teams: [Billing]
`;

const LAYLA = 74_101;
const NADIA = 74_102;

let app: Switchboard | undefined;
let api: FakeBotApi | undefined;
let dir: string;

afterEach(async () => {
  await app?.stop();
  await api?.close();
  app = undefined;
  api = undefined;
  await cleanupDirs();
});

async function says(chat: number, text: string): Promise<void> {
  expect(await post(app!.url, update(chat, text))).toBe(200);
}

/** A server whose Omar (Sales) holds Layla (writing English) and Nadia (writing Arabic); Sara (Billing) online or not. */
async function omarWithLaylaAndNadia(options: { saraOnline: boolean; watch?: boolean }): Promise<FakeBotApi> {
  api = await FakeBotApi.start();
  dir = await handoverDataDir(flow, both);
  app = await start(dir, {
    adminToken: ADMIN_TOKEN, ...(options.watch ? { watch: true } : {}),
    config: { TELEGRAM_BOT_TOKEN: '123456:team-removed', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, CONTACT_RATE_LIMIT: { capacity: 1000, perMs: 60_000 } } as never,
  });
  await says(9001, '/online');
  await says(LAYLA, 'I want to upgrade my plan');
  await until('Layla with Omar', () => api!.sentTo(LAYLA).includes('\u2068Omar\u2069 has joined the conversation.'));
  await says(NADIA, 'أريد ترقية باقتي من فضلك');
  await until('Nadia with Omar', () => api!.sentTo(NADIA).includes('انضم \u2068Omar\u2069 إلى المحادثة.'));
  if (options.saraOnline) await says(9002, '/online');
  await quiet(api);
  return api;
}

/** team.yaml published from the dashboard, over the version in service. */
async function publish(source: string) {
  const admin = adminClient(app!.url);
  const current = await admin.get<{ version: string }>('/team');
  return admin.put<Record<string, unknown>>('/team', { source, baseVersion: current.body.version });
}

it('customers whose agent is removed with their team read once where they are, in their language: the team that takes them and their place', async () => {
  const api = await omarWithLaylaAndNadia({ saraOnline: false });
  const layla = api.sentTo(LAYLA).length;
  const nadia = api.sentTo(NADIA).length;

  expect((await publish(billingOnly)).status).toBe(200);
  await until('Layla told', () => api.sentTo(LAYLA).length > layla, 10_000);
  await until('Nadia told', () => api.sentTo(NADIA).length > nadia, 10_000);
  await quiet(api);
  // Not first their place in a line nobody serves any more, then that they were passed to Billing.
  expect(api.sentTo(LAYLA).slice(layla)).toEqual(['The agent who was helping you is no longer available. Your conversation was passed to our Billing team. You are number 1 in line.']);
  expect(api.sentTo(NADIA).slice(nadia)).toEqual(['الموظف الذي كان يساعدك لم يعد متاحًا. تم تحويل محادثتك إلى فريق Billing. ترتيبك 2 في قائمة الانتظار.']);
  expect((await app!.store.openConversations()).map(({ stage, team }) => ({ stage, team }))).toEqual([{ stage: 'queued', team: 'Billing' }, { stage: 'queued', team: 'Billing' }]);
}, 60_000);

it('taken at once by a free agent of the team that takes them, they read why, then who joined', async () => {
  const api = await omarWithLaylaAndNadia({ saraOnline: true });
  const layla = api.sentTo(LAYLA).length;

  expect((await publish(billingOnly)).status).toBe(200);
  await until('Layla told', () => api.sentTo(LAYLA).length >= layla + 2, 10_000);
  await quiet(api);
  expect(api.sentTo(LAYLA).slice(layla)).toEqual(['The agent who was helping you is no longer available.', '\u2068Sara\u2069 has joined the conversation.']);
}, 60_000);

it('team.yaml edited by hand the same way: each customer reads one message, where they are', async () => {
  const api = await omarWithLaylaAndNadia({ saraOnline: false, watch: true });
  const layla = api.sentTo(LAYLA).length;

  await writeFile(join(dir, 'team.yaml'), billingOnly);
  await until('Layla told', () => api.sentTo(LAYLA).length > layla, 10_000);
  await quiet(api);
  expect(api.sentTo(LAYLA).slice(layla)).toEqual(['The agent who was helping you is no longer available. Your conversation was passed to our Billing team. You are number 1 in line.']);
}, 60_000);
