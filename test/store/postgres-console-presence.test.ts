// Two processes on one PostgreSQL database: a console-only agent's console streams from one of them while the other
// checks their presence too. The other must not set them Away while that stream is open (its own process has no
// stream of theirs); once it closes, one of them does, after the grace period, and a new customer is queued. The
// agent's own last action wins over a check deciding in the other process at the same moment, and both processes'
// checks together set her away once, not again and again.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import type { AgentState } from '../../src/handover/agent-state.ts';
import type { ActionResult, AgentAction } from '../../src/handover/actions.ts';
import type { Agent } from '../../src/handover/team.ts';
import { ConsolePresence } from '../../src/server/console-presence.ts';
import { createLogger } from '../../src/shared/log.ts';
import { cleanupDirs, dataDirWith, start } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';
import { follow } from '../server/follow-stream.ts';

const SARA_TOKEN = 'presence-sara-token-0123456789abcdef';
const database = `t_${randomBytes(6).toString('hex')}`;
const racing = `t_${randomBytes(6).toString('hex')}`;
const checking = `t_${randomBytes(6).toString('hex')}`;
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - assign: { team: Sales }\n    queued: "Please wait, nobody is free."\n';
const team = `teams:\n  - name: Sales\nagents:\n  - name: Sara\n    webchat: agent-sara\n    webchat_token: ${SARA_TOKEN}\n    teams: [Sales]\n`;
const apps: Switchboard[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
  if (databaseUrl) for (const name of [database, racing, checking]) await sql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await cleanupDirs();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

it.skipIf(!databaseUrl)('keeps online an agent whose console streams from the other process, and sets them away once it closed', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  for (let i = 0; i < 2; i++) {
    // A 2 s grace: A writes that her stream is there every 500 ms (a quarter of it), which leaves B over a second of
    // slack for a write a loaded machine holds up (with 1 s, about half of one).
    apps.push(await start(dir, { config: { STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), CONSOLE_AWAY_AFTER: 2_000, WEBCHAT_OPEN_SESSIONS: '1' } }));
  }
  const [a, b] = apps as [Switchboard, Switchboard];
  const status = async () => (await b.store.doc<AgentState>('agents', 'sara'))?.status;

  // Her console's stream is connected to A; she presses Online (through B, behind the same load balancer).
  const controller = await follow(`${a.url}/webchat/agent-sara/events?token=${SARA_TOKEN}`);
  const online = await fetch(`${b.url}/agent/api/act`, { method: 'POST', headers: { authorization: `Bearer ${SARA_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) });
  expect(online.status).toBe(200);

  // Two grace periods later, B (which has no stream of hers) has not set her away.
  await sleep(4_000);
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

/** Two processes on a database of their own, sharing a DATA_DIR with Sara alone in Sales. */
async function twoProcesses(name: string, awayAfterMs: number): Promise<[Switchboard, Switchboard]> {
  await sql(`CREATE DATABASE ${name}`);
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  const made: Switchboard[] = [];
  for (let i = 0; i < 2; i++) {
    const app = await start(dir, { adminToken: ADMIN_TOKEN, config: { STORE: 'postgres', DATABASE_URL: urlOfDatabase(name), CONSOLE_AWAY_AFTER: awayAfterMs, WEBCHAT_OPEN_SESSIONS: '1' } });
    apps.push(app);
    made.push(app);
  }
  return made as [Switchboard, Switchboard];
}

const ADMIN_TOKEN = 'presence-admin-token-0123456789abcdef';
const bearer = { authorization: `Bearer ${SARA_TOKEN}`, 'content-type': 'application/json' };
const press = async (via: Switchboard, status: 'online' | 'away'): Promise<void> => {
  const res = await fetch(`${via.url}/agent/api/act`, { method: 'POST', headers: bearer, body: JSON.stringify({ action: { kind: 'status', status } }) });
  expect(await res.json()).toMatchObject({ ok: true });
};
/** What Sara's console shows, asked of `via`. */
const consoleOf = async (via: Switchboard): Promise<{ status: string; awayBecause?: string }> => (await (await fetch(`${via.url}/agent/api/state`, { headers: bearer })).json()) as { status: string; awayBecause?: string };
/** Sara as the Team page lists her, asked of `via`. */
const listed = async (via: Switchboard): Promise<{ status: string; statusSince?: string; awayBecause?: string }> => {
  const res = await fetch(`${via.url}/api/agents`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  return ((await res.json()) as { agents: { id: string; status: string; statusSince?: string; awayBecause?: string }[] }).agents.find((agent) => agent.id === 'sara')!;
};

it.skipIf(!databaseUrl)('keeps what Sara did on one process as the other decided to set her away: Online pressed, Away pressed, her console connecting inside the Away\'s transaction', async () => {
  // The processes' own checks (a minute's grace) stay out of it; A's check is the one below, at 1 s.
  const [a, b] = await twoProcesses(racing, 60_000);
  /** A's check, whose Away waits between its decision and its transaction (`before`), or inside its transaction once it found her still gone (`inside`). */
  const checkOnA = (hold: { before?: () => Promise<void>; inside?: () => Promise<void> }): ConsolePresence => {
    let held = false;
    const act = async (agent: Agent, action: AgentAction): Promise<ActionResult> => {
      if (held || action.kind !== 'status' || !('because' in action)) return a.runtime.act(agent, action);
      held = true;
      await hold.before?.();
      const { stillDue } = action;
      let inside = hold.inside;
      return a.runtime.act(agent, {
        ...action,
        stillDue: async (tx, state) => {
          const due = await stillDue(tx, state);
          const then = inside;
          inside = undefined;
          if (due && then) await then();
          return due;
        },
      });
    };
    return new ConsolePresence({ store: a.store, directory: a.directory, act, awayAfterMs: 1_000, running: () => false, log: createLogger({ level: 'silent' }) });
  };
  const gone = async () => {
    await press(b, 'online');
    await sleep(1_300);
  };

  // She presses Online on B as A decides: online, on both, and her console says nothing of being set away.
  let held = 0;
  await gone();
  await checkOnA({ before: async () => { held++; await press(b, 'online'); } }).check();
  expect(held).toBe(1);
  expect(await consoleOf(b)).toEqual(expect.objectContaining({ status: 'online' }));
  expect(await consoleOf(a)).not.toHaveProperty('awayBecause');

  // She presses Away: away by her own hand, as the Team page says on either process.
  await gone();
  await checkOnA({ before: () => press(b, 'away') }).check();
  expect(await listed(a)).toMatchObject({ status: 'away', awayBecause: 'agent' });
  expect(await consoleOf(b)).not.toHaveProperty('awayBecause');

  // Her console connects to B while A's Away is in its transaction, after it found her gone: B's sign of her commits
  // first, A's commit is refused, and its second try finds her there.
  await gone();
  const before = (await b.store.doc<{ seenAt: string }>('console-presence', 'sara'))?.seenAt;
  await checkOnA({
    inside: async () => {
      held++;
      const stream = await follow(`${b.url}/webchat/agent-sara/events?token=${SARA_TOKEN}`);
      apps.push({ stop: async () => stream.abort() } as Switchboard);
      await expect.poll(async () => (await b.store.doc<{ seenAt: string }>('console-presence', 'sara'))?.seenAt).not.toBe(before);
    },
  }).check();
  expect(held).toBe(2);
  expect(await consoleOf(a)).toEqual(expect.objectContaining({ status: 'online' }));
  expect(await listed(b)).toMatchObject({ status: 'online' });
}, 90_000);

it.skipIf(!databaseUrl)('with both processes checking: Sara\'s Online on either stands at once on the other, and she is set away once per silence, never a customer given to her then', async () => {
  // Her Online is read on the other process within the grace, before a check sets her away: 1.5 s leaves over a second
  // for that read on a loaded machine (600 ms left under half a second).
  const [a, b] = await twoProcesses(checking, 1_500);
  for (let round = 0; round < 6; round++) {
    const [here, there] = round % 2 === 0 ? [a, b] : [b, a];
    await press(here, 'online');
    expect(await consoleOf(there)).toEqual(expect.objectContaining({ status: 'online' }));
    expect(await consoleOf(there)).not.toHaveProperty('awayBecause');
    // Her silence: set away by one of the checks, and not set away again by the other (her "since" stays put).
    await expect.poll(async () => (await listed(there)).status, { timeout: 10_000, interval: 50 }).toBe('away');
    const away = await listed(here);
    expect(away).toMatchObject({ status: 'away', awayBecause: 'noConsole' });
    await sleep(1_500);
    expect(await listed(there)).toEqual(away);
  }

  // Away, a new customer waits; her Online gives them to her.
  const say = await fetch(`${b.url}/webchat/layla/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'hello', name: 'Layla' }) });
  expect(say.status).toBe(202);
  const shown = async () => ((await (await fetch(`${a.url}/webchat/layla/messages?after=0`)).json()) as { messages: { text: string }[] }).messages.map((m) => m.text);
  await expect.poll(shown).toContain('Please wait, nobody is free.');
  expect(await a.store.openConversations({ stage: 'assigned' })).toEqual([]);
  await press(a, 'online');
  await expect.poll(async () => (await b.store.openConversations({ stage: 'assigned', agentId: 'sara' })).length).toBe(1);
}, 90_000);
