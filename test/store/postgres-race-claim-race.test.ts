// Two agents /claim the same queued conversation at once, one on each process, while the customer writes (the
// message must reach whoever got it, once) and an agent's /online drain may take it too. One holder, one card,
// "has joined" once, the other agent told who has it.
import { expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { allSent, deliverToAll, quiet, sleep, twoAppsForFile, update } from './postgres-two-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 20);
const team = `teams:\n  - name: Support\nagents:\n  - name: Omar\n    telegram: 9001\n    teams: [Support]\n    max_open: 50\n  - name: Sara\n    telegram: 9002\n    teams: [Support]\n    max_open: 50\n  - name: Lina\n    telegram: 9003\n    teams: [Support]\n    max_open: 50\n`;
const two = twoAppsForFile(undefined, team);
const { apps } = two;

const plain = (texts: string[]) => texts.map((t) => t.replace(/[\u2066-\u2069]/g, ''));

it.skipIf(!databaseUrl)('one holder, one card, one notice when two agents claim at once', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const api = two.api();
  const problems: string[] = [];
  const holders: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const chat = 64_000 + round;
    // Nobody online: the customer waits in the queue.
    expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
    expect(await deliverToAll([a.url], update(chat, 'need'))).toEqual([200]);
    const contact = await a.store.contactByIdentity('telegram', String(chat));
    const id = (await a.store.openConversations()).find((c) => c.contactId === contact?.id)!.id;
    // Her questions, and what the round before's tidying caused (committed before its calls answered), have gone out.
    await allSent(two.db());
    const before = { c: api.sentTo(chat).length, 9001: api.sentTo(9001).length, 9002: api.sentTo(9002).length, 9003: api.sentTo(9003).length };
    const text = `r${round}-while`;
    await Promise.all([
      sleep(Math.random() * 10).then(() => deliverToAll([a.url], update(9001, `/claim ${id}`))),
      sleep(Math.random() * 10).then(() => deliverToAll([b.url], update(9002, `/claim ${id}`))),
      sleep(Math.random() * 10).then(() => deliverToAll([round % 2 ? a.url : b.url], update(9003, '/online'))),
      sleep(Math.random() * 10).then(() => deliverToAll([a.url, b.url], update(chat, text))),
    ]);
    await quiet(api);
    const conversation = await a.store.conversation(id);
    holders[conversation?.agentId ?? 'none'] = (holders[conversation?.agentId ?? 'none'] ?? 0) + 1;
    const customer = plain(api.sentTo(chat).slice(before.c));
    const seen = Object.fromEntries([9001, 9002, 9003].map((agent) => [agent, plain(api.sentTo(agent).slice(before[agent as 9001]))]));
    const say = (what: string) => problems.push(`round ${round}: ${what}\n  holder ${conversation?.agentId}, customer ${JSON.stringify(customer)}\n  agents ${JSON.stringify(seen)}`);
    if (conversation?.stage !== 'assigned') say('not assigned');
    if (customer.filter((t) => t.endsWith('has joined the conversation.')).length !== 1) say('joined not once');
    const holderChat = { omar: 9001, sara: 9002, lina: 9003 }[conversation?.agentId as 'omar'];
    const cards = Object.values(seen).flat().filter((t) => t.startsWith(`#${id} · `));
    if (cards.length !== 1) say(`${cards.length} cards`);
    const shown = Object.entries(seen).flatMap(([agent, lines]) => lines.filter((t) => t.includes(text)).map(() => agent));
    if (shown.length !== 1 || Number(shown[0]) !== holderChat) say(`the customer's message shown to ${JSON.stringify(shown)}`);
    const name = { omar: 'Omar', sara: 'Sara', lina: 'Lina' }[conversation?.agentId as 'omar'];
    if (!customer.includes(`${name} has joined the conversation.`)) say('the joined notice names someone else');
    // Tidy.
    await a.runtime.act({ kind: 'admin', name: 'test' } as never, { kind: 'close', conversationId: id } as never);
    expect(await deliverToAll([a.url], update(9003, '/away'))).toEqual([200]);
  }
  expect(problems).toEqual([]);
}, 600_000);
