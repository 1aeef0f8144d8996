// An agent working from Teams (msteams: in team.yaml) through the real server: once they have written to the bot,
// they get the card of a Web Chat customer's conversation, the customer's messages relayed, and their replies reach
// the customer at the service URL the customer's last message came from, also after a restart, when that
// reference comes from the store. An agent who never wrote to the bot cannot be reached there: their card goes to
// their next address.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupDirs, visitor } from '../../helpers.ts';
import { assignmentCard } from '../../../src/handover/card.ts';
import { connectorError } from './fake-bot-service.ts';
import { ASSIGN_FLOW, OMAR, OMAR_TEAM, fixture, settled, startBotFramework, teamsText, webchatText, type BotFrameworkServer } from './harness.ts';


const running: BotFrameworkServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

/** What the bot said to Omar in his Teams chat. */
const toOmar = (bf: BotFrameworkServer) => bf.service.sentTo('a:1omarPersonalChat', 'teams').map((sent) => sent.activity);
/** What the bot said to Amira in her Web Chat conversation. */
const toAmira = (bf: BotFrameworkServer) => bf.service.sentTo('Dz1FxXAbC1e-us', 'webchat').map((sent) => sent.activity.text as string);

describe('an agent on Teams', () => {
  it('gets the card and the relays, and replies reach the Web Chat customer, also after a restart', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    const webchat = bf.service.serviceUrl('webchat');

    expect((await bf.post(teamsText('/online', teams))).status).toBe(200);
    await settled(bf, OMAR);
    expect(toOmar(bf)).toHaveLength(1);
    expect(toOmar(bf)[0]).toMatchObject({ channelId: 'msteams', recipient: { id: '29:1agentOmarTeamsId' }, conversation: { id: 'a:1omarPersonalChat', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' } });

    expect((await bf.post(webchatText('I was charged twice', webchat))).status).toBe(200);
    await settled(bf, OMAR);
    const card = toOmar(bf).at(-1)!;
    expect(card.text).toMatch(/^#1 · new conversation for Billing\nAmira on Bot Framework/);
    expect(card.text).toContain('› I was charged twice');

    await bf.post(teamsText('Hello Amira, I can see the double charge.', teams));
    await settled(bf, OMAR);
    // Amira hears Omar joined (in Arabic, her language), then his reply.
    expect(toAmira(bf)).toEqual(['انضم \u2068Omar Khalid\u2069 إلى المحادثة.', 'Hello Amira, I can see the double charge.']);

    await bf.restart();
    await bf.post(webchatText('Thank you! When will I get it back?', webchat));
    await settled(bf, OMAR);
    expect(toOmar(bf).at(-1)!.text).toContain('Thank you! When will I get it back?');

    await bf.restart();
    await bf.post(teamsText('The refund is on its way: 3-5 days.', teams));
    await settled(bf, OMAR);
    expect(toAmira(bf)).toEqual(['انضم \u2068Omar Khalid\u2069 إلى المحادثة.', 'Hello Amira, I can see the double charge.', 'The refund is on its way: 3-5 days.']);
    const [, , refund] = bf.service.sentTo('Dz1FxXAbC1e-us', 'webchat');
    expect(refund).toMatchObject({ token: 'bot-token-0123456789', activity: { serviceUrl: webchat, recipient: { id: 'dl_5f0a9c2e' } } });
  });

  it('reads on the card that a customer writing from Teams is on Teams, in English and Arabic', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    await bf.post(teamsText('/online', teams));
    await settled(bf, OMAR);
    // Jonas writes from Microsoft Teams (the activity's channelId is msteams).
    await bf.post({ ...fixture('teams-message'), serviceUrl: teams, text: 'My invoice is wrong' });
    await settled(bf, OMAR);
    expect(toOmar(bf).at(-1)!.text).toMatch(/^#1 · new conversation for Billing\nJonas on Teams\n/);
    const conversation = (await bf.app.store.conversations())[0]!;
    const contact = (await bf.app.store.contact(conversation.contactId))!;
    expect(assignmentCard({ conversation, contact, messages: [], language: 'ar' }).split('\n')[1]).toBe('\u2068Jonas\u2069 عبر \u2068Teams\u2069');
  });

  it('answers the message of the customer\'s whose relay they replied to (replyToId): Amira reads which one, in Arabic', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    const webchat = bf.service.serviceUrl('webchat');
    expect((await bf.post(teamsText('/online', teams))).status).toBe(200);
    await settled(bf, OMAR);
    await bf.post(webchatText('I was charged twice', webchat));
    await bf.post(webchatText('When will I get it back?', webchat));
    await bf.post(webchatText('Also, my address changed.', webchat));
    await settled(bf, OMAR);
    const relay = bf.service.sentTo('a:1omarPersonalChat', 'teams').find((sent) => sent.activity.text === '#1 Amira: When will I get it back?')!;
    expect(relay).toBeDefined();

    expect((await bf.post({ ...teamsText('In 3-5 days.', teams), replyToId: relay.id })).status).toBe(200);
    await settled(bf, OMAR);
    expect(toAmira(bf).at(-1)).toBe('ردًا على «\u2068When will I get it back?\u2069»:\nIn 3-5 days.');
  });

  it('who calls the bot by name (@Acme Bot, as in a group chat) has the reply reach Amira without the mention, and the command carried out', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    const calling = (text: string) => ({
      ...teamsText(`<at>Acme Bot</at> ${text}`, teams),
      entities: [{ type: 'mention', text: '<at>Acme Bot</at>', mentioned: { id: '28:9f3c1f5e-3a8b-4c2d-9e7f-1a2b3c4d5e6f', name: 'Acme Bot' } }],
    });
    await bf.post(calling('/online'));
    await bf.post(webchatText('I was charged twice', bf.service.serviceUrl('webchat')));
    await settled(bf, OMAR);
    await bf.post(calling('Hello Amira, I can see the double charge.'));
    await bf.post(calling('/close refunded'));
    await settled(bf, OMAR);
    expect(toAmira(bf).slice(1)).toEqual(['Hello Amira, I can see the double charge.', 'تم إغلاق هذه المحادثة. راسلنا في أي وقت.']);
    const [conversation] = await bf.app.store.conversations();
    expect(conversation).toMatchObject({ status: 'closed', closingNote: 'refunded' });
  });

  it('who calls the bot by name with a colon or comma after it (@Acme Bot: /close) has the command carried out, and Amira reads no stray punctuation', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    const calling = (text: string) => ({
      ...teamsText(text, teams),
      entities: [{ type: 'mention', text: '<at>Acme Bot</at>', mentioned: { id: '28:9f3c1f5e-3a8b-4c2d-9e7f-1a2b3c4d5e6f', name: 'Acme Bot' } }],
    });
    await bf.post(calling('<at>Acme Bot</at>, /online'));
    await bf.post(webchatText('I was charged twice', bf.service.serviceUrl('webchat')));
    await settled(bf, OMAR);
    await bf.post(calling('<at>Acme Bot</at>, hello Amira, the refund is on its way.'));
    await bf.post(calling('<at>Acme Bot</at>، شكرًا لصبرك'));
    await bf.post(calling('<at>Acme Bot</at>: /close refunded'));
    await settled(bf, OMAR);
    expect(toAmira(bf).slice(1)).toEqual(['hello Amira, the refund is on its way.', 'شكرًا لصبرك', 'تم إغلاق هذه المحادثة. راسلنا في أي وقت.']);
    const [conversation] = await bf.app.store.conversations();
    expect(conversation).toMatchObject({ status: 'closed', closingNote: 'refunded' });
  });

  it('who never wrote to the bot is not reached on Teams: the card fails there, naming why, and goes to their next address', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM.replace('    teams: [Billing]', '    webchat: agent-omar\n    webchat_token: test-token-0123456789abcdef\n    teams: [Billing]') });
    running.push(bf);
    const omar = bf.app.directory.agents()[0]!;
    await bf.app.runtime.act(omar, { kind: 'status', status: 'online' });
    await bf.post(webchatText('I was charged twice', bf.service.serviceUrl('webchat')));
    await settled(bf, OMAR, 'agent-omar');
    const [card] = await bf.app.store.messagesOfAddress('botframework', OMAR);
    expect(card).toMatchObject({ status: 'failed', error: `no conversation reference for ${OMAR}; the person must write to the bot first` });
    expect(bf.service.sentTo('a:1omarPersonalChat')).toEqual([]);
    const inWebchat = async () => (await visitor(bf.app.url, 'agent-omar').messages()).map((message) => message.text);
    for (let waited = 0; !(await inWebchat()).some((text) => text.startsWith('#1 · new conversation for Billing')); waited += 25) {
      if (waited > 3000) throw new Error(`the card did not reach Omar's web chat: ${JSON.stringify(await inWebchat())}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  });
});

describe('an agent named in team.yaml by their Teams user id (msteams: 29:…), whose messages Teams sends with their object id', () => {
  it('is that agent, not a customer: /online takes, the card reaches them, and their reply reaches Amira', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM.replace('0F8F4C7E-2B1D-4C59-9A5E-3F2D8E6B1A90', '"29:1agentOmarTeamsId"') });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    const omar = 'msteams:29:1agentOmarTeamsId';
    expect((await bf.post(teamsText('/online', teams))).status).toBe(200);
    await settled(bf, omar, OMAR);
    expect(toOmar(bf).map((activity) => activity.text)).toEqual(['You are online: new conversations will come to you.']);
    await bf.post(webchatText('I was charged twice', bf.service.serviceUrl('webchat')));
    await settled(bf, omar);
    expect(toOmar(bf).at(-1)!.text).toMatch(/^#1 · new conversation for Billing\nAmira on Bot Framework/);
    await bf.post(teamsText('Hello Amira, I can see the double charge.', teams));
    await settled(bf, omar);
    expect(toAmira(bf).at(-1)).toBe('Hello Amira, I can see the double charge.');
    // Omar is no customer: only Amira is a contact.
    expect((await bf.app.store.contacts()).map((contact) => contact.name)).toEqual(['Amira']);
  });
});

describe('an agent on Teams whose message is longer than the 32 K characters kept', () => {
  it('reaches the customer cut, and the agent is told it was cut and where it stopped', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const teams = bf.service.serviceUrl('teams');
    expect((await bf.post(teamsText('/online', teams))).status).toBe(200);
    await settled(bf, OMAR);
    expect((await bf.post(webchatText('Can you send me the whole contract?', bf.service.serviceUrl('webchat')))).status).toBe(200);
    await settled(bf, OMAR);

    // A contract pasted whole: the channel keeps 32,768 characters.
    const contract = Array.from({ length: 1000 }, (_, i) => `Clause ${i + 1}: the tenant pays on the first day. `).join('');
    const kept = contract.slice(0, 32 * 1024 - 1);
    expect((await bf.post(teamsText(contract, teams))).status).toBe(200);
    await settled(bf, OMAR);
    expect(toAmira(bf).at(-1)).toBe(`${kept}…`);
    const notice = toOmar(bf).map((activity) => activity.text as string).find((said) => said.startsWith('#1: your message was cut'));
    expect(notice).toContain(`it has ${contract.length} characters`);
    expect(notice).toContain('the customer got it only up to "…');
    expect(notice).toContain(`${kept.trimEnd().slice(-30)}". Send them the rest in another message.`);
  });
});

