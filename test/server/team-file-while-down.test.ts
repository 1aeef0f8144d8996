// team.yaml changed by hand while the server was down: deleted, emptied or broken, a team renamed while customers wait in its
// queue or its agents hold them. What the admin and the customers then see as the real server starts again on the same DATA_DIR (embedded
// store, Telegram webhooks, the fake Bot API on 127.0.0.1).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/server/config.ts';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, start } from '../helpers.ts';
import { FakeBotApi, SECRET, handoverDataDir, post, quiet, until, update } from '../store/postgres-two-apps.ts';
import { ADMIN_TOKEN, adminClient } from './admin/client.ts';

const flowFor = (team: string) => `flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: ${team} }\n    queued: "You are number {{queue.position}} in line."\n`;

// Sales comes first: a conversation that lost its team would go there.
const teamFile = (billing = 'Billing') => `teams:
  - name: Sales
  - name: ${billing}
agents:
  - name: Sara
    telegram: 9002
    teams: [Sales]
  - name: Omar
    telegram: 9001
    teams: [${billing}]
`;

const LAYLA = 74_001;

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

const settings = () => ({
  adminToken: ADMIN_TOKEN,
  config: { TELEGRAM_BOT_TOKEN: '123456:while-down', TELEGRAM_API_ROOT: api!.url, TELEGRAM_WEBHOOK_SECRET: SECRET, CONTACT_RATE_LIMIT: { capacity: 1000, perMs: 60_000 } } as never,
});

async function says(chat: number, text: string): Promise<void> {
  expect(await post(app!.url, update(chat, text))).toBe(200);
}

/** A server where Sara (Sales) is online and Omar (Billing) is not, so Layla waits in Billing's queue; then stopped. */
async function laylaWaitingForBillingThenStopped(): Promise<void> {
  api = await FakeBotApi.start();
  dir = await handoverDataDir(flowFor('Billing'), teamFile());
  app = await start(dir, settings());
  await says(9002, '/online');
  await says(LAYLA, 'My invoice is wrong');
  await until('Layla told her place', () => api!.sentTo(LAYLA).includes('You are number 1 in line.'));
  await quiet(api);
  await app.stop();
  app = undefined;
}

