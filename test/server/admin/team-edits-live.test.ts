// team.yaml edited while customers and agents are talking: an agent's address changed, team.yaml emptied by an editor
// half-way through a save, an agent renamed, a team renamed. What the customer, the agent and the admin then read, through a real
// server on the embedded store: Telegram webhooks to it, the fake Bot API, saves from the admin API or by hand.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, start } from '../../helpers.ts';
import { FakeBotApi, SECRET, handoverDataDir, post, quiet, until, update } from '../../store/postgres-two-apps.ts';
import { ADMIN_TOKEN, adminClient } from './client.ts';

const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing }\n    queued: "You are number {{queue.position}} in line."\n';

interface Roster {
  omarTelegram?: number;
  omarName?: string;
}

const team = ({ omarTelegram = 9001, omarName = 'Omar' }: Roster = {}) => `teams:
  - name: Billing
agents:
  - name: ${omarName}
    telegram: ${omarTelegram}
    teams: [Billing]
    max_open: 3
`;

const LAYLA = 74_001;
const JOINED = '\u2068Omar\u2069 has joined the conversation.';

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

/** A server whose Omar (Telegram 9001) is online and holds Layla's conversation. */
async function omarWithLayla(options: { watch?: boolean } = {}): Promise<{ app: Switchboard; api: FakeBotApi }> {
  api = await FakeBotApi.start();
  dir = await handoverDataDir(flow, team());
  app = await start(dir, {
    adminToken: ADMIN_TOKEN, ...(options.watch ? { watch: true } : {}),
    config: { TELEGRAM_BOT_TOKEN: '123456:team-edits', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, CONTACT_RATE_LIMIT: { capacity: 1000, perMs: 60_000 } } as never,
  });
  await says(9001, '/online');
  await says(LAYLA, 'My invoice is wrong');
  await until('Layla with Omar', () => api!.sentTo(LAYLA).includes(JOINED));
  await quiet(api);
  return { app, api };
}

async function says(chat: number, text: string): Promise<void> {
  expect(await post(app!.url, update(chat, text))).toBe(200);
}

/** team.yaml published from the dashboard, over the version in service. */
async function publish(source: string) {
  const admin = adminClient(app!.url);
  const current = await admin.get<{ version: string }>('/team');
  return admin.put<Record<string, unknown>>('/team', { source, baseVersion: current.body.version });
}

it('an agent whose Telegram id the admin changed gets their customer\'s words at the new one, never at the old one', async () => {
  const { api } = await omarWithLayla();
  expect((await publish(team({ omarTelegram: 9005 }))).status).toBe(200);
  const before = api.sentTo(9001).length;

  // Told there first that Layla is still his.
  await until('Omar told at his new id', () => api.sentTo(9005).length > 0, 10_000);
  expect(api.sentTo(9005)).toEqual([
    '#1 (Layla) is still yours: team.yaml reaches you here now, so Layla\'s messages come here. Reply to one of them to answer.',
  ]);
  await says(LAYLA, 'My card ends in 4242');
  await until('the relay at Omar\'s new id', () => api.sentTo(9005).some((text) => text.endsWith('My card ends in 4242')), 10_000);
  await quiet(api);
  // The old id may be someone else's now (a wrong id corrected, a phone given back): nothing more goes there.
  expect(api.sentTo(9001).slice(before)).toEqual([]);

  // And Omar answers from the new one.
  await says(9005, 'Let me look at it.');
  await until('Layla reads Omar', () => api.sentTo(LAYLA).includes('Let me look at it.'), 10_000);
}, 60_000);

/** GET /healthz: its status and the reasons it gives. */
async function health(): Promise<{ status: number; text: string }> {
  const res = await fetch(`${app!.url}/healthz`);
  return { status: res.status, text: await res.text() };
}

