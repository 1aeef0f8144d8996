// A customer's edit of an answer that lands as two agents take the queued conversation (Sara in the agent console,
// Omar by /claim in Telegram), end to end through the real server and the fake Bot API: one of them holds it, the
// edit is taken once, and whoever learns of it learns it once: the customer while it waited (and the holder on the
// card), or the holder alone once it was theirs; the other agent hears nothing of it.
import { describe, expect, it } from 'vitest';
import { eventually, TEST_AGENT_TOKEN } from '../../helpers.ts';
import { OMAR, post, teamFile, telegramServers, textNow as text } from './harness.ts';

const { setUp } = telegramServers();

const FLOW = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: { en: "What's your email?", ar: "ما بريدك الإلكتروني؟" }
    expect: email
    save: contact.email
    label: { en: Email, ar: البريد الإلكتروني }
  - ask: { en: "How can we help?", ar: "كيف يمكننا مساعدتك؟" }
    save: conversation.need
  - assign: { team: Billing }
`;
const TEAM = `${teamFile}  - name: Sara
    webchat: agent-sara
    webchat_token: ${TEST_AGENT_TOKEN}
    teams: [Billing]
    max_open: 6
`;
const TOLD_CUSTOMER = "Your edit doesn't give a valid email address, so I've kept sam@example.com. To change it, write \"I meant\" and the right one.";
const ON_CARD = "Layla's edit gives no valid email address, so Email stays sam@example.com. The bot told Layla.";
const RELAYED = "Layla's edit gives no valid email address, so Email stays sam@example.com. The bot did not tell Layla.";

describe('a customer edits an answer while agents take the conversation', () => {
  it('gives it to one agent, takes the edit once, and tells the customer or the holder of it, never both, never the other agent', async () => {
    const { app, api } = await setUp({ webhook: true, flows: { 'inbound.yaml': FLOW }, team: TEAM.replace('    max_open: 3\n', '    max_open: 6\n') });
    const say = async (update: Record<string, unknown>) => expect(await post(app, update)).toBe(200);
    const login = await fetch(`${app.url}/agent/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: TEST_AGENT_TOKEN }) });
    expect(login.status).toBe(204);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const saraTakes = (id: number) => fetch(`${app.url}/agent/api/act`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ action: { kind: 'claim', conversationId: id } }) });
    const toSara = async () => ((await (await fetch(`${app.url}/webchat/agent-sara/messages`, { headers: { authorization: `Bearer ${TEST_AGENT_TOKEN}` } })).json()) as { messages: { from: string; text: string }[] }).messages.map((message) => message.text);
    const outcomes = new Set<string>();

    // Each order the three can start in, once: which comes first is the server's to decide.
    const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
    for (const [index, order] of orders.entries()) {
      const round = index + 1;
      const chat = 7000 + round;
      await say(text(chat, 'hello'));
      const sent = text(chat, 'sam@example.com') as { message: Record<string, unknown> };
      await say(sent);
      await eventually(() => api.sentTo(chat).length === 2);
      await say(text(chat, 'I was charged twice'));
      await eventually(async () => (await app.store.conversation(round))?.stage === 'queued');
      await eventually(() => api.sentTo(chat).length === 3);
      const edit = { update_id: Date.now() + round, edited_message: { ...sent.message, text: 'sam@example', edit_date: (sent.message.date as number) + 30 } };
      const starts = [() => say(edit), () => say(text(OMAR, `/claim ${round}`)), () => saraTakes(round)];
      const started: Promise<unknown>[] = [];
      for (const which of order) started[which] = starts[which]!();
      const byConsole = (await Promise.all(started))[2] as Response;

      await eventually(async () => (await app.store.conversation(round))?.stage === 'assigned');
      const conversation = (await app.store.conversation(round))!;
      const holder = conversation.agentId === 'Sara' || conversation.agentId?.toLowerCase().includes('sara') ? 'sara' : 'omar';
      // Sara's take answers whether it was hers; Omar's /claim is answered in his chat.
      expect(byConsole.status < 500).toBe(true);
      await eventually(async () => (await app.store.messagesOfConversation(round)).some((message) => message.edit?.text === 'sam@example'));
      const holderHeard = async () => (holder === 'sara' ? await toSara() : api.sentTo(OMAR)).filter((line) => line.includes(`#${round} `) || line.startsWith(`#${round}`));
      // What the holder reads of the edit: on the card (it waited when the edit came) or relayed (it was theirs).
      await eventually(async () => (await holderHeard()).some((line) => line.includes(ON_CARD) || line.includes(RELAYED)));
      const heard = await holderHeard();
      const onCard = heard.filter((line) => line.includes(ON_CARD)).length;
      const relayed = heard.filter((line) => line.includes(RELAYED)).length;
      expect(onCard + relayed).toBe(1);
      // The customer is told iff it waited when the edit came: then the holder reads that the bot told her.
      if (onCard === 1) await eventually(() => api.sentTo(chat).includes(TOLD_CUSTOMER));
      await eventually(async () => (await app.store.messagesOfConversation(round)).every((message) => message.status !== 'pending' && message.status !== 'sending'));
      expect(api.sentTo(chat).filter((line) => line === TOLD_CUSTOMER)).toHaveLength(onCard);
      // The other agent hears nothing of it.
      const other = holder === 'sara' ? api.sentTo(OMAR) : await toSara();
      expect(other.filter((line) => line.includes('sam@example') && line.includes(`#${round}`))).toEqual([]);
      // Nothing lost: the edit is in the transcript once, and the email stands.
      expect((await app.store.messagesOfConversation(round)).filter((message) => message.edit?.text === 'sam@example')).toHaveLength(1);
      expect((await app.store.contactByIdentity('telegram', String(chat)))?.fields.email).toBe('sam@example.com');
      outcomes.add(`${holder}:${onCard === 1 ? 'edit first' : 'take first'}`);
    }
    console.info(`edit/take race outcomes: ${[...outcomes].join(', ')}`);
  }, 120_000);
});
