// An agent's reply from the console while an admin closes or moves the conversation on another process: the console
// checks that the agent holds it before storing the reply, and the conversation may change hands in between. Each
// reply answered 202 must reach the customer, and each answered 409 must not (it was never sent). Before the reply
// was checked inside its own transaction, about half of such rounds lost a reply answered 202.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, start } from '../helpers.ts';
import { databaseUrl, sql, urlOfDatabase } from './postgres-helpers.ts';

const ADMIN_TOKEN = 'race-admin-token-0123456789abcdef';
const OMAR_TOKEN = 'race-omar-token-0123456789abcdef';
const database = `t_${randomBytes(6).toString('hex')}`;
const flow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - ask: "What do you need?"\n    save: conversation.need\n  - assign: { team: Support }\n    queued: "Please wait."\n';
const team = `teams:\n  - name: Support\n  - name: Sales\nagents:\n  - name: Omar\n    webchat: agent-omar\n    webchat_token: ${OMAR_TOKEN}\n    teams: [Support]\n    max_open: 50\n  - name: Sara\n    telegram: 9002\n    teams: [Sales]\n`;
// Sara (offline) is in Sales: a transfer to a team without agents is refused, and the conversation stays.
const apps: Switchboard[] = [];
afterAll(async () => {
  for (const app of apps) await app.stop();
  if (databaseUrl) await sql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await cleanupDirs();
});

const json = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

it.skipIf(!databaseUrl)('sends every reply the console accepted while an admin closes or moves the conversation on another process, and none it refused', async () => {
  await sql(`CREATE DATABASE ${database}`);
  const dir = await dataDirWith({ 'inbound.yaml': flow });
  await writeFile(join(dir, 'team.yaml'), team);
  for (let i = 0; i < 2; i++) {
    apps.push(await start(dir, { adminToken: ADMIN_TOKEN, config: { STORE: 'postgres', DATABASE_URL: urlOfDatabase(database), WEBCHAT_OPEN_SESSIONS: '1' } }));
  }
  const [a, b] = apps as [Switchboard, Switchboard];
  expect((await fetch(`${a.url}/agent/api/act`, { method: 'POST', headers: json(OMAR_TOKEN), body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) })).status).toBe(200);

  const wrong: string[] = [];
  const seen = new Set<number>();
  for (let round = 0; round < 8; round++) {
    const session = `race-${round}`;
    const say = (via: Switchboard, text: string) => fetch(`${via.url}/webchat/${session}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, name: `Customer ${round}` }) });
    expect((await say(a, 'hi')).status).toBe(202);
    expect((await say(b, `need ${round}`)).status).toBe(202);
    const newlyHeld = async () => (await a.store.openConversations({ stage: 'assigned', agentId: 'omar' })).find((c) => !seen.has(c.id))?.id;
    await expect.poll(newlyHeld).toBeDefined();
    const held = (await newlyHeld())!;
    seen.add(held);
    const statuses = new Map<string, number>();
    const move = round % 2 === 0 ? { path: 'close', body: {} } : { path: 'transfer', body: { team: 'Sales' } };
    await Promise.all([
      (async () => {
        for (let i = 0; i < 4; i++) {
          const text = `reply ${round}.${i}`;
          const res = await fetch(`${a.url}/agent/api/conversations/${held}/messages`, { method: 'POST', headers: json(OMAR_TOKEN), body: JSON.stringify({ text }) });
          await res.arrayBuffer();
          statuses.set(text, res.status);
        }
      })(),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        const res = await fetch(`${b.url}/api/conversations/${held}/${move.path}`, { method: 'POST', headers: json(ADMIN_TOKEN), body: JSON.stringify(move.body) });
        expect(res.status).toBe(200);
      })(),
    ]);
    // What the customer's page shows once the outbox sent every reply answered 202 (up to 10 s on a loaded machine),
    // and 300 ms more, for one answered otherwise to show if it were sent.
    const showing = async () => ((await (await fetch(`${b.url}/webchat/${session}/messages?after=0&limit=200`)).json()) as { messages: { text: string }[] }).messages.map((m) => m.text);
    const accepted = [...statuses].filter(([, status]) => status === 202).map(([text]) => text);
    for (const end = Date.now() + 10_000; Date.now() < end;) {
      const shown = await showing();
      if (accepted.every((text) => shown.includes(text))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const shown = await showing();
    for (const [text, status] of statuses) {
      expect([202, 404, 409]).toContain(status);
      if ((status === 202) !== shown.includes(text)) wrong.push(`${text}: answered ${status}, ${shown.includes(text) ? 'shown' : 'not shown'} to the customer`);
    }
  }
  expect(wrong).toEqual([]);
}, 120_000);
