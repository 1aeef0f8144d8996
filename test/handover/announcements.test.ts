// What the customer is told when who holds their conversation changes: an agent joining is news once, until the
// customer is told something else holds it (the bot, a team's queue, another agent). Every way an agent or an admin
// moves a conversation: commands typed in Telegram, the agent console's and the dashboard's calls to `runtime.act`.
// End to end at runtime level over the embedded store: customers on WhatsApp, agents on Telegram.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { dataDirWithTeam, fakeChannel, harness } from '../bot/harness.ts';
import type { AgentAction } from '../../src/handover/actions.ts';
import type { AdminAction } from '../../src/handover/admin-actions.ts';

afterEach(cleanupDirs);

// The shipped flow's shape: after a hand back the bot asks whether there is anything else, and routes again.
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - id: route
    ask: { en: "Which team?", ar: "أي فريق؟" }
    expect: choice
    choices: [Billing, Support, Sales]
    save: conversation.topic
  - assign: { team: "{{conversation.topic}}" }
    queued: { en: "You are number {{queue.position}} in line.", ar: "ترتيبك {{queue.position}} في قائمة الانتظار." }
  - ask: { en: "Anything else?", ar: "هل من شيء آخر؟" }
    expect: choice
    choices: [Yes, No]
    save: conversation.more
  - branch:
      - if: { conversation.more: "No" }
        goto: bye
  - goto: route
  - id: bye
    close: nothing else
`;

// Sara works in Billing and Support: a conversation of one passed to the other can come straight back to her.
const team = `
teams:
  - name: Billing
    strategy: least_open
  - name: Support
    strategy: least_open
  - name: Sales
    strategy: least_open
agents:
  - name: Sara
    telegram: 9002
    teams: [Billing, Support]
  - name: Lina
    telegram: 9003
    teams: [Sales, Support]