it('team.yaml emptied by an editor\'s save cut short is refused: Omar keeps Layla, nobody is told anything, and the fixed file is served', async () => {
  const { api } = await omarWithLayla({ watch: true });
  const sent = api.calls.length;
  // What an editor that empties the file before writing it leaves, a crash or a full disk in between: the comments
  // at its top, or nothing.
  await writeFile(join(dir, 'team.yaml'), '# Teams and agents: see the README\n');
  await until('team.yaml refused', async () => (await health()).text.includes('team.yaml:1:1: team.yaml is empty, but 1 team and 1 agent are in service'), 10_000);
  expect((await health()).status).toBe(503);

  await says(LAYLA, 'Are you still there?');
  await until('Omar reads Layla', () => api.sentTo(9001).some((text) => text.endsWith('Are you still there?')), 10_000);
  await says(9001, 'Yes, one moment.');
  await until('Layla reads Omar', () => api.sentTo(LAYLA).includes('Yes, one moment.'), 10_000);
  const conversation = (await app!.store.openConversations())[0]!;
  expect(conversation).toMatchObject({ stage: 'assigned', agentId: 'omar' });

  await writeFile(join(dir, 'team.yaml'), team());
  await until('team.yaml fixed', async () => (await health()).status === 200, 10_000);
  await quiet(api);
  // Only the two messages they wrote each other went out: no "no longer available", no "passed back", no second card.
  expect(api.sentTo(LAYLA).filter((text) => text !== 'Yes, one moment.').length).toBe(1);
  expect(api.sentTo(9001).slice(-1)).toEqual([expect.stringMatching(/Are you still there\?$/)]);
  expect(api.calls.length - sent).toBeLessThanOrEqual(6);
}, 60_000);

it('team.yaml deleted while the server runs is refused like an emptied one: Omar keeps Layla, and the file put back is served', async () => {
  const { api } = await omarWithLayla({ watch: true });
  await rm(join(dir, 'team.yaml'));
  await until('team.yaml refused', async () => (await health()).text.includes('team.yaml:1:1: team.yaml is missing, but 1 team and 1 agent are in service'), 10_000);
  expect((await health()).status).toBe(503);
  await says(LAYLA, 'Are you still there?');
  await until('Omar reads Layla', () => api.sentTo(9001).some((text) => text.endsWith('Are you still there?')), 10_000);
  expect((await app!.store.openConversations())[0]).toMatchObject({ stage: 'assigned', agentId: 'omar' });
  expect(app!.directory.agents().map((agent) => agent.id)).toEqual(['omar']);

  await writeFile(join(dir, 'team.yaml'), team());
  await until('team.yaml back', async () => (await health()).status === 200, 10_000);
  await quiet(api);
  expect(api.sentTo(LAYLA).filter((text) => /no longer|passed/.test(text))).toEqual([]);
}, 60_000);

it('an empty team.yaml published from the dashboard is refused, saying why, and the file in service stays', async () => {
  await omarWithLayla();
  const answer = await publish('\n');
  expect(answer.status).toBe(422);
  expect(answer.body.errors).toEqual([expect.objectContaining({
    line: 1, known: { kind: 'teamFileEmptied', teams: 1, agents: 1 },
    message: expect.stringContaining('team.yaml is empty, but 1 team and 1 agent are in service'),
  })]);
  expect(app!.directory.agents().map((agent) => agent.id)).toEqual(['omar']);
  expect((await adminClient(app!.url).get<{ source: string }>('/team')).body.source).toBe(team());
}, 60_000);

it('an agent renamed in team.yaml (the same address) keeps their customers and stays online; nobody is told they left', async () => {
  const { api } = await omarWithLayla();
  const before = { layla: api.sentTo(LAYLA).length, omar: api.sentTo(9001).length };
  expect((await publish(team({ omarName: 'Omar Khalid' }))).status).toBe(200);

  await says(LAYLA, 'Did you find it?');
  await until('Omar reads Layla', () => api.sentTo(9001).some((text) => text.endsWith('Did you find it?')), 10_000);
  await says(9001, 'Yes: it is fixed.');
  await until('Layla reads Omar', () => api.sentTo(LAYLA).includes('Yes: it is fixed.'), 10_000);
  // Still online under his new name: the next customer is his at once.
  await says(74_002, 'Hello');
  await until('Sam with Omar Khalid', () => api.sentTo(74_002).includes('\u2068Omar Khalid\u2069 has joined the conversation.'), 10_000);
  await quiet(api);

  expect(api.sentTo(LAYLA).slice(before.layla)).toEqual(['Yes: it is fixed.']);
  expect(api.sentTo(9001).slice(before.omar).filter((text) => /no longer|passed back/.test(text))).toEqual([]);
  const agents = await adminClient(app!.url).get<{ agents: { id: string; status: string; open: number }[] }>('/agents');
  expect(agents.body.agents).toEqual([expect.objectContaining({ id: 'omar-khalid', status: 'online', open: 2 })]);
}, 60_000);

