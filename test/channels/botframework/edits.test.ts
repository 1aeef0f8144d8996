// Edits in Microsoft Teams (a `messageUpdate` activity, channelData.eventType `editMessage`) through the real server
// and the fake Bot Framework services: a Teams customer's edit shown to the agent holding the conversation, an agent's
// edit on Teams corrected for the customer (here on Web Chat) and an edited command not carried out, and what changes
// nothing: a message deleted or restored, and an update from Web Chat, which has no edits.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, recordingLog } from '../../helpers.ts';
import { ASSIGN_FLOW, fixture, OMAR, OMAR_TEAM, settled, startBotFramework, teamsText, webchatText, type BotFrameworkServer } from './harness.ts';


const running: BotFrameworkServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

async function server(log?: Parameters<typeof startBotFramework>[0]['log']): Promise<BotFrameworkServer> {
  const started = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM, ...(log ? { log } : {}) });
  running.push(started);
  return started;
}

let next = 1764000100000;
/** Jonas's Teams message (`teams-message.json`) saying `text`, with an id in Teams' shape. */
const jonasSays = (text: string, serviceUrl: string): Record<string, any> => ({ ...fixture('teams-message'), id: String(next++), text, serviceUrl });

/** Teams' `messageUpdate` (`teams-edit.json`) for the message activity `sent`, now saying `text`, edited at `at`. */
function edited(sent: Record<string, any>, text: string, at = '2026-11-24T03:20:00.1234567Z'): Record<string, any> {
  const { id, from, conversation, recipient, serviceUrl } = sent;
  return { ...fixture('teams-edit'), id, from, conversation, recipient, serviceUrl, text, timestamp: at };
}

/** What the bot said in the Teams chat `conversation`. */
const said = (bf: BotFrameworkServer, conversation: string) => bf.service.sentTo(conversation).map((sent) => sent.activity.text as string);
const toOmar = (bf: BotFrameworkServer) => said(bf, 'a:1omarPersonalChat');
const toJonas = (bf: BotFrameworkServer) => said(bf, 'a:1convId');
const toAmira = (bf: BotFrameworkServer) => said(bf, 'Dz1FxXAbC1e-us');

/** Omar online on Teams. */
async function omarOnline(bf: BotFrameworkServer): Promise<Record<string, any>> {
  const online = teamsText('/online', bf.service.serviceUrl('teams'));
  expect((await bf.post(online)).status).toBe(200);
  await settled(bf, OMAR);
  return online;
}

describe('Teams: a customer edits a message', () => {
  it('shows Omar, who holds the conversation, Jonas\'s corrected order number once, however often Teams delivers it; Jonas hears nothing', async () => {
    const bf = await server();
    const teams = bf.service.serviceUrl('teams');
    await omarOnline(bf);
    await bf.post(jonasSays('hello', teams));
    await settled(bf, OMAR);
    const typo = jonasSays('My order is A-1243', teams);
    expect((await bf.post(typo)).status).toBe(200);
    await settled(bf, OMAR);
    expect(toOmar(bf).at(-1)).toBe('#1 Jonas: My order is A-1243');
    const omarHad = toOmar(bf).length;
    const jonasHad = toJonas(bf).length;

    const fixed = edited(typo, 'My order is A-1234');
    expect(await bf.post(fixed)).toEqual({ status: 200, body: {} });
    // The Bot Framework delivers the same activity again (no answer in time): Omar is told once.
    expect(await bf.post(fixed)).toEqual({ status: 200, body: {} });
    await bf.post(jonasSays('thanks', teams));
    await settled(bf, OMAR);
    expect(toOmar(bf).slice(omarHad)).toEqual(['#1 Jonas edited a message: My order is A-1234 (was "My order is A-1243")', '#1 Jonas: thanks']);
    expect(toJonas(bf).slice(jonasHad)).toEqual([]);

    // The transcript keeps the message as sent and the edit of it, which names it by the id its message activity had.
    const messages = await bf.app.store.messagesOfConversation(1);
    expect(messages.filter((m) => m.edit !== undefined).map((m) => [m.from, m.text, m.edit?.of, m.channelMessageId])).toEqual([
      ['contact', '[edited "My order is A-1243"] My order is A-1234', `a:1convId:${typo.id}`, `edit:a:1convId:${typo.id}:2026-11-24T03:20:00.1234567Z`],
    ]);
    expect(messages.find((m) => m.text === 'My order is A-1243')?.channelMessageId).toBe(`a:1convId:${typo.id}`);
  });
});

