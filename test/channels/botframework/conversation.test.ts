// A customer's conversation through the real server and the fake Bot Framework services: answered by the flow in
// Web Chat and in Teams, choices as suggested actions or a hero card, a pressed button taken as the choice, files
// brought into the media store (a Teams file, a Teams picture with the bot's token, a Web Chat upload), refused with
// a reason when they cannot be had, and reactions recorded without an answer.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileMediaStore } from '../../../src/store/media.ts';
import type { Message } from '../../../src/store/types.ts';
import { cleanupDirs } from '../../helpers.ts';
import { BOT_TOKEN } from './fake-bot-service.ts';
import { fixture, settled, startBotFramework, topicFlow, webchatText, type BotFrameworkServer } from './harness.ts';

const running: BotFrameworkServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0).reverse()) await server.stop();
  await cleanupDirs();
});

const yesNoFlow = `flow: inbound
trigger: { on: conversation.opened, source: contact }
steps:
  - ask: "Did your refund arrive?"
    expect: choice
    choices: [{ id: "yes", title: "Yes" }, { id: "no", title: "No" }]
    save: conversation.refund
  - ask: "Shall we close this conversation?"
    expect: choice
    choices: [{ id: "yes", title: "Yes" }, { id: "no", title: "No" }]
    save: conversation.close
  - say: "Refund: {{conversation.refund}}, close: {{conversation.close}}."
`;
const quietFlow = 'flow: inbound\ntrigger: { on: conversation.opened, source: contact }\nsteps:\n  - say: "Thanks, we got it."\n';

async function server(flow: string, config: Parameters<typeof startBotFramework>[0]['config'] = {}): Promise<BotFrameworkServer> {
  const started = await startBotFramework({ flows: { 'inbound.yaml': flow }, config });
  running.push(started);
  return started;
}

/** The only contact's stored messages. */
async function transcript(bf: BotFrameworkServer): Promise<Message[]> {
  const [contact] = await bf.app.store.contacts();
  return bf.app.store.messagesOfContact(contact!.id);
}