it('an agent renamed while the server was down keeps their customers and their status as it starts', async () => {
  const { api } = await omarWithLayla();
  await app!.stop();
  app = undefined;
  await writeFile(join(dir, 'team.yaml'), team({ omarName: 'Omar Khalid' }));
  app = await start(dir, {
    adminToken: ADMIN_TOKEN,
    config: { TELEGRAM_BOT_TOKEN: '123456:team-edits', TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, CONTACT_RATE_LIMIT: { capacity: 1000, perMs: 60_000 } } as never,
  });
  const before = { layla: api.sentTo(LAYLA).length, omar: api.sentTo(9001).length };

  await says(LAYLA, 'Any news?');
  await until('Omar reads Layla', () => api.sentTo(9001).some((text) => text.endsWith('Any news?')), 10_000);
  await says(74_002, 'Hello');
  await until('Sam with Omar Khalid', () => api.sentTo(74_002).includes('\u2068Omar Khalid\u2069 has joined the conversation.'), 10_000);
  await quiet(api);
  expect(api.sentTo(LAYLA).slice(before.layla)).toEqual([]);
  expect(api.sentTo(9001).slice(before.omar).filter((text) => /no longer|passed back/.test(text))).toEqual([]);
}, 60_000);

it('a team renamed from the dashboard while its agent holds a customer: the conversation is in the renamed team', async () => {
  await omarWithLayla();
  const admin = adminClient(app!.url);
  // The flow first, as the dashboard asks: it hands nobody to Billing any more.
  const { version } = (await admin.get<{ version: string }>('/flows/inbound')).body;
  expect((await admin.put('/flows/inbound', { source: 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello"\n', baseVersion: version })).status).toBe(200);
  expect((await publish(team().replace(/Billing/g, 'Payments'))).status).toBe(200);
  const open = async () => (await admin.get<{ conversations: { id: number; team?: string; stage: string; agentId?: string }[] }>('/conversations?status=open')).body.conversations;
  await until('Layla in Payments', async () => (await open())[0]?.team === 'Payments', 10_000);
  expect(await open()).toEqual([expect.objectContaining({ team: 'Payments', stage: 'assigned', agentId: 'omar' })]);
  const before = api!.sentTo(9001).length;
  await says(9001, '/list');
  await until('Omar answered', () => api!.sentTo(9001).length > before);
  expect(api!.sentTo(9001).slice(before)).toEqual([expect.stringContaining('#1 Layla · Payments\n')]);
}, 60_000);

it('a team renamed after some of its conversations closed: the reports and the CSV count them under its new name, in one row', async () => {
  await omarWithLayla();
  const admin = adminClient(app!.url);
  await says(9001, '/close 1 refunded');
  await until('Layla\'s conversation closed', async () => (await admin.get<{ conversations: unknown[] }>('/conversations?status=open')).body.conversations.length === 0, 10_000);
  // As the dashboard asks: the flow first hands nobody to Billing, then the team is renamed, then the flow hands to Payments.
  const flowTo = async (source: string) => {
    const { version } = (await admin.get<{ version: string }>('/flows/inbound')).body;
    expect((await admin.put('/flows/inbound', { source, baseVersion: version })).status).toBe(200);
  };
  await flowTo('flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello"\n');
  expect((await publish(team().replace(/Billing/g, 'Payments'))).status).toBe(200);
  await flowTo(flow.replace('Billing', 'Payments'));
  // Sam writes after the rename: his conversation is Payments' from the start.
  await says(74_002, 'Hello');
  await until('Sam with Omar', () => api!.sentTo(74_002).includes(JOINED), 10_000);
  // On the code before: a Billing row with Layla's closed conversation beside Payments' with Sam's.
  const report = (await admin.get<{ teams: Record<string, { opened: number; closed: number; stillOpen: number }> }>('/reports')).body;
  expect(Object.keys(report.teams)).toEqual(['Payments']);
  expect(report.teams.Payments).toMatchObject({ opened: 2, closed: 1, stillOpen: 1 });
  const csv = (await admin.get<string>('/reports.csv')).body.split('\r\n');
  expect(csv.filter((row) => row.includes(',Billing,'))).toEqual([]);
  expect(csv.filter((row) => /^[^,]+\/[^,]+,Payments,/.test(row))).toEqual([expect.stringMatching(/,Payments,2,1,/)]);
}, 60_000);

/** Omar holds Layla's conversation, answers her and closes it; the admin client that saw it closed. */
async function omarAnswersAndClosesLayla(): Promise<ReturnType<typeof adminClient>> {
  await omarWithLayla();
  const admin = adminClient(app!.url);
  await says(9001, 'Refunded.');
  await until('Layla reads Omar', () => api!.sentTo(LAYLA).includes('Refunded.'), 10_000);
  await says(9001, '/close 1 refunded');
  await until('Layla\'s conversation closed', async () => (await admin.get<{ conversations: unknown[] }>('/conversations?status=open')).body.conversations.length === 0, 10_000);
  return admin;
}

it('an agent renamed after closing a conversation: the reports and the CSV count it in their one row, under the new name', async () => {
  const admin = await omarAnswersAndClosesLayla();
  expect((await publish(team({ omarName: 'Omar Khalid' }))).status).toBe(200);
  // Sam writes after the rename, and Omar answers him under his new name.
  await says(74_002, 'Hello');
  await until('Sam with Omar Khalid', () => api!.sentTo(74_002).includes('\u2068Omar Khalid\u2069 has joined the conversation.'), 10_000);
  await says(9001, 'Hello Sam.');
  await until('Sam reads Omar', () => api!.sentTo(74_002).includes('Hello Sam.'), 10_000);
  // On the code before: a row 'omar' (named by the id) with Layla's conversation beside Omar Khalid's with Sam's.
  const report = (await admin.get<{ agents: Record<string, { name: string; opened: number; closed: number; firstResponse: { count: number } }> }>('/reports')).body;
  expect(Object.keys(report.agents)).toEqual(['omar-khalid']);
  expect(report.agents['omar-khalid']).toMatchObject({ name: 'Omar Khalid', opened: 2, closed: 1, firstResponse: { count: 2 } });
  const csv = (await admin.get<string>('/reports.csv')).body.split('\r\n');
  expect(csv.filter((row) => /,[^,]*$/.test(row) && /,(omar|Omar Khalid)$/.test(row))).toEqual([expect.stringMatching(/^[^,]+\/[^,]+,,2,1,.*,Omar Khalid$/)]);
}, 60_000);

it('an agent removed from team.yaml after closing a conversation: the reports and the CSV name their row as team.yaml named them, not by their id', async () => {
  const admin = await omarAnswersAndClosesLayla();
  // Omar leaves; Sara takes his place, at another address.
  expect((await publish(team({ omarName: 'Sara', omarTelegram: 9002 }))).status).toBe(200);
  // On the code before: a row named 'omar', his id, beside Sara's.
  const report = (await admin.get<{ agents: Record<string, { name: string; closed: number }> }>('/reports')).body;
  expect(Object.entries(report.agents).map(([id, { name }]) => [id, name])).toEqual([['sara', 'Sara'], ['omar', 'Omar']]);
  expect(report.agents.omar).toMatchObject({ closed: 1 });
  const csv = (await admin.get<string>('/reports.csv')).body.split('\r\n');
  expect(csv.filter((row) => /,(omar|Omar)$/.test(row))).toEqual([expect.stringMatching(/^[^,]+\/[^,]+,,1,1,.*,Omar$/)]);
}, 60_000);

it('a new agent given, later, the Telegram id of an agent removed before: the removed agent keeps their conversations in their row, the new one starts with none', async () => {
  const admin = await omarAnswersAndClosesLayla();
  // Omar leaves; Sara takes his place, at another address.
  expect((await publish(team({ omarName: 'Sara', omarTelegram: 9002 }))).status).toBe(200);
  // Weeks later the team's phone (Omar's old Telegram id) goes to Nadia, who joins.
  expect((await publish(`${team({ omarName: 'Sara', omarTelegram: 9002 })}  - name: Nadia\n    telegram: 9001\n    teams: [Billing]\n`)).status).toBe(200);
  // On the code before: Layla's conversation, Omar's answer and close, in Nadia's row; no row of Omar's.
  const report = (await admin.get<{ agents: Record<string, { name: string; closed: number; firstResponse: { count: number } }> }>('/reports')).body;
  expect(Object.entries(report.agents).map(([id, { name }]) => [id, name])).toEqual([['sara', 'Sara'], ['nadia', 'Nadia'], ['omar', 'Omar']]);
  expect(report.agents.omar).toMatchObject({ closed: 1, firstResponse: { count: 1 } });
  expect(report.agents.nadia).toMatchObject({ closed: 0, firstResponse: { count: 0 } });
  const csv = (await admin.get<string>('/reports.csv')).body.split('\r\n');
  expect(csv.filter((row) => /,(Omar|Nadia)$/.test(row))).toEqual([expect.stringMatching(/^[^,]+\/[^,]+,,0,0,.*,Nadia$/), expect.stringMatching(/^[^,]+\/[^,]+,,1,1,.*,Omar$/)]);
}, 60_000);
