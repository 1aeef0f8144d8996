// What a customer reads of the texts an admin writes for the moments of a conversation (a flow's `queued` text, its
// `notices:`) styled in WhatsApp's markup, through the real server and the fake Bot API: Layla's Telegram shows the
// styles as entities on the same words, never the asterisks; a field's value (the team's name, the agent's, the place
// in line, the agent's shared note) is never read as markup.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../helpers.ts';
import { LAYLA, OMAR, post, telegramServers, textNow } from '../channels/telegram/harness.ts';

const SARA = 9002;
/** `textNow`, from Sara's own chat. */
function fromSara(body: string): Record<string, unknown> {
  const update = textNow(SARA, body);
  const sara = { id: SARA, first_name: 'Sara' };
  return { ...update, message: { ...(update.message as object), chat: { ...sara, type: 'private' }, from: { ...sara, is_bot: false } } };
}

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
notices:
  assigned: "*{{agent.name}}* is with you now."
  transferred: "Passed to our _{{conversation.team}}_ team."
  closed: "*Closed.* {{closing.note}} ~Bye~"
steps:
  - assign: { team: Billing }
    queued: "All agents are busy: you are *number {{queue.position}}* in line."
`;

const team = `
teams:
  - name: Billing
    strategy: least_open
  - name: Sales
    strategy: least_open
agents:
  - name: Omar
    telegram: ${OMAR}
    teams: [Billing]
    max_open: 3
  - name: Sara
    telegram: ${SARA}
    teams: [Sales]
    max_open: 3
`;

const servers = telegramServers();

describe('the moments\' texts an admin styled in WhatsApp\'s markup', () => {
  it('reach Layla\'s Telegram styled (queued with her place bold, an agent joined, passed on with her place, closed with the agent\'s note), and Sam\'s web chat without the markers', async () => {
    const { app, api } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': flow }, team });
    const told = () => api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === String(LAYLA)).map((call) => call.params as { text: string; entities?: unknown[] });
    const saying = async (start: string) => {
      await eventually(() => told().some((got) => got.text.startsWith(start)), 15_000);
      return told().find((got) => got.text.startsWith(start))!;
    };
    const bold = (text: string, words: string) => ({ type: 'bold', offset: text.indexOf(words), length: words.length });

    expect(await post(app, textNow(LAYLA, 'Where is my refund?'))).toBe(200);
    const queued = await saying('All agents');
    expect(queued.text).toBe('All agents are busy: you are number 1 in line.');
    expect(queued.entities).toEqual([bold(queued.text, 'number 1')]);

    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    const joined = await saying('\u2068Omar');
    expect(joined.text).toBe('\u2068Omar\u2069 is with you now.');
    expect(joined.entities).toEqual([bold(joined.text, '\u2068Omar\u2069')]);

    expect(await post(app, textNow(OMAR, '/transfer 1 Sales'))).toBe(200);
    const passed = await saying('Passed');
    expect(passed.text).toBe('Passed to our Sales team. You are number 1 in line.');
    expect(passed.entities).toEqual([{ type: 'italic', offset: 'Passed to our '.length, length: 'Sales'.length }]);

    expect(await post(app, fromSara('/online'))).toBe(200);
    const sara = await saying('\u2068Sara');
    expect(sara.entities).toEqual([bold(sara.text, '\u2068Sara\u2069')]);

    expect(await post(app, fromSara('/close 1 "Refund sent"'))).toBe(200);
    const closed = await saying('Closed');
    expect(closed.text).toBe('Closed. \u2068Refund sent.\u2069 Bye');
    expect(closed.entities).toEqual([bold(closed.text, 'Closed.'), { type: 'strikethrough', offset: closed.text.length - 'Bye'.length, length: 'Bye'.length }]);

    // Sam in the web chat, taken by Omar at once: the words without the markers.
    const sam = visitor(app.url, 'sam-notices', 'Sam');
    expect((await sam.say('Hello?')).status).toBe(202);
    const samRead = async () => (await sam.messages()).filter((message) => message.from === 'bot').map((message) => message.text);
    await eventually(async () => (await samRead()).length > 0, 15_000);
    expect(await samRead()).toEqual(['\u2068Omar\u2069 is with you now.']);
  });
});
