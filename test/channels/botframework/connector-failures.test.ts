// What the Bot Connector answers the bot's replies, met through the real server: the bot's token refused before its
// time, a Teams customer who removed the bot, a passing conflict (412). The customer gets their reply when it can
// still reach them; when it cannot, the agent who wrote it hears why at once, and the operator's log does not send
// them looking at the app's credentials for nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { TIMELINES, type TimelineEvent } from '../../../src/bot/timeline.ts';
import { cleanupDirs, recordingLog } from '../../helpers.ts';
import { connectorError } from './fake-bot-service.ts';
import { ASSIGN_FLOW, fixture, OMAR, OMAR_TEAM, settled, startBotFramework, teamsText, webchatText, type BotFrameworkServer } from './harness.ts';

const running: BotFrameworkServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const greeting = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Hi {{contact.name | there}}!"\n  - ask: "What can we do for you?"\n  - say: "Thanks, we are on it."\n  - close: "answered by the bot"\n';

/** What the bot said to Amira in her Web Chat conversation, with the token it showed. */
const toAmira = (bf: BotFrameworkServer) => bf.service.sentTo('Dz1FxXAbC1e-us', 'webchat').map((sent) => [sent.activity.text as string, sent.token]);

describe('the bot\'s token refused before its time', () => {
  it('is asked anew, and the customer gets the reply a moment later instead of never', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': greeting } });
    running.push(bf);
    const webchat = bf.service.serviceUrl('webchat');
    await bf.post(webchatText('hello', webchat));
    await settled(bf);
    expect(toAmira(bf)).toEqual([['Hi Amira!', 'bot-token-0123456789'], ['What can we do for you?', 'bot-token-0123456789']]);

    // The token the bot holds is still good by its own clock, but the Bot Connector no longer takes it.
    const renewed = bf.service.expireToken();
    await bf.post(webchatText('My invoice is wrong', webchat));
    await settled(bf);
    expect(toAmira(bf).at(-1)).toEqual(['Thanks, we are on it.', renewed]);
    expect(bf.service.tokenRequests).toHaveLength(2);
  });
});

describe('an agent\'s reply to a Teams customer', () => {
  /** Omar online on Teams, holding Jonas's conversation (#1), Jonas on Teams too; and what the server logged. */
  async function jonasWithOmar(team = OMAR_TEAM) {
    const logged = recordingLog();
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team, log: logged.log });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    await bf.post(teamsText('/online', teams));
    await settled(bf, OMAR);
    await bf.post(teamsText('I was charged twice', teams, 'teams-message'));
    await settled(bf, OMAR);
    const omar = (text: string) => bf.post(teamsText(text, teams));
    const toJonas = () => bf.service.sentTo('a:1convId', 'teams').map((sent) => sent.activity.text as string);
    const toOmar = () => bf.service.sentTo('a:1omarPersonalChat', 'teams').map((sent) => sent.activity.text as string);
    return { bf, logged, omar, toJonas, toOmar };
  }

  it('to a customer who removed the bot fails at once, and Omar reads that Jonas must write again; the log does not blame the app\'s credentials', async () => {
    const { bf, logged, omar, toJonas, toOmar } = await jonasWithOmar();
    await omar('Hello Jonas, let me check.');
    await settled(bf, OMAR);
    expect(toJonas()).toEqual(['\u2068Omar Khalid\u2069 has joined the conversation.', 'Hello Jonas, let me check.']);

    // Jonas removed the app from his Teams: sends to his chat are refused so until he adds it and writes again (the
    // fake refuses the next send only, so that Omar's notice goes through).
    bf.service.fail(connectorError(403, 'BotNotInConversationRoster', 'The bot is not part of the conversation roster.'));
    await omar('Found it: the second charge is refunded.');
    await settled(bf, OMAR);
    expect(toJonas()).toHaveLength(2);
    expect(toOmar().at(-1)).toBe('#1: your message to Jonas was not delivered ("Found it: the second charge is refunded."): the customer\'s app takes no message from here until they write again. Nothing you send reaches them now; if they write again, their message comes to you here. /close 1 if there is nothing more to do.');
    expect(logged.lines.filter((line) => String(line.msg).includes('MICROSOFT_APP_ID'))).toEqual([]);
  });

  it('to a customer who removed the bot is not written in vain: Omar is told as Jonas removes it, once, and the timeline says it', async () => {
    const { bf, toOmar } = await jonasWithOmar();
    const teams = bf.service.serviceUrl('teams');
    const told = toOmar().length;
    // Jonas uninstalls the app from his Teams: Teams says so in his personal chat (installationUpdate, action remove).
    const removed = { ...fixture('teams-message'), id: undefined, type: 'installationUpdate', action: 'remove', text: undefined, serviceUrl: teams };
    expect(await bf.post(removed)).toEqual({ status: 200, body: {} });
    expect(await bf.post(removed)).toEqual({ status: 200, body: {} });
    await settled(bf, OMAR);
    // He removed the app, he blocked nothing: Omar reads what happened and what brings Jonas back.
    expect(toOmar().slice(told)).toEqual(['#1: Jonas removed the bot\'s app from their Teams: your replies cannot reach them now. If they add the app again and write, their message comes to you here. /close 1 if there is nothing more to do.']);
    const [conversation] = await bf.app.store.conversations();
    expect(((await bf.app.store.doc<TimelineEvent[]>(TIMELINES, String(conversation!.id))) ?? []).filter((moment) => moment.type === 'blocked')).toHaveLength(1);
  });

  it('to a customer who removed the bot: an Arabic-speaking Omar reads it in Arabic', async () => {
    const { bf, toOmar } = await jonasWithOmar(OMAR_TEAM.replace('    teams: [Billing]\n', '    teams: [Billing]\n    language: ar\n'));
    const told = toOmar().length;
    await bf.post({ ...fixture('teams-message'), id: undefined, type: 'installationUpdate', action: 'remove', text: undefined, serviceUrl: bf.service.serviceUrl('teams') });
    await settled(bf, OMAR);
    expect(toOmar().slice(told)).toEqual(['#1: أزال \u2068Jonas\u2069 تطبيق البوت من \u2068Teams\u2069 لديه: لا يمكن أن تصله ردودك الآن. إن أضاف التطبيق من جديد وكتب وصلتك رسالته هنا. أرسل \u2068/close 1\u2069 إن لم يبق ما تفعله.']);
  });

  it('that Teams refuses for a passing conflict (412, "please retry") reaches the customer on the next try', async () => {
    const { bf, omar, toJonas } = await jonasWithOmar();
    bf.service.fail(connectorError(412, 'PreconditionFailed', 'Precondition failed, please try again.'));
    await omar('Hello Jonas, let me check.');
    await settled(bf, OMAR);
    expect(toJonas()).toEqual(['\u2068Omar Khalid\u2069 has joined the conversation.', 'Hello Jonas, let me check.']);
  });
});