describe('a Web Chat customer', () => {
  it('is answered by the flow, sees the choices as suggested actions, and a pressed one is taken as the choice', async () => {
    const bf = await server(topicFlow);
    const serviceUrl = bf.service.serviceUrl('webchat');
    expect((await bf.post(webchatText('hello', serviceUrl))).status).toBe(200);
    await settled(bf);
    const [question] = bf.service.sentTo('Dz1FxXAbC1e-us', 'webchat');
    expect(question!.activity).toMatchObject({
      type: 'message',
      channelId: 'webchat',
      serviceUrl,
      conversation: { id: 'Dz1FxXAbC1e-us' },
      from: { id: 'acme-bot@Z4qg2Y8rX1w', name: 'Acme Bot' },
      recipient: { id: 'dl_5f0a9c2e' },
      text: 'Which topic?',
      textFormat: 'plain',
      suggestedActions: {
        actions: [
          { type: 'messageBack', title: 'Billing', text: 'Billing', displayText: 'Billing', value: { choice: 'billing' } },
          { type: 'messageBack', title: 'Technical', text: 'Technical', displayText: 'Technical', value: { choice: 'tech' } },
        ],
      },
    });

    expect((await bf.post({ ...fixture('webchat-message-back'), serviceUrl })).status).toBe(200);
    await settled(bf);
    expect(bf.service.sentTo('Dz1FxXAbC1e-us').map((sent) => sent.activity.text)).toEqual(['Which topic?', 'Topic: billing']);
    expect((await transcript(bf)).map((message) => [message.from, message.text, message.choice])).toEqual([
      ['contact', 'hello', undefined], ['bot', 'Which topic?', undefined], ['contact', 'Billing', 'billing'], ['bot', 'Topic: billing', undefined],
    ]);
  });

  it('sends a file the bot fetches from its upload URL into the media store', async () => {
    const bf = await server(quietFlow);
    const serviceUrl = bf.service.serviceUrl('webchat');
    const photo = Buffer.from('\x89PNG\r\n\x1a\n fake receipt photo');
    const url = bf.service.addFile('/directline/attachments/receipt.png', photo, 'image/png');
    await bf.post({ ...webchatText('', serviceUrl), attachments: [{ contentType: 'image/png', contentUrl: url, name: 'receipt.png' }] });
    const [message] = await transcript(bf);
    expect(message!.attachments).toEqual([{ kind: 'image', mime: 'image/png', name: 'receipt.png', size: photo.length, ref: expect.any(String) }]);
    const stored = await new FileMediaStore({ dir: join(bf.dir, 'media'), maxBytes: 1 << 20 }).get(message!.attachments![0]!.ref!);
    const chunks: Buffer[] = [];
    for await (const chunk of stored!.bytes()) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks)).toEqual(photo);
    // The upload is on the activity's own service (the Bot Connector's address): the bot's token goes with it, as with replies.
    expect(bf.service.downloads).toEqual([{ path: '/directline/attachments/receipt.png', token: BOT_TOKEN }]);
  });

  it('who pastes a text longer than 32 K characters is answered, with the text kept cut and marked, instead of seeing it fail on every try', async () => {
    const bf = await server(quietFlow);
    const pasted = 'رقم الطلب 4521 – ليلى 🧾 '.repeat(1600);
    expect(await bf.post(webchatText(pasted, bf.service.serviceUrl('webchat')))).toEqual({ status: 200, body: {} });
    await settled(bf);
    const [message] = await transcript(bf);
    expect(message!.text).toBe(`${pasted.slice(0, 32 * 1024 - 1).replace(/[\ud800-\udbff]$/, '')}…`);
    expect(bf.service.sent.map((sent) => sent.activity.text)).toEqual(['Thanks, we got it.']);
  });

  it('who sends twelve photos at once has the message and the first ten kept, and is told about the last two, instead of losing it all', async () => {
    const bf = await server(quietFlow);
    const serviceUrl = bf.service.serviceUrl('webchat');
    const photos = Array.from({ length: 12 }, (_, n) => ({
      contentType: 'image/png', name: `receipt-${n + 1}.png`,
      contentUrl: bf.service.addFile(`/directline/attachments/receipt-${n + 1}.png`, Buffer.from(`\x89PNG receipt ${n + 1}`), 'image/png'),
    }));
    expect(await bf.post({ ...webchatText('all my receipts', serviceUrl), attachments: photos })).toEqual({ status: 200, body: {} });
    await settled(bf);
    const [message] = await transcript(bf);
    expect(message!.text).toBe('all my receipts');
    expect(message!.attachments!.filter((attachment) => attachment.ref !== undefined)).toHaveLength(10);
    expect(message!.attachments!.filter((attachment) => attachment.refused !== undefined).map((attachment) => [attachment.name, attachment.refused])).toEqual([
      ['receipt-11.png', 'only the first 10 files of a message are kept'],
      ['receipt-12.png', 'only the first 10 files of a message are kept'],
    ]);
    // In the customer's language (Web Chat's locale, ar-EG).
    expect(bf.service.sent.map((sent) => sent.activity.text)).toContainEqual('عذرًا، تعذّر استلام ملفاتك. هل يمكنك إرسال ملفات أصغر؟');
  });

  it('is told when a file cannot be had: too large, not found, or at an address the bot does not fetch from', async () => {
    const bf = await server(quietFlow, { MAX_ATTACHMENT_MB: 1 });
    const serviceUrl = bf.service.serviceUrl('webchat');
    const big = bf.service.addFile('/directline/attachments/video.mp4', Buffer.alloc(1536 * 1024, 1), 'video/mp4');
    await bf.post({
      ...webchatText('three files', serviceUrl),
      attachments: [
        { contentType: 'video/mp4', contentUrl: big, name: 'video.mp4' },
        { contentType: 'application/pdf', contentUrl: `${bf.service.url}/directline/attachments/gone.pdf`, name: 'gone.pdf' },
        { contentType: 'image/png', contentUrl: 'http://169.254.169.254/latest/meta-data/iam', name: 'metadata.png' },
      ],
    });
    await settled(bf);
    const [message] = await transcript(bf);
    expect(message!.attachments!.map((attachment) => [attachment.name, attachment.refused])).toEqual([
      ['video.mp4', 'the file is larger than 1 MB'],
      ['gone.pdf', 'the file could not be downloaded (HTTP 404)'],
      ['metadata.png', 'the file is at an address the bot does not fetch from'],
    ]);
    // Nothing was asked of the metadata address.
    expect(bf.service.downloads.map((download) => download.path)).toEqual(['/directline/attachments/video.mp4']);
    // Web Chat gives the customer's locale (ar-EG): they are told in Arabic.
    expect(bf.service.sent.map((sent) => sent.activity.text)).toContainEqual('عذرًا، تعذّر استلام ملفاتك. هل يمكنك إرسال ملفات أصغر؟');
  });

  it('who names a file on the server\'s own loopback written as IPv6 ([::ffff:127.0.0.1]) is told the bot does not fetch from there, and nothing connects to it', async () => {
    const connections: string[] = [];
    const inside = createServer((socket) => {
      connections.push(socket.remoteAddress ?? '');
      socket.destroy();
    });
    await new Promise<void>((done) => inside.listen(0, '127.0.0.1', done));
    try {
      const port = (inside.address() as { port: number }).port;
      const bf = await server(quietFlow);
      await bf.post({
        ...webchatText('my receipts', bf.service.serviceUrl('webchat')),
        attachments: [
          { contentType: 'image/png', contentUrl: `https://[::ffff:127.0.0.1]:${port}/admin.png`, name: 'mapped.png' },
          { contentType: 'image/png', contentUrl: `https://[::ffff:7f00:1]:${port}/admin.png`, name: 'mapped-hex.png' },
          { contentType: 'image/png', contentUrl: 'https://[::ffff:a9fe:a9fe]/latest/meta-data/', name: 'metadata.png' },
        ],
      });
      await settled(bf);
      const [message] = await transcript(bf);
      expect(message!.attachments!.map((attachment) => [attachment.name, attachment.refused])).toEqual([
        ['mapped.png', 'the file is at an address the bot does not fetch from'],
        ['mapped-hex.png', 'the file is at an address the bot does not fetch from'],
        ['metadata.png', 'the file is at an address the bot does not fetch from'],
      ]);
      expect(connections).toEqual([]);
    } finally {
      inside.close();
    }
  });
});

