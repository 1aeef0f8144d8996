// What customers see of a flow's choice titles the admin wrote in WhatsApp's markup (a clarify question's route
// "*Billing*", an ask's "*Yes*, please"), through the real server and fakes of each app: buttons carry no styles, so
// Layla's Telegram keyboard, Sheena's WhatsApp buttons and list rows (WhatsApp shows no markup in them) and Pia's
// Messenger quick replies get the words without the markers, and Sheena's numbered lines (text) the markup; Sam's web
// chat gets the words and their styles, as it gets a message's, and a title typed out ("yes please") is still that choice.
import { describe, expect, it } from 'vitest';
import { eventually, visitor } from '../helpers.ts';
import { FakeBotApi } from '../channels/telegram/fake-bot-api.ts';
import { OMAR, SECRET, TOKEN as BOT_TOKEN, post, telegramServers, textNow } from '../channels/telegram/harness.ts';
import { APP_SECRET as PAGE_SECRET, PSID, batch, sign, textEvent } from '../channels/messenger/harness.ts';
import { SHEENA, TOKEN, messagesBody, startCloud, text } from '../channels/whatsapp-cloud/harness.ts';

const flow = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - classify: conversation.first_message
    threshold: 1
    routes:
      billing: { team: Billing, title: "*Billing*" }
      sales: { team: Sales, title: "_Sales_ team" }
    clarify: "Is this about billing or a purchase?"
  - ask: "Anything else?"
    expect: choice
    choices: ["*Yes*, please", "No", "~Maybe~", "Later", "Not now"]
    save: conversation.more
  - ask: "When?"
    expect: choice
    choices: ["*Today*", "Some day after my cancelled order"]
    save: conversation.when
