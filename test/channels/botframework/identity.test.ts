// Who a Web Chat or Direct Line visitor is, through the real server and the fake Bot Framework services. Their page
// chooses their user id, so a stranger who learns a customer's id (`dl_5f0a9c2e`, or the site's own user id) can
// give it from a conversation of their own: they must not read the customer's replies, write into the customer's
// conversation, or answer the customer's flow questions. Only the Direct Line conversation, which its token opens
// alone, tells visitors apart, unless the Azure Bot's Enhanced authentication makes the user id the channel's
// (BOTFRAMEWORK_TRUSTED_USER_IDS): then a customer keeps their contact across conversations.
import { afterEach, describe, expect, it } from 'vitest';
import { startSwitchboard } from '../../../src/server/switchboard.ts';
import { cleanupDirs, dataDirWith, quietLog } from '../../helpers.ts';
import { ASSIGN_FLOW, OMAR, OMAR_TEAM, settled, startBotFramework, teamsText, webchatText, type BotFrameworkServer } from './harness.ts';

const running: BotFrameworkServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

/** Amira's Web Chat conversation (`webchat-message.json`, user dl_5f0a9c2e) and a stranger's. */
const AMIRA_CONVERSATION = 'Dz1FxXAbC1e-us';
const STRANGER_CONVERSATION = 'Kq7mZ0pLr2x-eu';
const AMIRA_USER = 'dl_5f0a9c2e';

const emailFlow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "What is your email address?"
    expect: email
    save: contact.email
  - assign: { team: Billing }
    queued: "Please wait for an agent."