describe('a Slack customer, through the Azure Bot Service', () => {
  it('reads the choices as numbered lines (Slack shows no suggested actions), and a typed number picks one', async () => {
    const bf = await server(topicFlow);
    const serviceUrl = bf.service.serviceUrl('slack');
    const slack = (id: string, text: string) => ({
      type: 'message', id, timestamp: '2026-11-24T03:20:00.000Z', channelId: 'slack', serviceUrl, text,
      from: { id: 'U04AB12CD:T01XYZ789', name: 'Karim' }, recipient: { id: 'B05BOT001:T01XYZ789', name: 'Acme Bot' },
      conversation: { id: 'B05BOT001:T01XYZ789:D06DM0001', isGroup: false },
    });
    expect((await bf.post(slack('1764000700.000100', 'hello'))).status).toBe(200);
    await settled(bf);
    const [question] = bf.service.sentTo('B05BOT001:T01XYZ789:D06DM0001', 'slack');
    expect(question!.activity.text).toBe('Which topic?\n\n1. Billing\n2. Technical');
    expect(question!.activity.suggestedActions).toBeUndefined();

    await bf.post(slack('1764000710.000200', '2'));
    await settled(bf);
    expect(bf.service.sentTo('B05BOT001:T01XYZ789:D06DM0001').at(-1)!.activity.text).toBe('Topic: tech');
  });
});

