// An agent whose first address in team.yaml is on a channel this process does not run (the shipped Omar has a
// `telegram:` id, and `npm start` has no Telegram token): the handover's notices go to their address on a channel
// that runs, not to one that fails and leaves a failed message and an error behind.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { agentToken, cleanupDirs, shippedDataDir, start, visitor } from '../helpers.ts';

let app: Switchboard;
beforeAll(async () => {
  app = await start(await shippedDataDir());
});
afterAll(async () => {
  await app.stop();
  await cleanupDirs();
});

it('sends an agent who went online from the console the card on a running channel, past an address on one that is not', async () => {
  // Online from the agent console: an action, not a message, so nothing says where Omar last wrote from.
  const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-omar') }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const online = await fetch(`${app.url}/agent/api/act`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'status', status: 'online' } }) });
  expect(online.status).toBe(200);

  const layla = visitor(app.url, 'layla', 'Layla');
  await layla.say('hello');
  await layla.say('layla@example.com');
  await layla.say('I was charged twice');

  const toOmar = async () => (await app.store.messagesOfConversation(1)).filter((message) => message.toAgent);
  await expect.poll(async () => (await toOmar()).filter((message) => message.status === 'sent').length).toBeGreaterThan(0);
  const notices = await toOmar();
  expect(notices.map((message) => `${message.channel}:${message.address}:${message.status}`)).toEqual(notices.map(() => 'webchat:agent-omar:sent'));
  expect((await visitor(app.url, 'agent-omar').messages()).some((message) => /Layla/.test(message.text ?? ''))).toBe(true);
});
