// Customers whose agent is away: once one has waited AWAY_REQUEUE_AFTER for an answer, their conversation goes to a
// free colleague or back to the queue, and both the customer and the agent are told, in their languages.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs } from '../helpers.ts';
import { queueOf } from '../../src/handover/assignment/queue.ts';
import { TIMELINES, type TimelineEvent } from '../../src/bot/timeline.ts';
import { dataDirWithTeam, fakeChannel, harness, pickTeamFlow, type FakeChannel, type Harness } from './harness.ts';

afterEach(cleanupDirs);

// Billing or Support with buttons, then that team.
const flow = pickTeamFlow;

const team = (omarLanguage = '') => `
teams:
  - name: Billing
    strategy: least_open
  - name: Support
    strategy: round_robin
agents:
  - name: Omar
    telegram: 9001
    teams: [Billing]
    max_open: 3
${omarLanguage}
  - name: Sara
    telegram: 9002
    teams: [Billing]
    max_open: 1
`;

let clock = new Date('2026-12-06T09:00:00Z');
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
const MINUTE = 60_000;

interface Desk {
  h: Harness;
  customers: FakeChannel;
  agents: FakeChannel;
  customer(id: string, text: string): Promise<void>;
  agent(id: string, text: string): Promise<void>;
  conversationOf(id: string): Promise<number>;
  sweep(): Promise<void>;
}

async function desk(omarLanguage = ''): Promise<Desk> {
  clock = new Date('2026-12-06T09:00:00Z');
  const customers = fakeChannel('whatsapp');
  const agents = fakeChannel('telegram');
  const dir = await dataDirWithTeam({ 'inbound.yaml': flow }, team(omarLanguage));
  const h = await harness(dir, [customers, agents], { now });
  return {
    h, customers, agents,
    customer: (id, text) => h.send('whatsapp', id, text, { from: { id, name: 'Layla' } }),
    agent: (id, text) => h.send('telegram', id, text, { from: { id, name: 'agent' } }),
    async conversationOf(id) {
      const contact = await h.store.contactByIdentity('whatsapp', id);
      return (await h.store.conversations()).filter((c) => c.contactId === contact?.id).at(-1)!.id;
    },
    async sweep() {
      await h.runtime.sweep();
      await h.outbox.drain();
    },
  };
}

/** Omar online alone, Layla's Billing conversation with him and answered: its id. */
async function answeredByOmar(d: Desk, customer = 'w1', words = ['hi', 'Billing']): Promise<number> {
  await d.agent('9001', '/online');
  for (const text of words) await d.customer(customer, text);
  const id = await d.conversationOf(customer);
  expect((await d.h.store.conversation(id))?.agentId).toBe('omar');
  await d.agent('9001', 'Hello, let me check.');
  return id;
}

