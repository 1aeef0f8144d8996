// What a customer reads of a flow's words the admin styled in WhatsApp's markup (`*Thanks!*`), through the real server,
// the fake Bot API and the web chat: Layla's Telegram shows the styles (no asterisks), Sam's web chat the words without
// the markers. A field's value is never read as markup (a name "_Layla_" stays as written), a marker written after a
// backslash shows as it is, and a lone `*` ("5 * 3") stays.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../helpers.ts';
import { post, telegramServers } from '../channels/telegram/harness.ts';

// Single-quoted YAML keeps the backslash as written.
const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: '*Thanks*, {{contact.name}}! Write \\*ORD\\* and your number; 5 * 3 = 15.'
  - ask: 'Which _team_ do you need?'
    expect: choice
    choices: [Billing, Sales]
    save: conversation.topic
  - assign: { team: Billing }
`;
const greeting = (name: string) => `Thanks, ${name}! Write *ORD* and your number; 5 * 3 = 15.`;
const question = 'Which team do you need?';

const servers = telegramServers();

describe('a flow\'s words styled in WhatsApp\'s markup', () => {
  it('Layla\'s Telegram shows them bold and italic, her name "_Layla_" as she wrote it; Sam\'s web chat reads the words without the markers', async () => {
    const { app, api } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': flow } });
    const person = { id: 5001, first_name: '_Layla_' };
    expect(await post(app, { update_id: 1, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: 'Where is my refund?' } })).toBe(200);
    const sent = () => api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === '5001').map((call) => call.params as { text: string; entities?: unknown[] });
    await eventually(() => sent().some((got) => got.text.startsWith(question)), 15_000);
    expect(sent().find((got) => got.text === greeting('_Layla_'))?.entities).toEqual([{ type: 'bold', offset: 0, length: 'Thanks'.length }]);
    expect(sent().find((got) => got.text.startsWith(question))?.entities).toEqual([{ type: 'italic', offset: 'Which '.length, length: 'team'.length }]);

    const sam = visitor(app.url, 'sam-markup', 'Sam');
    expect((await sam.say('A question about my order')).status).toBe(202);
    const samRead = async () => (await sam.messages()).filter((message) => message.from === 'bot').map((message) => message.text);
    await eventually(async () => (await samRead()).some((text) => text.startsWith(question)), 15_000);
    expect(await samRead()).toEqual([greeting('Sam'), expect.stringMatching(/^Which team do you need\?/)]);
  });
});

describe('a flow\'s words holding private-use characters', () => {
  it('reach Layla\'s Telegram exactly as written, U+E000 and U+E001 (an icon font\'s glyphs) kept beside the styled words', async () => {
    // Double-quoted YAML reads \uE000 as the character; the single-quoted name field keeps its own.
    const privateUse = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - say: "\\uE000 *Menu* \\uE001 for {{contact.name}}: \\\\*\\uE001 \\uE000\\uE000 _end_"
  - assign: { team: Billing }
`;
    const { app, api } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': privateUse } });
    const person = { id: 5001, first_name: 'Layla\uE000' };
    expect(await post(app, { update_id: 1, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: 'Where is my refund?' } })).toBe(200);
    const written = '\uE000 Menu \uE001 for Layla\uE000: *\uE001 \uE000\uE000 end';
    const sent = () => api.callsOf('sendMessage').filter((call) => String(call.params.chat_id) === '5001').map((call) => call.params as { text: string; entities?: unknown[] });
    await eventually(() => sent().some((got) => got.text.startsWith('\uE000')), 15_000);
    const said = sent().find((got) => got.text.startsWith('\uE000'))!;
    expect(said.text).toBe(written);
    expect(said.entities).toEqual([{ type: 'bold', offset: 2, length: 'Menu'.length }, { type: 'italic', offset: written.length - 'end'.length, length: 'end'.length }]);
  });
});