`;
const team = 'teams:\n  - name: Billing\n  - name: Sales\nagents: []\n';
const LAYLA = 5001;

const servers = telegramServers();

describe('a flow\'s choice titles written in WhatsApp\'s markup', () => {
  it('reach Telegram, WhatsApp and Messenger buttons as the words without the markers, and the web chat with their styles', async () => {
    const api = await FakeBotApi.start();
    servers.stopAfterTest({ stop: () => api.close() });
    const cloud = await startCloud({
      flows: { 'inbound.yaml': flow }, team,
      config: { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_API_ROOT: api.url, TELEGRAM_WEBHOOK_SECRET: SECRET, MESSENGER_PAGE_TOKEN: TOKEN, MESSENGER_APP_SECRET: PAGE_SECRET, MESSENGER_VERIFY_TOKEN: 'verify-the-page' },
    });
    servers.stopAfterTest(cloud);

    // Layla on Telegram: the clarify keyboard.
    const person = { id: LAYLA, first_name: 'Layla' };
    expect(await post(cloud.app, { update_id: 1, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { ...person, type: 'private' }, from: { ...person, is_bot: false }, text: 'hmm' } })).toBe(200);
    const keyboard = () => api.callsOf('sendMessage').find((call) => String(call.params.chat_id) === String(LAYLA) && call.params.reply_markup)?.params.reply_markup as { inline_keyboard: { text: string }[][] } | undefined;
    await eventually(() => keyboard() !== undefined, 15_000);
    // Before: "*Billing*" and "_Sales_ team" on the buttons.
    expect(keyboard()!.inline_keyboard.flat().map((button) => button.text)).toEqual(['Billing', 'Sales team']);

    // Sheena on WhatsApp: reply buttons, then (five choices) a list.
    expect((await cloud.post(messagesBody([text('hmm')]))).status).toBe(200);
    const interactive = () => cloud.graph.sentTo(SHEENA).filter((body) => body.type === 'interactive').map((body) => body.interactive);
    await eventually(() => interactive().length === 1, 15_000);
    expect(interactive()[0].action.buttons.map((button: { reply: { title: string } }) => button.reply.title)).toEqual(['Billing', 'Sales team']);
    expect((await cloud.post(messagesBody([text('billing')]))).status).toBe(200);
    await eventually(() => interactive().length === 2, 15_000);
    expect(interactive()[1].action.sections[0].rows.map((row: { title: string }) => row.title)).toEqual(['Yes, please', 'No', 'Maybe', 'Later', 'Not now']);
    // A title too long for a list row: numbered lines of text, where WhatsApp shows the markup.
    expect((await cloud.post(messagesBody([text('yes please')]))).status).toBe(200);
    await eventually(() => cloud.graph.saidTo(SHEENA).some((said) => said.startsWith('When?')), 15_000);
    expect(cloud.graph.saidTo(SHEENA).find((said) => said.startsWith('When?'))).toBe('When?\n\n1. *Today*\n2. Some day after my cancelled order');

    // Pia on Messenger: quick replies.
    const raw = JSON.stringify(batch([textEvent('hmm')]));
    expect((await fetch(`${cloud.app.url}/webhooks/messenger`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw) }, body: raw })).status).toBe(200);
    const quick = () => cloud.graph.sentTo(PSID).find((body) => body.message?.quick_replies)?.message.quick_replies as { title: string }[] | undefined;
    await eventually(() => quick() !== undefined, 15_000);
    expect(quick()!.map((reply) => reply.title)).toEqual(['Billing', 'Sales team']);

    // Sam on the web chat: the words, and their styles as a message's; typed out, a title is still that choice.
    const sam = visitor(cloud.app.url, 'sam-choices', 'Sam');
    expect((await sam.say('hmm')).status).toBe(202);
    const offered = async () => (await sam.messages()).filter((message) => message.choices).map((message) => message.choices);
    await eventually(async () => (await offered()).length === 1, 15_000);
    expect((await offered())[0]).toEqual([
      { id: 'billing', title: 'Billing', styles: [{ style: 'bold', offset: 0, length: 7 }] },
      { id: 'sales', title: 'Sales team', styles: [{ style: 'italic', offset: 0, length: 5 }] },
    ]);
    expect((await sam.say('billing')).status).toBe(202);
    await eventually(async () => (await offered()).length === 2, 15_000);
    expect((await offered())[1]![0]).toEqual({ id: 'yes-please', title: 'Yes, please', styles: [{ style: 'bold', offset: 0, length: 3 }] });
    expect((await sam.say('yes please')).status).toBe(202);
    await eventually(async () => (await offered()).length === 3, 15_000);
    expect((await offered())[2]![0]).toEqual({ id: 'today', title: 'Today', styles: [{ style: 'bold', offset: 0, length: 5 }] });
  }, 60_000);

  it('name the topic on the agent\'s card as the route\'s words: Omar reads "about Sales team", not "_Sales_ team"', async () => {
    const routed = `
flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - classify: conversation.first_message
    threshold: 1
    routes:
      billing: { team: Billing, title: "*Billing*" }
      sales: { team: Sales, title: "_Sales_ team" }
    clarify: "Is this about billing or a purchase?"
  - assign: { team: "{{conversation.team}}" }
`;
    const { app, api } = await servers.setUp({ webhook: true, flows: { 'inbound.yaml': routed }, team: `teams:\n  - name: Billing\n  - name: Sales\nagents:\n  - name: Omar\n    telegram: ${OMAR}\n    teams: [Billing, Sales]\n` });
    expect(await post(app, textNow(OMAR, '/online'))).toBe(200);
    await eventually(() => api.sentTo(OMAR).some((said) => /online/i.test(said)), 15_000);
    expect(await post(app, textNow(LAYLA, 'hmm'))).toBe(200);
    await eventually(() => api.sentTo(LAYLA).some((said) => said.startsWith('Is this about')), 15_000);
    expect(await post(app, textNow(LAYLA, 'sales team'))).toBe(200);
    await eventually(async () => (await app.store.conversation(1))?.agentId === 'omar', 15_000);
    await eventually(() => api.sentTo(OMAR).some((said) => said.startsWith('#1 · new conversation')), 15_000);
    // Before: "about _Sales_ team", as the flow wrote it.
    expect(api.sentTo(OMAR).find((said) => said.startsWith('#1 · new conversation'))).toContain('Layla on Telegram · about Sales team\n');
  }, 60_000);
});