describe('customers of an agent who is away', () => {
  it('go to a free colleague once they waited 10 minutes for an answer, and the customer and the agent are told', async () => {
    const d = await desk();
    const id = await answeredByOmar(d);
    advance(MINUTE);
    await d.agent('9001', '/away');
    await d.agent('9002', '/online');
    advance(MINUTE);
    await d.customer('w1', 'any news?');
    advance(9 * MINUTE);
    await d.sweep();
    // 9 minutes: still Omar's, who may be back in a moment.
    expect((await d.h.store.conversation(id))?.agentId).toBe('omar');
    advance(2 * MINUTE);
    await d.sweep();
    // A hand-over from Omar in Billing, for the reports.
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'sara', handOvers: [{ agent: 'omar', team: 'Billing' }] });
    expect(d.customers.textsTo('w1').slice(-2)).toEqual(['\u2068Omar\u2069 is away at the moment, so another agent will answer you.', '\u2068Sara\u2069 has joined the conversation.']);
    expect(d.agents.textsTo('9001').at(-1)).toBe(`#${id} was passed to Sara while you were away: Layla had waited 11 min for an answer.`);
    // Sara's card has what Layla is waiting on.
    expect(d.agents.textsTo('9002').at(-1)).toContain('any news?');
    // Omar, back, answers as if she were still his: it reaches nobody, and he is told why.
    await d.agent('9001', 'Sorry, I was away. Your refund left today.');
    expect(d.customers.textsTo('w1')).not.toContain('Sorry, I was away. Your refund left today.');
    expect(d.agents.textsTo('9001').at(-1)).toMatch(new RegExp(`^Nothing was sent or done: #${id} \\(Layla\\), where your messages went, is with Sara now`));
    await d.h.close();
  });

  it('go back to the queue when no colleague is free, told their place, and come back to the agent once online again', async () => {
    const d = await desk();
    const id = await answeredByOmar(d);
    // A second customer of Omar's, answered, who writes nothing more: they wait for nothing, and stay his.
    await d.customer('w2', 'hi');
    await d.customer('w2', 'Billing');
    const quiet = await d.conversationOf('w2');
    await d.h.runtime.deliver({ channel: 'telegram', id: 'quiet-answer', from: { id: '9001', name: 'agent' }, text: `#${quiet} Done, anything else?`, at: clock.toISOString() });
    await d.h.outbox.drain();
    advance(MINUTE);
    await d.agent('9001', '/away');
    await d.customer('w1', 'hello? are you there?');
    advance(10 * MINUTE);
    await d.sweep();
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'queued', team: 'Billing', handOvers: [{ agent: 'omar', team: 'Billing' }] });
    expect(await d.h.store.conversation(quiet)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    expect(queueOf('Billing', await d.h.store.openConversations()).map((c) => c.id)).toEqual([id]);
    expect(d.customers.textsTo('w1').at(-1)).toBe('\u2068Omar\u2069 is away at the moment, so the next free agent will answer you. You are number 1 in line.');
    expect(d.agents.textsTo('9001').at(-1)).toBe(`#${id} was passed back to Billing's queue while you were away: Layla had waited 10 min for an answer.`);
    // The transcript says it was no one's move, as an auto-close does.
    const timeline = await d.h.store.doc<TimelineEvent[]>(TIMELINES, String(id));
    expect(timeline?.at(-1)).toMatchObject({ type: 'queued', team: 'Billing', by: { kind: 'inactivity' } });
    // Omar comes back: nobody took Layla meanwhile, so she is his again.
    await d.agent('9001', '/online');
    expect(await d.h.store.conversation(id)).toMatchObject({ stage: 'assigned', agentId: 'omar' });
    await d.h.close();
  });

  it('stay with the agent who is online, or who answers them while away, until they wait 10 minutes unanswered', async () => {
    const d = await desk();
    const id = await answeredByOmar(d);
    await d.agent('9002', '/online');
    // Online, Omar is slow: that is for AUTO_CLOSE_AFTER, not for this.
    advance(MINUTE);
    await d.customer('w1', 'any news?');
    advance(30 * MINUTE);
    await d.sweep();
    expect((await d.h.store.conversation(id))?.agentId).toBe('omar');
    await d.agent('9001', '/away');
    await d.customer('w1', 'hello?');
    advance(5 * MINUTE);
    // Away, he still answers from his phone.
    await d.agent('9001', 'Still on it, one more minute.');
    advance(20 * MINUTE);
    await d.sweep();
    expect((await d.h.store.conversation(id))?.agentId).toBe('omar');
    // Until Layla's next message waits 10 minutes unanswered.
    await d.customer('w1', 'ok, and now?');
    advance(10 * MINUTE);
    await d.sweep();
    expect((await d.h.store.conversation(id))?.agentId).toBe('sara');
    await d.h.close();
  });

  it('counts from when the agent went away, and speak Arabic to an Arabic customer and an agent with language: ar', async () => {
    const d = await desk('    language: ar');
    const id = await answeredByOmar(d, 'a1', ['مرحبا', 'Billing']);
    await d.agent('9002', '/online');
    // Layla's question waited 30 minutes while Omar was online; he goes away now.
    advance(MINUTE);
    await d.customer('a1', 'هل من جديد؟');
    advance(30 * MINUTE);
    await d.agent('9001', '/away');
    advance(5 * MINUTE);
    await d.sweep();
    expect((await d.h.store.conversation(id))?.agentId).toBe('omar');
    advance(5 * MINUTE);
    await d.sweep();
    expect((await d.h.store.conversation(id))?.agentId).toBe('sara');
    expect(d.customers.textsTo('a1').slice(-2)).toEqual(['\u2068Omar\u2069 غير متاح حاليًا، لذا سيجيبك موظف آخر.', 'انضم \u2068Sara\u2069 إلى المحادثة.']);
    expect(d.agents.textsTo('9001').at(-1)).toBe(`أُسندت المحادثة #${id} إلى \u2068Sara\u2069 أثناء غيابك: انتظر \u2068Layla\u2069 ردًا مدة 40 دقيقة.`);
    await d.h.close();
  });
});
