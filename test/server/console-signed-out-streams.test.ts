// An agent's console streams outlive no sign-in: a console tab left open while the agent signs out in another tab (or
// is taken out of team.yaml) stops receiving customers' messages and agents' changes, as the dashboard's feed does.
// Against a real Switchboard, its heartbeats made short, reading the streams as the console's EventSource does.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, dataDirWith, eventually, start, visitor } from '../helpers.ts';
import { LINA_FLOW, LINA_TEAM } from './lina-on-cloud.ts';

let app: Switchboard | undefined;
const streams: AbortController[] = [];
afterEach(async () => {
  for (const stream of streams.splice(0)) stream.abort();
  await app?.stop();
  app = undefined;
  await cleanupDirs();
});

/** A raw event stream: the texts of its messages, whether it ended. */
function read(url: string, cookie: string) {
  const controller = new AbortController();
  streams.push(controller);
  const texts: string[] = [];
  let opened!: () => void;
  const connected = new Promise<void>((resolve) => (opened = resolve));
  const ended = (async () => {
    const res = await fetch(url, { headers: { cookie }, signal: controller.signal });
    expect(res.status).toBe(200);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      if (buffer.includes(': connected')) opened();
      for (const data of buffer.matchAll(/^data: (.+)$/gm)) texts.push(String((JSON.parse(data[1]!) as { text?: string }).text));
      buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
    }
    return 'ended';
  })().catch(() => 'ended');
  return { texts, connected, ended };
}

const signIn = async (url: string): Promise<string> => {
  const login = await fetch(`${url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-lina') }) });
  expect(login.status).toBe(204);
  return login.headers.get('set-cookie')!.split(';')[0]!;
};

const within = <T>(promise: Promise<T>, ms: number) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('still streaming'), ms))]);

it('ends an agent\'s console streams once they signed out in another tab: the customer\'s next words do not reach the open tab', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': LINA_FLOW });
  await writeFile(join(dir, 'team.yaml'), LINA_TEAM);
  app = await start(dir, { consoleHeartbeatMs: 200 });
  const cookie = await signIn(app.url);
  const act = await fetch(`${app.url}/agent/api/act`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) });
  expect(act.status).toBe(200);
  const messages = read(`${app.url}/webchat/agent-lina/events`, cookie);
  const changes = read(`${app.url}/agent/api/events`, cookie);
  await Promise.all([messages.connected, changes.connected]);

  const layla = visitor(app.url, 'layla', 'Layla');
  await layla.say('Is my refund on its way?');
  await eventually(() => messages.texts.some((text) => text.includes('Is my refund on its way?')), 15_000);

  // Signed out in another tab: both streams the open tab holds end within a few heartbeats.
  expect((await fetch(`${app.url}/agent/logout`, { method: 'POST', headers: { cookie } })).status).toBe(204);
  expect(await within(messages.ended, 10_000)).toBe('ended');
  expect(await within(changes.ended, 10_000)).toBe('ended');
  // Layla's next words reach Lina's session (her app, signed in again), not the tab that signed out.
  await layla.say('My card ends in 4242');
  const lina = visitor(app.url, 'agent-lina');
  await eventually(async () => (await lina.messages()).some((m) => m.text.includes('My card ends in 4242')), 15_000);
  expect(messages.texts.some((text) => text.includes('4242'))).toBe(false);
  // Connecting again with that cookie is refused.
  expect((await fetch(`${app.url}/webchat/agent-lina/events`, { headers: { cookie } })).status).toBe(401);
  expect((await fetch(`${app.url}/agent/api/events`, { headers: { cookie } })).status).toBe(401);
}, 60_000);

it('ends an agent\'s console streams once they are taken out of team.yaml', async () => {
  const dir = await dataDirWith({ 'inbound.yaml': LINA_FLOW });
  await writeFile(join(dir, 'team.yaml'), LINA_TEAM);
  app = await start(dir, { consoleHeartbeatMs: 200, watch: true });
  const cookie = await signIn(app.url);
  const messages = read(`${app.url}/webchat/agent-lina/events`, cookie);
  const changes = read(`${app.url}/agent/api/events`, cookie);
  await Promise.all([messages.connected, changes.connected]);

  await writeFile(join(dir, 'team.yaml'), 'teams:\n  - name: Billing\nagents: []\n');
  expect(await within(messages.ended, 20_000)).toBe('ended');
  expect(await within(changes.ended, 20_000)).toBe('ended');
}, 60_000);