describe('a Teams customer', () => {
  it('gets the choices on a hero card, and a pressed button is taken as the choice', async () => {
    const bf = await server(topicFlow);
    const serviceUrl = bf.service.serviceUrl('teams');
    await bf.post({ ...fixture('teams-message'), serviceUrl });
    await settled(bf);
    const [question] = bf.service.sentTo('a:1convId', 'teams');
    expect(question!.activity).toMatchObject({ channelId: 'msteams', conversation: { id: 'a:1convId', conversationType: 'personal' }, recipient: { id: '29:1abcUserId' } });
    expect(question!.activity.suggestedActions).toBeUndefined();
    expect(question!.activity.attachments).toEqual([{
      contentType: 'application/vnd.microsoft.card.hero',
      content: {
        text: 'Which topic?',
        images: [],
        buttons: [
          { type: 'messageBack', title: 'Billing', text: 'Billing', displayText: 'Billing', value: { choice: 'billing', of: expect.any(Number) } },
          { type: 'messageBack', title: 'Technical', text: 'Technical', displayText: 'Technical', value: { choice: 'tech', of: expect.any(Number) } },
        ],
      },
    }]);

    await bf.post({ ...fixture('teams-message'), id: 'f5c1a2b0-0002', serviceUrl, text: 'Technical', value: { choice: 'tech' } });
    await settled(bf);
    expect(bf.service.sentTo('a:1convId').at(-1)!.activity.text).toBe('Topic: tech');
  });

  it('who presses a button of an old card in the chat (Teams keeps cards) is told the question was answered, and no conversation opens for it', async () => {
    const bf = await server(topicFlow);
    const serviceUrl = bf.service.serviceUrl('teams');
    await bf.post({ ...fixture('teams-message'), serviceUrl });
    await bf.post({ ...fixture('teams-message'), id: 'f5c1a2b0-0002', serviceUrl, text: 'Billing', value: { choice: 'billing' } });
    await settled(bf);
    expect(bf.service.sentTo('a:1convId').at(-1)!.activity.text).toBe('Topic: billing');
    // The flow has ended; days later Jonas presses Technical on the card still in his chat. Before: a new conversation.
    await bf.post({ ...fixture('teams-message'), id: 'f5c1a2b0-0003', serviceUrl, text: 'Technical', value: { choice: 'tech' } });
    await settled(bf);
    expect(bf.service.sentTo('a:1convId').at(-1)!.activity.text).toBe('That button is from a question you already answered. This conversation is closed: write to us here any time.');
    const conversations = await bf.app.store.conversations();
    expect(conversations).toHaveLength(1);
    // Kept in the transcript as the title pressed, not the choice's id.
    const said = await bf.app.store.messagesOfConversation(conversations[0]!.id);
    expect(said.filter((message) => message.direction === 'in').at(-1)).toMatchObject({ from: 'contact', text: 'Technical', choice: 'tech' });
  });

  it('who presses Yes on the first of two yes/no cards is told it was answered: the button names its card, and the second question is asked again', async () => {
    const bf = await server(yesNoFlow);
    const serviceUrl = bf.service.serviceUrl('teams');
    /** Jonas presses the button titled `title` on the `index`th card he got: its value as the card carries it. */
    const press = (index: number, title: string, id: string) => {
      const card = bf.service.sentTo('a:1convId')[index]!.activity.attachments[0].content;
      const button = card.buttons.find((offered: { title: string }) => offered.title === title);
      return bf.post({ ...fixture('teams-message'), id, serviceUrl, text: button.text, value: button.value });
    };
    const texts = () => bf.service.sentTo('a:1convId').map((sent) => sent.activity.text ?? sent.activity.attachments[0].content.text);
    await bf.post({ ...fixture('teams-message'), serviceUrl });
    await settled(bf);
    await press(0, 'No', 'f5c1a2b0-0002');
    await settled(bf);
    expect(texts()).toEqual(['Did your refund arrive?', 'Shall we close this conversation?']);
    // Before: the first card's Yes answered the second question ("Refund: no, close: yes.").
    await press(0, 'Yes', 'f5c1a2b0-0003');
    await settled(bf);
    expect(texts().slice(2)).toEqual(['That button is from a question you already answered.', 'Shall we close this conversation?']);
    await press(3, 'No', 'f5c1a2b0-0004');
    await settled(bf);
    expect(texts().at(-1)).toBe('Refund: no, close: no.');
  });

  it('who presses Yes on a card of an earlier, closed conversation is told so, and the new conversation\'s question is asked again', async () => {
    const bf = await server(yesNoFlow);
    const serviceUrl = bf.service.serviceUrl('teams');
    const press = (index: number, title: string, id: string) => {
      const card = bf.service.sentTo('a:1convId')[index]!.activity.attachments[0].content;
      const button = card.buttons.find((offered: { title: string }) => offered.title === title);
      return bf.post({ ...fixture('teams-message'), id, serviceUrl, text: button.text, value: button.value });
    };
    const texts = () => bf.service.sentTo('a:1convId').map((sent) => sent.activity.text ?? sent.activity.attachments[0].content.text);
    await bf.post({ ...fixture('teams-message'), serviceUrl });
    await settled(bf);
    await press(0, 'No', 'f5c1a2b0-0012');
    await settled(bf);
    await press(1, 'No', 'f5c1a2b0-0013');
    await settled(bf);
    expect(texts().at(-1)).toBe('Refund: no, close: no.');
    // Days later Jonas writes again: a new conversation asks the first question again, under a new card.
    await bf.post({ ...fixture('teams-message'), id: 'f5c1a2b0-0014', serviceUrl });
    await settled(bf);
    expect(texts().at(-1)).toBe('Did your refund arrive?');
    // The first conversation's card, which Teams keeps: before, its Yes answered the new question.
    await press(0, 'Yes', 'f5c1a2b0-0015');
    await settled(bf);
    expect(texts().slice(4)).toEqual(['That button is from an earlier conversation.', 'Did your refund arrive?']);
    const conversations = await bf.app.store.conversations();
    expect(conversations.map((conversation) => [conversation.status, conversation.fields.refund])).toEqual([['closed', 'no'], ['open', undefined]]);
    await press(5, 'Yes', 'f5c1a2b0-0016');
    await settled(bf);
    expect(texts().at(-1)).toBe('Shall we close this conversation?');
  });

  it('sends a file from its download link, and a picture the Bot Connector serves only to the bot\'s token', async () => {
    const bf = await server(quietFlow);
    const serviceUrl = bf.service.serviceUrl('teams');
    const pdf = Buffer.from('%PDF-1.7 invoice 4521');
    const picture = Buffer.from('\xff\xd8\xff fake screenshot');
    const download = bf.service.addFile('/sharepoint/download.aspx', pdf, 'application/pdf');
    const inline = bf.service.addFile('/teams/v3/attachments/0-weu-d4-7a1b2c3d4e5f/views/original', picture, 'image/jpeg', { needsToken: true });
    const file = fixture('teams-file');
    file.attachments[0].content.downloadUrl = download;
    await bf.post({ ...file, serviceUrl });
    const image = fixture('teams-image');
    image.attachments[0].contentUrl = inline;
    await bf.post({ ...image, serviceUrl });
    await settled(bf);

    const [sentFile, , sentPicture] = await transcript(bf);
    expect(sentFile!.attachments).toEqual([{ kind: 'document', name: 'invoice-4521.pdf', mime: 'application/pdf', size: pdf.length, ref: expect.any(String) }]);
    expect(sentPicture).toMatchObject({ text: 'the error I get', attachments: [{ kind: 'image', mime: 'image/jpeg', size: picture.length }] });
    expect(bf.service.downloads).toEqual([
      { path: '/sharepoint/download.aspx', token: '' },
      { path: '/teams/v3/attachments/0-weu-d4-7a1b2c3d4e5f/views/original', token: BOT_TOKEN },
    ]);
  });

  it('sends a picture the Bot Connector no longer serves to the bot\'s token from before: the bot asks for a new one and keeps the picture', async () => {
    const bf = await server(quietFlow);
    const serviceUrl = bf.service.serviceUrl('teams');
    const image = fixture('teams-image');
    await bf.post({ ...fixture('teams-message'), serviceUrl, from: image.from });
    await settled(bf);
    const picture = Buffer.from('\xff\xd8\xff fake screenshot');
    image.attachments[0].contentUrl = bf.service.addFile('/teams/v3/attachments/0-weu-d4-7a1b2c3d4e5f/views/original', picture, 'image/jpeg', { needsToken: true });
    const renewed = bf.service.expireToken();
    await bf.post({ ...image, serviceUrl });
    await settled(bf);
    expect((await transcript(bf)).at(-2)).toMatchObject({ text: 'the error I get', attachments: [{ kind: 'image', mime: 'image/jpeg', size: picture.length }] });
    expect(bf.service.downloads.map((download) => download.token)).toEqual([BOT_TOKEN, renewed]);
  });

  it('reacting to the bot\'s message is recorded against it, never answered', async () => {
    const bf = await server(quietFlow);
    const serviceUrl = bf.service.serviceUrl('teams');
    await bf.post({ ...fixture('teams-message'), serviceUrl, from: { id: '29:1abcUserId', name: 'Jonas', aadObjectId: '6b1e2a3c-4d5e-4f60-8a7b-9c0d1e2f3a4b' } });
    await settled(bf);
    const [reply] = bf.service.sentTo('a:1convId');
    expect((await bf.post({ ...fixture('teams-reaction'), serviceUrl, replyToId: reply!.id })).status).toBe(200);
    await settled(bf);
    const messages = await transcript(bf);
    expect(messages.map((message) => [message.text, message.channelMessageId, message.reaction])).toEqual([
      ['I need help with my invoice', 'a:1convId:f5c1a2b0-0001', undefined],
      ['Thanks, we got it.', `a:1convId:${reply!.id}`, undefined],
      ['[reacted 👍]', 'a:1convId:f:8d1e7b5a-0b4c-4e4f-a1c2-3d4e5f607182', { emoji: '👍', to: `a:1convId:${reply!.id}` }],
    ]);
    expect(bf.service.sent).toHaveLength(1);
  });
});