describe('a Web Chat customer whose message is more than Teams takes in one message (about 28 KB)', () => {
  it('reaches the agent on Teams whole, in parts in order, instead of never (Teams refuses it whole)', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const webchat = bf.service.serviceUrl('webchat');
    expect((await bf.post(teamsText('/online', bf.service.serviceUrl('teams')))).status).toBe(200);
    await bf.post(webchatText('هذا العقد الذي وقعته:', webchat));
    await settled(bf, OMAR);
    // 20,000 characters of Arabic: 40 KB of UTF-8, within the 32 K characters kept.
    const contract = Array.from({ length: 1000 }, (_, i) => `البند ${i + 1}: يدفع المستأجر`).join(' ').padEnd(20_000, ' ب').slice(0, 20_000);
    expect((await bf.post(webchatText(contract, webchat))).status).toBe(200);
    await settled(bf, OMAR);
    const relay = bf.service.sentTo('a:1omarPersonalChat', 'teams').slice(2).map((sent) => sent.activity.text as string);
    expect(relay.length).toBeGreaterThan(1);
    // (The relay sets the customer's words apart from its own with Unicode isolates, as every relay does.)
    expect(relay.join(' ').replace(/[\u2068\u2069]/g, '').replace(/\s+/g, ' ')).toBe(`#1 Amira: ${contract}`.replace(/\s+/g, ' ').trim());
    expect(relay.every((part) => Buffer.byteLength(part) < 28 * 1024)).toBe(true);
    const [, , failed] = await bf.app.store.messagesOfAddress('botframework', OMAR);
    expect(failed).toMatchObject({ status: 'sent' });

    // Throttled at its second part, the next one is sent from there once the wait is over: Omar reads each part once.
    bf.service.failNth(2, connectorError(429, 'Throttled', 'Too many requests', { 'retry-after': '1' }));
    expect((await bf.post(webchatText(contract, webchat))).status).toBe(200);
    await expect.poll(() => bf.service.sentTo('a:1omarPersonalChat', 'teams').length, { timeout: 15_000 }).toBe(2 + 2 * relay.length);
    await settled(bf, OMAR);
    expect(bf.service.sentTo('a:1omarPersonalChat', 'teams').slice(2 + relay.length).map((sent) => sent.activity.text)).toEqual(relay);
  }, 30_000);
});