it.each([
  ['deleted', () => rm(join(dir, 'team.yaml'))],
  ['emptied', () => writeFile(join(dir, 'team.yaml'), '# teams and agents\n')],
])('team.yaml %s while the server was down: it refuses to start, naming the file and the fix, and serves nobody', async (_, change) => {
  await laylaWaitingForBillingThenStopped();
  await change();
  const starting = start(dir, settings());
  await expect(starting).rejects.toBeInstanceOf(ConfigError);
  await expect(starting).rejects.toThrow(/team\.yaml.* but 2 teams and 2 agents were in service .*teams: \[\] and agents: \[\]/s);
  expect(api!.sentTo(LAYLA).filter((text) => /passed to/.test(text))).toEqual([]);
  // The way out the error names, for an admin who does want no teams and no agents: it starts.
  await writeFile(join(dir, 'team.yaml'), 'teams: []\nagents: []\n');
  await writeFile(join(dir, 'flows', 'inbound.yaml'), 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hello"\n');
  app = await start(dir, settings());
  expect((await adminClient(app.url).get<{ agents: unknown[] }>('/agents')).body.agents).toEqual([]);
}, 60_000);

it.each([
  ['with a YAML syntax error', () => writeFile(join(dir, 'team.yaml'), teamFile().replace('  - name: Omar\n', '  - name: "Omar\n')), /team\.yaml:8:11: YAML syntax error: this text opens with " and is never closed, .*\(put a " where the text ends/s],
  ['with an unknown key', () => writeFile(join(dir, 'team.yaml'), teamFile().replace('    telegram: 9001\n', '    telegram: 9001\n    max_opn: 3\n')), /team\.yaml:10:5: unknown key "max_opn" in agent "Omar", .*\(did you mean "max_open"\?/s],
  ['with an agent in a team it does not have', () => writeFile(join(dir, 'team.yaml'), teamFile().replace('teams: [Billing]', 'teams: [Biling]')), /team\.yaml:10:5: agent "Omar" is in unknown team "Biling", .*\(did you mean "Billing"\?/s],
  ['made a folder', async () => { await rm(join(dir, 'team.yaml')); await mkdir(join(dir, 'team.yaml')); }, /team\.yaml:1:1: cannot read team\.yaml: EISDIR/],
])('team.yaml %s while the server was down: it refuses to start, naming the file, the line and the fix', async (_, change, where) => {
  await laylaWaitingForBillingThenStopped();
  await change();
  const starting = start(dir, settings());
  await expect(starting).rejects.toBeInstanceOf(ConfigError);
  await expect(starting).rejects.toThrow(where);
  await expect(starting).rejects.toThrow(/but 2 teams and 2 agents were in service when the server last ran.*\(.*fix the file.*start again.*\)/s);
  expect(api!.sentTo(LAYLA).filter((text) => /passed to/.test(text))).toEqual([]);
  // Fixed, it starts, and Layla still waits for Billing.
  await rm(join(dir, 'team.yaml'), { recursive: true });
  await writeFile(join(dir, 'team.yaml'), teamFile());
  app = await start(dir, settings());
  const open = (await adminClient(app.url).get<{ conversations: { team?: string; stage: string }[] }>('/conversations?status=open')).body.conversations;
  expect(open).toEqual([expect.objectContaining({ team: 'Billing', stage: 'queued' })]);
}, 60_000);

it('a team renamed by hand while customers wait in its queue: they wait in the renamed team, not in the first team', async () => {
  await laylaWaitingForBillingThenStopped();
  await writeFile(join(dir, 'team.yaml'), teamFile('Payments'));
  await writeFile(join(dir, 'flows', 'inbound.yaml'), flowFor('Payments'));
  app = await start(dir, settings());
  const before = { layla: api!.sentTo(LAYLA).length, sara: api!.sentTo(9002).length };
  const admin = adminClient(app.url);
  const waiting = async () => (await admin.get<{ conversations: { id: number; team?: string; stage: string }[] }>('/conversations?status=open')).body.conversations;
  await until('the restart looked at the queues', async () => (await waiting()).length === 1);
  await quiet(api!);
  expect(await waiting()).toEqual([expect.objectContaining({ id: 1, team: 'Payments', stage: 'queued' })]);
  // Sara, online in Sales, is given nobody; Layla is told of no move.
  expect(api!.sentTo(9002).slice(before.sara)).toEqual([]);
  expect(api!.sentTo(LAYLA).slice(before.layla)).toEqual([]);
  // Omar, in the renamed team, takes her as he comes online.
  await says(9001, '/online');
  await until('Layla with Omar', () => api!.sentTo(LAYLA).includes('\u2068Omar\u2069 has joined the conversation.'), 10_000);
}, 60_000);

it('a team renamed by hand while its agent holds a customer: the conversation is in the renamed team, for the agent and the dashboard', async () => {
  api = await FakeBotApi.start();
  dir = await handoverDataDir(flowFor('Billing'), teamFile());
  app = await start(dir, settings());
  await says(9001, '/online');
  await says(LAYLA, 'My invoice is wrong');
  await until('Layla with Omar', () => api!.sentTo(LAYLA).includes('\u2068Omar\u2069 has joined the conversation.'));
  await quiet(api);
  await app.stop();
  await writeFile(join(dir, 'team.yaml'), teamFile('Payments'));
  await writeFile(join(dir, 'flows', 'inbound.yaml'), flowFor('Payments'));
  app = await start(dir, settings());
  const admin = adminClient(app.url);
  const open = async () => (await admin.get<{ conversations: { id: number; team?: string; stage: string; agentId?: string }[] }>('/conversations?status=open')).body.conversations;
  await until('the restart moved her to Payments', async () => (await open())[0]?.team === 'Payments', 10_000);
  expect(await open()).toEqual([expect.objectContaining({ id: 1, team: 'Payments', stage: 'assigned', agentId: 'omar' })]);
  // Omar reads her under the team he is in now (not Billing, a team nobody is in); Layla is told nothing.
  const before = { omar: api!.sentTo(9001).length, layla: api!.sentTo(LAYLA).length };
  await says(9001, '/list');
  await until('Omar answered', () => api!.sentTo(9001).length > before.omar);
  expect(api!.sentTo(9001).slice(before.omar)).toEqual([expect.stringContaining('Yours (1/3):\n  #1 Layla · Payments\n')]);
  expect(api!.sentTo(LAYLA).slice(before.layla)).toEqual([]);
}, 60_000);

it('a team renamed by hand while a customer waits for one of its agents by name: she waits for him in the renamed team', async () => {
  api = await FakeBotApi.start();
  const toOmar = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing, agent: Omar }\n    queued: "You are number {{queue.position}} in line."\n';
  dir = await handoverDataDir(toOmar, teamFile());
  app = await start(dir, settings());
  await says(LAYLA, 'My invoice is wrong');
  await until('Layla told her place', () => api!.sentTo(LAYLA).includes('You are number 1 in line.'));
  await quiet(api);
  await app.stop();
  await writeFile(join(dir, 'team.yaml'), teamFile('Payments'));
  await writeFile(join(dir, 'flows', 'inbound.yaml'), toOmar.replace('Billing', 'Payments'));
  app = await start(dir, settings());
  const admin = adminClient(app.url);
  const open = async () => (await admin.get<{ conversations: { id: number; team?: string; stage: string; agentId?: string }[] }>('/conversations?status=open')).body.conversations;
  const before = { omar: api!.sentTo(9001).length, layla: api!.sentTo(LAYLA).length };
  await until('the restart moved her to Payments', async () => (await open())[0]?.team === 'Payments', 10_000);
  expect(await open()).toEqual([expect.objectContaining({ id: 1, team: 'Payments', stage: 'queued', agentId: 'omar' })]);
  // Omar sees her in his team's queue, and takes her as he comes online; she is told of no move meanwhile.
  await says(9001, '/list');
  await until('Omar answered', () => api!.sentTo(9001).length > before.omar);
  expect(api!.sentTo(9001).slice(before.omar)).toEqual([expect.stringContaining('Payments queue (1):\n  #1 Layla')]);
  await says(9001, '/online');
  await until('Layla with Omar', () => api!.sentTo(LAYLA).includes('\u2068Omar\u2069 has joined the conversation.'), 10_000);
  expect(api!.sentTo(LAYLA).slice(before.layla)).toEqual(['\u2068Omar\u2069 has joined the conversation.']);
}, 60_000);

describe('a flow that hands customers to an agent by name (assign: { agent: Omar })', () => {
  const toOmar = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Billing, agent: Omar }\n    queued: "You are number {{queue.position}} in line."\n';
  const billing = (omar: string) => `teams:\n  - name: Billing\nagents:\n  - name: Sara\n    telegram: 9002\n    teams: [Billing]\n${omar}`;
  const omar = (name: string, telegram = 9001) => `  - name: ${name}\n    telegram: ${telegram}\n    teams: [Billing]\n`;

  /** Omar and Sara online in Billing; Sam's conversation goes to Omar, by name; then the server stops and `edit` is made. */
  async function restartedAfter(edit: string): Promise<void> {
    api = await FakeBotApi.start();
    dir = await handoverDataDir(toOmar, billing(omar('Omar')));
    app = await start(dir, settings());
    await says(9001, '/online');
    await says(9002, '/online');
    await says(74_005, 'Hello');
    await until('Sam with Omar', () => api!.sentTo(74_005).includes('\u2068Omar\u2069 has joined the conversation.'));
    await quiet(api);
    await app.stop();
    await writeFile(join(dir, 'team.yaml'), edit);
    app = await start(dir, settings());
  }

  it('Omar renamed by hand to Omar Khalid (the same Telegram id): the next customer is still his', async () => {
    await restartedAfter(billing(omar('Omar Khalid')));
    await says(9001, '/online');
    await says(LAYLA, 'My invoice is wrong');
    await until('Layla with Omar Khalid', () => api!.sentTo(LAYLA).some((text) => /Omar Khalid|Sara/.test(text)), 10_000);
    expect(api!.sentTo(LAYLA)).toContain('\u2068Omar Khalid\u2069 has joined the conversation.');
  }, 60_000);

  it('Omar gone from team.yaml (renamed with a new address): the next customer is queued for Billing, not given to Sara', async () => {
    await restartedAfter(billing(omar('Omar K', 9009)));
    await says(LAYLA, 'My invoice is wrong');
    await until('Layla told her place or given', () => api!.sentTo(LAYLA).length > 0, 10_000);
    await quiet(api!);
    expect(api!.sentTo(LAYLA)).toEqual(['You are number 1 in line.']);
    const conversations = (await adminClient(app!.url).get<{ conversations: { stage: string; team?: string; agentId?: string }[] }>('/conversations?status=open')).body.conversations;
    expect(conversations).toContainEqual(expect.objectContaining({ stage: 'queued', team: 'Billing' }));
    // The flow editor's check says why, at the assign step's line.
    const checked = await adminClient(app!.url).post<{ ok: boolean; warnings: { line: number; message: string; known?: unknown }[] }>('/flows/inbound/validate', { source: toOmar });
    expect(checked.body.ok).toBe(true);
    expect(checked.body.warnings).toContainEqual(expect.objectContaining({
      line: 4, message: expect.stringMatching(/^assign names agent "Omar", whom team\.yaml does not have by that name: .*queued for the team, for nobody in particular/),
      known: { kind: 'unknownAgent', agent: 'Omar', agents: ['Sara', 'Omar K'] },
    }));
  }, 60_000);
});