`;

const joined = { en: (name: string) => `\u2068${name}\u2069 has joined the conversation.`, ar: (name: string) => `انضم \u2068${name}\u2069 إلى المحادثة.` };

async function desk() {
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const h = await harness(await dataDirWithTeam({ 'inbound.yaml': flow }, team), [customers, agents]);
  const d = {
    h, customers, agents,
    customer: (id: string, text: string) => h.send('whatsapp', id, text, { from: { id, name: 'Layla' } }),
    agent: (id: string, text: string) => h.send('telegram', id, text, { from: { id, name: 'agent' } }),
    /** Sara's decision as the agent console makes it. */
    async console(action: AgentAction) {
      const result = await h.runtime.act(h.directory.agent('sara')!, action);
      await h.outbox.drain();
      return result;
    },
    /** An admin's decision as the dashboard makes it. */
    async admin(action: AdminAction) {
      const result = await h.runtime.act({ kind: 'admin', name: 'Nadia' }, action);
      await h.outbox.drain();
      return result;
    },
    async id(who: string) {
      const contact = await h.store.contactByIdentity('whatsapp', who);
      return (await h.store.conversations()).filter((c) => c.contactId === contact?.id).at(-1)!.id;
    },
    /** What the customer read after the first `from` messages. */
    since: (who: string, from: number) => customers.textsTo(who).slice(from),
  };
  return d;
}

describe('who the customer is told is with them', () => {
  it('says nothing when a transfer to a team comes straight back to the agent who holds it, from Telegram, the console or the dashboard', async () => {
    const d = await desk();
    await d.agent('9002', '/online');
    for (const [who, greeting] of [['en', 'hi'], ['ar', 'مرحبا']] as const) {
      await d.customer(who, greeting);
      await d.customer(who, 'Billing');
      expect(d.customers.textsTo(who).at(-1)).toBe(joined[who]('Sara'));
      const id = await d.id(who);
      const told = d.customers.textsTo(who).length;
      await d.agent('9002', `/transfer ${id} Support`);
      expect(d.agents.textsTo('9002').at(-1)).toBe(`#${id} is transferred to Support (Sara has it).`);
      expect((await d.console({ kind: 'transfer', conversationId: id, to: 'Billing' })).message).toBe(`#${id} is transferred to Billing (Sara has it).`);
      expect((await d.admin({ kind: 'transfer', conversationId: id, team: 'Support' })).message).toBe(`#${id} is transferred to Support (Sara has it).`);
      await d.agent('9002', 'Still here, looking at it.');
      // Sara never left: no second "Sara has joined" between her words.
      expect(d.since(who, told)).toEqual(['Still here, looking at it.']);
      await d.agent('9002', `/close ${id}`);
    }
    await d.h.close();
  });

  it('tells the customer again once someone else had them in between: the bot, a queue, a colleague', async () => {
    const d = await desk();
    await d.agent('9002', '/online');
    await d.customer('c', 'hi');
    await d.customer('c', 'Billing');
    const id = await d.id('c');
    // Back with the bot, then routed to Sara again.
    await d.agent('9002', `/handback ${id}`);
    await d.customer('c', 'Yes');
    await d.customer('c', 'Billing');
    // Sara passes it to Support and takes it back at once (Lina is not online yet): nothing new for the customer.
    await d.agent('9002', `/transfer ${id} Support`);
    // To Lina, and back.
    await d.agent('9003', '/online');
    await d.agent('9002', `/transfer ${id} Lina`);
    await d.agent('9003', `/transfer ${id} Sara`);
    // To the queue of a team whose only agent is away, then given to Sara from there in the dashboard.
    await d.agent('9003', '/away');
    expect((await d.console({ kind: 'transfer', conversationId: id, to: 'Sales' })).ok).toBe(true);
    await d.admin({ kind: 'assign', conversationId: id, agentId: 'sara' });
    // Back with the bot from the dashboard, then given to Sara again.
    await d.admin({ kind: 'handBack', conversationId: id });
    await d.admin({ kind: 'assign', conversationId: id, agentId: 'sara' });
    expect(d.customers.textsTo('c')).toEqual([
      'Which team?', joined.en('Sara'),
      'You are back with our assistant.', 'Anything else?', 'Which team?', joined.en('Sara'),
      joined.en('Lina'), joined.en('Sara'),
      'Your conversation was passed to our Sales team. You are number 1 in line.', joined.en('Sara'),
      'You are back with our assistant.', 'Anything else?', joined.en('Sara'),
    ]);
    await d.h.close();
  });

  it('hands a conversation the business\'s own app took over to an agent through the bot: the customer hears who joined, and the agent reads them', async () => {
    const d = await desk();
    await d.agent('9002', '/online');
    for (const kind of ['assign', 'transfer'] as const) {
      await d.customer(kind, 'hi');
      await d.h.send('whatsapp', kind, 'Sam here from the shop', { echo: true, from: { id: kind } });
      const id = await d.id(kind);
      const result = await d.admin(kind === 'assign' ? { kind, conversationId: id, agentId: 'sara' } : { kind, conversationId: id, team: 'Billing' });
      expect(result.ok).toBe(true);
      await d.customer(kind, 'my order is 4521');
      expect(d.customers.textsTo(kind)).toEqual(['Which team?', joined.en('Sara')]);
      expect(d.agents.textsTo('9002').at(-1)).toBe(`#${id} Layla: my order is 4521`);
      await d.agent('9002', `/close ${id}`);
    }
    await d.h.close();
  });

  it('asks the question again when a conversation taken mid-question is handed back to the bot, in the customer\'s language', async () => {
    const d = await desk();
    await d.agent('9002', '/online');
    // Taken over in the business's app while the bot waited for an answer, handed back in the dashboard.
    await d.customer('t', 'hi');
    await d.h.send('whatsapp', 't', 'Sam here from the shop', { echo: true, from: { id: 't' } });
    await d.admin({ kind: 'handBack', conversationId: await d.id('t') });
    // Claimed by Sara from the bot mid-question, handed back by her.
    await d.customer('a', 'مرحبا');
    const id = await d.id('a');
    await d.agent('9002', `/claim ${id}`);
    await d.agent('9002', `/handback ${id}`);
    expect(d.customers.textsTo('t')).toEqual(['Which team?', 'You are back with our assistant.', 'Which team?']);
    expect(d.customers.textsTo('a')).toEqual(['أي فريق؟', joined.ar('Sara'), 'عدت إلى مساعدنا الآلي.', 'أي فريق؟']);
    // The bot answers again: their answer is taken.
    await d.customer('t', 'Billing');
    await d.customer('a', 'Billing');
    expect(d.customers.textsTo('t').at(-1)).toBe(joined.en('Sara'));
    expect(d.customers.textsTo('a').at(-1)).toBe(joined.ar('Sara'));
    await d.h.close();
  });
});
