// The handover on the shipped defaults (data/flows/inbound.yaml, data/team.yaml) as `npm start` runs them, web chat
// only: an agent whose first address is on a channel that does not run (the shipped Omar's `telegram:` id, with no
// Telegram token) gets the handover's notices where they can read them, not a failed message and an error; and a
// customer handed back to the bot is asked whether they need anything else, never told that nobody is free.
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

it('on the shipped flow, a customer handed back is asked whether they need anything else: another need is routed again, none ends it', async () => {
  const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: agentToken('agent-omar') }) });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const act = (action: object) => fetch(`${app.url}/agent/api/act`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
  expect((await act({ kind: 'status', status: 'online' })).status).toBe(200);

  const karim = visitor(app.url, 'karim', 'Karim');
  await karim.say('hello');
  await karim.say('karim@example.com');
  await karim.say('I was charged twice');
  const held = async () => (await app.store.openConversations({ agentId: 'omar' })).find((c) => c.id !== 1);
  await expect.poll(async () => (await held())?.stage).toBe('assigned');
  const id = (await held())!.id;

  expect((await act({ kind: 'handBack', conversationId: id })).status).toBe(200);
  await expect.poll(async () => (await karim.botTexts()).at(-1)).toBe('Is there anything else we can help you with?');
  expect((await karim.botTexts()).slice(-2)).toEqual(['You are back with our assistant.', 'Is there anything else we can help you with?']);

  // Another need: asked, and routed again (Omar is online in Billing: he gets it back).
  await karim.say('Yes');
  await expect.poll(async () => (await karim.botTexts()).at(-1)).toBe('Sure: what else can we do for you?');
  await karim.say('I need a copy of my invoice');
  await expect.poll(async () => (await app.store.conversation(id))?.stage).toBe('assigned');

  // Handed back again, and nothing else: thanked, and the conversation ends.
  expect((await act({ kind: 'handBack', conversationId: id })).status).toBe(200);
  await expect.poll(async () => (await karim.botTexts()).at(-1)).toBe('Is there anything else we can help you with?');
  await karim.say("No, that's all");
  await expect.poll(async () => (await app.store.conversation(id))?.status).toBe('closed');
  const texts = await karim.botTexts();
  expect(texts.slice(texts.lastIndexOf('Is there anything else we can help you with?') + 1)).toEqual(['Thanks for getting in touch. Write to us any time.']);
  expect(texts.join('\n')).not.toMatch(/nobody is free/);
});