describe('Teams: an agent edits a message the customer got', () => {
  it('sends Amira on Web Chat the correction once, in her language, naming what it corrects (Web Chat shows no quote), however often Teams delivers Omar\'s edit; an edited command is not carried out', async () => {
    const bf = await server();
    const teams = bf.service.serviceUrl('teams');
    const online = await omarOnline(bf);
    await bf.post(webchatText('I was charged twice', bf.service.serviceUrl('webchat')));
    await settled(bf, OMAR);
    const reply = teamsText('Your refund is 50 EUR', teams);
    await bf.post(reply);
    await settled(bf, OMAR);
    expect(toAmira(bf).at(-1)).toBe('Your refund is 50 EUR');
    const amiraHad = toAmira(bf).length;
    const omarHad = toOmar(bf).length;

    const fixed = edited(reply, 'Your refund is 15 EUR');
    expect(await bf.post(fixed)).toEqual({ status: 200, body: {} });
    expect(await bf.post(fixed)).toEqual({ status: 200, body: {} });
    await bf.post(teamsText('Anything else?', teams));
    await settled(bf, OMAR);
    // Web Chat's locale is ar-EG.
    expect(toAmira(bf).slice(amiraHad)).toEqual(['تصحيح: \u2068Your refund is 15 EUR\u2069 (بدلًا من «\u2068Your refund is 50 EUR\u2069»)', 'Anything else?']);
    expect(toOmar(bf).slice(omarHad)).toEqual([]);
    const transcript = await bf.app.store.messagesOfConversation(1);
    expect(transcript.filter((m) => m.edit !== undefined).map((m) => [m.from, m.agentId, m.edit?.text])).toEqual([['agent', 'omar-khalid', 'Your refund is 15 EUR']]);

    // His /online edited into a command that would close the conversation: nothing runs, Amira hears nothing.
    expect(await bf.post(edited(online, '/close 1'))).toEqual({ status: 200, body: {} });
    await settled(bf, OMAR);
    expect(toOmar(bf).slice(omarHad)).toEqual(['An edited command is not carried out: send it again as a new message.']);
    expect(toAmira(bf).slice(amiraHad)).toEqual(['تصحيح: \u2068Your refund is 15 EUR\u2069 (بدلًا من «\u2068Your refund is 50 EUR\u2069»)', 'Anything else?']);
    expect((await bf.app.store.conversation(1))?.status).toBe('open');
  });
});

describe('Teams and Web Chat: what is no edit', () => {
  it('a message deleted or restored in Teams, and an update from Web Chat, are answered 200 and logged, and change nothing', async () => {
    const { log, lines } = recordingLog();
    const bf = await server(log);
    const teams = bf.service.serviceUrl('teams');
    await omarOnline(bf);
    await bf.post(jonasSays('hello', teams));
    const order = jonasSays('My order is A-1243', teams);
    await bf.post(order);
    const amiras = webchatText('I was charged twice', bf.service.serviceUrl('webchat'));
    await bf.post(amiras);
    await settled(bf, OMAR);
    const sent = bf.service.sent.length;
    const stored = [...(await bf.app.store.messagesOfConversation(1)), ...(await bf.app.store.messagesOfConversation(2))];

    const { id, from, conversation, recipient, serviceUrl } = order;
    const deleted = { ...fixture('teams-delete'), id, from, conversation, recipient, serviceUrl };
    expect(await bf.post(deleted)).toEqual({ status: 200, body: {} });
    const restored = edited(order, 'My order is A-1243');
    restored.channelData = { ...restored.channelData, eventType: 'undeleteMessage' };
    expect(await bf.post(restored)).toEqual({ status: 200, body: {} });
    expect(await bf.post({ ...amiras, type: 'messageUpdate', text: 'I was charged three times', channelData: { eventType: 'editMessage' } })).toEqual({ status: 200, body: {} });
    await settled(bf, OMAR);

    expect(bf.service.sent.length).toBe(sent);
    expect([...(await bf.app.store.messagesOfConversation(1)), ...(await bf.app.store.messagesOfConversation(2))]).toEqual(stored);
    expect(lines.filter((line) => line.msg === 'Bot Framework activity ignored').map((line) => line.reason)).toEqual([
      'messageDelete (softDeleteMessage): a deleted message stays in the transcript as it was',
      'messageUpdate (undeleteMessage) from msteams: not an edit of a message',
      'messageUpdate (editMessage) from webchat: not an edit of a message',
    ]);
  });
});