describe('a Web Chat customer who sends a photo with a long text', () => {
  it('has both reach the agent on Teams, the text first, instead of neither (Teams refuses the two together, over 28 KB)', async () => {
    const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM });
    running.push(bf);
    const webchat = bf.service.serviceUrl('webchat');
    expect((await bf.post(teamsText('/online', bf.service.serviceUrl('teams')))).status).toBe(200);
    await bf.post(webchatText('مرحبا', webchat));
    await settled(bf, OMAR);
    // 3,000 Arabic characters (6 KB) and a 15 KB picture (20 KB inline): together more than Teams takes.
    const text = 'صورة الإيصال المرفقة توضح الخصم المزدوج '.repeat(80).slice(0, 3000);
    const photo = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(15 * 1024 - 8, 7)]);
    const url = bf.service.addFile('/webchat/attachments/receipt.png', photo, 'image/png');
    expect((await bf.post({ ...webchatText(text, webchat), attachments: [{ contentType: 'image/png', contentUrl: url, name: 'receipt.png' }] })).status).toBe(200);
    await settled(bf, OMAR);
    const [words, picture] = bf.service.sentTo('a:1omarPersonalChat', 'teams').slice(2).map((sent) => sent.activity);
    expect(words!.text.replace(/[\u2068\u2069]/g, '')).toBe(`#1 Amira: ${text}`);
    expect(picture!.attachments).toEqual([{ contentType: 'image/png', contentUrl: `data:image/png;base64,${photo.toString('base64')}`, name: 'receipt.png' }]);
  });
});

