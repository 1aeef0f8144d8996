// Twelve customers of one team reach the assign step at once, six on each process, while its only agent is busy: each
// is told their own place, 1 to 12, in the order the agent then takes them. (Before the placing, each queuing
// transaction counted the queue without the others' uncommitted ones: places like 1, 1, 3, 3, 3, 3, 4….)
import { expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, deliverToAll, quiet, twoAppsForFile, update } from './postgres-two-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 3);
const CUSTOMERS = 12;
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - assign: { team: Support }
    queued: "You are number {{queue.position}} in line."
`;
const team = `teams:\n  - name: Support\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: 1\n`;
const two = twoAppsForFile(flow, team);
const { apps } = two;

it.skipIf(!databaseUrl)('tells customers queuing at once on two processes each their own place, in the order they are served', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const api = two.api();
  expect(await deliverToAll([a.url], update(AGENT_CHAT, '/online'))).toEqual([200]);
  for (let round = 0; round < ROUNDS; round++) {
    // Omar takes the first customer: nobody else finds him free.
    const first = 66_000 + round * 100;
    expect(await deliverToAll([a.url], update(first, 'hi'))).toEqual([200]);
    expect(await deliverToAll([a.url], update(first, 'need'))).toEqual([200]);
    const chats = Array.from({ length: CUSTOMERS }, (_, i) => first + 1 + i);
    for (const chat of chats) expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
    const statuses = await Promise.all(chats.map((chat, i) => deliverToAll([i % 2 ? b.url : a.url], update(chat, 'need'))));
    expect(statuses.flat()).toEqual(chats.map(() => 200));
    await quiet(api);
    const told = new Map(chats.map((chat) => [chat, api.sentTo(chat).filter((text) => text.includes('in line'))]));
    // Omar closes each conversation he holds: the next in line is his. The places told, in the order he is given them.
    const served: (string[] | undefined)[] = [];
    for (let n = 0; n <= CUSTOMERS; n++) {
      const held = await a.store.openConversations({ stage: 'assigned', agentId: 'omar' });
      expect(held).toHaveLength(1);
      const contact = await a.store.contact(held[0]!.contactId);
      const chat = Number(contact!.identities[0]!.id);
      if (n > 0) served.push(told.get(chat));
      expect(await deliverToAll([n % 2 ? b.url : a.url], update(AGENT_CHAT, `/close ${held[0]!.id}`))).toEqual([200]);
      if (n === CUSTOMERS) break;
    }
    expect(served, `round ${round}`).toEqual(chats.map((_, i) => [`You are number ${i + 1} in line.`]));
    await quiet(api);
  }
}, 300_000);