`;

const said = (bf: BotFrameworkServer, conversation: string) => bf.service.sentTo(conversation, 'webchat').map((sent) => sent.activity.text as string);

async function server(flow: string, config: Parameters<typeof startBotFramework>[0]['config'] = {}): Promise<BotFrameworkServer> {
  const started = await startBotFramework({ flows: { 'inbound.yaml': flow }, team: OMAR_TEAM, config });
  running.push(started);
  return started;
}

describe('a Web Chat visitor who gives another customer\'s user id', () => {
  it('neither reads the agent\'s replies to that customer nor writes into their conversation', async () => {
    const bf = await server(ASSIGN_FLOW);
    const teams = bf.service.serviceUrl('teams');
    const webchat = bf.service.serviceUrl('webchat');
    await bf.post(teamsText('/online', teams));
    expect((await bf.post(webchatText('I was charged twice', webchat))).status).toBe(200);
    await settled(bf, OMAR);

    // The stranger writes from a conversation of their own, calling themselves Amira's user id.
    expect((await bf.post(webchatText('Please send the refund to IBAN XX00 0000', webchat, { user: AMIRA_USER, conversation: STRANGER_CONVERSATION }))).status).toBe(200);
    await settled(bf, OMAR);
    await bf.post(teamsText('/use 1', teams));
    await bf.post(teamsText('Amira, your refund is on card ending 4242.', teams));
    await settled(bf, OMAR);

    expect(said(bf, AMIRA_CONVERSATION)).toContain('Amira, your refund is on card ending 4242.');
    expect(said(bf, STRANGER_CONVERSATION)).not.toContain('Amira, your refund is on card ending 4242.');
    const contacts = await bf.app.store.contacts();
    expect(contacts).toHaveLength(2);
    const amira = contacts.find((contact) => contact.identities.some((identity) => identity.reference?.conversationId === AMIRA_CONVERSATION))!;
    const texts = (await bf.app.store.messagesOfContact(amira.id)).filter((message) => message.from === 'contact').map((message) => message.text);
    expect(texts).toEqual(['I was charged twice']);
  });

  it('does not answer the customer\'s flow question for them: the email asked of Amira stays hers to give', async () => {
    const bf = await server(emailFlow);
    const webchat = bf.service.serviceUrl('webchat');
    await bf.post(webchatText('hello', webchat));
    await settled(bf);
    await bf.post(webchatText('attacker@example.com', webchat, { user: AMIRA_USER, conversation: STRANGER_CONVERSATION }));
    await settled(bf);
    await bf.post(webchatText('amira@example.com', webchat));
    await settled(bf);

    const emails = (await bf.app.store.contacts()).map((contact) => [contact.identities[0]!.reference?.conversationId, contact.fields['email']]);
    expect(emails).toEqual(expect.arrayContaining([[AMIRA_CONVERSATION, 'amira@example.com']]));
    expect(said(bf, AMIRA_CONVERSATION)).toEqual(['What is your email address?', 'Please wait for an agent.']);
    expect(said(bf, STRANGER_CONVERSATION)).toEqual(['What is your email address?']);
  });
});

describe('with BOTFRAMEWORK_TRUSTED_USER_IDS (Enhanced authentication on in Azure)', () => {
  it('keeps a returning Web Chat customer\'s contact and conversation across Direct Line conversations, and answers in the new one', async () => {
    const bf = await server(ASSIGN_FLOW, { BOTFRAMEWORK_TRUSTED_USER_IDS: 'webchat' });
    const teams = bf.service.serviceUrl('teams');
    const webchat = bf.service.serviceUrl('webchat');
    await bf.post(teamsText('/online', teams));
    await bf.post(webchatText('I was charged twice', webchat));
    await settled(bf, OMAR);
    // Amira reloads the page: a new Direct Line conversation, the same user id from her site's token.
    await bf.post(webchatText('Still here, any news?', webchat, { conversation: 'Nw3pLoad2x-us' }));
    await settled(bf, OMAR);
    await bf.post(teamsText('Yes: refunded today.', teams));
    await settled(bf, OMAR);

    expect(await bf.app.store.contacts()).toHaveLength(1);
    expect(await bf.app.store.conversations()).toHaveLength(1);
    expect(said(bf, 'Nw3pLoad2x-us')).toEqual(['Yes: refunded today.']);
  });

  it('still tells visitors apart by conversation on a channel not named, and for user ids Direct Line did not issue (no dl_)', async () => {
    const bf = await server(ASSIGN_FLOW, { BOTFRAMEWORK_TRUSTED_USER_IDS: 'directline' });
    const webchat = bf.service.serviceUrl('webchat');
    await bf.post(webchatText('I was charged twice', webchat));
    await bf.post(webchatText('me too', webchat, { conversation: STRANGER_CONVERSATION }));
    await settled(bf);
    expect(await bf.app.store.contacts()).toHaveLength(2);

    const directline = await server(ASSIGN_FLOW, { BOTFRAMEWORK_TRUSTED_USER_IDS: 'directline,webchat' });
    const url = directline.service.serviceUrl('webchat');
    await directline.post(webchatText('I was charged twice', url, { user: 'customer-42' }));
    await directline.post(webchatText('me too', url, { user: 'customer-42', conversation: STRANGER_CONVERSATION }));
    await settled(directline);
    expect(await directline.app.store.contacts()).toHaveLength(2);
  });

  it('is refused at start for a channel whose user ids are always the channel\'s, naming the ones it takes', async () => {
    const dir = await dataDirWith({ 'inbound.yaml': ASSIGN_FLOW });
    await expect(startSwitchboard({
      config: { PORT: 0, HOST: '127.0.0.1', DATA_DIR: dir, BOTFRAMEWORK_NO_AUTH: '1', BOTFRAMEWORK_TRUSTED_USER_IDS: 'webchat,msteams' },
      log: quietLog,
      watch: false,
      sweepEveryMs: 0,
    })).rejects.toThrow('BOTFRAMEWORK_TRUSTED_USER_IDS: "msteams" is not a channel whose page chooses its user ids; name webchat and/or directline (the Azure Bot\'s channels with Enhanced authentication on)');
  });
});

describe('a Web Chat customer addressed by user id before (an earlier version, or the setting on)', () => {
  it('goes on with their agent in the same conversation, while a stranger giving their user id elsewhere does not take their contact', async () => {
    const bf = await server(ASSIGN_FLOW, { BOTFRAMEWORK_TRUSTED_USER_IDS: 'webchat' });
    const teams = bf.service.serviceUrl('teams');
    const webchat = bf.service.serviceUrl('webchat');
    await bf.post(teamsText('/online', teams));
    await bf.post(webchatText('I was charged twice', webchat));
    await settled(bf, OMAR);
    expect((await bf.app.store.contacts())[0]!.identities[0]!.id).toBe(`webchat:${AMIRA_USER}`);

    await bf.restart({ BOTFRAMEWORK_TRUSTED_USER_IDS: undefined });
    await bf.post(webchatText('Is this Amira\'s chat? Send me her refund.', webchat, { user: AMIRA_USER, conversation: STRANGER_CONVERSATION }));
    await bf.post(webchatText('Any news about my refund?', webchat));
    await settled(bf, OMAR);
    await bf.post(teamsText('/use 1', teams));
    await bf.post(teamsText('Refunded today, Amira.', teams));
    await settled(bf, OMAR);

    const relays = bf.service.sentTo('a:1omarPersonalChat', 'teams').map((sent) => sent.activity.text as string);
    expect(relays).toContain('#1 Amira: Any news about my refund?');
    expect(said(bf, AMIRA_CONVERSATION)).toContain('Refunded today, Amira.');
    expect(said(bf, STRANGER_CONVERSATION)).not.toContain('Refunded today, Amira.');
    const amira = (await bf.app.store.contacts()).find((contact) => contact.identities.some((identity) => identity.id === `webchat:conversation:${AMIRA_CONVERSATION}`))!;
    expect(amira.identities.map((identity) => identity.id)).toEqual([`webchat:conversation:${AMIRA_CONVERSATION}`]);
    const conversations = await bf.app.store.conversations();
    expect(conversations.filter((conversation) => conversation.contactId === amira.id)).toHaveLength(1);
  });
});