describe('a Web Chat customer whose message is longer than the 32 K characters kept', () => {
  it('reaches the agent on Teams cut, and the agent is told they read only its start, in English or Arabic', async () => {
    const team = OMAR_TEAM.replace('    teams: [Billing]', '    language: ar\n    teams: [Billing]');
    for (const [desk, told] of [[OMAR_TEAM, '[the customer\'s message was cut: it has 45893 characters, more than their channel keeps, and you read only its start.'], [team, '[قُطعت رسالة العميل: فيها 45893 حرفًا']] as const) {
      const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: desk });
      running.push(bf);
      const teams = bf.service.serviceUrl('teams');
      const webchat = bf.service.serviceUrl('webchat');
      expect((await bf.post(teamsText('/online', teams))).status).toBe(200);
      await settled(bf, OMAR);
      expect((await bf.post(webchatText('Here is the contract I signed:', webchat))).status).toBe(200);
      await settled(bf, OMAR);
      const contract = Array.from({ length: 1000 }, (_, i) => `Clause ${i + 1}: the tenant pays on the first day. `).join('');
      expect(contract).toHaveLength(45893);
      expect((await bf.post(webchatText(contract, webchat))).status).toBe(200);
      await settled(bf, OMAR);
      const relayed = toOmar(bf).map((activity) => activity.text as string).join('\n');
      expect(relayed).toContain(`${contract.slice(32 * 1024 - 60, 32 * 1024 - 1)}…`);
      expect(relayed).toContain(told);
    }
  });
});

describe('an agent on Teams who sends words with a card beside them', () => {
  for (const [language, told] of [
    ['', '#1: your card was not sent to the customer: only words, files, places and contact cards reach them. Write it to them instead.'],
    ['    language: ar\n', 'المحادثة #1: لم يُرسل بطاقة إلى العميل: لا يصله إلا النص والملفات والمواقع وبطاقات جهات الاتصال. اكتب له ما تريد بدلًا منه.'],
  ] as const) {
    it(`has the words reach the customer, and is told once that the card did not${language ? ' (in Arabic)' : ''}`, async () => {
      const bf = await startBotFramework({ flows: { 'inbound.yaml': ASSIGN_FLOW }, team: OMAR_TEAM + language });
      running.push(bf);
      const teams = bf.service.serviceUrl('teams');
      const webchat = bf.service.serviceUrl('webchat');
      expect((await bf.post(teamsText('/online', teams))).status).toBe(200);
      await settled(bf, OMAR);
      await bf.post(webchatText('I was charged twice', webchat));
      await settled(bf, OMAR);
      const before = toOmar(bf).length;

      // Teams' message with an Adaptive Card the agent pasted under his words.
      const card = { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'Refund: 49.00 EUR' }] } };
      expect((await bf.post({ ...teamsText('Here is your refund summary.', teams), attachments: [card] })).status).toBe(200);
      await settled(bf, OMAR);
      expect(toAmira(bf).at(-1)).toBe('Here is your refund summary.');
      expect(toOmar(bf).slice(before).map((activity) => activity.text)).toEqual([told]);
    });
  }
});
