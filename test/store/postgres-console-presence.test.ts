// Two processes on one PostgreSQL database: a console-only agent's console streams from one of them while the other
// checks their presence too. The other must not set them Away while that stream is open (its own process has no
// stream of theirs); once it closes, one of them does, after the grace period, and a new customer is queued.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import type { AgentState } from '../../src/handover/agent-state.ts';
import { cleanupDirs, dataDirWith, start } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';
import { follow } from '../server/follow-stream.ts';

const SARA_TOKEN = 'presence-sara-token-0123456789abcdef';
const database = `t_${randomBytes(6).toString('hex')}`;
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Sales }\n    queued: "Please wait, nobody is free."\n';
const team = `teams:\n  - name: Sales\nagents:\n  - name: Sara\n    webchat: agent-sara\n    webchat_token: ${SARA_TOKEN}\n    teams: [Sales]\n`;
const apps: Switchboard[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

it.skipIf(!databaseUrl)('keeps online an agent whose console streams from the other process, and sets them away once it closed', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  for (let i = 0; i < 2; i++) {
    apps.push(await start(dir, { config: { STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), CONSOLE_AWAY_AFTER: 1_000, WEBCHAT_OPEN_SESSIONS: '1' } }));
  }
  const [a, b] = apps as [Switchboard, Switchboard];
  const status = async () => (await b.store.doc<AgentState>('agents', 'sara'))?.status;

  // Her console's stream is connected to A; she presses Online (through B, behind the same load balancer).
  const controller = await follow(`${a.url}/webchat/agent-sara/events?token=${SARA_TOKEN}`);
  const online = await fetch(`${b.url}/agent/api/act`, { method: 'POST', headers: { authorization: `Bearer ${SARA_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) });
  expect(online.status).toBe(200);

  // Three grace periods later, B (which has no stream of hers) has not set her away.
  await sleep(3_000);
  expect(await status()).toBe('online');

  // Her tab closes: away after the grace, and a new customer (on B) waits and is told so.
  controller.abort();
  await expect.poll(status, { timeout: 10_000, interval: 100 }).toBe('away');
  const say = await fetch(`${b.url}/webchat/noor/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hello', name: 'Noor' }) });
  expect(say.status).toBe(202);
  const shown = async () => ((await (await fetch(`${b.url}/webchat/noor/messages?after=0`)).json()) as { messages: { text: string }[] }).messages.map((m) => m.text);
  await expect.poll(shown).toContain('Please wait, nobody is free.');
  expect((await b.store.openConversations({ stage: 'queued' })).length).toBe(1);
}, 60_000);
