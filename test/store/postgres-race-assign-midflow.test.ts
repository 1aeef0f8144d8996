// An admin gives a conversation to an agent (process B) while the bot is mid-question and the customer answers
// at that moment (process A). Once the customer has been told the agent joined, the bot says nothing more; the answer
// reaches the agent exactly once (on the card, or relayed).
import { expect, it } from 'vitest';
import type { Switchboard } from '../../src/server/switchboard.ts';
import { databaseUrl } from './postgres-helpers.ts';
import { AGENT_CHAT, allSent, deliverToAll, quiet, sleep, twoAppsForFile, update } from './postgres-two-apps.ts';

const ROUNDS = Number(process.env.ATTACK_ROUNDS ?? 25);
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What do you need?"
    save: conversation.need
  - ask: "And your order number?"
    save: conversation.order
  - say: "Thanks, looking it up."
  - assign: { team: Support }
    queued: "Please wait."
`;
const team = `teams:\n  - name: Support\nagents:\n  - name: Omar\n    telegram: ${AGENT_CHAT}\n    teams: [Support]\n    max_open: 500\n`;
const two = twoAppsForFile(flow, team);
const { apps } = two;

it.skipIf(!databaseUrl)('the bot stays silent once the agent joined; the answer reaches the agent once', async () => {
  const [a, b] = apps as [Switchboard, Switchboard];
  const api = two.api();
  expect(await deliverToAll([b.url], update(AGENT_CHAT, '/online'))).toEqual([200]);
  const problems: string[] = [];
  const shapes: Record<string, number> = {};
  for (let round = 0; round < ROUNDS; round++) {
    const chat = 61_000 + round;
    expect(await deliverToAll([a.url], update(chat, 'hi'))).toEqual([200]);
    const step = round % 2; // answer the first or the second question
    if (step === 1) expect(await deliverToAll([a.url], update(chat, `r${round}-need`))).toEqual([200]);
    // The bot's question, and what the round before's close caused, have gone out.
    await allSent(two.db());
    const contact = await a.store.contactByIdentity('telegram', String(chat));
    const id = (await a.store.openConversations()).find((c) => c.contactId === contact?.id)!.id;
    const agentBefore = api.sentTo(AGENT_CHAT).length;
    const answer = `r${round}-answer`;
    const jitter = Math.random() * 20;
    const [result] = await Promise.all([
      b.runtime.act({ kind: 'admin', name: 'Nadia' } as never, { kind: 'assign', conversationId: id, agentId: 'omar' } as never),
      sleep(jitter).then(() => deliverToAll(round % 3 === 0 ? [a.url, b.url] : [a.url], update(chat, answer))),
    ]);
    await quiet(api);
    const customer = api.sentTo(chat).map((t) => t.replace(/[\u2066-\u2069]/g, ''));
    const agent = api.sentTo(AGENT_CHAT).slice(agentBefore);
    const joined = customer.indexOf('Omar has joined the conversation.');
    const after = joined < 0 ? [] : customer.slice(joined + 1);
    const shape = `${(result as { ok: boolean }).ok ? 'assigned' : 'refused'} ${customer.length}`;
    shapes[shape] = (shapes[shape] ?? 0) + 1;
    const say = (what: string) => problems.push(`round ${round} (step ${step}, jitter ${jitter.toFixed(1)}): ${what}\n   customer saw ${JSON.stringify(customer)}\n   agent saw ${JSON.stringify(agent)}`);
    if (joined < 0) say('never told an agent joined');
    if (after.length > 0) say(`the bot spoke after the agent joined: ${JSON.stringify(after)}`);
    if (customer.filter((t) => t === 'Omar has joined the conversation.').length !== 1) say('joined notice not once');
    const shown = agent.filter((line) => line.includes(answer)).length;
    if (shown !== 1) say(`the answer shown to the agent ${shown} times`);
    const stored = (await a.store.messagesOfContact(contact!.id)).filter((m) => m.text === answer && m.direction === 'in');
    if (stored.length !== 1) say(`answer stored ${stored.length} times`);
    const dupes = customer.filter((t, i) => customer.indexOf(t) !== i);
    if (dupes.length > 0) say(`customer got duplicates ${JSON.stringify(dupes)}`);
    await a.runtime.act({ kind: 'admin', name: 'test' } as never, { kind: 'close', conversationId: id } as never);
  }
  expect(problems).toEqual([]);
}, 600_000);
